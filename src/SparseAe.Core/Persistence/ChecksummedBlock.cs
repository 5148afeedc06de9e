using System.Buffers.Binary;
using System.IO.Hashing;

namespace SparseAe.Persistence;

/// <summary>
/// The framing every saved SparseAe object uses: a magic, the format version written, the minimum
/// reader version, the payload length, the payload, and a CRC-32 of the payload.
/// </summary>
/// <remarks>
/// Layout (little-endian; offsets in bytes from the start of the block, 20 + L bytes in all):
/// <code>
///   0   u32  magic (identifies the kind of object: the four ASCII bytes "SPAE" for an autoencoder)
///   4   u32  format version written, at least 1
///   8   u32  minimum reader version able to read it, 1..the version written
///   12  i32  payload length L, 1..MaxPayloadBytes (2^31 - 65 = 2147483583)
///   16  L bytes of payload (laid out by the object's own format)
///   16+L u32 CRC-32 of the payload bytes alone (not the 16 header bytes): the IEEE 802.3 CRC of zlib's crc32,
///            Python's zlib.crc32 and System.IO.Hashing.Crc32 (reflected polynomial 0xEDB88320, initial value
///            and final XOR 0xFFFFFFFF; "123456789" gives 0xCBF43926)
/// </code>
/// A reader checks, in this order: the magic; that the version is at least 1 and the minimum at most
/// the version ("inconsistent": no writer makes such a header, so it is damage); that the minimum reader
/// version is not above its own ("written by a newer SparseAe"); L against its range and the bytes that remain, before allocating; and
/// the CRC before the payload is parsed, so a flipped byte anywhere in the payload is caught (a
/// damaged version field, outside the CRC, shows as a payload that does not fit that version's
/// layout). A block of a later version than the reader's, whose minimum it meets, is read with the
/// reader's own layout. Floats are IEEE 754 binary32 (f32) and binary64 (f64), little-endian;
/// strings are UTF-8 without a byte order mark or terminator, after their i32 byte length.
/// <para>
/// The minimum reader version must be true: a reader of that version must be able to read the
/// payload. Payload readers refuse bytes after the last field they know, so a format version that
/// appends a field must name itself as the minimum (an older reader then says "written by a newer
/// SparseAe" instead of failing on the bytes it does not expect).
/// </para>
/// </remarks>
internal static class ChecksummedBlock
{
    public const int HeaderBytes = 16;
    public const int MaxPayloadBytes = int.MaxValue - 64;

    private static readonly IntField PayloadLength = new("payload length", 1, MaxPayloadBytes);

    // A block's versions, by the rule both sides hold them to: null when consistent.
    private static string? VersionsProblem(uint version, uint minReadableVersion)
        => version == 0 || minReadableVersion > version
            ? $"format version {version}, minimum reader version {minReadableVersion}; the version must be at least 1 and the minimum at most the version"
            : null;

    /// <summary>
    /// Writes the framed payload. A payload or versions that <see cref="Read"/> would refuse are an
    /// <see cref="ArgumentException"/> in its words, before any byte is written.
    /// </summary>
    public static void Write(Stream stream, uint magic, uint version, uint minReadableVersion, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (PayloadLength.Problem(payload.Length) is { } length)
            throw new ArgumentException($"The payload length {length}. The block is not written: a reader would refuse it.", nameof(payload));
        if (VersionsProblem(version, minReadableVersion) is { } versions)
            throw new ArgumentException($"The header is inconsistent: {versions}. The block is not written: a reader would refuse it.", nameof(minReadableVersion));
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], minReadableVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], payload.Length);
        stream.Write(header);
        stream.Write(payload);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32.HashToUInt32(payload));
        stream.Write(crc);
    }

    /// <summary>
    /// Reads and checks a block; returns its payload and the version it was written with.
    /// <paramref name="what"/> names the object in messages ("SparseAe model").
    /// </summary>
    public static (byte[] Payload, uint WrittenVersion) Read(Stream stream, uint magic, uint readerVersion, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderBytes];
        ReadExactly(stream, header, 0, "header", what);
        uint actualMagic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (actualMagic != magic)
            throw new InvalidDataException($"Not a {what}: the magic at offset 0 is 0x{actualMagic:X8}, expected 0x{magic:X8}.");
        uint written = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint minReader = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        // Inconsistent versions first: no writer makes them (Write refuses them), so they are damage, which the versions'
        // place outside the CRC-32 lets through, and "upgrade SparseAe" would not help (a minimum of 4 above a version of 3).
        if (VersionsProblem(written, minReader) is { } versions)
            throw new InvalidDataException($"The {what} header at offset 4 is inconsistent: {versions}.");
        if (minReader > readerVersion)
            throw new InvalidDataException(
                $"The {what} was written by a newer SparseAe (format version {written}, readable from version {minReader}); this library reads format versions up to {readerVersion}. Upgrade SparseAe to load it.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (PayloadLength.Problem(length) is { } problem)
            throw new InvalidDataException($"The {what}'s payload length at offset 12 {problem}.");
        if (stream.CanSeek && length > stream.Length - stream.Position)
            throw new InvalidDataException($"The {what} is truncated: the payload length at offset 12 is {length} bytes but only {stream.Length - stream.Position} remain.");
        var (payload, read) = GrowingRead.Bytes(stream, length, lengthKnown: stream.CanSeek);
        if (read < length)
            throw new InvalidDataException($"The {what} is truncated: the payload at offset {HeaderBytes} needs {length} bytes but only {read} remain.");
        Span<byte> crcBytes = stackalloc byte[4];
        ReadExactly(stream, crcBytes, HeaderBytes + length, "checksum", what);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(crcBytes), actual = Crc32.HashToUInt32(payload);
        if (stored != actual)
            throw new InvalidDataException($"The {what} is damaged: the CRC-32 at offset {HeaderBytes + length} is 0x{stored:X8} but the payload hashes to 0x{actual:X8}.");
        return (payload, written);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, long offset, string part, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new InvalidDataException($"The {what} is truncated: the {part} at offset {offset} needs {buffer.Length} bytes but only {read} remain.");
    }
}
