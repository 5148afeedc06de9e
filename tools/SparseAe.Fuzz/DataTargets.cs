using System.Text;
using SkiaSharp;
using SparseAe.Data.Csv;
using SparseAe.Data.Idx;
using SparseAe.Data.Images;
using SparseAe.Persistence;

namespace SparseAe.Fuzz;

/// <summary>
/// The targets of the data readers (SparseAe.Data) and of the token vocabulary block. What each documents
/// for damaged data, and so expects here:
/// <list type="bullet">
/// <item>tokens: <see cref="TokenVocabularyFormat.Read"/> promises <see cref="InvalidDataException"/> on anything wrong.</item>
/// <item>idx: <see cref="IdxFile.Read(Stream, string)"/>, plain or gzip: <see cref="InvalidDataException"/>, and
/// <see cref="InsufficientMemoryException"/> for values the process cannot hold, which a gzip header may claim
/// (checked on the header, before its values are inflated: under run-fuzz.sh's heap limit, a few hundred million).</item>
/// <item>image: <see cref="ImageDecoder.LoadGrey(Stream, string)"/>: <see cref="InvalidDataException"/>, and
/// <see cref="InsufficientMemoryException"/> for pixels the process cannot hold, which a header under the
/// harness's pixel cap (below) never claims, so it is not expected either.</item>
/// <item>csv: <see cref="VectorCsv.Read(TextReader, string, out string[], bool)"/>: <see cref="InvalidDataException"/>.</item>
/// </list>
/// A reader that returns must return something usable: its result is checked against its own invariants.
/// </summary>
public static class DataTargets
{
    /// <summary>
    /// The most pixels an image may claim to be decoded here: 4 Mi pixels, 32 MiB at the decoder's 8 bytes a
    /// pixel, within the allocation limit's 64 MiB slack. A 64 KB PNG can legitimately hold a 10,000 x 10,000
    /// image (800 MB decoded, which the decoder documents and checks against memory); that is not damage.
    /// </summary>
    public const long ImagePixelCap = 4L << 20;

    public static string RunTokens(byte[] input)
    {
        string asGiven = ReadTokens(input);
        var repaired = ChecksumRepair.RepairSimple(input);
        return repaired is null ? asGiven : $"{asGiven}; CRC repaired: {ReadTokens(repaired)}";
    }

    private static string ReadTokens(byte[] input)
    {
        SavedTokenVocabulary v;
        try
        {
            v = TokenVocabularyFormat.Read(new MemoryStream(input, writable: false));
        }
        catch (InvalidDataException e)
        {
            return Targets.Rejected(e);
        }
        if (v.TokenIds.Length == 0 || (v.Idf is { } idf && idf.Length != v.TokenIds.Length)
            || (v.Idf is null) != (v.Weighting == TokenWeighting.Counts) || v.DocumentCount < 1)
            throw new FuzzInvariantException($"tokens: read a vocabulary that breaks the format's rules: {v.Weighting}, {v.TokenIds.Length} ids, {v.Idf?.Length} idf, N = {v.DocumentCount}");
        // The writer holds every field to the reader's rules, so what was read must write back.
        TokenVocabularyFormat.Write(Stream.Null, v);
        return $"read: {v.Encoding}, {v.Weighting}, {v.TokenIds.Length} id(s)";
    }

    public static string RunIdx(byte[] input)
    {
        IdxFile idx;
        try
        {
            idx = IdxFile.Read(new MemoryStream(input, writable: false), "fuzz.idx");
        }
        catch (Exception e) when (e is InvalidDataException or InsufficientMemoryException)
        {
            return Targets.Rejected(e);
        }
        if ((long)idx.ItemCount * idx.ItemSize != idx.Data.Length)
            throw new FuzzInvariantException($"idx: {idx} has {idx.ItemCount} items of {idx.ItemSize} values but {idx.Data.Length} values");
        if (idx.ItemCount > 0) _ = idx.Item(idx.ItemCount - 1).Length;
        return $"read: {idx}";
    }

    public static string RunImage(byte[] input)
    {
        // The harness's own look at the header (a native crash here is Skia's, as in the decoder).
        using (var data = SKData.CreateCopy(input))
        using (var codec = data is null ? null : SKCodec.Create(new SKMemoryStream(data)))
        {
            if (codec is not null && (long)codec.Info.Width * codec.Info.Height > ImagePixelCap)
                return $"skipped: claims {codec.Info.Width}x{codec.Info.Height} pixels, more than the harness's cap of {ImagePixelCap}";
        }
        GreyImage image;
        try
        {
            image = ImageDecoder.LoadGrey(new MemoryStream(input, writable: false), "fuzz.img");
        }
        catch (InvalidDataException e)
        {
            return Targets.Rejected(e);
        }
        if (image.Width < 1 || image.Height < 1 || (long)image.Width * image.Height != image.Pixels.Length)
            throw new FuzzInvariantException($"image: {image.Width}x{image.Height} with {image.Pixels.Length} pixels");
        foreach (float p in new[] { image.Pixels[0], image.Pixels[^1] })
            if (!(p >= 0 && p <= 1)) throw new FuzzInvariantException($"image: a pixel is {p}, outside [0, 1]");
        return $"read: {image.Width}x{image.Height}";
    }

    /// <summary>Both modes (NaN and infinities allowed, then refused), the text decoded as VectorCsv.Read(path) does (UTF-8, or UTF-16 by its mark).</summary>
    public static string RunCsv(byte[] input) => $"{ReadCsv(input, requireFinite: false)}; finite: {ReadCsv(input, requireFinite: true)}";

    private static string ReadCsv(byte[] input, bool requireFinite)
    {
        (float[] Data, int Rows, int Columns) csv;
        string[]? header;
        try
        {
            using var text = new StreamReader(new MemoryStream(input, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            csv = VectorCsv.Read(text, "fuzz.csv", out header, requireFinite);
        }
        catch (InvalidDataException e)
        {
            return Targets.Rejected(e);
        }
        if (csv.Columns < 1 || csv.Rows < 0 || (long)csv.Rows * csv.Columns != csv.Data.Length || (header is not null && header.Length != csv.Columns))
            throw new FuzzInvariantException($"csv: {csv.Rows} x {csv.Columns} with {csv.Data.Length} values and a header of {header?.Length} names");
        if (requireFinite && csv.Data.Length > 0 && !float.IsFinite(csv.Data[^1]))
            throw new FuzzInvariantException($"csv: requireFinite returned {csv.Data[^1]}");
        return $"read: {csv.Rows} x {csv.Columns}{(header is null ? "" : ", header")}";
    }
}
