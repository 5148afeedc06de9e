using System.Buffers.Binary;

namespace SparseAe.Mat.Hdf5;

/// <summary>
/// Undoes a chunked dataset's filters (deflate, shuffle, fletcher32), last filter first, as HDF5's read path
/// does, into two buffers that are reused from chunk to chunk.
/// </summary>
/// <remarks>
/// The buffers grow with the data that actually arrives (inflate starts small and doubles, up to one chunk),
/// never with what a header claims, and every stage's output is charged to the source's decoding budget.
/// </remarks>
internal sealed class Hdf5ChunkFilters
{
    private readonly Hdf5Source _source;
    private readonly Hdf5Filter[] _filters;
    private readonly int _chunkBytes;
    private readonly int _elementSize;
    private readonly int _limit;
    private readonly byte[][] _buffers = [[], []];

    // limit: the most any stage may produce, a chunk plus 4 bytes when fletcher32 was applied before another filter.
    public Hdf5ChunkFilters(Hdf5Source source, Hdf5Filter[] filters, int chunkBytes, int elementSize, int limit)
    {
        (_source, _filters, _chunkBytes, _elementSize, _limit) = (source, filters, chunkBytes, elementSize, limit);
    }

    /// <summary>
    /// Decodes one stored chunk; bit i of <paramref name="mask"/> set means filter i was skipped for it. The
    /// result is exactly one chunk. When <paramref name="destination"/> is given (one chunk long) and the last
    /// stage is deflate or shuffle, that stage writes straight into it, which saves a chunk-sized buffer and a
    /// copy; otherwise the result lies in a reused buffer and stays valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Decode(byte[] stored, uint mask, Func<string> where, Span<byte> destination = default)
    {
        byte[] data = stored;
        int current = -1;   // which of _buffers holds data (-1: stored)
        int length = stored.Length;
        int last = LastStage(mask);
        for (int i = _filters.Length - 1; i >= 0; i--)
        {
            if ((mask & (1u << i)) != 0) continue;
            int next = current == 0 ? 1 : 0;
            bool direct = i == last && destination.Length == _chunkBytes;
            switch (_filters[i].Id)
            {
                case Hdf5Filter.Fletcher32:
                    length = StripFletcher32(data, length, where);
                    continue;
                case Hdf5Filter.Deflate when direct:
                    length = InflateInto(data, length, destination, where);
                    break;
                case Hdf5Filter.Deflate:
                    length = Inflate(data, length, ref _buffers[next], _limit, where);
                    break;
                default:   // shuffle
                    if (length > _limit) throw new InvalidDataException($"{where()} holds {length} bytes where a chunk is {_chunkBytes}.");
                    if (!direct && _buffers[next].Length < length) _buffers[next] = new byte[length];
                    int size = _filters[i].ClientData.Length > 0 ? (int)Math.Min(_filters[i].ClientData[0], int.MaxValue) : _elementSize;
                    if (direct && length != _chunkBytes)
                        throw WrongSize(where, length);
                    Unshuffle(data.AsSpan(0, length), direct ? destination : _buffers[next], size);
                    break;
            }
            _source.ChargeDecoded(length, where);
            if (direct)
            {
                if (length != _chunkBytes)
                    throw WrongSize(where, length);
                return destination;
            }
            data = _buffers[next];
            current = next;
        }
        if (length != _chunkBytes)
            throw WrongSize(where, length);
        return data.AsSpan(0, length);
    }

    /// <summary>
    /// Checks the start of a chunk before the dataset's array is made: its checksum if it has one, and that its
    /// deflated data inflates to at least the first 64 KiB of a chunk. A damaged or invented chunk is then
    /// refused before anything the size of the dataset's claim exists. Returns false when the first stage to
    /// decode is not deflate (shuffle applied after deflate, or no filter), which a prefix cannot check.
    /// </summary>
    public bool Probe(byte[] stored, uint mask, Func<string> where)
    {
        int length = stored.Length;
        for (int i = _filters.Length - 1; i >= 0; i--)
        {
            if ((mask & (1u << i)) != 0) continue;
            if (_filters[i].Id == Hdf5Filter.Fletcher32)
            {
                length = StripFletcher32(stored, length, where);
                continue;
            }
            if (_filters[i].Id != Hdf5Filter.Deflate) return false;
            var start = new byte[Math.Min(_limit, ProbeBytes)];
            int produced = InflateInto(stored, length, start, where, toEnd: false);
            // At least a chunk, not the limit: a chunk whose fletcher32, applied before deflate, was skipped (its mask) holds
            // no checksum, so it inflates to the chunk alone ("decodes to 48 bytes, but a chunk of this dataset is 48 bytes").
            if (produced < Math.Min(_chunkBytes, ProbeBytes))
                throw WrongSize(where, produced);
            return true;
        }
        return false;
    }

    private const int ProbeBytes = 1 << 16;

    private InvalidDataException WrongSize(Func<string> where, int length) =>
        new($"{where()} decodes to {length} bytes, but a chunk of this dataset is {_chunkBytes} bytes.");

    // The pipeline index of the last stage decoding runs (the first filter applied when writing), or -1 when
    // that is fletcher32 or no filter runs.
    private int LastStage(uint mask)
    {
        for (int i = 0; i < _filters.Length; i++)
            if ((mask & (1u << i)) == 0)
                return _filters[i].Id == Hdf5Filter.Fletcher32 ? -1 : i;
        return -1;
    }

    /// <summary>Inflates into exactly <paramref name="output"/>; with <paramref name="toEnd"/>, data beyond it is an error.</summary>
    private static int InflateInto(byte[] input, int length, Span<byte> output, Func<string> where, bool toEnd = true)
    {
        using var zlib = Open(input, length, where);
        int filled = zlib.Read(output);
        if (toEnd && filled == output.Length && zlib.Skip(0) > 0)
            throw new InvalidDataException($"The deflated data of {where()} inflates to more than a chunk.");
        return filled;
    }

    /// <summary>
    /// Inflates a zlib stream into <paramref name="output"/>, which starts at a few times the input and doubles
    /// as data arrives, up to <paramref name="limit"/> bytes; more than that is an error.
    /// </summary>
    private static int Inflate(byte[] input, int length, ref byte[] output, int limit, Func<string> where)
    {
        using var zlib = Open(input, length, where);
        if (output.Length == 0) output = new byte[(int)Math.Min(limit, Math.Max(ProbeBytes, 4L * length))];
        int filled = zlib.ReadGrowing(ref output, 0, limit);
        if (filled == limit && zlib.Skip(0) > 0)
            throw new InvalidDataException($"The deflated data of {where()} inflates to more than a chunk.");
        return filled;
    }

    private static ZlibInflater Open(byte[] input, int length, Func<string> where) =>
        new(input.AsMemory(0, length), () => $"The deflated data of {where()}");

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

    // Checks the checksum in the last 4 of data's first length bytes and returns the length without it.
    private static int StripFletcher32(byte[] data, int length, Func<string> where)
    {
        if (length < 4) throw new InvalidDataException($"{where()} holds {length} bytes, too few for its fletcher32 checksum.");
        length -= 4;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(length));
        uint actual = Fletcher32(data.AsSpan(0, length));
        uint halvesSwapped = ((actual & 0x00FF00FF) << 8) | ((actual >> 8) & 0x00FF00FF);
        if (stored != actual && stored != halvesSwapped)
            throw new InvalidDataException($"{where()} fails its fletcher32 checksum: stored 0x{stored:X8}, computed 0x{actual:X8}; the data is damaged.");
        return length;
    }
}
