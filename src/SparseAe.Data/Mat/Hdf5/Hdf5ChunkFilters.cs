using System.Buffers.Binary;
using System.IO.Compression;

namespace SparseAe.Data.Mat.Hdf5;

/// <summary>
/// Undoes a chunked dataset's filters (deflate, shuffle, fletcher32), last filter first, as HDF5's read path
/// does, into two buffers of one chunk that are reused from chunk to chunk.
/// </summary>
internal sealed class Hdf5ChunkFilters
{
    private readonly Hdf5Filter[] _filters;
    private readonly int _chunkBytes;
    private readonly int _elementSize;
    private readonly int _bufferBytes;
    private byte[]? _first, _second;

    public Hdf5ChunkFilters(Hdf5Filter[] filters, int chunkBytes, int elementSize)
    {
        _filters = filters;
        _chunkBytes = chunkBytes;
        _elementSize = elementSize;
        // A fletcher32 applied before deflate (when writing) leaves its 4 bytes inside the deflated data.
        _bufferBytes = chunkBytes + 4 * filters.Count(f => f.Id == Hdf5Filter.Fletcher32);
    }

    /// <summary>
    /// Decodes one stored chunk; bit i of <paramref name="mask"/> set means filter i was skipped for it. The
    /// result is exactly one chunk and stays valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Decode(byte[] stored, uint mask, string where)
    {
        byte[] data = stored;
        int length = stored.Length;
        for (int i = _filters.Length - 1; i >= 0; i--)
        {
            if ((mask & (1u << i)) != 0) continue;
            switch (_filters[i].Id)
            {
                case Hdf5Filter.Fletcher32:
                    if (length < 4) throw new InvalidDataException($"{where} holds {length} bytes, too few for its fletcher32 checksum.");
                    length -= 4;
                    CheckFletcher32(data.AsSpan(0, length), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(length)), where);
                    break;
                case Hdf5Filter.Deflate:
                    var inflated = Other(data);
                    length = Inflate(data, length, inflated, where);
                    data = inflated;
                    break;
                case Hdf5Filter.Shuffle:
                    var unshuffled = Other(data);
                    int size = _filters[i].ClientData.Length > 0 ? (int)Math.Min(_filters[i].ClientData[0], int.MaxValue) : _elementSize;
                    if (length > unshuffled.Length)
                        throw new InvalidDataException($"{where} holds {length} bytes where a chunk is {_chunkBytes}.");
                    Unshuffle(data.AsSpan(0, length), unshuffled, size);
                    data = unshuffled;
                    break;
            }
        }
        if (length != _chunkBytes)
            throw new InvalidDataException($"{where} decodes to {length} bytes, but a chunk of this dataset is {_chunkBytes} bytes.");
        return data.AsSpan(0, length);
    }

    // The reusable buffer that does not hold the current data.
    private byte[] Other(byte[] current) =>
        ReferenceEquals(current, _first) ? _second ??= new byte[_bufferBytes] : _first ??= new byte[_bufferBytes];

    /// <summary>Inflates a zlib stream into <paramref name="output"/>; more data than fits is an error.</summary>
    private static int Inflate(byte[] input, int length, byte[] output, string where)
    {
        int filled;
        bool more;
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(input, 0, length, writable: false), CompressionMode.Decompress);
            filled = zlib.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            more = filled == output.Length && zlib.ReadByte() >= 0;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // zlib reports damage as InvalidDataException, and some as ZLibException (an IOException).
            throw new InvalidDataException($"The deflated data of {where} is damaged: {ex.Message}", ex);
        }
        if (more) throw new InvalidDataException($"The deflated data of {where} inflates to more than a chunk.");
        return filled;
    }

    // Shuffle stores byte 0 of every element, then byte 1 of every element, ...; bytes past the last whole
    // element stay where they are.
    private static void Unshuffle(ReadOnlySpan<byte> input, Span<byte> output, int elementSize)
    {
        int count = elementSize > 1 ? input.Length / elementSize : 0;
        for (int b = 0; b < elementSize && count > 0; b++)
            for (int e = 0; e < count; e++)
                output[e * elementSize + b] = input[b * count + e];
        input[(count * elementSize)..].CopyTo(output[(count * elementSize)..]);
    }

    /// <summary>
    /// HDF5's Fletcher-32 (H5_checksum_fletcher32): 16-bit words taken big-end first, sums reduced modulo
    /// 65535 every 360 words, an odd last byte as the high byte of a word; stored little-endian after the data.
    /// Files of HDF5 1.6.0-1.6.2 stored it with the bytes of each half swapped, which HDF5 still accepts.
    /// </summary>
    internal static uint Fletcher32(ReadOnlySpan<byte> data)
    {
        uint sum1 = 0, sum2 = 0;
        int words = data.Length / 2, at = 0;
        while (words > 0)
        {
            int block = Math.Min(words, 360);
            words -= block;
            for (int w = 0; w < block; w++, at += 2)
            {
                sum1 += (uint)((data[at] << 8) | data[at + 1]);
                sum2 += sum1;
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16);
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16);
        }
        if (data.Length % 2 == 1)
        {
            sum1 += (uint)(data[at] << 8);
            sum2 += sum1;
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16);
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16);
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >> 16);
        sum2 = (sum2 & 0xFFFF) + (sum2 >> 16);
        return (sum2 << 16) | sum1;
    }

    private static void CheckFletcher32(ReadOnlySpan<byte> data, uint stored, string where)
    {
        uint actual = Fletcher32(data);
        uint halvesSwapped = ((actual & 0x00FF00FF) << 8) | ((actual >> 8) & 0x00FF00FF);
        if (stored != actual && stored != halvesSwapped)
            throw new InvalidDataException($"{where} fails its fletcher32 checksum: stored 0x{stored:X8}, computed 0x{actual:X8}; the data is damaged.");
    }
}
