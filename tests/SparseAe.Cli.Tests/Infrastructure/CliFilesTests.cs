using Xunit;

namespace SparseAe.Cli.Tests.Infrastructure;

/// <summary>The checks every command makes on the files it is given (CliFiles), seen through the program.</summary>
public class CliFilesTests
{
    // An empty input path failed inside .NET's path API: "error: The value cannot be an empty string.", naming no flag
    // and no file, while an empty output ("--out ''") and an empty bench folder ("--folder ''") were named.
    [Theory]
    [InlineData("error: --model is empty; give a file.", "show", "--model", "")]
    [InlineData("error: --model is empty; give a file.", "export-onnx", "--model", "")]
    [InlineData("error: --model is empty; give a file.", "featurize", "--model", "", "--csv", "in.csv")]
    [InlineData("error: --csv is empty; give a file.", "featurize", "--model", "m.zip", "--csv", "")]
    [InlineData("error: --csv is empty; give a file.", "train", "--csv", "")]
    [InlineData("error: --mat is empty; give a file.", "train", "--mat", "")]
    [InlineData("error: --idx is empty; give a file.", "train", "--idx", "")]
    [InlineData("error: --images is empty; give a file.", "train", "--images", "")]
    [InlineData("error: MAT file path is empty; give a file.", "inspect", "")]
    public void An_empty_input_path_is_refused_naming_what_it_is_for(string expected, params string[] args)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, args);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal(expected, error.TrimEnd());
    }
}
