using System.Buffers.Binary;

namespace SparseAe.Mat;

/// <summary>
/// A bounds-checked, endian-aware read position inside an in-memory MAT file (or inside the data inflated
/// from one of its compressed elements).
/// </summary>
/// <remarks>
/// Every read checks the bytes it needs against the bytes that remain before touching them, so a file that
/// lies about a size fails here with the offset of the lie instead of with an allocation or an
/// <see cref="IndexOutOfRangeException"/>. Offsets in messages are absolute within <see cref="Source"/>,
/// which names the buffer when it is not the file itself.
/// </remarks>
internal sealed class ByteCursor
{
    private readonly byte[] _buffer;
    private readonly int _end;

    public ByteCursor(byte[] buffer, bool bigEndian, string? source = null)
        : this(buffer, 0, buffer.Length, bigEndian, source, "the file") { }

    private ByteCursor(byte[] buffer, int start, int end, bool bigEndian, string? source, string scope)
    {
        _buffer = buffer;
        Position = start;
        _end = end;
        BigEndian = bigEndian;
        Source = source;
        Scope = scope;
    }

    public int Position { get; private set; }
    public int Remaining => _end - Position;
    public bool BigEndian { get; }

    /// <summary>What the buffer is when it is not the file, e.g. "the data inflated from ... at byte offset 128".</summary>
    public string? Source { get; }

    /// <summary>What the cursor's end delimits, for "only N bytes remain in ..." messages.</summary>
    public string Scope { get; }

    /// <summary>"byte offset 1234", qualified by <see cref="Source"/> when the buffer is not the file.</summary>
    public string Describe(long offset) => Source is null ? $"byte offset {offset}" : $"byte offset {offset} of {Source}";

    public InvalidDataException Error(long offset, string message) => new($"{message} (at {Describe(offset)}).");

    /// <summary>Throws unless <paramref name="byteCount"/> bytes remain; <paramref name="what"/> names the thing being read.</summary>
    public void Require(long byteCount, string what, long reportedOffset)
    {
        if (byteCount < 0 || byteCount > Remaining)
            throw new InvalidDataException(
                $"{Capitalize(what)} at {Describe(reportedOffset)} claims {byteCount} bytes but only {Remaining} remain in {Scope}.");
    }

    public ReadOnlySpan<byte> ReadBytes(long byteCount, string what)
    {
        Require(byteCount, what, Position);
        var span = new ReadOnlySpan<byte>(_buffer, Position, (int)byteCount);
        Position += (int)byteCount;
        return span;
    }

    public ReadOnlyMemory<byte> ReadMemory(long byteCount, string what)
    {
        Require(byteCount, what, Position);
        var memory = new ReadOnlyMemory<byte>(_buffer, Position, (int)byteCount);
        Position += (int)byteCount;
        return memory;
    }

    public uint ReadUInt32(string what)
    {
        var bytes = ReadBytes(4, what);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>Skips up to <paramref name="byteCount"/> bytes, stopping at the end (for padding that may be cut off).</summary>
    public void SkipAtMost(long byteCount) => Position += (int)Math.Min(Math.Max(byteCount, 0), Remaining);

    /// <summary>
    /// A cursor over the next <paramref name="byteCount"/> bytes, which this cursor then steps over.
    /// The caller has already checked the count with <see cref="Require"/>.
    /// </summary>
    public ByteCursor Slice(int byteCount, string scope)
    {
        var slice = new ByteCursor(_buffer, Position, Position + byteCount, BigEndian, Source, scope);
        Position += byteCount;
        return slice;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
