using System.IO.Compression;

namespace SparseAe.Data.Mat.Hdf5;

/// <summary>Undoes a chunk's filters (deflate, shuffle, fletcher32), last filter first, as HDF5's read path does.</summary>
internal static class Hdf5ChunkFilters
{
    /// <summary>
    /// Returns exactly <paramref name="chunkBytes"/> bytes decoded from <paramref name="stored"/>. Bit i of
    /// <paramref name="mask"/> set means filter i was skipped for this chunk.
    /// </summary>
    public static byte[] Decode(byte[] stored, Hdf5Filter[] filters, uint mask, int chunkBytes, int elementSize, string where)
    {
        var data = stored;
        int length = stored.Length;
        for (int i = filters.Length - 1; i >= 0; i--)
        {
            if (i < 32 && (mask & (1u << i)) != 0) continue;
            switch (filters[i].Id)
            {
                case Hdf5Filter.Fletcher32:
                    // The checksum is the last 4 bytes; HDF5 verifies it, this reader only strips it.
                    if (length < 4) throw new InvalidDataException($"{where} holds {length} bytes, too few for its fletcher32 checksum.");
                    length -= 4;
                    break;
                case Hdf5Filter.Deflate:
                    data = Inflate(data, length, chunkBytes + 4, where);
                    length = data.Length;
                    break;
                case Hdf5Filter.Shuffle:
                    int size = filters[i].ClientData.Length > 0 ? (int)Math.Min(filters[i].ClientData[0], int.MaxValue) : elementSize;
                    data = Unshuffle(data, length, size);
                    break;
            }
        }
        if (length != chunkBytes)
            throw new InvalidDataException($"{where} decodes to {length} bytes, but a chunk of this dataset is {chunkBytes} bytes.");
        if (data.Length != length) Array.Resize(ref data, length);
        return data;
    }

    /// <summary>Inflates a zlib stream into at most <paramref name="limit"/> bytes; more is an error.</summary>
    private static byte[] Inflate(byte[] input, int length, int limit, string where)
    {
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(input, 0, length, writable: false), CompressionMode.Decompress);
            var output = new byte[limit];
            int filled = zlib.ReadAtLeast(output, limit, throwOnEndOfStream: false);
            if (filled == limit && zlib.ReadByte() >= 0)
                throw new InvalidDataException($"The deflated data of {where} inflates to more than the {limit - 4} bytes of a chunk.");
            if (filled != output.Length) Array.Resize(ref output, filled);
            return output;
        }
        catch (Exception ex) when (ex is IOException and not EndOfStreamException || ex is InvalidDataException { InnerException: not null } || ex is InvalidDataException && !ex.Message.StartsWith("The deflated"))
        {
            throw new InvalidDataException($"The deflated data of {where} is damaged: {ex.Message}", ex);
        }
    }

    // Shuffle stores byte 0 of every element, then byte 1 of every element, ...; bytes past the last whole
    // element are left where they are.
    private static byte[] Unshuffle(byte[] input, int length, int elementSize)
    {
        var output = new byte[length];
        if (elementSize <= 1 || elementSize > length)
        {
            Array.Copy(input, output, length);
            return output;
        }
        int count = length / elementSize;
        for (int b = 0; b < elementSize; b++)
            for (int e = 0; e < count; e++)
                output[e * elementSize + b] = input[b * count + e];
        Array.Copy(input, count * elementSize, output, count * elementSize, length - count * elementSize);
        return output;
    }
}
