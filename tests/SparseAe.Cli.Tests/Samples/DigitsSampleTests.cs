using System.Text.RegularExpressions;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The digits sample (samples/Digits), run in its own process as a user runs it.</summary>
public class DigitsSampleTests
{
    [Theory]
    [InlineData("x", "--help")]
    [InlineData("--help", "x")]
    [InlineData("-h", "-h")]
    public void Help_anywhere_among_the_arguments_prints_the_usage_as_the_other_samples_and_sparseae_do(string first, string second)
    {
        // It took --help only alone: "Digits x --help" said "unknown argument 'x'", exit 2, where FashionMnist,
        // WordNetSupersenses (SampleCommandLine.AsksForHelp) and sparseae's commands print their usage, exit 0.
        var (code, output, error) = Cli.RunProgram("DigitsSamplePath", first, second);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("usage: Digits", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Under_a_German_locale_its_figures_are_written_as_its_expected_output_writes_them()
    {
        // Its output is compared with samples/Digits/expected-output.txt (.ci/check-output.py reads "0.9803"):
        // under de_DE it printed "0,9634" and "348 of 355 right (0,9803)", which the check refused line by line.
        var start = Cli.ProgramStartInfo("DigitsSamplePath");
        start.Environment["LANG"] = start.Environment["LC_ALL"] = "de_DE.UTF-8";
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var figures = Regex.Matches(output, @"\d+[.,]\d+").Select(m => m.Value).ToArray();
        Assert.Equal(4, figures.Length);
        Assert.All(figures, f => Assert.Matches(@"^0\.\d{4}$", f));
    }
}
