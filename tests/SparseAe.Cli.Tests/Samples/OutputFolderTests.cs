using SparseAe.Samples;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The samples' check of --output-dir (samples/Shared/OutputFolder.cs), as FashionMnist and WordNetSupersenses call it.</summary>
public class OutputFolderTests
{
    private static readonly string[] Outputs = ["model.zip", "filters.png"];

    // The check made the folder at the start of the run and left it there, so a run stopped by Ctrl+C in its hours of
    // training (or failing before its outputs) left an empty --output-dir, and its missing parents, behind.
    [Fact]
    public void A_folder_that_can_be_made_is_accepted_and_not_left_behind_nor_its_parents()
    {
        using var dir = new TempFolder();
        string folder = Path.Combine(dir, "runs", "fashion", "out");
        Assert.Null(OutputFolder.Problem(folder, Outputs));
        Assert.False(Directory.Exists(Path.Combine(dir, "runs")), "the check left the folders it made behind");
        Assert.Equal([], Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void An_existing_folder_is_accepted_and_kept_with_what_it_holds()
    {
        using var dir = new TempFolder();
        string folder = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "kept");
        Assert.Null(OutputFolder.Problem(folder, Outputs));
        Assert.Equal([Path.Combine(folder, "notes.txt")], Directory.EnumerateFileSystemEntries(folder));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(folder, "notes.txt")));
    }

    [Fact]
    public void A_folder_under_a_file_is_refused_naming_the_file_and_nothing_is_made()
    {
        using var dir = new TempFolder();
        string file = Path.Combine(dir, "report.txt");
        File.WriteAllText(file, "");
        Assert.Equal($"'{file}' is a file, so the folder '{Path.Combine(file, "out")}' cannot be made under it",
                     OutputFolder.Problem(Path.Combine(file, "out"), Outputs));
        Assert.Equal($"'{file}' is a file, not a folder", OutputFolder.Problem(file, Outputs));
        Assert.Equal([file], Directory.EnumerateFileSystemEntries(dir));
    }

    // The first name too: its write check ran first and said "the output folder '...' cannot be created or written to
    // (Cannot write '.../model.zip': it is a folder.)", of a folder that could be.
    [Theory]
    [InlineData("model.zip")]
    [InlineData("filters.png")]
    public void An_output_name_taken_by_a_folder_is_refused_naming_it(string name)
    {
        using var dir = new TempFolder();
        string folder = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, name));
        Assert.Equal($"'{Path.Combine(folder, name)}' is a folder, so {name} cannot be written there; remove it or choose another --output-dir",
                     OutputFolder.Problem(folder, Outputs));
    }

    // A folder that exists but takes no new file, even for root: the write check must run with one output name as with several.
    [Fact]
    public void A_folder_that_takes_no_new_file_is_refused_with_one_output_name_too()
    {
        Assert.StartsWith("the output folder '/proc/self' cannot be created or written to (", OutputFolder.Problem("/proc/self", ["model.zip"]));
        Assert.StartsWith("the output folder '/proc/self' cannot be created or written to (", OutputFolder.Problem("/proc/self", Outputs));
    }
}
