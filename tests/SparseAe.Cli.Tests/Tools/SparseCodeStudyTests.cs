using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Tools;

/// <summary>tools/SparseAe.SparseCodeStudy, run in its own process as a user runs it.</summary>
public class SparseCodeStudyTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.RunProgram("SparseCodeStudyPath", args);

    // A damaged rows file or IDX file raises the readers' InvalidDataException, which the program did not catch:
    // "Unhandled exception. System.IO.InvalidDataException: ..." with a stack trace and exit 134.
    [Fact]
    public void A_patches_csv_that_is_not_numbers_is_refused_in_one_line()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("rows.csv"), "1,2\nroot:x:0:0\n");
        var (code, output, error) = Run("--patches-csv", dir.File("rows.csv"), "--out", dir.File("out"), "--only", "patches");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith($"error: CSV '{dir.File("rows.csv")}' line 2", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_truncated_fashion_idx_file_is_refused_in_one_line()
    {
        using var dir = new TempFolder();
        // A labels file whose header promises 10 labels and holds 3.
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3]);
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]);
        var (code, output, error) = Run("--fashion-dir", dir.Path, "--out", dir.File("out"), "--only", "fashion");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: ", error);
        Assert.Contains("truncated", error);
        Assert.DoesNotContain("   at ", error);
    }
    // --seed took any integer and --threads any from 0 up: the options' rules refused a negative seed or more than
    // 65,535 threads only once the data were read and the first model was set up, in ML.NET's two lines naming
    // 'Seed' and 'Threads' ("... (Parameter 'Seed')\nActual value was -1."), after the output folder was made.
    [Fact]
    public void A_negative_seed_is_refused_by_its_flag_before_any_data_are_read()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Run("--seed", "-1", "--patches-csv", dir.File("missing.csv"), "--out", dir.File("out"), "--only", "patches");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --seed must be an integer of at least 0, but is '-1'.", error.TrimEnd());
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Threads_beyond_the_most_a_training_takes_are_refused_by_the_flag_before_any_data_are_read()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Run("--threads", "65536", "--patches-csv", dir.File("missing.csv"), "--out", dir.File("out"), "--only", "patches");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --threads must be an integer in 0..65535, but is '65536'.", error.TrimEnd());
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
