using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SparseAe.Objective;

namespace SparseAe.Persistence;

/// <summary>
/// Builds a payload in memory, field by field, refusing every value its reader
/// (<see cref="PayloadReader"/>) would refuse, by the same rule (<see cref="IntField"/>,
/// <see cref="LongField"/>, <see cref="DoubleField"/>, <see cref="FieldRules"/>) and in the same words.
/// Nothing reaches the caller's stream until the whole payload is built and checked, so a refused
/// Save writes nothing.
/// </summary>
internal sealed class PayloadWriter : IDisposable
{
    private readonly MemoryStream _ms = new();
    private readonly string _saving;

    /// <param name="saving">The object being saved, for messages ("SparseAe model").</param>
    public PayloadWriter(string saving) => _saving = saving;

    /// <summary>The payload built so far.</summary>
    public ReadOnlySpan<byte> Written => _ms.GetBuffer().AsSpan(0, (int)_ms.Length);

    /// <summary>The refusal to throw: "The {what} {problem}. The {saving} is not saved: its reader would refuse it."</summary>
    public ArgumentException Refusal(string what, string problem)
        => new($"The {what} {problem}. The {_saving} is not saved: its reader would refuse it.");

    private void Check(string what, string? problem)
    {
        if (problem is not null) throw Refusal(what, problem);
    }

    public void Int(IntField field, int value)
    {
        Check(field.What, field.Problem(value));
        Int(value);
    }

    /// <summary>An i32 whose only rule is the structure (a count of what follows).</summary>
    public void Int(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        Raw(b);
    }

    public void Long(LongField field, long value)
    {
        Check(field.What, field.Problem(value));
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        Raw(b);
    }

    public void Double(DoubleField field, double value)
    {
        Check(field.What, field.Problem(value));
        Double(value);
    }

    /// <summary>Each value by the field's rule; a refusal names the index.</summary>
    public void Doubles(DoubleField field, IReadOnlyList<double> values)
    {
        for (int i = 0; i < values.Count; i++) Check($"{field.What} at index {i}", field.Problem(values[i]));
        foreach (var v in values) Double(v);
    }

    public void AnyFinite(string what, double value)
    {
        Check(what, FieldRules.Finite(value));
        Double(value);
    }

    public void Cost(string what, CostBreakdown c)
    {
        AnyFinite($"{what} total", c.Total); AnyFinite($"{what} reconstruction term", c.Reconstruction);
        AnyFinite($"{what} weight-decay term", c.WeightDecay); AnyFinite($"{what} sparsity term", c.Sparsity);
    }

    /// <summary>
    /// Finite floats; a refusal names the first that is not by <paramref name="nameOf"/> (its index in
    /// <paramref name="values"/>), else as "{what} at index {i}".
    /// </summary>
    public void Floats(string what, ReadOnlySpan<float> values, Func<int, string>? nameOf = null)
    {
        int bad = Kernels.VectorKernels.IndexOfNonFinite(values);
        if (bad >= 0) throw Refusal(nameOf?.Invoke(bad) ?? $"{what} at index {bad}", FieldRules.Finite(values[bad])!);
        EnsureRoom(4L * values.Length);
        if (BitConverter.IsLittleEndian)
        {
            Raw(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> b = stackalloc byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            Raw(b);
        }
    }

    /// <summary>Raw bytes (a nested block, a name).</summary>
    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        EnsureRoom(bytes.Length);
        Raw(bytes);
    }

    private void Double(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        Raw(b);
    }

    // A block's payload holds at most ChecksummedBlock.MaxPayloadBytes: refuse, by the reader's rule,
    // before a memory stream runs out of room.
    private void EnsureRoom(long bytes)
    {
        long total = _ms.Length + bytes;
        if (total > ChecksummedBlock.MaxPayloadBytes)
            throw Refusal("payload length", $"would be at least {total}; it must lie in 1..{ChecksummedBlock.MaxPayloadBytes}");
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _ms.Write(bytes);

    public void Dispose() => _ms.Dispose();
}
