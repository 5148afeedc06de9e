using SparseAe.Data;
using SparseAe.Data.Csv;
using SparseAe.Mat;

namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// The checks every command makes on the files it is given, before any work: an input is a file that
/// exists; an output goes into a folder that exists, is not a folder itself, and is neither one of the
/// inputs nor another output, because writing it would destroy what the run reads or what it wrote a
/// moment before (every write is atomic, <see cref="SparseAe.Persistence.AtomicFile"/>, so the rename
/// would succeed and the loss would be silent). Paths are compared in full, every symbolic link in them (the
/// file's or a folder's) as what it points to; two that differ only in case are one file where each folder they differ in ignores
/// case (<see cref="SameFile(string, string)"/>).
/// </summary>
internal static class CliFiles
{
    /// <summary>Throws unless <paramref name="path"/> is an existing file; <paramref name="kind"/> names it, e.g. "CSV file".</summary>
    public static void RequireInput(string path, string kind)
    {
        // An empty path failed inside the path API ("The value cannot be an empty string."), naming no file.
        if (string.IsNullOrEmpty(path)) throw new UsageException($"{kind} path is empty; give a file.");
        if (Directory.Exists(path)) throw new UsageException($"{kind} '{path}' is a folder; give a file.");
        // File.Exists is true of a link to nothing, which the reader's File.OpenRead then met as FileNotFoundException.
        if (SparseAe.Persistence.AtomicFile.IsFile(path)) return;
        // stat(2) found no file, and .NET says FileNotFoundException of every link it cannot follow; open(2) tells a link to
        // nothing from a loop of links or a folder this user may not search (which no stat succeeded on, so the open cannot
        // wait on a pipe).
        try
        {
            File.OpenHandle(path).Dispose();
            return;
        }
        catch (Exception e) when (e is UnauthorizedAccessException || (e is IOException && e is not (FileNotFoundException or DirectoryNotFoundException)))
        {
            throw new UsageException($"{kind} '{path}' cannot be read: {Messages.OneLine(e)}", e);
        }
        catch (IOException)
        {
            throw new UsageException($"{kind} '{path}' does not exist{(File.Exists(path) ? " (it is a link to nothing)" : "")}.");
        }
    }

    /// <summary>
    /// A folder the command writes into, named by its <paramref name="flag"/>: it must exist, not be a file, and take
    /// a new file (tried now, not when the file is written after minutes of work).
    /// </summary>
    public static void RequireFolder(string path, string flag)
    {
        // An empty path failed inside the path API ("The value cannot be an empty string."), naming no flag.
        if (string.IsNullOrEmpty(path)) throw new UsageException($"{flag} is empty; give a folder.");
        if (SparseAe.Persistence.AtomicFile.IsFile(path)) throw new UsageException($"{flag} '{path}' is a file; give a folder.");
        if (!Directory.Exists(path)) throw new UsageException($"{flag} '{path}' does not exist.");
        try
        {
            SparseAe.Persistence.AtomicFile.CheckWritable(Path.Combine(path, "sparseae-check"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{flag} '{path}': no file can be made in it ({(e is SparseAe.Persistence.AtomicFile.FolderRefusalException refusal ? refusal.Reason : Messages.OneLine(e).TrimEnd('.'))}).", e);
        }
    }

    /// <summary>
    /// Checks each output (its flag and path; null: not written) against the folders, the inputs and the
    /// outputs before it (but for /dev/null, which takes any number of outputs); an empty input or output is refused by its flag.
    /// </summary>
    public static void CheckOutputs(IEnumerable<(string Flag, string? Path)> inputs, params (string Flag, string? Path)[] outputs)
    {
        // An empty input is named by its flag, as an empty output is (it was "The value cannot be an empty string.").
        foreach (var (flag, path) in inputs)
            if (path is "") throw new UsageException($"{flag} is empty; give a file.");
        var taken = inputs.Where(i => !string.IsNullOrEmpty(i.Path)).Select(i => (i.Flag, Full: Resolved(i.Path!), Reads: true)).ToList();
        foreach (var (flag, path) in outputs)
        {
            if (path is null) continue;
            if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{flag} is empty; give a file name.");
            // "-" reads as standard output by the usual convention, but was written as a file named "-" in the current folder.
            if (path == "-")
                throw new UsageException($"{flag} '-' would be a file named '-': sparseae does not take '-' for standard output; give a file name " +
                    "(./- for a file of that name), or /dev/stdout on Linux and macOS.");
            var full = Resolved(path);
            if (Directory.Exists(full)) throw new UsageException($"{flag} '{path}' is a folder; give a file name.");
            // "out/" where no folder out exists: "cannot be written: Cannot write 'out/': the folder '.../out' does not exist".
            if (Path.EndsInDirectorySeparator(path))
                throw new UsageException($"{flag} '{path}' ends in '{path[^1]}', so it names a folder; give a file name.");
            var folder = Path.GetDirectoryName(full)!;
            // A file where the folder should be (in.csv/x.onnx) exists, but is no folder: said so, not that it "does not exist".
            if (SparseAe.Persistence.AtomicFile.IsFile(folder)) throw new UsageException($"{flag} '{path}': its folder '{folder}' is a file, not a folder.");
            if (!Directory.Exists(folder)) throw new UsageException($"{flag} '{path}': the folder '{folder}' does not exist.");
            RequireWritable(flag, path);
            // What is written to /dev/null is dropped, so no input or other output can be destroyed there: train has no flag
            // that turns --filters or --curve off, and "--filters /dev/null --curve /dev/null" was refused as one file twice.
            if (IsNullDevice(full)) continue;
            foreach (var (otherFlag, otherFull, reads) in taken)
            {
                if (!SameFile(full, otherFull)) continue;
                throw new UsageException(reads
                    ? $"{flag} '{path}' is the file that {otherFlag} reads; writing it would destroy the input, so give another path."
                    : $"{flag} '{path}' is also where {otherFlag} is written; give each output its own path.");
            }
            taken.Add((flag, full, false));
        }
    }

    // Whether the output's full path and another, both resolved, name one file: the same path, or one whose names that differ
    // only in case are each in a folder that ignores case. Told by the folder, not the OS: taken from the OS (ignored on
    // Windows and macOS, told apart on Linux), "featurize --csv in.csv --out IN.csv" on an exFAT drive mounted on Linux (so a
    // FAT one, a Windows drive under WSL's /mnt/c, a CIFS share) replaced the input CSV with the features. Each name by its own
    // folder: asked of the output's folder alone, "--csv /Volumes/Disk/in.csv --out /volumes/Disk/in.csv" on a Mac, Disk a
    // case-sensitive volume, replaced the input (/volumes is /Volumes on the root's volume, which ignores case). The OS's
    // default is kept for a folder that cannot be tried.
    private static bool SameFile(string output, string other) => SameFile(output, other, IgnoresCase);

    internal static bool SameFile(string output, string other, Func<string, bool?> ignoresCase)
    {
        if (string.Equals(output, other, StringComparison.Ordinal)) return true;
        if (!string.Equals(output, other, StringComparison.OrdinalIgnoreCase)) return false;
        // Equal but for case, so of one length, their separators in the same places. A root that differs in case ("c:\" and
        // "C:\") is one: drive letters and server names ignore case.
        int root = Path.GetPathRoot(output)!.Length;
        for (int start = root; start < output.Length;)
        {
            int end = output.IndexOf(Path.DirectorySeparatorChar, start);
            if (end < 0) end = output.Length;
            if (!output.AsSpan(start, end - start).SequenceEqual(other.AsSpan(start, end - start))
                && !(ignoresCase(Path.TrimEndingDirectorySeparator(output[..start])) ?? !OperatingSystem.IsLinux()))
                return false;
            start = end + 1;
        }
        return true;
    }

    // Whether a file made in the folder is found by its name in capitals; null if no file can be made there.
    private static bool? IgnoresCase(string folder)
    {
        var probe = Path.Combine(folder, $".sparseae-case-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                return File.Exists(Path.Combine(folder, Path.GetFileName(probe).ToUpperInvariant()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // An output whose folder takes no new file (read-only, /proc) was found only when it was written, after
    // training and after the outputs before it had been replaced: AtomicFile checks it first now.
    private static void RequireWritable(string flag, string path)
    {
        try
        {
            SparseAe.Persistence.AtomicFile.CheckWritable(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // AtomicFile's words for a folder that takes no file, which do not name the temporary file it tried.
            throw new UsageException($"{flag} '{path}' cannot be written: {(e is SparseAe.Persistence.AtomicFile.FolderRefusalException refusal ? refusal.Problem : Messages.OneLine(e))}", e);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/>, which writes the output <paramref name="path"/> that <paramref name="flag"/> names,
    /// and says a failure of that write (a full disk, a device that refuses) under the flag, followed by
    /// <paramref name="then"/>, what that means for the run's other outputs (<see cref="OutputSet"/>): it was
    /// "error: No space left on device : '/dev/full'", naming no flag.
    /// </summary>
    public static void Write(string flag, string path, Action write, string? then = null)
    {
        try
        {
            write();
        }
        catch (IOException e) when (!CommandRunner.IsBrokenPipe(e) && WriteProblem(e, path) is { } problem)
        {
            throw new UsageException($"{flag} '{path}' cannot be written: {problem.TrimEnd('.')}{(then is null ? "" : $"; {then}.")}", e);
        }
    }

    // What went wrong in writing path, without the path: AtomicFile's "Cannot write 'path': ..." (a file, through its
    // temporary file), or .NET's own "... : '/dev/full'" (a device, written straight to); null for another file's
    // failure (the input read as the output is written, say), which names that file itself.
    private static string? WriteProblem(IOException e, string path)
    {
        string said = $"Cannot write '{path}': ";
        if (e.Message.StartsWith(said, StringComparison.Ordinal)) return e.Message[said.Length..];
        string device = $" : '{Path.GetFullPath(path)}'";
        return e.Message.Contains(device, StringComparison.Ordinal) ? e.Message.Replace(device, "", StringComparison.Ordinal) : null;
    }

    /// <summary>What is written to it is dropped (Linux, macOS): no data, and nothing an output there can destroy.</summary>
    public static bool IsNullDevice(string fullPath) => !OperatingSystem.IsWindows() && fullPath == "/dev/null";

    /// <summary>
    /// Where the "wrote ..." note about <paramref name="outPath"/> goes: <paramref name="log"/>, unless the
    /// output is a device or pipe (--out /dev/stdout): its bytes are data then, and the note goes to standard error.
    /// </summary>
    public static TextWriter NoteFor(string outPath, TextWriter log) => NoteFor([outPath], log);

    /// <summary>
    /// The same for a command that writes several outputs (null: not written) and prints as it works (train): all its
    /// lines go to standard error when any output is a device or pipe other than standard error itself: an output
    /// there (--weights-csv /dev/stderr) is data on standard error, and the lines stay on <paramref name="log"/>. So
    /// does /dev/null, which carries no data: "train --filters /dev/null > log.txt" left log.txt empty, every line
    /// moved to standard error.
    /// </summary>
    public static TextWriter NoteFor(IEnumerable<string?> outPaths, TextWriter log)
        => outPaths.OfType<string>().Select(Path.GetFullPath)
            .Any(p => !IsNullDevice(p) && SparseAe.Persistence.AtomicFile.IsDeviceOrPipe(p) && SparseAe.Persistence.AtomicFile.OwnDescriptor(p) != 2) ? Console.Error : log;

    /// <summary>
    /// The vectors of a CSV file that a model trains on, all held: every value finite, or an error naming
    /// the line and the column. A first line with numbers among its names is read as a header (pandas
    /// writes such headers) but said on standard error, since a first row with a typo reads the same way
    /// and would be lost: featurize's rows (<see cref="OpenCsv"/>) would then be one off their inputs.
    /// </summary>
    public static (float[] Data, int Rows, int Columns) ReadCsv(string path)
    {
        RequireInput(path, "CSV file");
        (float[] Data, int Rows, int Columns) read;
        string[]? header;
        try
        {
            read = VectorCsv.Read(path, out header, requireFinite: true);
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            // Every value is held (4 bytes, in a list that grows by doubling, then one array): a file too large
            // was "internal error: OutOfMemoryException", exit 1. More values than one array holds are the reader's InvalidDataException.
            throw new UsageException($"CSV '{path}' ({new FileInfo(path).Length} bytes) does not fit in memory: its values are all held " +
                "(4 bytes each, and up to three times that while they are read); give a smaller file, split into parts.", e);
        }
        WarnOfHeader(path, header, header is null && VectorCsv.NumbersItsColumns(read.Data.AsSpan(0, read.Columns)));
        return read;
    }

    /// <summary>
    /// The rows of a CSV file that a model encodes, read one at a time on each pass (featurize holds one row,
    /// not the file): every value finite, or an error naming the line and the column; a header with numbers
    /// among its names is said as <see cref="ReadCsv"/> says it.
    /// </summary>
    public static CsvRowSource OpenCsv(string path)
    {
        RequireInput(path, "CSV file");
        var source = new CsvRowSource(path, requireFinite: true);
        WarnOfHeader(path, source.Header, source.FirstRowNumbersItsColumns);
        return source;
    }

    private static void WarnOfHeader(string path, string[]? header, bool firstRowNumbersColumns)
    {
        // pandas' to_csv of a numpy array (index=False) heads its columns 0, 1, ..., which, all numbers, is read as a row of
        // data: one row more, and every row after it one off its label, without a word.
        if (firstRowNumbersColumns)
            Console.Error.WriteLine($"warning: CSV '{path}': its first line numbers the columns in order, as the header pandas writes for a " +
                "numpy array (to_csv of a DataFrame without column names), and is read as a row of data, since every field of it is a number; " +
                "if it is that header, write the file without it (to_csv(header=False)) or with names that are not numbers.");
        if (header is null) return;
        // pandas' to_csv (index=True, its default) and R's write.csv (row.names=TRUE) write a column of row labels under an
        // empty name, ",a,b" over "0,0.1,0.2": read as values, that column was one more feature of every row, without a word.
        if (header is ["", _, ..] && header.Skip(1).All(n => n.Length > 0))
            Console.Error.WriteLine($"warning: CSV '{path}': its header's first name is empty, as pandas' to_csv and R's write.csv name a column of row " +
                "labels (an index), and that column is read as values like the others; if it is an index, write the file without it (to_csv(index=False), " +
                "write.csv(row.names=FALSE)).");
        WarnOfNumbersInHeader(path, header);
    }

    private static void WarnOfNumbersInHeader(string path, string[] header)
    {
        int numbers = header.Count(VectorCsv.IsNumber);
        // No number among the names, but one holds ';' or a tab: a file with another separator ("0.5\t0.25", or "a;b" over
        // "0,5;0,25"), whose first line is one name and whose width is then 1, which alone said nothing of why. Only a
        // header of one name: a comma header of several ("dose;mg,p1,p2") has its width, and a name may hold ';'.
        if (numbers == 0 && header is [var name] && VectorCsv.SeparatorHint(name) is { } separator)
            Console.Error.WriteLine($"warning: CSV '{path}': its first line is read as a header of 1 name, " +
                $"\"{TextFiles.Shorten(name)}\", and {separator}; if the file uses another separator, convert it to commas.");
        if (numbers == 0) return;
        int c = Array.FindIndex(header, h => !VectorCsv.IsNumber(h));
        // Every name a number: the line's fields were numbers in double quotes, which values cannot be.
        Console.Error.WriteLine(c < 0
            ? $"warning: CSV '{path}': its first line is read as a header of names, though all {numbers} of its fields are numbers once their double quotes are removed; if it is a row of data, remove the quotes, or the row is not read."
            : $"warning: CSV '{path}': its first line is read as a header of names, though {numbers} of its {header.Length} fields are numbers " +
            $"(column {c + 1} is \"{header[c]}\"{(VectorCsv.SeparatorHint(header[c]) is { } hint ? $": {hint}" : "")}); if it is a row of data, correct that field, or the row is not read.");
    }

    // The full path with every symbolic link in it followed, the file's own and its folders', so that a link to an
    // input, or a path through a linked folder ("alias/in.csv", alias a link to the input's folder), is the input:
    // only a link at the file itself was followed, and "featurize --out alias/in.csv" replaced the input CSV.
    private static string Resolved(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return Resolved(full, links: 0);
        }
        catch (IOException)
        {
            return full;   // a link loop: compared as written
        }
    }

    // Each part of the full path in turn, a link replaced by what it points to (resolved the same way); more than 40
    // links in one path is a loop, as Linux's MAXSYMLINKS says.
    private static string Resolved(string full, int links)
    {
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not { } target) continue;
            if (++links > 40) throw new IOException($"Too many levels of symbolic links in '{full}'.");
            current = Resolved(Path.GetFullPath(target, Path.GetDirectoryName(current)!), links);
        }
        return current;
    }

    /// <summary>
    /// <paramref name="file"/> itself when it can seek, else its bytes from here on in memory: a model zip or MAT file given
    /// as a pipe (--model /dev/stdin, &lt;(unzip -p ...)) is read more than once and from its end, which a pipe cannot be.
    /// <paramref name="kind"/> and <paramref name="path"/> name the file in the refusals of a pipe larger than one array or than
    /// the memory at hand ("Model file", as the user gave it).
    /// </summary>
    public static Stream Seekable(FileStream file, string kind, string path)
    {
        if (file.CanSeek) return file;
        var copy = new MemoryStream();
        try
        {
            var buffer = new byte[81920];
            for (int read; (read = file.Read(buffer)) > 0;)
            {
                // MemoryStream's own refusal, IOException "Stream was too long", named no file.
                if (read > Array.MaxLength - copy.Length)
                    throw new UsageException($"{kind} '{path}' is a pipe of more than {Array.MaxLength} bytes, more than one array holds; a pipe is read into memory " +
                        "(it is read more than once, and from its end): give a file.");
                copy.Write(buffer, 0, read);
            }
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            // Outside the readers' own memory refusals, which follow the copy: it was "internal error: OutOfMemoryException".
            throw new UsageException($"{kind} '{path}' is a pipe, which is read into memory whole, and memory ran out after {copy.Length} bytes of it; give a file.", e);
        }
        copy.Position = 0;
        return copy;
    }

    /// <summary>A MAT file, or a one-line error that names it.</summary>
    public static MatFile ReadMat(string path)
    {
        RequireInput(path, "MAT file");
        // One stream for the read and for what the file is instead: a pipe was read whole by MatFile.Read, and the checks
        // below then opened it again and could not seek it ("internal error: NotSupportedException", exit 1).
        using var opened = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var file = Seekable(opened, "MAT file", path);
        try
        {
            return MatFile.Read(file);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)   // NotSupported: a file over 2 GB
        {
            // A model zip given to inspect or --mat was "not a readable MAT file: ... level-5 endian indicator ...", which
            // says what the bytes are not, not what the file is.
            if (ModelFiles.StartsAsZip(file))
                throw new UsageException($"'{path}' is a zip archive (a model zip?), not a MAT file; a model is read by sparseae show, featurize and export-onnx.", e);
            if (ModelFiles.LooksLikeOnnxGraph(path, file))
                throw new UsageException($"'{path}' looks like an ONNX graph, not a MAT file; featurize runs a graph when its name ends in .onnx.", e);
            throw new UsageException($"'{path}' is not a readable MAT file: {e.Message}", e);
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            // A compressed variable of 96 MB of zeros is a 93 KB file: it was "internal error: OutOfMemoryException", exit 1.
            throw new UsageException($"MAT file '{path}' ({file.Length} bytes) does not fit in memory: its variables are read whole " +
                "(a compressed one inflated, up to 1032 times its stored bytes, and each held up to twice while it is decoded); " +
                "save the variable you need in a file of its own, or in smaller parts.", e);
        }
    }
}
