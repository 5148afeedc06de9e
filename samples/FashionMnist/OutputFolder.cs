namespace FashionMnistSample;

/// <summary>The start-up check of --output-dir, so that a folder that cannot be written fails in a second, not after training.</summary>
internal static class OutputFolder
{
    /// <summary>The files the sample writes at the end of a run.</summary>
    public static readonly string[] FileNames = ["model.zip", "filters.png", "feature-maps.png", "model.onnx"];

    /// <summary>Creates <paramref name="folder"/> and makes and deletes a file in it; null if it can take the outputs, else a one-line reason.</summary>
    public static string? Problem(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write to the output folder '{folder}' ({e.Message})";
        }
        var blocked = FileNames.FirstOrDefault(name => Directory.Exists(Path.Combine(folder, name)));
        return blocked is null ? null : $"cannot write '{Path.Combine(folder, blocked)}' in the output folder: it is a folder";
    }
}
