using System.Buffers.Binary;
using System.Text;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;

namespace SparseAe.Persistence;

/// <summary>Decodes and validates the payload laid out in <see cref="ModelFormat"/>'s comment.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _b;
    private readonly long _base;
    private int _pos;

    private PayloadReader(ReadOnlySpan<byte> bytes, long baseOffset) { _b = bytes; _base = baseOffset; _pos = 0; }

    internal static SavedAutoencoder Parse(ReadOnlySpan<byte> payload, long baseOffset)
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
        int historyCount = r.Int("cost-history count", 0, (payload.Length - r._pos) / 32);
        var history = new CostBreakdown[historyCount];
        for (int i = 0; i < historyCount; i++) history[i] = r.Cost("cost history");
        r.Need((long)h * 8, "mean activations");
        var mean = new double[h];
        for (int j = 0; j < h; j++) mean[j] = r.Double("mean activation", 0, 1);
        r.Need(thetaCount * 4, "parameters");
        var theta = new float[thetaCount];
        for (long i = 0; i < thetaCount; i++) theta[i] = r.Float("parameter");
        int nameCount = r.Int("column-name count", 0, 64);
        var names = new string[nameCount];
        for (int i = 0; i < nameCount; i++)
        {
            int len = r.Int("column-name length", 0, Math.Min(4096, payload.Length - r._pos - 4));
            names[i] = r.Utf8(len);
        }
        if (r._pos != payload.Length)
            throw new InvalidDataException($"The payload has {payload.Length - r._pos} unexpected bytes at offset {baseOffset + r._pos}.");

        var objective = new ObjectiveSettings(rho, beta, lambda, penalty);
        var summary = new TrainingSummary(optimizer, iterations, epochs, exit, finalCost, mean, TimeSpan.FromSeconds(seconds), rows, history);
        return new SavedAutoencoder(new AutoencoderParameters(v, h, theta), objective, summary, names);
    }

    private void Need(long bytes, string what)
    {
        if (bytes > _b.Length - _pos)
            throw new InvalidDataException($"The model is truncated: {what} at offset {_base + _pos} need {bytes} bytes but only {_b.Length - _pos} remain.");
    }

    private int Int(string what, int min, int max)
    {
        Need(4, what);
        int value = BinaryPrimitives.ReadInt32LittleEndian(_b[_pos..]);
        if (value < min || value > max)
            throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must lie in {min}..{max}.");
        _pos += 4;
        return value;
    }

    private long Long(string what, long min)
    {
        Need(8, what);
        long value = BinaryPrimitives.ReadInt64LittleEndian(_b[_pos..]);
        if (value < min) throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must be at least {min}.");
        _pos += 8;
        return value;
    }

    private double Double(string what, double min, double max, bool exclusive = false)
    {
        Need(8, what);
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_b[_pos..]);
        bool ok = exclusive ? value > min && value < max : value >= min && value <= max;
        if (!ok)
            throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must lie in {(exclusive ? "(" : "[")}{min}, {max}{(exclusive ? ")" : "]")}.");
        _pos += 8;
        return value;
    }

    private double AnyFinite(string what)
    {
        Need(8, what);
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_b[_pos..]);
        if (!double.IsFinite(value)) throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must be finite.");
        _pos += 8;
        return value;
    }

    private float Float(string what)
    {
        float value = BinaryPrimitives.ReadSingleLittleEndian(_b[_pos..]);
        if (!float.IsFinite(value)) throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must be finite.");
        _pos += 4;
        return value;
    }

    private CostBreakdown Cost(string what)
        => new(AnyFinite(what), AnyFinite(what), AnyFinite(what), AnyFinite(what));

    private string Utf8(int length)
    {
        try
        {
            var s = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_b.Slice(_pos, length));
            _pos += length;
            return s;
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"The column name at offset {_base + _pos} is not valid UTF-8.");
        }
    }
}
