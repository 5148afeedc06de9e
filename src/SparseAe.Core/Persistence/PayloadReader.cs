using System.Buffers.Binary;
using System.Text;
using SparseAe.Objective;

namespace SparseAe.Persistence;

/// <summary>Reads a payload field by field, checking each size against the bytes left and each value against its rule.</summary>
internal ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _b;
    private readonly long _base;
    private readonly string _block;
    private readonly uint _version;
    private int _pos;

    /// <param name="bytes">The payload, whose length and CRC-32 <see cref="ChecksummedBlock"/> has checked.</param>
    /// <param name="baseOffset">The payload's offset in its block, so messages give offsets in the block.</param>
    /// <param name="block">The block's name in messages ("SparseAe model").</param>
    /// <param name="version">The format version whose layout is read.</param>
    public PayloadReader(ReadOnlySpan<byte> bytes, long baseOffset, string block, uint version)
    {
        _b = bytes; _base = baseOffset; _block = block; _version = version; _pos = 0;
    }

    // The payload's length and checksum were checked, so a payload longer or shorter than its version's layout
    // was not cut or padded in transit: its version field (outside the CRC) or its writer is wrong.
    private const string WhyNotTruncated = "Its length and CRC-32 check out, so";

    /// <summary>The offset of the next field (from the block's start).</summary>
    public readonly long Offset => _base + _pos;

    /// <summary>The error for a field whose value breaks its rule: "The {what} at offset {offset} {problem}."</summary>
    public static InvalidDataException Invalid(string what, long offset, string problem) => new($"The {what} at offset {offset} {problem}.");

    /// <summary>Bytes not read yet.</summary>
    public int Remaining => _b.Length - _pos;

    /// <summary>Throws unless every byte was read.</summary>
    public void End()
    {
        if (_pos != _b.Length)
            throw new InvalidDataException(
                $"The {_block}'s payload has {_b.Length - _pos} unexpected bytes at offset {_base + _pos}, after the last field of format version {_version}. " +
                $"{WhyNotTruncated} the version in its header (offset 4) is damaged, or its writer was faulty.");
    }

    public void Need(long bytes, string what)
    {
        if (bytes > _b.Length - _pos)
            throw new InvalidDataException(
                $"The {_block}'s payload ends inside {what} at offset {_base + _pos}: {bytes} bytes are needed but only {_b.Length - _pos} remain. " +
                $"{WhyNotTruncated} it is shorter than format version {_version} lays out: the version in its header (offset 4) is damaged, or its writer was faulty.");
    }

    /// <summary>An i32 by its field's rule (shared with <see cref="PayloadWriter"/>).</summary>
    public int Int(IntField field)
    {
        Need(4, field.What);
        int value = BinaryPrimitives.ReadInt32LittleEndian(_b[_pos..]);
        Check(field.What, field.Problem(value));
        _pos += 4;
        return value;
    }

    /// <summary>An i32 whose bounds depend on the bytes read so far (a count or length of what follows).</summary>
    public int Int(string what, int min, int max) => Int(new IntField(what, min, max));

    public long Long(LongField field)
    {
        Need(8, field.What);
        long value = BinaryPrimitives.ReadInt64LittleEndian(_b[_pos..]);
        Check(field.What, field.Problem(value));
        _pos += 8;
        return value;
    }

    public double Double(DoubleField field)
    {
        Need(8, field.What);
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_b[_pos..]);
        Check(field.What, field.Problem(value));
        _pos += 8;
        return value;
    }

    public double AnyFinite(string what)
    {
        Need(8, what);
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_b[_pos..]);
        Check(what, FieldRules.Finite(value));
        _pos += 8;
        return value;
    }

    // "The {what} at offset {o} {problem}.": the writer refuses the same value in the same words.
    private readonly void Check(string what, string? problem)
    {
        if (problem is not null) throw Invalid(what, Offset, problem);
    }

    /// <summary>n raw bytes (a nested block), checked against what remains.</summary>
    public byte[] Bytes(int n, string what)
    {
        Need(n, what);
        var bytes = _b.Slice(_pos, n).ToArray();
        _pos += n;
        return bytes;
    }

    /// <summary>
    /// n finite floats; the size is checked before the array is allocated. A value that is not finite is named
    /// by <paramref name="nameOf"/> (its index among the n) when given, else as <paramref name="what"/>.
    /// </summary>
    public float[] Floats(long n, string what, Func<long, string>? nameOf = null)
    {
        Need(n * 4, what);
        var values = new float[n];
        for (long i = 0; i < n; i++)
        {
            float value = BinaryPrimitives.ReadSingleLittleEndian(_b[_pos..]);
            if (FieldRules.Finite(value) is { } problem) throw Invalid(nameOf?.Invoke(i) ?? what, Offset, problem);
            values[i] = value;
            _pos += 4;
        }
        return values;
    }

    /// <summary>The four terms, each finite, named as <see cref="PayloadWriter.Cost"/> names them.</summary>
    public CostBreakdown Cost(string what)
        => new(AnyFinite($"{what} total"), AnyFinite($"{what} reconstruction term"), AnyFinite($"{what} weight-decay term"), AnyFinite($"{what} sparsity term"));

    public string Utf8(int length, string what)
    {
        Need(length, what);
        try
        {
            var s = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_b.Slice(_pos, length));
            _pos += length;
            return s;
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"The {what} at offset {_base + _pos} is not valid UTF-8.");
        }
    }
}
