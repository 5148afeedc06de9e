using System.Text;
using SparseAe.Whitening;

namespace SparseAe.Persistence;

/// <summary>A saved ZCA whitening: the transform, the rows it was fitted on, and host column names.</summary>
public sealed record SavedZca(ZcaWhitening Whitening, long TrainingRows, IReadOnlyList<string> ColumnNames);

/// <summary>
/// The binary format of a saved ZCA whitening, framed by <see cref="ChecksummedBlock"/> with magic
/// "SZCA" (0x41435A53). The payload, little-endian, offsets relative to its start:
/// <code>
///   0   i32  V >= 1
///   4   f64  epsilon >= 0, finite
///   12  i64  training rows >= 1
///   20  V x f32 mean mu, each finite
///       V*V x f32 W (V,V) row-major, each finite
///       i32  K, column names, then K x (i32 byte length, UTF-8 bytes)
/// </code>
/// </summary>
public static class ZcaFormat
{
    public const uint Magic = 0x41435A53;
    /// <summary>Only version 1 exists; a later version that appends a field must raise <see cref="MinReadableVersion"/> to itself.</summary>
    public const uint CurrentVersion = 1;
    public const uint MinReadableVersion = 1;

    public static void Write(Stream stream, SavedZca zca)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(zca);
        var z = zca.Whitening;
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(z.Dimension);
            w.Write(z.Epsilon);
            w.Write(zca.TrainingRows);
            foreach (var v in z.Mean) w.Write(v);
            foreach (var v in z.Matrix) w.Write(v);
            ModelFormat.WriteNames(w, zca.ColumnNames);
        }
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, payload.GetBuffer().AsSpan(0, (int)payload.Length));
    }

    public static SavedZca Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>Reads as the reader of format version <paramref name="readerVersion"/> did (see <see cref="ModelFormat"/>); there is only version 1 so far.</summary>
    internal static SavedZca Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        var (payload, _) = ChecksummedBlock.Read(stream, Magic, readerVersion, "SparseAe ZCA whitening");
        var r = new PayloadReader(payload, ChecksummedBlock.HeaderBytes);
        int d = r.Int("V", 1, 8192);
        double epsilon = r.Double("epsilon", 0, double.MaxValue);
        long rows = r.Long("training rows", 1);
        var mean = r.Floats(d, "mean");
        var matrix = r.Floats((long)d * d, "matrix");
        var names = ModelFormat.ReadNames(ref r);
        r.End();
        return new SavedZca(ZcaWhitening.FromParts(d, epsilon, mean, matrix), rows, names);
    }
}
