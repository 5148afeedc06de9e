using SparseAe.Whitening;

namespace SparseAe.Persistence;

/// <summary>A saved ZCA whitening: the transform, the rows it was fitted on, and host column names.</summary>
public sealed record SavedZca(ZcaWhitening Whitening, long TrainingRows, IReadOnlyList<string> ColumnNames);

/// <summary>
/// The binary format of a saved ZCA whitening, framed by <see cref="ChecksummedBlock"/> with magic
/// "SZCA" (0x41435A53). The payload, little-endian, offsets relative to its start:
/// <code>
///   0   i32  V in 1..8192 (ZcaWhitening.MaxDimension)
///   4   f64  epsilon >= 0, finite
///   12  i64  training rows >= 1
///   20  V x f32 mean mu, each finite
///       V*V x f32 W (V,V) row-major, each finite: a row x is whitened as W (x - mu)
///       i32  N in 0..64, column names, then N x (i32 byte length in 0..4096, UTF-8 bytes)
/// </code>
/// Version 1, minimum reader 1, is the only version. A host names the columns it needs (the ML.NET
/// entry: output, input); a featurizer's nested ZCA holds none, and its training rows are the
/// featurizer's training patches.
/// The writer holds every field to the reader's rule and refuses, naming it, before writing anything.
/// </summary>
public static class ZcaFormat
{
    /// <summary>The block's first four bytes, "SZCA" in ASCII (little-endian).</summary>
    public const uint Magic = 0x41435A53;
    /// <summary>Only version 1 exists; a later version that appends a field must raise <see cref="MinReadableVersion"/> to itself.</summary>
    public const uint CurrentVersion = 1;
    /// <summary>The oldest reader version that can read the blocks this version writes.</summary>
    public const uint MinReadableVersion = 1;

    // The rule of each checked field, used by the writer and the reader alike (see FieldRules).
    private static readonly IntField V = new("V", 1, ZcaWhitening.MaxDimension);
    private static readonly DoubleField Epsilon = new("epsilon", 0, double.MaxValue);
    private static readonly LongField TrainingRows = new("training rows", 1);

    /// <summary>
    /// Writes the whitening to the stream. Throws <see cref="ArgumentException"/>, naming the field, its
    /// value and the rule, for anything <see cref="Read(Stream)"/> would refuse; nothing is written then.
    /// </summary>
    public static void Write(Stream stream, SavedZca zca)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(zca);
        ArgumentNullException.ThrowIfNull(zca.Whitening, "zca.Whitening");
        ArgumentNullException.ThrowIfNull(zca.ColumnNames, "zca.ColumnNames");
        var z = zca.Whitening;
        using var w = new PayloadWriter("SparseAe ZCA whitening");
        w.Int(V, z.Dimension);
        w.Double(Epsilon, z.Epsilon);
        w.Long(TrainingRows, zca.TrainingRows);
        w.Floats("mean", z.Mean, i => ZcaWhitening.MeanName(i));
        w.Floats("matrix entry", z.Matrix, k => ZcaWhitening.MatrixEntryName(z.Dimension, k));
        ModelFormat.WriteNames(w, zca.ColumnNames);
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, w.Written);
    }

    /// <summary>Reads and checks one block (CRC, version, every field's rule); throws InvalidDataException naming what is wrong.</summary>
    public static SavedZca Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>Reads as the reader of format version <paramref name="readerVersion"/> did (see <see cref="ModelFormat"/>); there is only version 1 so far.</summary>
    internal static SavedZca Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        const string what = "SparseAe ZCA whitening";
        var (payload, written) = ChecksummedBlock.Read(stream, Magic, readerVersion, what);
        var r = new PayloadReader(payload, ChecksummedBlock.HeaderBytes, what, Math.Min(written, readerVersion));
        int d = r.Int(V);
        double epsilon = r.Double(Epsilon);
        long rows = r.Long(TrainingRows);
        var mean = r.Floats(d, "mean", ZcaWhitening.MeanName);
        var matrix = r.Floats((long)d * d, "matrix entry", k => ZcaWhitening.MatrixEntryName(d, k));
        var names = ModelFormat.ReadNames(ref r);
        r.End();
        try
        {
            return new SavedZca(ZcaWhitening.FromParts(d, epsilon, mean, matrix), rows, names);
        }
        catch (ArgumentException e)
        {
            // Each field was checked as it was read; what is left are rules across fields (W's symmetry).
            throw new InvalidDataException($"The saved ZCA whitening is inconsistent: {e.Message}", e);
        }
    }
}
