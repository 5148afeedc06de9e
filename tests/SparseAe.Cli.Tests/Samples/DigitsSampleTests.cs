using System.Diagnostics;
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
    public async Task Ctrl_C_while_the_fresh_process_predicts_removes_the_temporary_folder()
    {
        // The saved model and the test rows go to TMPDIR/digits-sample-PID, removed by a finally block that Ctrl+C
        // (SIGINT) skips: a Ctrl+C while the fresh process loaded the model and predicted ended the sample with exit
        // 130 and left the folder, digits.zip and test.csv in it, in the temporary folder (one more per interrupted run).
        using var dir = new TempFolder();
        var start = Cli.ProgramStartInfo("DigitsSamplePath");
        start.Environment["TMPDIR"] = dir.Path;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        string rows = Path.Combine(dir, $"digits-sample-{process.Id}", "test.csv");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(rows))
        {
            if (process.HasExited) Assert.Fail($"the sample ended before it saved its model: {await stderr}");
            Assert.True(clock.Elapsed.TotalSeconds < 240, "the sample did not save its model within 4 minutes");
            Thread.Sleep(20);
        }
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])!) kill.WaitForExit();
        Assert.True(process.WaitForExit(60_000), "the sample did not stop within a minute of SIGINT");
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {await stderr}\n{await stdout}");
        Assert.Empty(Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
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
