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
/// The block is framed by <see cref="ChecksummedBlock"/> (magic "SPAE" = 0x45415053, versions,
/// payload length, CRC-32). The payload, all little-endian, offsets relative to its start:
/// <code>
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
///       i32  decoder (0 sigmoid, 1 linear)                 format version 2 and later only
/// </code>
/// Every decoded size is checked against the bytes that remain before anything is allocated, and
/// every value against its rule; a failure is an <see cref="InvalidDataException"/> naming the field,
/// its offset and the value.
/// </remarks>
public static class ModelFormat
{
    public const uint Magic = 0x45415053;
    /// <summary>Version 2 added the decoder (after the column names); version 1 models are sigmoid.</summary>
    public const uint CurrentVersion = 2;

    /// <summary>
    /// A version-1 reader would find 4 bytes after the column names that it does not expect (and could
    /// not honour a linear decoder), so version-2 blocks need a version-2 reader. Readers refuse bytes
    /// after the last field they know, so a version that appends a field is the minimum reader of its blocks.
    /// </summary>
    public const uint MinReadableVersion = 2;

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
            WriteNames(w, model.ColumnNames);
            w.Write((int)model.Objective.Decoder);
        }
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, payload.GetBuffer().AsSpan(0, (int)payload.Length));
    }

    /// <summary>Reads and validates a model; throws <see cref="InvalidDataException"/> on anything wrong.</summary>
    public static SavedAutoencoder Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>
    /// Reads as the reader of format version <paramref name="readerVersion"/> did: its header check
    /// (refusing a block whose minimum reader version is above it) and its layout. Fields are only
    /// ever appended, so that reader is this one stopped after the fields its version knew; the tests
    /// run today's bytes through older readers with it.
    /// </summary>
    internal static SavedAutoencoder Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        var (payload, written) = ChecksummedBlock.Read(stream, Magic, readerVersion, "SparseAe model");
        return Parse(payload, ChecksummedBlock.HeaderBytes, Math.Min(written, readerVersion));
    }

    internal static void WriteNames(BinaryWriter w, IReadOnlyList<string> names)
    {
        w.Write(names.Count);
        foreach (var name in names)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            w.Write(bytes.Length); w.Write(bytes);
        }
    }

    internal static string[] ReadNames(ref PayloadReader r)
    {
        int count = r.Int("column-name count", 0, 64);
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            int length = r.Int("column-name length", 0, Math.Min(4096, r.Remaining - 4));
            names[i] = r.Utf8(length);
        }
        return names;
    }

    internal static void WriteCost(BinaryWriter w, CostBreakdown c)
    {
        w.Write(c.Total); w.Write(c.Reconstruction); w.Write(c.WeightDecay); w.Write(c.Sparsity);
    }

    private static SavedAutoencoder Parse(ReadOnlySpan<byte> payload, long baseOffset, uint version)
    {
        var r = new PayloadReader(payload, baseOffset);
        int v = r.Int("V", 1, int.MaxValue);
        int h = r.Int("H", 1, int.MaxValue);
        long thetaCount = 2L * h * v + h + v;
        if (thetaCount * 4 > payload.Length)
            throw new InvalidDataException($"The sizes V={v}, H={h} at offset {baseOffset} need {thetaCount * 4} bytes of weights but the payload has {payload.Length}.");
        var penalty = (SparsityPenalty)r.Int("penalty", 0, 1);
        double rho = r.Double("rho", 0, 1, exclusive: true);
        double beta = r.Double("beta", 0, double.MaxValue);
        double lambda = r.Double("lambda", 0, double.MaxValue);
        var optimizer = (OptimizerKind)r.Int("optimizer", 0, 1);
        int iterations = r.Int("iterations", 0, int.MaxValue);
        int epochs = r.Int("epochs", 0, int.MaxValue);
        var exit = (OptimizerExitReason)r.Int("exit reason", 0, (int)OptimizerExitReason.EpochsCompleted);
        long rows = r.Long("training rows", 0);
        double seconds = r.Double("elapsed seconds", 0, TimeSpan.MaxValue.TotalSeconds);
        var finalCost = r.Cost("final cost");
        int historyCount = r.Int("cost-history count", 0, r.Remaining / 32);
        var history = new CostBreakdown[historyCount];
        for (int i = 0; i < historyCount; i++) history[i] = r.Cost("cost history");
        r.Need((long)h * 8, "mean activations");
        var mean = new double[h];
        for (int j = 0; j < h; j++) mean[j] = r.Double("mean activation", 0, 1);
        var theta = r.Floats(thetaCount, "parameters");
        var names = ReadNames(ref r);
        var decoder = version >= 2 ? (DecoderKind)r.Int("decoder", 0, 1) : DecoderKind.Sigmoid;
        r.End();

        var objective = new ObjectiveSettings(rho, beta, lambda, penalty, decoder);
        var summary = new TrainingSummary(optimizer, iterations, epochs, exit, finalCost, mean, TimeSpan.FromSeconds(seconds), rows, history);
        return new SavedAutoencoder(new AutoencoderParameters(v, h, theta), objective, summary, names);
    }
}
