namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// Writes a file so that a reader, or a crash at any moment, sees either the old file or the whole
/// new one: the content goes to a temporary file in the same folder (same file system), is flushed
/// to disk, and is then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new UsageException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    public static void WriteText(string path, Action<TextWriter> write)
        => Write(path, s =>
        {
            using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            write(writer);
        });

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
