using SparseAe.Samples;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The samples' command line (samples/Shared/SampleCommandLine.cs), as FashionMnist and WordNetSupersenses call it.</summary>
public class SampleCommandLineTests
{
    private static readonly Dictionary<string, string> Values = new() { ["--data"] = "a file", ["--output-dir"] = "a folder" };

    private static (IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Switches) Parse(params string[] args)
        => SampleCommandLine.Parse(args, Values, ["--quick"]);

    [Fact]
    public void Values_and_switches_are_read_in_any_order_and_what_is_not_given_is_absent()
    {
        var (values, switches) = Parse("--quick", "--output-dir", "out", "--data", "d.noun");
        Assert.Equal(new Dictionary<string, string> { ["--output-dir"] = "out", ["--data"] = "d.noun" }, values);
        Assert.Equal(["--quick"], switches);

        var none = Parse();
        Assert.Empty(none.Values);
        Assert.Empty(none.Switches);
    }

    // FashionMnist --help said "unknown argument '--help'" and exited 2; then --quick --help did.
    [Theory]
    [InlineData(true, "--help")]
    [InlineData(true, "-h")]
    [InlineData(true, "--help", "--quick")]
    [InlineData(true, "--quick", "--help")]
    [InlineData(true, "--output-dir", "out", "-h")]
    [InlineData(false)]
    [InlineData(false, "--quick")]
    [InlineData(false, "--output-dir", "help")]
    public void Help_is_asked_for_by_help_or_h_anywhere(bool asks, params string[] args)
    {
        Assert.Equal(asks, SampleCommandLine.AsksForHelp(args));
        if (asks) Assert.Throws<ArgumentException>(() => Parse(args));   // not an option: the program asks first
    }

    [Fact]
    public void An_option_given_twice_is_refused_naming_both_values_rather_than_the_last_winning()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse("--output-dir", "a", "--quick", "--output-dir", "b"));
        Assert.Equal("--output-dir is given twice ('a' and 'b'); give it once", error.Message);
    }

    [Fact]
    public void A_switch_given_twice_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse("--quick", "--quick"));
        Assert.Equal("--quick is given twice; give it once", error.Message);
    }

    [Theory]
    [InlineData(new[] { "--data" }, "--data needs a file after it")]
    [InlineData(new[] { "--output-dir", "--quick" }, "--output-dir needs a folder after it")]
    [InlineData(new[] { "--output-dir", "" }, "--output-dir needs a folder after it")]
    [InlineData(new[] { "--quik" }, "unknown argument '--quik'")]
    [InlineData(new[] { "--quick", "extra" }, "unknown argument 'extra'")]
    public void A_missing_value_or_an_unknown_argument_is_refused_by_name(string[] args, string message)
        => Assert.Equal(message, Assert.Throws<ArgumentException>(() => Parse(args)).Message);
}
