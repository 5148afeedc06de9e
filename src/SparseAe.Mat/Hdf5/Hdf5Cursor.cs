using System.Buffers.Binary;

namespace SparseAe.Mat.Hdf5;

/// <summary>
/// A bounds-checked little-endian read position in a block of HDF5 metadata (HDF5 stores its own fields
/// little-endian whatever the byte order of the data). Every read checks what remains first, so a field
/// that overruns its block fails with the block's name, the field and the byte offset.
/// </summary>
internal sealed class Hdf5Cursor
{
    private readonly byte[] _bytes;
    private readonly int _start;
    private readonly int _end;
    private readonly long _origin;

    public Hdf5Cursor(byte[] bytes, long origin, string what, Hdf5Source source)
        : this(bytes, 0, bytes.Length, origin, what, source) { }

    private Hdf5Cursor(byte[] bytes, int start, int end, long origin, string what, Hdf5Source source)
    {
        _bytes = bytes;
        _start = start;
        Position = start;
        _end = end;
        _origin = origin;
        What = what;
        Source = source;
    }

    /// <summary>What this block is, e.g. "object header of 'IMAGES'".</summary>
    public string What { get; }

    public Hdf5Source Source { get; }

    public int Position { get; private set; }

    public int Remaining => _end - Position;

    /// <summary>Bytes read so far in this block.</summary>
    public int Consumed => Position - _start;

    /// <summary>Byte offset in the file of the next byte.</summary>
    public long FileOffset => _origin + Position;

    public InvalidDataException Error(string problem) => new($"HDF5 {What}: {problem} (at byte offset {FileOffset}).");

    public void Require(long count, string field)
    {
        if (count < 0 || count > Remaining)
            throw Error($"the {field} needs {count} bytes but only {Remaining} remain in it");
    }

    public ReadOnlySpan<byte> Bytes(long count, string field)
    {
        Require(count, field);
        var span = new ReadOnlySpan<byte>(_bytes, Position, (int)count);
        Position += (int)count;
        return span;
    }

    public void Skip(long count, string field) => Bytes(count, field);

    public byte U8(string field) => Bytes(1, field)[0];

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, field));

    /// <summary>An unsigned little-endian integer of 1 to 8 bytes.</summary>
    public ulong Unsigned(int size, string field)
    {
        var bytes = Bytes(size, field);
        ulong value = 0;
        for (int i = size - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        return value;
    }

    /// <summary>An address ("size of offsets" bytes, from the superblock).</summary>
    public ulong Address(string field) => Unsigned(Source.OffsetSize, field);

    /// <summary>A length ("size of lengths" bytes, from the superblock).</summary>
    public ulong Length(string field) => Unsigned(Source.LengthSize, field);

    /// <summary>Checks a 4-byte signature such as "TREE".</summary>
    public void Signature(string expected)
    {
        var actual = Bytes(4, "signature");
        if (!actual.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(expected)))
            throw new InvalidDataException(
                $"HDF5 {What}: the signature must be \"{expected}\" but the bytes are [{Convert.ToHexString(actual)}] (at byte offset {FileOffset - 4}).");
    }

    /// <summary>
    /// Reads the u32 checksum that ends a version-2 structure (superblock 2-3, "OHDR", "OCHK") and checks it
    /// against HDF5's Jenkins lookup3 hash (H5_checksum_lookup3, initial value 0) of this block's bytes from
    /// index <paramref name="start"/> (a <see cref="Position"/> value) up to the checksum.
    /// </summary>
    public void Checksum(int start, string structure)
    {
        uint computed = Lookup3(_bytes.AsSpan(start, Position - start));
        long at = FileOffset;
        uint stored = U32("checksum");
        if (stored != computed)
            throw new InvalidDataException(
                $"HDF5 {What}: the {structure} checksum is 0x{stored:X8} but its {at - (_origin + start)} bytes hash to 0x{computed:X8}, so it is damaged (at byte offset {at}).");
    }

    /// <summary>Bob Jenkins' lookup3 hashlittle, as HDF5 computes it.</summary>
    internal static uint Lookup3(ReadOnlySpan<byte> key)
    {
        uint a, b, c;
        a = b = c = 0xDEADBEEF + (uint)key.Length;
        while (key.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(key);
            b += BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
            a -= c; a ^= uint.RotateLeft(c, 4); c += b;
            b -= a; b ^= uint.RotateLeft(a, 6); a += c;
            c -= b; c ^= uint.RotateLeft(b, 8); b += a;
            a -= c; a ^= uint.RotateLeft(c, 16); c += b;
            b -= a; b ^= uint.RotateLeft(a, 19); a += c;
            c -= b; c ^= uint.RotateLeft(b, 4); b += a;
            key = key[12..];
        }
        if (key.Length == 0) return c;
        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        key.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        c ^= b; c -= uint.RotateLeft(b, 14);
        a ^= c; a -= uint.RotateLeft(c, 11);
        b ^= a; b -= uint.RotateLeft(a, 25);
        c ^= b; c -= uint.RotateLeft(b, 16);
        a ^= c; a -= uint.RotateLeft(c, 4);
        b ^= a; b -= uint.RotateLeft(a, 14);
        c ^= b; c -= uint.RotateLeft(b, 24);
        return c;
    }

    /// <summary>A cursor over the next <paramref name="count"/> bytes, which this one steps over.</summary>
    public Hdf5Cursor Slice(long count, string field, string? what = null)
    {
        Require(count, field);
        var slice = new Hdf5Cursor(_bytes, Position, Position + (int)count, _origin, what ?? What, Source);
        Position += (int)count;
        return slice;
    }

    /// <summary>A cursor over <paramref name="length"/> bytes of this block from index <paramref name="start"/> (a <see cref="Position"/> value).</summary>
    public Hdf5Cursor Window(int start, int length) => new(_bytes, start, start + length, _origin, What, Source);

    /// <summary>A new cursor over the same bytes from the current position, leaving this one where it is.</summary>
    public Hdf5Cursor Fork() => new(_bytes, Position, _end, _origin, What, Source);

    /// <summary>The bytes of this block from <see cref="Position"/> to its end.</summary>
    public ReadOnlySpan<byte> Rest => new(_bytes, Position, Remaining);
}
