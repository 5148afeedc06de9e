namespace SparseAe.Samples;

/// <summary>
/// The samples' start-up check of --output-dir (compiled into each sample that writes files), so that a
/// folder that cannot take the outputs fails in a second, in one line, not after the whole run.
/// </summary>
internal static class OutputFolder
{
    /// <summary>
    /// Why <paramref name="folder"/> cannot take <paramref name="fileNames"/>, or null: it must not lie under
    /// a file, it is created if missing, AtomicFile, which writes the outputs, can make a file in it, and no
    /// output file's name may be an existing folder.
    /// </summary>
    public static string? Problem(string folder, IReadOnlyList<string> fileNames)
    {
        try
        {
            string full = Path.GetFullPath(folder);
            for (var up = full; up is not null; up = Path.GetDirectoryName(up))
                if (File.Exists(up))
                    return up == full ? $"'{folder}' is a file, not a folder" : $"'{up}' is a file, so the folder '{folder}' cannot be made under it";
            Directory.CreateDirectory(folder);
            if (fileNames.Count > 0) SparseAe.Persistence.AtomicFile.CheckWritable(Path.Combine(folder, fileNames[0]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"the output folder '{folder}' cannot be created or written to ({e.Message})";
        }
        foreach (var name in fileNames)
            if (Directory.Exists(Path.Combine(folder, name)))
                return $"'{Path.Combine(folder, name)}' is a folder, so {name} cannot be written there; remove it or choose another --output-dir";
        return null;
    }
}
