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
}
