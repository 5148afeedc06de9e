using System.Buffers.Binary;
using System.Text;
using SparseAe.Objective;

namespace SparseAe.Persistence;

/// <summary>Reads a payload field by field, checking each size against the bytes left and each value against its rule.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _b;
    private readonly long _base;
    private int _pos;

    public PayloadReader(ReadOnlySpan<byte> bytes, long baseOffset) { _b = bytes; _base = baseOffset; _pos = 0; }

    /// <summary>Bytes not read yet.</summary>
    public int Remaining => _b.Length - _pos;

    /// <summary>Throws unless every byte was read.</summary>
    public void End()
    {
        if (_pos != _b.Length)
            throw new InvalidDataException($"The payload has {_b.Length - _pos} unexpected bytes at offset {_base + _pos}.");
    }

    public void Need(long bytes, string what)
    {
        if (bytes > _b.Length - _pos)
            throw new InvalidDataException($"The model is truncated: {what} at offset {_base + _pos} need {bytes} bytes but only {_b.Length - _pos} remain.");
    }

    public int Int(string what, int min, int max)
    {
        Need(4, what);
        int value = BinaryPrimitives.ReadInt32LittleEndian(_b[_pos..]);
        if (value < min || value > max)
            throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must lie in {min}..{max}.");
        _pos += 4;
        return value;
    }

    public long Long(string what, long min)
    {
        Need(8, what);
        long value = BinaryPrimitives.ReadInt64LittleEndian(_b[_pos..]);
        if (value < min) throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must be at least {min}.");
        _pos += 8;
        return value;
    }

    public double Double(string what, double min, double max, bool exclusive = false)
    {
        Need(8, what);
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_b[_pos..]);
        bool ok = exclusive ? value > min && value < max : value >= min && value <= max;
        if (!ok)
            throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must lie in {(exclusive ? "(" : "[")}{min}, {max}{(exclusive ? ")" : "]")}.");
        _pos += 8;
        return value;
    }

    public double AnyFinite(string what)
    {
        Need(8, what);
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_b[_pos..]);
        if (!double.IsFinite(value)) throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must be finite.");
        _pos += 8;
        return value;
    }

    /// <summary>n raw bytes (a nested block), checked against what remains.</summary>
    public byte[] Bytes(int n, string what)
    {
        Need(n, what);
        var bytes = _b.Slice(_pos, n).ToArray();
        _pos += n;
        return bytes;
    }

    /// <summary>n finite floats; the size is checked before the array is allocated.</summary>
    public float[] Floats(long n, string what)
    {
        Need(n * 4, what);
        var values = new float[n];
        for (long i = 0; i < n; i++) values[i] = Float(what);
        return values;
    }

    public float Float(string what)
    {
        Need(4, what);
        float value = BinaryPrimitives.ReadSingleLittleEndian(_b[_pos..]);
        if (!float.IsFinite(value)) throw new InvalidDataException($"The {what} at offset {_base + _pos} is {value}; it must be finite.");
        _pos += 4;
        return value;
    }

    public CostBreakdown Cost(string what)
        => new(AnyFinite(what), AnyFinite(what), AnyFinite(what), AnyFinite(what));

    public string Utf8(int length)
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
