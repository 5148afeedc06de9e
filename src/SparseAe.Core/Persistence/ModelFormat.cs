using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;

namespace SparseAe.Persistence;

/// <summary>
/// The binary format of a saved autoencoder, shared by the writer and the reader below.
/// </summary>
/// <remarks>
/// All integers and floats little-endian. Offsets in bytes.
/// <code>
/// Header (16 bytes)
///   0   u32  magic 0x45415053 (the bytes "SPAE")
///   4   u32  format version written (CurrentVersion)
///   8   u32  minimum reader version able to read it (MinReadableVersion)
///   12  i32  payload length L, 1..MaxPayloadBytes
/// Payload (L bytes), starting at offset 16, offsets below relative to it
///   0   i32  V >= 1              4   i32  H >= 1
///   8   i32  penalty (0 KL, 1 L1)
///   12  f64  rho in (0,1)        20  f64  beta >= 0          28  f64  lambda >= 0
///   36  i32  optimizer (0 L-BFGS, 1 Adam)
///   40  i32  iterations >= 0     44  i32  epochs >= 0        48  i32  exit reason
///   52  i64  training rows >= 0  60  f64  elapsed seconds >= 0
///   68  4 x f64 final cost: total, reconstruction, weight decay, sparsity
///   100 i32  C, cost-history entries, then C x (4 x f64)
///       H x f64 mean activation of each hidden unit, each in [0,1]
///       (2HV + H + V) x f32 theta = [W1 (H,V) | W2 (V,H) | b1 (H) | b2 (V)], each finite
///       i32  K, column names, then K x (i32 byte length, UTF-8 bytes)
/// Trailer
///   16+L u32 CRC-32 (IEEE) of the payload bytes
/// </code>
/// Every decoded size is checked against the bytes that remain before anything is allocated, and
/// every value against its rule; a failure is an <see cref="InvalidDataException"/> naming the field,
/// its offset and the value.
/// </remarks>
public static class ModelFormat
{
    public const uint Magic = 0x45415053;
    public const uint CurrentVersion = 1;
    public const uint MinReadableVersion = 1;
    public const int MaxPayloadBytes = int.MaxValue - 64;
    private const int MaxColumnNames = 64, MaxNameBytes = 4096;

    /// <summary>Writes the model to the stream.</summary>
    public static void Write(Stream stream, SavedAutoencoder model)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        var p = model.Parameters;
        if (Kernels.VectorKernels.IndexOfNonFinite(p.Theta) >= 0)
            throw new ArgumentException("The parameters hold NaN or infinity; such a model is not saved.", nameof(model));
        var s = model.Summary;
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(p.VisibleCount); w.Write(p.HiddenCount);
            w.Write((int)model.Objective.Penalty);
            w.Write(model.Objective.SparsityTarget); w.Write(model.Objective.SparsityWeight); w.Write(model.Objective.WeightDecay);
            w.Write((int)s.Optimizer); w.Write(s.Iterations); w.Write(s.Epochs); w.Write((int)s.ExitReason);
            w.Write(s.TrainingRows); w.Write(s.Elapsed.TotalSeconds);
            WriteCost(w, s.FinalCost);
            w.Write(s.CostHistory.Count);
            foreach (var c in s.CostHistory) WriteCost(w, c);
            foreach (var a in s.MeanActivation) w.Write(a);
            foreach (var t in p.Theta) w.Write(t);
            w.Write(model.ColumnNames.Count);
            foreach (var name in model.ColumnNames)
            {
                var bytes = Encoding.UTF8.GetBytes(name);
                w.Write(bytes.Length); w.Write(bytes);
            }
        }
        var body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MinReadableVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], body.Length);
        stream.Write(header);
        stream.Write(body);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(body));
        stream.Write(crc);
    }

    /// <summary>Reads and validates a model; throws <see cref="InvalidDataException"/> on anything wrong.</summary>
    public static SavedAutoencoder Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[16];
        ReadExactly(stream, header, 0, "header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic != Magic)
            throw new InvalidDataException($"Not a SparseAe model: the magic at offset 0 is 0x{magic:X8}, expected 0x{Magic:X8}.");
        uint written = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint minReader = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (minReader > CurrentVersion)
            throw new InvalidDataException(
                $"The model was written by a newer SparseAe (format version {written}, readable from version {minReader}); this library reads format versions up to {CurrentVersion}. Upgrade SparseAe to load it.");
        if (minReader > written || written == 0)
            throw new InvalidDataException($"The model header at offset 4 is inconsistent: format version {written}, minimum reader version {minReader}.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (length < 1 || length > MaxPayloadBytes)
            throw new InvalidDataException($"The payload length at offset 12 is {length}; it must lie in 1..{MaxPayloadBytes}.");
        if (stream.CanSeek && length > stream.Length - stream.Position)
            throw new InvalidDataException($"The model is truncated: the payload length at offset 12 is {length} bytes but only {stream.Length - stream.Position} remain.");
        var body = new byte[length];
        ReadExactly(stream, body, 16, "payload");
        Span<byte> crcBytes = stackalloc byte[4];
        ReadExactly(stream, crcBytes, 16 + length, "checksum");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(crcBytes), actual = Crc32.HashToUInt32(body);
        if (stored != actual)
            throw new InvalidDataException($"The model is damaged: the CRC-32 at offset {16 + length} is 0x{stored:X8} but the payload hashes to 0x{actual:X8}.");
        return PayloadReader.Parse(body, 16);
    }

    internal static void WriteCost(BinaryWriter w, CostBreakdown c)
    {
        w.Write(c.Total); w.Write(c.Reconstruction); w.Write(c.WeightDecay); w.Write(c.Sparsity);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, long offset, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new InvalidDataException($"The model is truncated: the {what} at offset {offset} needs {buffer.Length} bytes but only {read} remain.");
    }
}
