using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace SparseAe.Mat;

/// <summary>
/// Inflates the zlib stream of a level-5 miCOMPRESSED element without trusting the sizes inside it.
/// </summary>
/// <remarks>
/// The inflated data is one complete miMATRIX element whose tag states its length, so the output size is
/// known after 8 bytes. That claim is checked against what deflate can physically produce (at most
/// <see cref="MaxDeflateRatio"/> bytes out per byte in) before any buffer is sized by it, and the buffer
/// then grows only as real data arrives: a lying tag costs at most the data the stream actually holds.
/// </remarks>
internal static class Level5Inflater
{
    /// <summary>Deflate's best case: a 258-byte match costs at least 2 bits, i.e. 1032 bytes out per byte in.</summary>
    public const long MaxDeflateRatio = 1032;

    private const int TagLength = 8;
    private const int MaxTrailingPadding = 7;

    /// <summary>Returns exactly the inner element (tag included), as many bytes as its tag declares.</summary>
    public static byte[] Inflate(ReadOnlyMemory<byte> compressed, int elementOffset, bool bigEndian)
    {
        var location = $"the miCOMPRESSED element at byte offset {elementOffset}";
        using var input = MemoryMarshal.TryGetArray(compressed, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(compressed.ToArray(), writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);

        var tag = new byte[TagLength];
        int tagBytes = ReadFully(zlib, tag, 0, TagLength, location);
        if (tagBytes < TagLength)
            throw new InvalidDataException(
                $"The zlib data of {location} inflates to only {tagBytes} bytes, fewer than the {TagLength} of the element tag it must hold.");

        uint typeWord = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(tag) : BinaryPrimitives.ReadUInt32LittleEndian(tag);
        uint declared = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(tag.AsSpan(4));
        if ((typeWord >> 16) != 0)
            declared = 0; // a small element carries its data inside the tag

        long total = TagLength + (long)declared;
        long physicalLimit = compressed.Length * MaxDeflateRatio;
        if (total > physicalLimit)
            throw new InvalidDataException(
                $"The element inflated from {location} claims {total} bytes, but {compressed.Length} compressed bytes can inflate to at most {physicalLimit}.");
        if (total > Array.MaxLength)
            throw new InvalidDataException(
                $"The element inflated from {location} claims {total} bytes, more than the {Array.MaxLength} one buffer can hold.");

        // Start small relative to the input and double as data arrives, so the buffer tracks real output.
        var buffer = new byte[(int)Math.Min(total, Math.Max(4096, compressed.Length * 4L))];
        tag.CopyTo(buffer, 0);
        int filled = TagLength;
        while (filled < total)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(total, buffer.Length * 2L));
            int read = ReadFully(zlib, buffer, filled, buffer.Length - filled, location);
            if (read == 0)
                throw new InvalidDataException(
                    $"The zlib data of {location} ends after {filled} inflated bytes, but the element inside claims {total} bytes (tag included).");
            filled += read;
        }

        // Read on to the end of the stream: zlib verifies its Adler-32 checksum only there, and stopping at
        // the declared length would let corrupted data through. A few bytes of padding are tolerated.
        var excess = new byte[16];
        int excessLength = 0;
        for (int read; (read = ReadFully(zlib, excess, 0, excess.Length, location)) > 0;)
        {
            excessLength += read;
            if (excessLength > MaxTrailingPadding)
                throw new InvalidDataException(
                    $"The zlib data of {location} inflates to more than the {total} bytes its element claims (tag included).");
        }
        return buffer;
    }

    private static int ReadFully(Stream zlib, byte[] buffer, int offset, int count, string location)
    {
        try
        {
            return zlib.ReadAtLeast(buffer.AsSpan(offset, count), count, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // zlib reports most damage as InvalidDataException, but some (an "unexpected error code" from
            // inflate) as ZLibException, an IOException; found by fuzzing.
            throw new InvalidDataException($"The zlib data of {location} is damaged: {ex.Message}", ex);
        }
    }
}
