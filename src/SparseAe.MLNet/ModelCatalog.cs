using Microsoft.ML;
using SparseAe.Persistence;

namespace SparseAe.MLNet;

/// <summary>
/// <c>mlContext.Model.LoadVerified(...)</c>: loads a saved model as <c>mlContext.Model.Load</c> does, once the file is
/// known to be a whole zip archive. Neither .NET's zip reader nor ML.NET checks an entry's CRC-32, and given a model zip
/// whose <c>Schema</c> entry was damaged (found by fuzzing), ML.NET's <c>Model.Load</c> (5.0.1 and 6.0.0) never returned:
/// its binary loader reads on at the end of the entry. Use this for model files that may have been damaged in transit
/// or storage (copied, downloaded). It checks for damage, not for a zip crafted with matching checksums: what such a
/// file holds is refused, or not, by the loaders ML.NET calls (ours are fuzzed; docs/reliability.md). Its own cost is
/// bounded by the file: entries whose compressed data add up to more than the file (a zip bomb's overlapping records
/// of one block) are refused before any is inflated, and no entry is inflated past the size its headers record. <c>sparseae</c> checks every model it loads the same way.
/// </summary>
public static class ModelCatalog
{
    /// <summary>
    /// Loads the model saved in <paramref name="filePath"/> (by <c>mlContext.Model.Save</c>) after checking that the file is
    /// a whole zip archive whose every entry can be read and has the size and CRC-32 its headers record; it reads the file
    /// twice.
    /// </summary>
    /// <param name="catalog">The model catalog.</param>
    /// <param name="filePath">The model zip.</param>
    /// <param name="inputSchema">The input schema the model was saved with, as <c>Load</c> gives it.</param>
    /// <exception cref="InvalidDataException">The file is empty, is not a zip archive, is a zip whose list of entries cannot
    /// be read (cut short) or whose entries' compressed data add up to more than the file (they overlap), or has an entry
    /// whose data cannot be read, run past the size its headers record or fail its CRC-32; the message names the file and
    /// the entry, and ML.NET is not given the file.</exception>
    public static ITransformer LoadVerified(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        using var file = File.OpenRead(filePath);
        return Load(catalog, file, $"model '{filePath}'", out inputSchema);
    }

    /// <summary>
    /// Loads the model saved in <paramref name="stream"/> as <see cref="LoadVerified(ModelOperationsCatalog, string, out DataViewSchema)"/>
    /// loads a file. A seekable stream is read whole whatever its position, as <c>Load</c> reads it (a model just saved
    /// into a MemoryStream need not be rewound); one that cannot seek is read from its position into memory first, as
    /// .NET's zip reader does with one.
    /// </summary>
    /// <param name="catalog">The model catalog.</param>
    /// <param name="stream">The model zip; it is left open.</param>
    /// <param name="inputSchema">The input schema the model was saved with, as <c>Load</c> gives it.</param>
    /// <exception cref="InvalidDataException">As for a file; the message says "the model in the stream".</exception>
    public static ITransformer LoadVerified(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek) return Load(catalog, stream, "the model in the stream", out inputSchema);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return Load(catalog, copy, "the model in the stream", out inputSchema);
    }

    private static ITransformer Load(ModelOperationsCatalog catalog, Stream seekable, string what, out DataViewSchema inputSchema)
    {
        if (ZipEntryCheck.Problem(seekable) is { } problem) throw new InvalidDataException($"Cannot load {what}: {problem}");
        return catalog.Load(seekable, out inputSchema);
    }
}
