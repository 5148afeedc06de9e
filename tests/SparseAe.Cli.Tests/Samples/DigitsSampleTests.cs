using System.Text.RegularExpressions;
using SparseAe.Tests.Support;
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
    public void A_TMPDIR_that_does_not_exist_is_refused_before_training_and_not_made()
    {
        // Its check that a folder can be made in the temporary folder made TMPDIR itself (and its parents), which it
        // then left behind: TMPDIR=/nonexistent ran to exit 0 and left a folder /nonexistent.
        using var dir = new TempFolder();
        string missing = Path.Combine(dir, "missing", "tmp");
        var start = Cli.ProgramStartInfo("DigitsSamplePath");
        start.Environment["TMPDIR"] = missing;
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 1, $"exit {code}: {error}\n{output}");
        Assert.Equal($"Digits: the temporary folder '{missing}/' does not exist (check TMPDIR)", error.TrimEnd());
        Assert.Equal("", output);
        Assert.False(Directory.Exists(Path.Combine(dir, "missing")));
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
