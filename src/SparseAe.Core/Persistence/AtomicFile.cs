namespace SparseAe.Persistence;

/// <summary>
/// Writes a file so that a reader, or a crash at any moment, sees either the old file or the whole
/// new one: the content goes to a temporary file in the same folder (same file system), is flushed
/// to disk, and is then renamed over the target. If writing throws, the temporary file is removed
/// and the old file is untouched. Use it for saved models:
/// <c>AtomicFile.Write("model.zip", s =&gt; mlContext.Model.Save(model, schema, s))</c>.
/// A device or a pipe under /dev or /proc (/dev/null, /dev/stdout, a shell's /dev/fd/63) is written
/// straight to, as it has no old content to keep: renamed over, /dev/null itself was replaced by a
/// regular file when run as root.
/// A symbolic link at <c>path</c> is replaced by the new file, as a rename does; the file it pointed to is
/// kept as it was. On Unix the new file takes the permissions of the file it replaces (of the file a link there
/// pointed to), as a write in place would leave them; its owner and group are the writer's. A folder at <c>path</c> is refused before anything is written.
/// </summary>
/// <remarks>
/// SparseAe.Mat, which references nothing beyond the base class library, compiles this same file as an
/// internal type (SPARSEAE_MAT) for <c>MatWriter.Write(path, ...)</c>: one implementation, two assemblies.
/// </remarks>
#if SPARSEAE_MAT
internal
#else
public
#endif
static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/>, all or nothing. <paramref name="write"/> may close the
    /// stream it is given (a StreamWriter or ZipArchive made without leaveOpen does): what it wrote is kept.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist, or is a file.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a folder (refused before <paramref name="write"/> runs), or the file there
    /// cannot be replaced (Windows: read-only, or held open by another process; Linux: immutable): "Cannot write 'path': ...".</exception>
    public static void Write(string path, Action<Stream> write)
    {
        using var staged = Stage(path, write);
        staged.Commit();
    }

    /// <summary>
    /// The first half of <see cref="Write"/>: the content written and flushed to the temporary file beside
    /// <paramref name="path"/>, which <see cref="Staged.Commit"/> renames over it and disposing uncommitted removes. A caller
    /// that writes several files stages every one before it commits any, so that a failure (a full disk) leaves them all
    /// as they were. A device or pipe, which has no old content to keep, is written straight to by the commit, not here:
    /// a pipe given the content of one output of several that then failed would have passed on half a run.
    /// </summary>
    internal static Staged Stage(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = Target(path);
        if (temp is null)
            return new Staged(path, full, null, write);
        var kept = KeptMode(full);
        var created = CreateTemporary(path, temp, FileOptions.None, kept);
        try
        {
            using (var stream = created)
            {
                write(stream);
                // A writer made without leaveOpen (StreamWriter, BinaryWriter, GZipStream, ZipArchive) closes the stream
                // when disposed, its content written: flushing the closed stream threw "Cannot access a closed file.".
                if (stream.CanWrite) stream.Flush(flushToDisk: true);
                else
                    using (var reopened = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
                        reopened.Flush(flushToDisk: true);
            }
            // Created with the old file's mode less the umask (never more open than the old file while it is written); now
            // exactly the old file's, as a write in place would have left it.
            if (kept is { } mode && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, mode);
            return new Staged(path, full, temp, null);
        }
        catch (IOException e) when (e.Message.Contains(temp, StringComparison.Ordinal))
        {
            // A full disk fails here, not when the temporary file is made: named, too, by the file asked for.
            TryDelete(temp);
            throw CannotWrite(path, e, temp);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A file's new content in its temporary file, not yet renamed over the file, or a device's content not yet written (<see cref="Stage"/>).</summary>
    internal sealed class Staged : IDisposable
    {
        private readonly string _path, _full;
        private string? _temp;
        private Action<Stream>? _deviceWrite;

        internal Staged(string path, string full, string? temp, Action<Stream>? deviceWrite)
            => (_path, _full, _temp, _deviceWrite, IsDevice) = (path, full, temp, deviceWrite, deviceWrite is not null);

        /// <summary>
        /// Whether the commit writes a device or pipe (which can fail as it is written) rather than renames a file; it stays
        /// so once committed (it was false then, and a device written was listed among the files renamed).
        /// </summary>
        public bool IsDevice { get; }

        /// <summary>Renames the new content over the file, or writes it to the device or pipe.</summary>
        public void Commit()
        {
            if (_deviceWrite is { } write)
            {
                _deviceWrite = null;
                using var device = OpenDevice(_full);
                write(device);
                // A stream over a descriptor writes at a position of its own: the descriptor is moved past what was written
                // (the getter does it), so that what the shell writes next (`{ sparseae ...; echo done; } > f`) follows it.
                if (device.CanSeek)
                {
                    device.Flush();
                    _ = device.SafeFileHandle;
                }
                return;
            }
            if (_temp is null) return;
            try
            {
                File.Move(_temp, _full, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Every failure of this rename is one to write the file asked for. A file that refuses to be renamed over
                // threw UnauthorizedAccessException, naming it ("Access to the path '...' is denied.": an immutable file on
                // Linux; on Windows, whose failed renames name no path, a read-only file or one another process holds open),
                // which no caller took for a failure to write it: the CLI said it under no flag.
                throw CannotWrite(_path, e, _temp, _full);
            }
            _temp = null;
        }

        /// <summary>Removes the temporary file unless it was committed: the file keeps its old content.</summary>
        public void Dispose()
        {
            if (_temp is not null) TryDelete(_temp);
            _temp = null;
        }
    }

    // "Cannot write 'path': reason", the reason without the paths .NET put in it (the temporary file's, which nobody knows
    // of, and the target's, said once already).
    internal static IOException CannotWrite(string path, Exception e, params string[] said)
        => new($"Cannot write '{path}': {said.Aggregate(e.Message, WithoutPath)}", e);

    /// <summary>
    /// Checks that <see cref="Write"/> could write <paramref name="path"/> now, leaving nothing behind: its
    /// folder exists and takes a new file (a device or pipe: it opens for writing). Lets a long run find an
    /// output it cannot write before it starts, not after, with the messages <see cref="Write"/> would give.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist, or is a file.</exception>
    /// <exception cref="IOException">No file can be made in the folder (read-only, /proc), the device does not open, or <paramref name="path"/> is a folder.</exception>
    public static void CheckWritable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (full, temp) = Target(path);
        if (temp is null)
            using (new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) { }
        else
            CreateTemporary(path, temp, FileOptions.DeleteOnClose).Dispose();
    }

    // Where Write writes path: the full path, and the temporary file beside it (null for a device or pipe,
    // written straight to). The folder must exist, and path must not be a folder.
    private static (string Full, string? Temp) Target(string path)
    {
        var full = Path.GetFullPath(path);
        // "out/" names a folder: its folder was taken to be out itself, and a missing one was "the folder '.../out' does not
        // exist", an existing one refused below; neither said that the path has no file name.
        if (Path.EndsInDirectorySeparator(path) && !Directory.Exists(full))
            throw new IOException($"Cannot write '{path}': it ends in '{path[^1]}', so it names a folder, not a file.");
        var folder = Path.GetDirectoryName(full)!;
        // A file where the folder should be (in.csv/x.bin) exists, but is no folder: said so, not that it "does not exist".
        if (IsFile(folder))
            throw new DirectoryNotFoundException($"Cannot write '{path}': its folder '{folder}' is a file, not a folder.");
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        // A folder (or a link to one) cannot be renamed over: refuse it now, not after the whole write.
        if (Directory.Exists(full))
            throw new IOException($"Cannot write '{path}': it is a folder.");
        return IsDeviceOrPipe(full) ? (full, null) : (full, Path.Combine(folder, $".{TemporaryStem(Path.GetFileName(full))}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
    }

    /// <summary>
    /// A file, or a link that ends at one. File.Exists is true of a link to nothing too (it is no folder), which is
    /// no file: that it "does not exist" is what the user needs to hear. (The CLI's checks of its paths use it too.)
    /// </summary>
    internal static bool IsFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return false;
        if (info.LinkTarget is null) return true;
        if (!OperatingSystem.IsWindows())
        {
            // stat(2) follows the links as open(2) does, /dev/stdin and /dev/fd/N included, whose last link ends at a
            // pipe ("pipe:[N]"), which no path names: resolving the links' text called a piped --csv /dev/stdin a link to nothing.
            try
            {
                File.GetUnixFileMode(path);
                return true;
            }
            catch (IOException)
            {
                // A link to nothing, a loop of links, or one through a folder this user may not search: .NET says
                // FileNotFoundException of all three (open(2) tells them apart: CliFiles.RequireInput).
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return true;    // not seen for a link (see above); opening it would say so
            }
        }
        try
        {
            return info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true };
        }
        catch (IOException)
        {
            return false;   // a loop of links
        }
    }

    // At most the first 64 chars of the file's name (192 bytes of UTF-8) in its temporary file's name, which adds
    // about 50: a name near the file system's 255-byte limit is still written.
    private static string TemporaryStem(string name)
    {
        const int Max = 64;
        if (name.Length <= Max) return name;
        return name[..(char.IsHighSurrogate(name[Max - 1]) ? Max - 1 : Max)];
    }

    // The permissions of the file a write replaces, to give its new content (Unix; null where there is no old file): renamed
    // over it, a file made with the default mode turned a model kept private with chmod 600 into one every user may read.
    // The set-user, set-group and sticky bits are not carried over, as a write in place by its owner clears the first two.
    private static UnixFileMode? KeptMode(string full)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(full)) return null;
        try
        {
            return File.GetUnixFileMode(full) & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // a link to nothing: there is no old file's mode to keep
        }
    }

    private static FileStream CreateTemporary(string path, string temp, FileOptions options, UnixFileMode? mode = null)
    {
        try
        {
            var settings = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 4096, Options = options };
            // The owner may write it (and open it again to flush it, after a writer that closed it): a read-only old file's
            // 0444 would refuse that reopening; the exact mode is set once the content is written.
            if (mode is { } kept && !OperatingSystem.IsWindows()) settings.UnixCreateMode = kept | UnixFileMode.UserRead | UnixFileMode.UserWrite;
            return new FileStream(temp, settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FolderRefusalException(path, Path.GetDirectoryName(temp)!, Reason(e, temp), e);
        }
    }

    // Why the folder refused the temporary file, in words that do not name it: the file asked for is named instead,
    // and a hidden '.x.zip.PID.GUID.tmp' that nobody knows of only puzzles. .NET puts the path in every message
    // ("Could not find file '...'." from /proc, "Read-only file system : '...'", "Access to the path '...' is denied.").
    private static string Reason(Exception e, string temp) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "the file system there takes no new files",
        _ => WithoutPath(e.Message, temp),
    };

    private static string WithoutPath(string message, string path)
        => message.Replace($" : '{path}'", "", StringComparison.Ordinal).Replace($" '{path}'", "", StringComparison.Ordinal).TrimEnd('.');

    /// <summary>
    /// No new file can be made in the folder of the file asked for (read-only, /proc, no permission, full): its
    /// message names that file and its folder, and says why without the temporary file's name.
    /// </summary>
    internal sealed class FolderRefusalException(string path, string folder, string reason, Exception inner)
        : IOException($"Cannot write '{path}': {ProblemOf(folder, reason)}", inner)
    {
        /// <summary>The message without "Cannot write 'path': ", for a caller that names the file its own way.</summary>
        public string Problem { get; } = ProblemOf(folder, reason);

        private static string ProblemOf(string folder, string reason) => $"no file can be made in its folder '{folder}' ({reason})";

        /// <summary>Why, e.g. "permission denied", "Read-only file system".</summary>
        public string Reason { get; } = reason;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, all or nothing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="bytes"/> is null (it would read as no bytes and empty the file).</exception>
    public static void WriteBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) to <paramref name="path"/>, all or nothing.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, Text(write));

    /// <summary>The content <paramref name="write"/> writes as UTF-8 text without a byte-order mark, for <see cref="Write"/> or <see cref="Stage"/>.</summary>
    internal static Action<Stream> Text(Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            write(writer);
        };
    }

    // A descriptor this process holds is written through it, where it stands: opened anew by its name (/dev/stdout over
    // `>> log.csv`, or `{ echo header; sparseae ...; } > f`), a regular file behind it was written from its first byte, over
    // the log's first lines or the header. Any other device or pipe is opened by its name.
    private static FileStream OpenDevice(string full)
        => OwnDescriptor(full) is int fd
            ? new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), FileAccess.Write)
            : new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);

    /// <summary>
    /// The descriptor of this process that <paramref name="fullPath"/> names, or null: 1 for /dev/stdout, 2 for
    /// /dev/stderr, N for /dev/fd/N and /proc/self/fd/N (and /proc/PID/fd/N of this process's PID).
    /// </summary>
    internal static int? OwnDescriptor(string fullPath)
    {
        if (OperatingSystem.IsWindows()) return null;
        if (fullPath == "/dev/stdout") return 1;
        if (fullPath == "/dev/stderr") return 2;
        foreach (var folder in (ReadOnlySpan<string>)["/dev/fd/", "/proc/self/fd/", $"/proc/{Environment.ProcessId}/fd/"])
            if (fullPath.StartsWith(folder, StringComparison.Ordinal)
                && int.TryParse(fullPath.AsSpan(folder.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int fd))
                return fd;
        return null;
    }

    /// <summary>
    /// Whether <paramref name="fullPath"/> is an existing device or pipe to write straight to rather than
    /// replace: on Unix, a path under /dev or /proc, but for /dev/shm, a file system of ordinary files (POSIX shared
    /// memory, a tmpfs), where a model written straight over a longer old one kept the old one's tail. (.NET does not
    /// say a file's type, so a pipe made with mkfifo elsewhere is not seen as one.)
    /// </summary>
    internal static bool IsDeviceOrPipe(string fullPath)
        => !OperatingSystem.IsWindows() && File.Exists(fullPath)
            && ((fullPath.StartsWith("/dev/", StringComparison.Ordinal) && !fullPath.StartsWith("/dev/shm/", StringComparison.Ordinal))
                || fullPath.StartsWith("/proc/", StringComparison.Ordinal));

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
