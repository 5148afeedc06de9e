using System.Buffers.Binary;

namespace SparseAe.Mat;

/// <summary>
/// Inflates the zlib stream of a level-5 miCOMPRESSED element without trusting the sizes inside it.
/// </summary>
/// <remarks>
/// The inflated data is one complete miMATRIX element whose tag states its length, so the output size is
/// known after 8 bytes. That claim is checked against what deflate can physically produce (at most
/// <see cref="ZlibInflater.MaxDeflateRatio"/> bytes out per byte in) before any buffer is sized by it, and
/// the buffer then grows only as real data arrives (<see cref="ZlibInflater.ReadGrowing"/>): a lying tag
/// costs at most the data the stream actually holds.
/// </remarks>
internal static class Level5Inflater
{
    private const int TagLength = 8;
    private const int MaxTrailingPadding = 7;

    /// <summary>Returns exactly the inner element (tag included), as many bytes as its tag declares.</summary>
    public static byte[] Inflate(ReadOnlyMemory<byte> compressed, int elementOffset, bool bigEndian)
    {
        var location = $"the miCOMPRESSED element at byte offset {elementOffset}";
        using var zlib = new ZlibInflater(compressed, () => $"The zlib data of {location}");

        var tag = new byte[TagLength];
        int tagBytes = zlib.Read(tag);
        if (tagBytes < TagLength)
            throw new InvalidDataException(
                $"The zlib data of {location} inflates to only {tagBytes} bytes, fewer than the {TagLength} of the element tag it must hold.");

        uint typeWord = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(tag) : BinaryPrimitives.ReadUInt32LittleEndian(tag);
        uint declared = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(tag.AsSpan(4));
        if ((typeWord >> 16) != 0)
            declared = 0; // a small element carries its data inside the tag

        long total = TagLength + (long)declared;
        long physicalLimit = compressed.Length * ZlibInflater.MaxDeflateRatio;
        if (total > physicalLimit)
            throw new InvalidDataException(
                $"The element inflated from {location} claims {total} bytes, but {compressed.Length} compressed bytes can inflate to at most {physicalLimit}.");
        if (total > Array.MaxLength)
            throw new InvalidDataException(
                $"The element inflated from {location} claims {total} bytes, more than the {Array.MaxLength} one buffer can hold.");

        // Start small relative to the input and double as data arrives, so the buffer tracks real output.
        var buffer = new byte[(int)Math.Min(total, Math.Max(4096, compressed.Length * 4L))];
        tag.CopyTo(buffer, 0);
        int filled = zlib.ReadGrowing(ref buffer, TagLength, (int)total);
        if (filled < total)
            throw new InvalidDataException(
                $"The zlib data of {location} ends after {filled} inflated bytes, but the element inside claims {total} bytes (tag included).");

        // Read on to the end of the stream: zlib verifies its Adler-32 checksum only there, and stopping at
        // the declared length would let corrupted data through. A few bytes of padding are tolerated.
        if (zlib.Skip(MaxTrailingPadding) > MaxTrailingPadding)
            throw new InvalidDataException(
                $"The zlib data of {location} inflates to more than the {total} bytes its element claims (tag included).");
        return buffer;
    }
}
