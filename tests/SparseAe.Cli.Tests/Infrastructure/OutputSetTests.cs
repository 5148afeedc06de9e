using SparseAe.Cli.Infrastructure;
using Xunit;

namespace SparseAe.Cli.Tests.Infrastructure;

/// <summary>
/// A run's outputs are written all or nothing: train replaced them one by one, so a full disk at the curve left the
/// new model beside the last run's filters and curve.
/// </summary>
public class OutputSetTests
{
    // What .NET says when the disk fills as a file is written: the file's path (the temporary file's) in the message.
    private static void DiskFull(Stream s) => throw new IOException($"No space left on device : '{((FileStream)s).Name}'");

    [Fact]
    public void An_output_that_cannot_be_written_leaves_every_output_as_it_was()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("m.zip"), "old model");
        File.WriteAllText(dir.File("c.png"), "old curve");
        var set = new OutputSet();
        set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
        set.Add("--filters", dir.File("f.png"), s => s.Write("new filters"u8));
        var e = Assert.Throws<UsageException>(() => set.Add("--curve", dir.File("c.png"), DiskFull));
        set.Dispose();

        Assert.Equal($"--curve '{dir.File("c.png")}' cannot be written: No space left on device; no output was replaced.", e.Message);
        Assert.Equal("old model", File.ReadAllText(dir.File("m.zip")));
        Assert.Equal("old curve", File.ReadAllText(dir.File("c.png")));
        Assert.False(File.Exists(dir.File("f.png")));
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    [Fact]
    public void The_first_output_that_cannot_be_written_says_only_its_own_failure()
    {
        using var dir = new TempFolder();
        using var set = new OutputSet();
        var e = Assert.Throws<UsageException>(() => set.Add("--model", dir.File("m.zip"), DiskFull));
        Assert.Equal($"--model '{dir.File("m.zip")}' cannot be written: No space left on device", e.Message);
    }

    [Fact]
    public void Every_output_is_written_on_commit_and_none_before()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("m.zip"), "old model");
        using (var set = new OutputSet())
        {
            set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
            set.Add("--curve", dir.File("c.png"), s => s.Write("new curve"u8));
            Assert.Equal("old model", File.ReadAllText(dir.File("m.zip")));
            Assert.False(File.Exists(dir.File("c.png")));
            set.Commit();
        }
        Assert.Equal("new model", File.ReadAllText(dir.File("m.zip")));
        Assert.Equal("new curve", File.ReadAllText(dir.File("c.png")));
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    // A device or pipe (/dev/stdout) among the outputs was written as it was staged: a later file that could not be
    // written left the pipe holding part of a run that "replaced no output". It is written after every file is staged.
    [Fact]
    public void A_device_among_the_outputs_is_written_only_once_every_file_is_staged()
    {
        if (!File.Exists("/dev/full")) return;
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("m.zip"), "old model");
        using (var set = new OutputSet())
        {
            set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
            set.Add("--curve", "/dev/full", s => s.Write("a curve"u8));   // not written yet, so not failed yet
            var e = Assert.Throws<UsageException>(() => set.Add("--save-rows", dir.File("rows.csv"), DiskFull));
            Assert.StartsWith("--save-rows ", e.Message);
        }
        using (var set = new OutputSet())
        {
            set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
            set.Add("--curve", "/dev/full", s => s.Write("a curve"u8));
            var e = Assert.Throws<UsageException>(set.Commit);
            Assert.Equal("--curve '/dev/full' cannot be written: No space left on device; no output was replaced.", e.Message);
        }
        Assert.Equal("old model", File.ReadAllText(dir.File("m.zip")));
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    // A device that is the only output: there is no other output that could have been replaced, so nothing is said of
    // others, as of a lone file that fails. (Mutation audit: "; no output was replaced." added to it passed every test.)
    [Fact]
    public void A_device_that_is_the_only_output_says_only_its_own_failure()
    {
        if (!File.Exists("/dev/full")) return;
        using var set = new OutputSet();
        set.Add("--curve", "/dev/full", s => s.Write("a curve"u8));
        var e = Assert.Throws<UsageException>(set.Commit);
        Assert.Equal("--curve '/dev/full' cannot be written: No space left on device", e.Message);
    }

    // Two devices: the second failed after the first had its bytes, and the message said "no output was replaced",
    // which is true of the files only.
    [Fact]
    public void A_device_that_fails_after_another_was_written_names_the_one_written()
    {
        if (!File.Exists("/dev/full") || !File.Exists("/dev/null")) return;
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("m.zip"), "old model");
        using var set = new OutputSet();
        set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
        set.Add("--filters", "/dev/null", s => s.Write("filters"u8));
        set.Add("--curve", "/dev/full", s => s.Write("a curve"u8));
        var e = Assert.Throws<UsageException>(set.Commit);
        Assert.Equal("--curve '/dev/full' cannot be written: No space left on device; no file was replaced, but --filters '/dev/null' was written.", e.Message);
        Assert.Equal("old model", File.ReadAllText(dir.File("m.zip")));
    }

    [Fact]
    public void A_rename_that_fails_part_way_names_the_outputs_it_had_replaced()
    {
        using var dir = new TempFolder();
        using var set = new OutputSet();
        set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
        set.Add("--curve", dir.File("c.png"), s => s.Write("new curve"u8));
        // The folder changes under the run: a folder now stands where the curve goes, which no file can be renamed over.
        Directory.CreateDirectory(dir.File("c.png"));
        var e = Assert.Throws<UsageException>(set.Commit);
        Assert.StartsWith($"--curve '{dir.File("c.png")}' cannot be written: ", e.Message);
        Assert.EndsWith($"; the outputs before it were replaced: --model '{dir.File("m.zip")}'.", e.Message);
        Assert.Equal("new model", File.ReadAllText(dir.File("m.zip")));
    }

    // A file that refuses to be renamed over (on Windows, a read-only file, or one another process holds open; on Linux an
    // immutable one) failed the rename with UnauthorizedAccessException, which no catch took: train said "error: Access to
    // the path '...' is denied.", naming no flag, and not that the model before it had been replaced.
    [Fact]
    public void A_rename_refused_by_the_file_renamed_over_names_its_flag_and_the_outputs_replaced()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("c.png"), "old curve");
        if (!Protect(dir.File("c.png"), on: true)) return;
        try
        {
            using var set = new OutputSet();
            set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
            set.Add("--curve", dir.File("c.png"), s => s.Write("new curve"u8));
            var e = Assert.Throws<UsageException>(set.Commit);
            Assert.StartsWith($"--curve '{dir.File("c.png")}' cannot be written: ", e.Message);
            Assert.EndsWith($"; the outputs before it were replaced: --model '{dir.File("m.zip")}'.", e.Message);
            Assert.DoesNotContain(".tmp", e.Message);
            Assert.Equal("old curve", File.ReadAllText(dir.File("c.png")));
        }
        finally
        {
            Protect(dir.File("c.png"), on: false);
        }
        Assert.Empty(Directory.GetFiles(dir, ".*"));
    }

    // Makes a file refuse a rename over it, or undoes that: read-only on Windows, immutable (chattr +i, as root) on
    // Linux; false where that cannot be done.
    private static bool Protect(string path, bool on)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, on ? FileAttributes.ReadOnly : FileAttributes.Normal);
            return true;
        }
        try
        {
            using var chattr = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [on ? "+i" : "-i", path])
                { RedirectStandardError = true, RedirectStandardOutput = true })!;
            chattr.WaitForExit();
            return chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;   // no chattr
        }
    }

    // A device is written before the files are renamed, and is no file replaced: a rename that then failed said
    // "the outputs before it were replaced: --curve '/dev/null'" when no file had been (the device, once written, was
    // taken for a file and listed among the renamed).
    [Fact]
    public void A_rename_that_fails_after_a_device_was_written_names_no_device_as_replaced()
    {
        if (!File.Exists("/dev/null")) return;
        using var dir = new TempFolder();
        using var set = new OutputSet();
        set.Add("--curve", "/dev/null", s => s.Write("a curve"u8));
        set.Add("--model", dir.File("m.zip"), s => s.Write("new model"u8));
        set.Add("--weights-csv", dir.File("w.csv"), s => s.Write("new weights"u8));
        Directory.CreateDirectory(dir.File("m.zip"));
        var e = Assert.Throws<UsageException>(set.Commit);
        Assert.StartsWith($"--model '{dir.File("m.zip")}' cannot be written: ", e.Message);
        Assert.DoesNotContain("replaced", e.Message);
    }
}
