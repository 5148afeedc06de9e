using SparseAe.Cli.Infrastructure;
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

    // An output path of blanks is refused as empty, not written as a file named " " in the current folder. (Mutation audit:
    // the check for an empty path alone passed every test.)
    [Theory]
    [InlineData("featurize", "--model", "m.zip", "--csv", "in.csv", "--out", " ")]
    [InlineData("export-onnx", "--model", "m.zip", "--out", "  ")]
    public void An_output_path_of_blanks_is_refused_as_empty(params string[] args)
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "m.zip"), "");
        File.WriteAllText(Path.Combine(dir, "in.csv"), "1,2\n");
        var (code, output, error) = Cli.Run(dir, args);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --out is empty; give a file name.", error.TrimEnd());
        Assert.Equal(["in.csv", "m.zip"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    // Two paths that differ only in case are one file where each folder they differ in ignores case: a name is looked up
    // in its own folder, which may ignore case where the output's folder does not. Only the output's folder was asked, so on
    // a Mac "featurize --csv /Volumes/Disk/in.csv --out /volumes/Disk/in.csv", with Disk a case-sensitive volume, replaced
    // the input CSV (the root's volume ignores case, so /volumes is /Volumes); so a case-sensitive folder in a case-folding one
    // (Windows' per-folder case sensitivity, which WSL gives its folders; ext4's casefold). Here the folders are told by a
    // stand-in for the probe: the root ignores case, and nothing below it does.
    [Theory]
    [InlineData("/Volumes/Disk/in.csv", "/volumes/Disk/in.csv", true)]    // the folder named differently ignores case
    [InlineData("/Volumes/Disk/in.csv", "/Volumes/Disk/IN.csv", false)]   // the file named differently, in a folder that does not
    [InlineData("/Volumes/Disk/in.csv", "/volumes/Disk/IN.csv", false)]   // both: one folder tells them apart
    [InlineData("/Volumes/Disk/in.csv", "/Volumes/disk/in.csv", false)]
    [InlineData("/Volumes/Disk/in.csv", "/Volumes/Disk/in.csv", true)]
    [InlineData("/Volumes/Disk/in.csv", "/Volumes/Disk/out.csv", false)]
    public void Paths_that_differ_in_case_are_one_file_where_each_folder_they_differ_in_ignores_case(string output, string other, bool same)
    {
        string root = Path.GetPathRoot(Path.GetFullPath("/"))!;
        string Full(string path) => Path.GetFullPath(root + path[1..].Replace('/', Path.DirectorySeparatorChar));
        bool? RootIgnoresCase(string folder) => folder == root;
        Assert.Equal(same, CliFiles.SameFile(Full(output), Full(other), RootIgnoresCase));
        Assert.Equal(same, CliFiles.SameFile(Full(other), Full(output), RootIgnoresCase));
    }

    // The folder's answer, not the OS's: on Linux the two were always two files, so "featurize --csv in.csv --out IN.csv"
    // on an exFAT drive replaced the input (the commit that asked the folder tested it only where TMPDIR is on one).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Names_that_differ_in_case_are_one_file_where_their_folder_ignores_case(bool ignores)
    {
        string folder = Path.GetFullPath("/data");
        Assert.Equal(ignores, CliFiles.SameFile(Path.Combine(folder, "in.csv"), Path.Combine(folder, "IN.csv"), f => f == folder ? ignores : null));
    }

    // A folder where no file can be made to try (null) is taken to be as its OS's are by default: case-sensitive on Linux,
    // ignoring case on Windows and macOS. (Mutation audit: the default turned around passed every test.)
    [Fact]
    public void Names_that_differ_in_case_in_a_folder_that_cannot_be_tried_are_as_the_OS_says_by_default()
    {
        string folder = Path.GetFullPath("/data");
        Assert.Equal(!OperatingSystem.IsLinux(), CliFiles.SameFile(Path.Combine(folder, "in.csv"), Path.Combine(folder, "IN.csv"), _ => null));
    }
}
