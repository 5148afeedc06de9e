namespace SparseAe.Samples;

/// <summary>
/// The samples' start-up check of --output-dir (compiled into each sample that writes files), so that a
/// folder that cannot take the outputs fails in a second, in one line, not after the whole run.
/// </summary>
internal static class OutputFolder
{
    /// <summary>
    /// Why <paramref name="folder"/> cannot take <paramref name="fileNames"/>, or null: it must not lie under
    /// a file, it must be creatable, AtomicFile, which writes the outputs, must be able to make a file in it,
    /// and no output file's name may be an existing folder. The folders the check makes to find out are
    /// removed again, so that a run stopped or failed before its outputs (a Ctrl+C in hours of training)
    /// leaves no empty folder behind: the sample makes the folder when it writes.
    /// </summary>
    public static string? Problem(string folder, IReadOnlyList<string> fileNames)
    {
        var made = new List<string>();   // the folders this check makes, the deepest first
        try
        {
            string full = Path.GetFullPath(folder);
            for (var up = full; up is not null; up = Path.GetDirectoryName(up))
                if (File.Exists(up))
                    return up == full ? $"'{folder}' is a file, not a folder" : $"'{up}' is a file, so the folder '{folder}' cannot be made under it";
            for (var up = full; up is not null && !Directory.Exists(up); up = Path.GetDirectoryName(up)) made.Add(up);
            Directory.CreateDirectory(folder);
            // Before the write check, which on the first name's folder said only "cannot be created or written to".
            foreach (var name in fileNames)
                if (Directory.Exists(Path.Combine(folder, name)))
                    return $"'{Path.Combine(folder, name)}' is a folder, so {name} cannot be written there; remove it or choose another --output-dir";
            if (fileNames.Count > 0) SparseAe.Persistence.AtomicFile.CheckWritable(Path.Combine(folder, fileNames[0]));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"the output folder '{folder}' cannot be created or written to ({e.Message})";
        }
        finally
        {
            // Only empty folders go (Directory.Delete without recursion): one that something else filled meanwhile stays.
            foreach (var dir in made)
            {
                try { Directory.Delete(dir); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { break; }
            }
        }
    }
}
