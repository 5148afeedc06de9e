using SparseAe.Persistence;
using SparseAe.Training;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace SparseAe.Data.Idx;

/// <summary>
/// Parses an IDX stream (see <see cref="IdxFile"/> for the layout), plain or gzip, refusing damage with
/// an <see cref="InvalidDataException"/> that names the byte offset.
/// </summary>
/// <remarks>
/// No allocation is sized by a claim in the file alone. A plain seekable stream's length is known, so
/// the product of the dimensions is checked against the bytes that remain before anything is
/// allocated. A gzip (or non-seekable) stream's is not, so its values are read in chunks into a buffer
/// that grows (doubling, from at most 64 KiB) with the bytes actually present, and the read fails at the
/// first missing byte. Offsets are in the file, or in the decompressed data for gzip.
/// </remarks>
internal static class IdxReader
{
    public static IdxFile Read(Stream stream, string name)
        => ReadHeld(stream, name, rules: null, (type, dims) =>
        {
            long count = Count(dims), stored = count * ElementSize(type);
            return (stored + 4 * count, $"{count} {type} values, dimensions {Shape(dims)}, {stored} bytes as stored and {4 * count} as floats");
        }, "use a smaller file", raw => new IdxFile(name, raw.Type, raw.Dimensions, Convert(raw, name)));

    /// <summary>
    /// Reads a file whose values a reader holds in memory: <paramref name="rules"/> (may be null), then the memory that
    /// <paramref name="memory"/> gives (the bytes held once read, and what they hold as the refusal says it), are checked on
    /// the header, before any value is read, so a file too large for this process is refused up front with its name,
    /// dimensions and sizes, not after its decompression in a bare OutOfMemoryException. The bytes checked are the most
    /// held at once: those, or the stored bytes while they arrive into a buffer that doubles (<see cref="GrowingRead.PeakBytes"/>)
    /// when more. <paramref name="hold"/> makes what is kept of the values. The check is an estimate: an OutOfMemoryException
    /// after it passed (near the limit the runtime's own use can still fail) is said as that reading too.
    /// </summary>
    /// <exception cref="InsufficientMemoryException">The values need more memory than this process can get.</exception>
    internal static T ReadHeld<T>(Stream stream, string name, Action<IdxDataType, int[]>? rules,
        Func<IdxDataType, int[], (long Bytes, string Held)> memory, string advice, Func<IdxRaw, T> hold)
    {
        string? reading = null;
        try
        {
            var raw = ReadRaw(stream, name, (type, dims, lengthKnown) =>
            {
                rules?.Invoke(type, dims);
                var (bytes, held) = memory(type, dims);
                long stored = Count(dims) * ElementSize(type), peak = GrowingRead.PeakBytes(stored, lengthKnown);
                reading = $"Reading IDX file '{name}' ({held}" + (peak > bytes
                    ? $"; {peak} bytes at once while the {stored} stored bytes arrive, in a buffer that doubles (a gzip's or an unseekable stream's length is not known))"
                    : ")");
                MemoryBudget.Ensure(Math.Max(bytes, peak), reading, advice);
            });
            return hold(raw);
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException && reading is not null)   // the check passed: the values were being read
        {
            throw new InsufficientMemoryException($"{reading} ran out of memory; {advice}.", e);
        }
    }

    private static long Count(int[] dims) => dims.Aggregate(1L, (product, size) => product * size);

    /// <summary>"[60000, 28, 28]": a file's dimensions as its refusals say them.</summary>
    internal static string Shape(int[] dims) => $"[{string.Join(", ", dims)}]";

    /// <summary>
    /// The rule of a reader that takes bytes alone (images, labels), checked on the header: <paramref name="what"/> names
    /// what the values are, <paramref name="why"/> (may be empty) follows the rule.
    /// </summary>
    internal static void RequireUnsignedBytes(string name, IdxDataType type, int[] dims, string what, string why)
    {
        if (type != IdxDataType.UnsignedByte)
            throw new InvalidDataException(
                $"IDX file '{name}' holds {type} values (type 0x{(byte)type:X2}, dimensions {Shape(dims)}); {what} must be unsigned bytes (type 0x08){why}.");
    }

    /// <summary>
    /// The file's type, dimensions and values as stored (big-endian bytes), checked as <see cref="Read"/>
    /// checks them. <paramref name="accept"/> sees the type and dimensions, and whether the stream's length is known
    /// (see <see cref="GrowingRead.Bytes"/>), before any value is read, so a caller's rule (say, images of bytes) or
    /// memory check refuses a large file without reading it.
    /// </summary>
    internal static IdxRaw ReadRaw(Stream stream, string name, Action<IdxDataType, int[], bool>? accept)
    {
        long? knownLength = stream.CanSeek ? stream.Length - stream.Position : null;

        // Peek at two bytes: 1F 8B is gzip's magic (RFC 1952); IDX's is 00 00.
        byte[] peek = new byte[2];
        int peeked = stream.ReadAtLeast(peek, 2, throwOnEndOfStream: false);
        var source = new PrefixedReadStream(peek[..peeked], stream);
        bool gzip = peeked == 2 && peek[0] == 0x1F && peek[1] == 0x8B;
        if (!gzip) return Parse(source, name, where: "", knownLength, accept);

        using var inflated = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        IdxRaw file;
        try
        {
            file = Parse(inflated, name, where: " of the decompressed data", knownLength: null, accept);
        }
        catch (InvalidDataException error) when (error.Data[nameof(IdxReader)] is null)
        {
            // Thrown by GZipStream itself (a bad header, deflate data or CRC); ours are tagged. Where the
            // damage is, is not known: only how far the decompressor had read (it buffers, so for a small
            // file that is its length), and .NET's text can be wrong (a CRC failure is reported as an
            // "unsupported compression method"), so it is quoted as .NET's.
            throw new InvalidDataException(
                $"IDX file '{name}' is gzip-compressed and its compressed data are damaged, by byte {source.BytesRead} of the compressed file at the latest " +
                $"(.NET: {error.Message})", error);
        }
        CheckGzipTrailer(source, file, name);
        return file;
    }

    private static IdxRaw Parse(Stream input, string name, string where, long? knownLength, Action<IdxDataType, int[], bool>? accept)
    {
        long offset = 0;
        byte[] magic = new byte[4];
        ReadExactly(input, magic, ref offset, name, where, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Error(name, $"does not start with an IDX magic number: bytes 0-1 must be 00 00 (or 1F 8B for gzip), but are {magic[0]:X2} {magic[1]:X2}", 0, where);
        var type = (IdxDataType)magic[2];
        int elementSize = ElementSize(type);
        if (elementSize == 0)
            throw Error(name, $"has data type 0x{magic[2]:X2}; it must be 0x08 (ubyte), 0x09 (sbyte), 0x0B (int16), 0x0C (int32), 0x0D (float) or 0x0E (double)", 2, where);
        int rank = magic[3];
        if (rank == 0)
            throw Error(name, "declares 0 dimensions; an IDX file needs at least 1", 3, where);

        var dims = new int[rank];
        byte[] dimBytes = new byte[4 * rank];
        ReadExactly(input, dimBytes, ref offset, name, where, $"the {rank} dimension sizes");
        long count = 1, item = 1;   // all values, and one item's (the dimensions after the first)
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (size > int.MaxValue)
                throw Error(name, $"gives dimension {i} as {size}; a size must be at most {int.MaxValue}", 4 + 4 * i, where);
            dims[i] = (int)size;
            count *= size;
            if (count > Array.MaxLength)
                throw Error(name, $"has dimensions [{string.Join(", ", dims[..(i + 1)])}{(i + 1 < rank ? ", ..." : "")}] whose product already exceeds {Array.MaxLength} values (one array)", 4 + 4 * i, where);
            // With no items (a first dimension of 0) the product above stays 0, but one item's size must
            // still be a size: IdxFile.ItemSize is an int.
            if (i > 0 && (item *= size) > Array.MaxLength)
                throw Error(name, $"has items of dimensions [{string.Join(", ", dims[1..(i + 1)])}{(i + 1 < rank ? ", ..." : "")}] whose product already exceeds {Array.MaxLength} values (one array)", 4 + 4 * i, where);
        }

        long dataStart = offset;
        long dataBytes = count * elementSize;
        // The values are read as one byte[] before they become floats, so their bytes must fit one array too.
        if (dataBytes > Array.MaxLength)
            throw Error(name, $"has dimensions [{string.Join(", ", dims)}] of {type} values, {dataBytes} bytes, more than one array can hold ({Array.MaxLength} bytes)", 4, where);
        string shape = $"{string.Join("x", dims)} {type} values ({dataBytes} bytes from byte offset {dataStart}{where})";
        if (knownLength is long length && length - dataStart < dataBytes)
            throw Error(name, $"is truncated: its dimensions need {shape} but the file ends first", length, where);

        if (accept is not null)
        {
            try
            {
                accept(type, dims, knownLength is not null);
            }
            catch (InvalidDataException refusal)
            {
                refusal.Data[nameof(IdxReader)] = true;   // the caller's rule, not damage that gzip found
                throw;
            }
        }

        byte[] raw = ReadPayload(input, dataBytes, knownLength is not null, ref offset, name, where, shape);

        // Nothing may follow the values: a dimension that claims too little is as wrong as one that claims too much.
        if (knownLength is long total ? total > offset : input.ReadByte() >= 0)
            throw Error(name, $"has data after its values: the dimensions account for {shape}, but more bytes follow", offset, where);

        return new IdxRaw(type, dims, raw, dataStart, where);
    }

    /// <summary>Reads exactly <paramref name="dataBytes"/>; the buffer grows only with bytes that arrive unless the length is known.</summary>
    private static byte[] ReadPayload(Stream input, long dataBytes, bool lengthKnown, ref long offset, string name, string where, string shape)
    {
        var (buffer, filled) = GrowingRead.Bytes(input, dataBytes, lengthKnown);
        if (filled < dataBytes)
            throw Error(name, $"is truncated: its dimensions need {shape} but the data end early", offset + filled, where);
        offset += filled;
        return buffer;
    }

    private static void ReadExactly(Stream input, byte[] buffer, ref long offset, string name, string where, string what)
    {
        int read = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw Error(name, $"is truncated inside {what} (bytes {offset}-{offset + buffer.Length - 1})", offset + read, where);
        offset += read;
    }

    /// <summary>
    /// RFC 1952: a gzip member ends with CRC-32 and ISIZE (the uncompressed length mod 2^32),
    /// little-endian. GZipStream checks the CRC when the trailer is there but says nothing when it is
    /// cut off, so the last 8 bytes of the input must hold an ISIZE equal to what was inflated.
    /// Limitation: for a multi-member gzip file that is only the last member's size, so such files are refused.
    /// </summary>
    private static void CheckGzipTrailer(PrefixedReadStream source, IdxRaw file, string name)
    {
        long inflated = file.DataStart + file.Values.LongLength;
        var tail = source.Tail;
        uint expected = unchecked((uint)inflated);
        uint actual = tail.Length == 8 ? BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) : 0;
        if (tail.Length < 8 || actual != expected)
            throw new InvalidDataException(
                $"IDX file '{name}' is gzip-compressed but its 8-byte gzip trailer is missing or wrong at compressed byte offset {Math.Max(0, source.BytesRead - 8)}: "
                + $"ISIZE must be {expected} (the {inflated} bytes inflated), but the last bytes give {actual}; "
                + (tail.Length == 8 && !tail.ContainsAnyExcept((byte)0)
                    ? "the file ends in zero bytes, which look like padding: bytes after its gzip trailer are not supported."
                    : "the file is truncated, has bytes after its gzip trailer, or holds several gzip members; only a whole single member is read."))
            { Data = { [nameof(IdxReader)] = true } };
    }

    internal static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => 0,
    };

    /// <summary>Big-endian values of the file's type to floats; a finite double beyond float's range is an error, not an infinity.</summary>
    private static float[] Convert(IdxRaw file, string name)
    {
        var (type, raw, dataStart, where) = (file.Type, file.Values, file.DataStart, file.Where);
        int count = raw.Length / ElementSize(type);
        var values = new float[count];
        switch (type)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < count; i++) values[i] = raw[i];
                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < count; i++) values[i] = (sbyte)raw[i];
                break;
            case IdxDataType.Int16:
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt16BigEndian(raw.AsSpan(2 * i));
                break;
            case IdxDataType.Int32:
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 * i));
                break;
            case IdxDataType.Single:
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(raw.AsSpan(4 * i));
                break;
            case IdxDataType.Double:
                for (int i = 0; i < count; i++)
                {
                    double value = BinaryPrimitives.ReadDoubleBigEndian(raw.AsSpan(8 * i));
                    values[i] = (float)value;
                    if (float.IsInfinity(values[i]) && double.IsFinite(value))
                        throw Error(name, $"holds {value.ToString("R", CultureInfo.InvariantCulture)} as value {i}, outside float's range (+-{float.MaxValue.ToString("R", CultureInfo.InvariantCulture)}); values are read as floats", dataStart + 8L * i, where);
                }
                break;
        }
        return values;
    }

    private static InvalidDataException Error(string name, string message, long offset, string where) =>
        new($"IDX file '{name}' {message} (at byte offset {offset}{where}).") { Data = { [nameof(IdxReader)] = true } };
}
