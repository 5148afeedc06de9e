namespace SparseAe.Tests.Support;

/// <summary>
/// A test's temporary folder, TEMP/sparseae-tests/GUID, removed with everything in it when the test disposes
/// it (<c>using var dir = new TempFolder();</c>); it converts to its path where a string is wanted. Before, the
/// tests' folders and files were never removed: a run of .ci/run left about 400 MB of models, images and CSVs
/// in /tmp (measured 2026-12-06), and each run of the tests added to it. Removal at the test process's exit is
/// not enough: vstest kills the test host 100 ms after the run (microsoft/vstest#2379), which cut that short.
/// </summary>
/// <remarks>
/// A run that is killed leaves its folders. So the first folder a test process makes also removes those beside
/// it that have not been written to for a day, as Verify's TempDirectory does: a test lasts minutes.
/// </remarks>
internal sealed class TempFolder : IDisposable
{
    private static readonly TimeSpan Abandoned = TimeSpan.FromDays(1);
    private static readonly Lazy<string> Root = new(SweptRoot);

    public TempFolder()
    {
        Path = System.IO.Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The path of a file called <paramref name="name"/> in this folder; the file is not created.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A new, empty folder in this one, for a helper that makes several files of the same names.</summary>
    public string NewFolder() => Directory.CreateDirectory(System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N"))).FullName;

    public static implicit operator string(TempFolder folder) => folder.Path;

    public override string ToString() => Path;

    public void Dispose() => Remove(Path);

    private static string SweptRoot()
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sparseae-tests");
        if (Directory.Exists(root))
            foreach (var dir in Directory.EnumerateDirectories(root))
                if (DateTime.UtcNow - LastWritten(dir) > Abandoned) Remove(dir);
        Directory.CreateDirectory(root);
        return root;
    }

    // The newest write in the folder or any folder under it.
    private static DateTime LastWritten(string dir)
    {
        try
        {
            var newest = Directory.GetLastWriteTimeUtc(dir);
            foreach (var sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories))
            {
                var written = Directory.GetLastWriteTimeUtc(sub);
                if (written > newest) newest = written;
            }
            return newest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return DateTime.UtcNow; }
    }

    // Another test process may be sweeping the same folder, and on Windows a file still open cannot be deleted:
    // what cannot be removed now is left for a later sweep, or for the system's cleaning of TEMP.
    private static void Remove(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
