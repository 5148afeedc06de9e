using System.Text;

namespace SparseAe.Persistence;

/// <summary>
/// A saved token-count vocabulary: the tokenizer's encoding by name, the weighting, whether rows are
/// L2-normalised, the kept token ids (strictly ascending; slot j holds <c>TokenIds[j]</c>), their idf
/// (LogTfIdf only, else null), the rows seen at Fit, and host column names.
/// </summary>
public sealed record SavedTokenVocabulary(string Encoding, TokenWeighting Weighting, bool Normalize, int[] TokenIds, float[]? Idf,
    long DocumentCount, IReadOnlyList<string> ColumnNames);

/// <summary>
/// The binary format of a saved token-count vocabulary, framed by <see cref="ChecksummedBlock"/> with
/// magic "STOK" (0x4B4F5453). The payload, little-endian, offsets relative to its start:
/// <code>
///   0   i32  E, the encoding name's UTF-8 length in 1..64, then E bytes (e.g. "cl100k_base")
///       i32  weighting in 0..1 (0 Counts, 1 LogTfIdf)
///       i32  normalize in 0..1
///       i64  document count N >= 1 (rows seen at Fit)
///       i32  T in 1..MaxTokens, then T x i32 token ids, each >= 0, strictly ascending
///       (LogTfIdf only) T x f32 idf, each in [1, ln((1 + N) / 2) + 1] (N the document count; rounded to float)
///       i32  N in 0..64, column names, then N x (i32 byte length in 0..4096, UTF-8 bytes)
/// </code>
/// Version 1, minimum reader 1, is the only version. The ML.NET entry names its output and input columns.
/// Which ids the encoding knows is the tokenizer's business, checked by the component that loads the
/// block; this format holds what needs no tokenizer. The writer holds every field to the reader's
/// rule and refuses, naming it, before writing anything.
/// </summary>
public static class TokenVocabularyFormat
{
    /// <summary>The block's first four bytes, "STOK" in ASCII (little-endian).</summary>
    public const uint Magic = 0x4B4F5453;
    /// <summary>Only version 1 exists; a later version that appends a field must raise <see cref="MinReadableVersion"/> to itself.</summary>
    public const uint CurrentVersion = 1;
    /// <summary>The oldest reader version that can read the blocks this version writes.</summary>
    public const uint MinReadableVersion = 1;
    /// <summary>The most token ids a vocabulary holds (2^20: above every tiktoken encoding's size).</summary>
    public const int MaxTokens = 1 << 20;

    private const string What = "SparseAe token vocabulary";

    private static readonly IntField EncodingLength = new("encoding name's UTF-8 length", 1, 64);
    private static readonly IntField Weighting = new("weighting (0 Counts, 1 LogTfIdf)", 0, 1);
    private static readonly IntField Normalize = new("normalize flag", 0, 1);
    private static readonly LongField DocumentCount = new("document count", 1);
    private static readonly IntField TokenCount = new("token count", 1, MaxTokens);

    /// <summary>
    /// Writes the vocabulary to the stream. Throws <see cref="ArgumentException"/>, naming the field, its
    /// value and the rule, for anything <see cref="Read(Stream)"/> would refuse; nothing is written then.
    /// </summary>
    public static void Write(Stream stream, SavedTokenVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(vocabulary.TokenIds, "vocabulary.TokenIds");
        ArgumentNullException.ThrowIfNull(vocabulary.ColumnNames, "vocabulary.ColumnNames");
        var v = vocabulary;
        using var w = new PayloadWriter(What);
        var name = Encoding.UTF8.GetBytes(v.Encoding ?? throw w.Refusal("encoding name", "is null"));
        w.Int(EncodingLength, name.Length);
        w.Bytes(name);
        w.Int(Weighting, (int)v.Weighting);
        w.Int(Normalize, v.Normalize ? 1 : 0);
        w.Long(DocumentCount, v.DocumentCount);
        w.Int(TokenCount, v.TokenIds.Length);
        for (int i = 0; i < v.TokenIds.Length; i++)
        {
            if (IdProblem(v.TokenIds, i) is { } problem) throw w.Refusal($"token id at index {i}", problem);
            w.Int(v.TokenIds[i]);
        }
        bool hasIdf = v.Weighting == TokenWeighting.LogTfIdf;
        if (hasIdf != v.Idf is not null)
            throw w.Refusal("idf", $"is {(v.Idf is null ? "missing" : "present")}; it is saved with LogTfIdf weighting alone");
        if (v.Idf is { } idf)
        {
            if (idf.Length != v.TokenIds.Length) throw w.Refusal("idf", $"has {idf.Length} values; it must have one per token id ({v.TokenIds.Length})");
            for (int i = 0; i < idf.Length; i++)
                if (IdfProblem(idf[i], v.DocumentCount) is { } problem) throw w.Refusal(IdfName(i), problem);
            w.Floats("idf", idf, i => IdfName(i));
        }
        ModelFormat.WriteNames(w, v.ColumnNames);
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, w.Written);
    }

    /// <summary>Reads and checks one block (CRC, version, every field's rule); throws InvalidDataException naming what is wrong.</summary>
    public static SavedTokenVocabulary Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>Reads as the reader of format version <paramref name="readerVersion"/> would (see <see cref="ModelFormat"/>);
    /// version 1 is the only one so far, so this is the header check that a later version's blocks must meet.</summary>
    internal static SavedTokenVocabulary Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        var (payload, written) = ChecksummedBlock.Read(stream, Magic, readerVersion, What);
        var r = new PayloadReader(payload, ChecksummedBlock.HeaderBytes, What, Math.Min(written, readerVersion));
        string encoding = r.Utf8(r.Int(EncodingLength), "encoding name");
        var weighting = (TokenWeighting)r.Int(Weighting);
        bool normalize = r.Int(Normalize) == 1;
        long documents = r.Long(DocumentCount);
        int count = r.Int(TokenCount);
        r.Need(4L * count, "token ids");
        var ids = new int[count];
        for (int i = 0; i < count; i++)
        {
            long offset = r.Offset;
            ids[i] = r.Int(new IntField($"token id at index {i}", int.MinValue, int.MaxValue));
            if (IdProblem(ids, i) is { } problem) throw PayloadReader.Invalid($"token id at index {i}", offset, problem);
        }
        float[]? idf = null;
        if (weighting == TokenWeighting.LogTfIdf)
        {
            long offset = r.Offset;
            idf = r.Floats(count, "idf", IdfName);
            for (int i = 0; i < count; i++)
                if (IdfProblem(idf[i], documents) is { } problem) throw PayloadReader.Invalid(IdfName(i), offset + 4L * i, problem);
        }
        var names = ModelFormat.ReadNames(ref r);
        r.End();
        return new SavedTokenVocabulary(encoding, weighting, normalize, ids, idf, documents, names);
    }

    // Slot j is the j-th smallest id, so the ids must be strictly ascending; a repeat is named as such,
    // for it is the damage a reader most needs told apart from a mere reordering.
    private static string? IdProblem(int[] ids, int i)
    {
        int id = ids[i];
        if (id < 0) return $"is {id}; it must be at least 0";
        if (i == 0 || id > ids[i - 1]) return null;
        return id == ids[i - 1]
            ? $"is {id}, a duplicate of the id at index {i - 1}; each id must appear once"
            : $"is {id}, below the id {ids[i - 1]} at index {i - 1}; the ids must be strictly ascending";
    }

    // Slot i's idf in messages, by the writer and the reader alike (a NaN, which the reader's float check
    // meets first, as well as a value below 1).
    private static string IdfName(long i) => $"idf at index {i}";

    /// <summary>
    /// scikit-learn's TfidfTransformer with smooth_idf=True: idf = ln((1 + N) / (1 + df)) + 1 for a token in df of N rows,
    /// as if one more row held every token once, so no idf divides by zero and a token in every row keeps weight 1.
    /// Computed in double, kept as the float that is saved, so a loaded model weighs as the fitted one.
    /// </summary>
    internal static float SmoothIdf(long rows, long documentFrequency) => (float)(Math.Log((1.0 + rows) / (1.0 + documentFrequency)) + 1.0);

    // A kept token is in 1 to N rows, so its idf lies between a token in every row's, 1, and a token in one row's, rounded
    // to float as Fit rounds it: an idf of 3e38 loaded and made Transform's weights infinite, and its normalised rows NaN.
    private static string? IdfProblem(float idf, long documents)
    {
        float largest = SmoothIdf(documents, 1);
        return idf >= 1 && idf <= largest ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"is {idf}; it must lie in [1, {largest}], the smooth idf ln((1 + N) / (1 + df)) + 1 of a token in 1 to N = {documents} rows");
    }
}
