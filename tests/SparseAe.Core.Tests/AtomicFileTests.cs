using SparseAe.Persistence;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>All or nothing: the old file or the whole new one, never half of one, and no temporary left behind.</summary>
public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_file()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "model.zip");
        AtomicFile.WriteBytes(path, [1, 2, 3]);
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("the writer failed half-way");
        }));
        Assert.Equal("the writer failed half-way", e.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["model.zip"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void A_write_replaces_the_file_whole()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "codes.csv");
        AtomicFile.WriteText(path, w => w.Write("old"));
        AtomicFile.WriteText(path, w => w.Write("héllo"));
        Assert.Equal("héllo", File.ReadAllText(path));
        Assert.Equal([0x68, 0xC3, 0xA9], File.ReadAllBytes(path)[..3]);   // UTF-8, no byte-order mark
        Assert.Single(Directory.GetFiles(dir));
    }

    // A StreamWriter, BinaryWriter, GZipStream or ZipArchive made without leaveOpen closes the stream it is given
    // when disposed: the whole content was written, and then the flush to disk threw ObjectDisposedException
    // ("Cannot access a closed file."), the temporary file was removed and the old file kept.
    [Fact]
    public void A_writer_that_closes_the_stream_it_was_given_still_writes_the_file()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "codes.csv");
        AtomicFile.WriteBytes(path, [1, 2, 3]);
        AtomicFile.Write(path, s =>
        {
            using var writer = new StreamWriter(s);
            writer.Write("new content");
        });
        Assert.Equal("new content", File.ReadAllText(path));
        AtomicFile.Write(path, s =>
        {
            using var writer = new BinaryWriter(s);
            writer.Write(42);
        });
        Assert.Equal([42, 0, 0, 0], File.ReadAllBytes(path));
        Assert.Equal(["codes.csv"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void Null_content_is_refused_and_the_old_file_kept()
    {
        // A null byte[] became an empty span: the old file was emptied without a word.
        using var temp = new TempFolder();
        var path = temp.File("atomic.txt");
        File.WriteAllText(path, "important");
        try
        {
            Assert.Equal("bytes", Assert.Throws<ArgumentNullException>(() => AtomicFile.WriteBytes(path, null!)).ParamName);
            Assert.Equal("write", Assert.Throws<ArgumentNullException>(() => AtomicFile.WriteText(path, null!)).ParamName);
            Assert.Equal("important", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp, "no-such-folder", "model.zip");
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteBytes(path, [1]));
        Assert.Contains($"Cannot write '{path}': the folder '{Path.GetDirectoryName(path)}' does not exist.", e.Message);
    }

    [Fact]
    public void A_file_where_the_folder_should_be_is_said_to_be_a_file()
    {
        // in.csv/x.bin, where in.csv is a file: it was refused as a folder that "does not exist", though the path exists.
        using var temp = new TempFolder();
        var file = Path.Combine(temp, "in.csv");
        File.WriteAllText(file, "1,2\n");
        var path = Path.Combine(file, "x.bin");
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteBytes(path, [1]));
        Assert.Equal($"Cannot write '{path}': its folder '{file}' is a file, not a folder.", e.Message);
        Assert.Equal("1,2\n", File.ReadAllText(file));
    }

    [Fact]
    public void A_folder_that_is_a_broken_link_is_said_not_to_exist_not_to_be_a_file()
    {
        // File.Exists is true of a link to nothing (it is no folder): out/x.bin, where out links to a removed folder, was
        // said to be under "a file, not a folder".
        using var temp = new TempFolder();
        var link = Path.Combine(temp, "out");
        File.CreateSymbolicLink(link, Path.Combine(temp, "removed"));
        var path = Path.Combine(link, "x.bin");
        var e = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteBytes(path, [1]));
        Assert.Equal($"Cannot write '{path}': the folder '{link}' does not exist.", e.Message);
    }

    [Fact]
    public void A_folder_reached_through_a_link_is_a_folder_not_a_file()
    {
        // IsFile follows links with stat(2), which succeeds for a link to a folder too: it must not be called a file.
        using var temp = new TempFolder();
        var real = Directory.CreateDirectory(Path.Combine(temp, "real")).FullName;
        var link = Path.Combine(temp, "link");
        Directory.CreateSymbolicLink(link, real);
        Assert.False(AtomicFile.IsFile(link));
        AtomicFile.WriteBytes(Path.Combine(link, "x.bin"), [7]);
        Assert.Equal([7], File.ReadAllBytes(Path.Combine(real, "x.bin")));
        var fileLink = Path.Combine(temp, "file-link");
        File.CreateSymbolicLink(fileLink, Path.Combine(real, "x.bin"));
        Assert.True(AtomicFile.IsFile(fileLink));
    }

    [Fact]
    public void A_folder_that_takes_no_file_is_named_by_the_file_asked_for()
    {
        if (!OperatingSystem.IsLinux()) return;
        // It named the temporary file: "Could not find file '/proc/.x.bin.1234.....tmp'", first as the message, then
        // inside the parentheses of this one.
        var e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteBytes("/proc/x.bin", [1, 2, 3]));
        Assert.Equal("Cannot write '/proc/x.bin': no file can be made in its folder '/proc' (the file system there takes no new files)", e.Message);
    }

    [Fact]
    public void A_write_that_fails_on_the_temporary_file_is_named_by_the_file_asked_for()
    {
        // A full disk fails the write, not the making of the file: sparseae train --model on a full 8 KB tmpfs said
        // "error: No space left on device : '/mnt/.model.zip.PID.GUID.tmp'", a hidden file nobody asked for. The
        // stream throws what .NET's FileStream throws there (its message names the file it writes).
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "model.zip");
        AtomicFile.WriteBytes(path, [1, 2, 3]);
        var e = Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, s => throw new IOException($"No space left on device : '{((FileStream)s).Name}'")));
        Assert.Equal($"Cannot write '{path}': No space left on device", e.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir));
        // An IOException of the writer's own (reading its input) is its own, not the file's.
        Assert.Equal("the input broke", Assert.Throws<IOException>(() => AtomicFile.Write(path, s => throw new IOException("the input broke"))).Message);
    }

    [Fact]
    public void A_target_that_ends_in_a_separator_is_refused_as_naming_a_folder()
    {
        // "out/" with no folder out: it was "the folder '.../out' does not exist", as if out/ were a file's folder.
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "out") + Path.DirectorySeparatorChar;
        bool wrote = false;
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, s => wrote = true));
        Assert.Equal($"Cannot write '{path}': it ends in '{Path.DirectorySeparatorChar}', so it names a folder, not a file.", e.Message);
        Assert.False(wrote);
        Assert.Equal(e.Message, Assert.Throws<IOException>(() => AtomicFile.CheckWritable(path)).Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_target_that_is_a_folder_is_refused_before_anything_is_written()
    {
        // CheckWritable passed and Write ran the whole save, then failed at the rename ("Is a directory").
        using var dir = new TempFolder();
        var folder = Path.Combine(dir, "model.zip");
        Directory.CreateDirectory(folder);
        bool wrote = false;
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(folder, s => wrote = true));
        Assert.Equal($"Cannot write '{folder}': it is a folder.", e.Message);
        Assert.False(wrote);
        Assert.Equal(e.Message, Assert.Throws<IOException>(() => AtomicFile.CheckWritable(folder)).Message);
        Assert.Equal([folder], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_file_name_near_the_file_systems_limit_is_written()
    {
        // The temporary file's name was the target's plus 50 characters: past 255 bytes it could not be made, and
        // Write said "no file can be made in its folder" of a folder that takes the file itself.
        using var dir = new TempFolder();
        var path = Path.Combine(dir, new string('m', 240));
        File.WriteAllBytes(path, [9]);
        AtomicFile.CheckWritable(path);
        AtomicFile.WriteBytes(path, [1, 2, 3]);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir));
    }

    // The new content is a new file renamed over the old one: made with the default mode (0666 less the umask), a model kept
    // private with chmod 600 came back readable by every user after it was saved again.
    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]   // read-only: the writer reopens its temporary file below
    public void A_replaced_file_keeps_its_permissions(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "model.zip");
        AtomicFile.WriteBytes(path, [1]);
        var fresh = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode);
        AtomicFile.WriteBytes(path, [2]);
        Assert.Equal([2], File.ReadAllBytes(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
        // A writer that closes the stream it is given, which the temporary file is then opened again to flush.
        AtomicFile.Write(path, s => { using var w = new StreamWriter(s); w.Write("3"); });
        Assert.Equal("3", File.ReadAllText(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
        // A new file takes the default mode, as before.
        AtomicFile.WriteBytes(Path.Combine(dir, "new.zip"), [3]);
        Assert.Equal(fresh, File.GetUnixFileMode(Path.Combine(dir, "new.zip")));
    }

    [Fact]
    public void A_symbolic_link_is_replaced_by_the_new_file_and_what_it_pointed_to_is_kept()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var real = Path.Combine(dir, "v1.zip");
        var link = Path.Combine(dir, "model.zip");
        File.WriteAllBytes(real, [1]);
        File.CreateSymbolicLink(link, real);
        AtomicFile.WriteBytes(link, [2]);
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal([2], File.ReadAllBytes(link));
        Assert.Equal([1], File.ReadAllBytes(real));
    }

    [Fact]
    public void A_device_is_written_straight_to_not_replaced()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Renamed over, /dev/null became a regular file holding the bytes (as root).
        Assert.True(AtomicFile.IsDeviceOrPipe("/dev/null"));
        Assert.False(AtomicFile.IsDeviceOrPipe(Path.GetFullPath("model.zip")));
        AtomicFile.WriteBytes("/dev/null", [1, 2, 3]);
        Assert.Empty(File.ReadAllBytes("/dev/null"));
    }

    // A descriptor of this process (/dev/stdout, /dev/fd/N) over a regular file, as a shell's `>> log.csv` or
    // `{ echo header; sparseae ...; } > f` makes standard output: opened anew by its name, the file was written from its
    // first byte, over what the shell or the descriptor's earlier writes had put there ("head\n" lost, a log's first lines
    // replaced and the rest left after them). It is written where the descriptor stands, and the descriptor moves on.
    [Fact]
    public void A_descriptor_of_this_process_over_a_file_is_written_where_it_stands()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "log.csv");
        File.WriteAllText(path, "head\n");
        using (var log = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            log.Seek(0, SeekOrigin.End);
            int fd = (int)log.SafeFileHandle.DangerousGetHandle();   // the getter moves the descriptor to the stream's position
            Assert.True(AtomicFile.IsDeviceOrPipe($"/dev/fd/{fd}"));
            AtomicFile.WriteText($"/dev/fd/{fd}", w => w.Write("rows\n"));
            AtomicFile.WriteText($"/proc/self/fd/{fd}", w => w.Write("more\n"));
        }
        Assert.Equal("head\nrows\nmore\n", File.ReadAllText(path));
    }

    // /dev/shm holds ordinary files (a tmpfs): written straight to as a device, a shorter new content kept the old
    // content's tail ("new" over "old and longer" read "new and longer"), and a failed write left half of each.
    [Fact]
    public void A_file_in_dev_shm_is_replaced_whole_not_written_over()
    {
        if (!Directory.Exists("/dev/shm")) return;
        string path = $"/dev/shm/sparseae-atomic-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllText(path, "old and longer");
            Assert.False(AtomicFile.IsDeviceOrPipe(path));
            AtomicFile.WriteText(path, w => w.Write("new"));
            Assert.Equal("new", File.ReadAllText(path));
            Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(path, w => { w.Write("half"); w.Flush(); throw new InvalidOperationException(); }));
            Assert.Equal("new", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The check a long run makes before it starts (the CLI's outputs, the samples' folders): the messages
    // Write would give, and nothing left behind.
    [Fact]
    public void CheckWritable_gives_Write_s_refusals_and_leaves_nothing()
    {
        using var dir = new TempFolder();
        AtomicFile.CheckWritable(Path.Combine(dir, "model.zip"));
        Assert.Empty(Directory.GetFileSystemEntries(dir));
        var missing = Path.Combine(dir, "no-such-folder", "model.zip");
        Assert.Contains($"Cannot write '{missing}': the folder '{Path.GetDirectoryName(missing)}' does not exist.",
            Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.CheckWritable(missing)).Message);
        if (!OperatingSystem.IsLinux()) return;
        Assert.Equal("Cannot write '/proc/x.bin': no file can be made in its folder '/proc' (the file system there takes no new files)",
            Assert.ThrowsAny<IOException>(() => AtomicFile.CheckWritable("/proc/x.bin")).Message);
        AtomicFile.CheckWritable("/dev/null");
    }
}
