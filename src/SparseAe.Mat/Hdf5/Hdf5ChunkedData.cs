using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SparseAe.Mat.Hdf5;

/// <summary>The chunks of a B-tree-indexed (layout version 3) chunked dataset, checked, then decoded into place.</summary>
/// <remarks>
/// Every chunk must be present exactly once (MATLAB writes all of them; a chunk never written would have to
/// come from the fill value), each chunk's stored bytes must be able to decode to a whole chunk, each filter
/// may appear once, and the result array is made only when the first chunk has decoded, so a header that
/// lies about sizes costs nothing the size of its claim.
/// </remarks>
internal sealed class Hdf5ChunkedData
{
    private readonly record struct Chunk(uint Size, uint Mask, ulong Address);

    private const long MaxChunkBeyondData = 1 << 20;

    private readonly Hdf5Source _source;
    private readonly List<Chunk> _chunks;
    private readonly List<ulong> _offsets;   // rank per chunk, in _chunks order
    private readonly Hdf5ChunkFilters _filters;
    private readonly uint[] _chunkDims;
    private readonly ulong[] _dims;
    private readonly int _elementSize;
    private readonly int _chunkBytes;
    private readonly string _what;
    private readonly long[] _chunkStride, _dataStride, _extent, _within;

    private Hdf5ChunkedData(Hdf5Source source, List<Chunk> chunks, List<ulong> offsets, Hdf5ChunkFilters filters, uint[] chunkDims, ulong[] dims, int elementSize, string what)
    {
        (_source, _chunks, _offsets, _filters, _chunkDims, _dims, _elementSize, _what) = (source, chunks, offsets, filters, chunkDims, dims, elementSize, what);
        int rank = dims.Length;
        _chunkBytes = (int)(chunkDims.Take(rank).Aggregate(1L, (n, d) => n * d) * elementSize);
        (_chunkStride, _dataStride, _extent, _within) = (new long[rank], new long[rank], new long[rank], new long[rank]);
        _chunkStride[rank - 1] = _dataStride[rank - 1] = 1;
        for (int k = rank - 2; k >= 0; k--)
        {
            _chunkStride[k] = _chunkStride[k + 1] * chunkDims[k + 1];
            _dataStride[k] = _dataStride[k + 1] * (long)dims[k + 1];
        }
    }

    /// <summary>Gathers every chunk's key and address (reading only B-tree nodes) and checks them, before any buffer is made.</summary>
    public static Hdf5ChunkedData Prepare(Hdf5Source source, Hdf5ObjectHeader header, Hdf5Layout layout, Hdf5Datatype type, Hdf5Dataspace space, long dataBytes, string what)
    {
        var dims = space.Dimensions;
        int rank = dims.Length;
        var chunk = layout.ChunkDimensions;
        if (rank == 0)
            throw new InvalidDataException($"HDF5 {what} is a scalar with a chunked layout, which HDF5 does not allow.");
        if (chunk.Length != rank + 1 || chunk[rank] != type.Size)
            throw new InvalidDataException(
                $"HDF5 {what} has {chunk.Length}-dimensional chunks ending in {chunk[^1]}, where its rank {rank} and {type.Size}-byte elements need {rank + 1} ending in {type.Size}.");
        var filters = header.Find(Hdf5Message.FilterPipeline) is { } pipeline ? Hdf5FilterPipeline.Read(pipeline.Open()) : [];
        if (filters.GroupBy(f => f.Id).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new InvalidDataException($"HDF5 {what} lists the {repeated.First().Name} filter {repeated.Count()} times; MATLAB applies each filter once.");
        int deflate = Array.FindIndex(filters, f => f.Id == Hdf5Filter.Deflate);
        int fletcher = Array.FindIndex(filters, f => f.Id == Hdf5Filter.Fletcher32);

        long chunkElements = 1, expectedChunks = 1;
        for (int k = 0; k < rank; k++)
        {
            // Stops growing past Array.MaxLength (refused below), so the product cannot overflow.
            if (chunkElements <= Array.MaxLength) chunkElements *= chunk[k];
            expectedChunks *= (long)((dims[k] + chunk[k] - 1) / chunk[k]);
        }
        long chunkBytes = chunkElements > Array.MaxLength ? long.MaxValue : chunkElements * type.Size;
        // Fletcher-32 applied before another filter (deflate, or shuffle: H5Pset_fletcher32 called first) leaves its 4 bytes
        // for that filter to undo: a chunk plus 4 bytes (an unshuffled chunk of 52 bytes where a chunk is 48 was refused).
        long limit = chunkBytes + (fletcher >= 0 && fletcher < filters.Length - 1 ? 4 : 0);
        if (limit > Array.MaxLength)
            throw new InvalidDataException($"HDF5 {what} has chunks of {chunkElements} elements of {type.Size} bytes, more than one buffer can hold.");
        // A chunk larger than the data would have to be decoded whole for a part of it (found by fuzzing: a
        // 30 MB chunk for 5 bytes). MATLAB sizes chunks within the data; h5py's small default chunks of
        // resizable datasets stay under the 1 MiB allowed.
        if (chunkBytes > Math.Max(dataBytes, MaxChunkBeyondData))
            throw new InvalidDataException(
                $"HDF5 {what} has chunks of {chunkBytes} bytes for {dataBytes} bytes of data; MATLAB's chunks are never larger than the data.");

        var chunks = new List<Chunk>();
        var offsets = new List<ulong>();
        var indices = new List<long>();
        Hdf5BTreeV1.Walk(source, layout.Address, Hdf5BTreeV1.ChunkNodes, 8 + 8 * (rank + 1), what, (key, keyOffset, address) =>
        {
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(key);
            uint mask = BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
            long index = 0;
            for (int k = 0; k < rank; k++)
            {
                ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(key[(8 + 8 * k)..]);
                if (offset % chunk[k] != 0 || offset >= dims[k])
                    throw new InvalidDataException(
                        $"HDF5 B-tree node of {what}: a chunk starts at offset {offset} in dimension {k}, which is not a multiple of the chunk size {chunk[k]} below the dimension {dims[k]} (at byte offset {keyOffset}).");
                index = index * (long)((dims[k] + chunk[k] - 1) / chunk[k]) + (long)(offset / chunk[k]);
                offsets.Add(offset);
            }
            // What this chunk's stored bytes can decode to: deflate multiplies by at most 1032, fletcher32 removes 4.
            bool inflates = deflate >= 0 && (mask & (1u << deflate)) == 0;
            bool checksummed = fletcher >= 0 && (mask & (1u << fletcher)) == 0;
            long most = inflates ? size * ZlibInflater.MaxDeflateRatio : size - (checksummed ? 4L : 0L);
            if (most < chunkBytes)
            {
                // The checksum's 4 bytes are named: "stores 48 bytes, which cannot hold a 48-byte chunk" read as a contradiction.
                string stored = (inflates, checksummed) switch
                {
                    (true, _) => " of deflated data",
                    (false, false) => "",
                    _ when size >= 4 => ", 4 of them its fletcher32 checksum",
                    _ => ", fewer than its 4-byte fletcher32 checksum",
                };
                throw new InvalidDataException(
                    $"HDF5 B-tree node of {what}: a chunk stores {size} bytes{stored}, which cannot hold {English.Article(chunkBytes)} {chunkBytes}-byte chunk (at byte offset {keyOffset}).");
            }
            source.ClaimChunk(address, () => $"HDF5 B-tree node of {what}: the chunk whose key is at byte offset {keyOffset}");
            indices.Add(index);
            chunks.Add(new Chunk(size, mask, address));
        });
        if (chunks.Count != expectedChunks)
            throw new InvalidDataException(
                $"HDF5 {what} stores {chunks.Count} of its {expectedChunks} chunks; MATLAB writes every chunk, and chunks never written are not read.");
        indices.Sort();
        for (int i = 1; i < indices.Count; i++)
            if (indices[i] == indices[i - 1])
                throw new InvalidDataException($"HDF5 {what} stores two chunks at the same offsets (chunk number {indices[i]} in row-major order); each is stored once.");
        var decoder = new Hdf5ChunkFilters(source, filters, (int)chunkBytes, type.Size, (int)limit);
        return new Hdf5ChunkedData(source, chunks, offsets, decoder, chunk, dims, type.Size, what);
    }

    /// <summary>Decodes every chunk into a new array of <paramref name="elementType"/> with <paramref name="count"/> elements.</summary>
    /// <remarks>
    /// The array is made once the first chunk has passed <see cref="Hdf5ChunkFilters.Probe"/>, or, when it is no contiguous
    /// stretch of the array or cannot be probed, once it has been decoded whole. A chunk that is one contiguous stretch of
    /// the array (always, when one chunk holds the whole dataset) decodes straight into it.
    /// </remarks>
    public Array Read(Type elementType, long count)
    {
        Array? array = null;
        int rank = _dims.Length;
        for (int c = 0; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c];
            var offset = CollectionsMarshal.AsSpan(_offsets).Slice(c * rank, rank);
            string Where() => $"the chunk of {_what} at offsets [{string.Join(", ", _offsets.GetRange(c * rank, rank))}] (byte offset {_source.ByteOffset(chunk.Address)})";
            var stored = _source.ReadData(chunk.Address, chunk.Size, _what);
            // A first chunk that is no contiguous stretch of the array is decoded into the reused buffer anyway: it is decoded
            // whole before the array is made, so that one damaged past the probe's 64 KiB is refused before the array exists
            // (a 65,033-byte file whose first of two 32 MiB chunks failed mid-inflate took 100 MB: the 64 MiB array and the
            // buffer, found by fuzzing).
            if (array is null && (ContiguousStart(offset) < 0 || !_filters.Probe(stored, chunk.Mask, Where)))
            {
                // Nothing to probe, or the chunk goes through the buffer: decode it whole before making the array.
                var first = _filters.Decode(stored, chunk.Mask, Where);
                array = Array.CreateInstance(elementType, count);
                CopyIntoPlace(first, Bytes(array, count), offset);
                continue;
            }
            array ??= Array.CreateInstance(elementType, count);
            var output = Bytes(array, count);
            long start = ContiguousStart(offset);
            if (start >= 0)
            {
                var destination = output.Slice((int)(start * _elementSize), _chunkBytes);
                var decoded = _filters.Decode(stored, chunk.Mask, Where, destination);
                if (!decoded.Overlaps(destination)) decoded.CopyTo(destination);
            }
            else
            {
                CopyIntoPlace(_filters.Decode(stored, chunk.Mask, Where), output, offset);
            }
        }
        return array ?? Array.CreateInstance(elementType, 0);
    }

    private Span<byte> Bytes(Array array, long count) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)count * _elementSize));

    // The element index where a chunk starts when it lies inside the dataset as one contiguous stretch (every
    // dimension after the first whole, the first not running past the end); otherwise -1.
    private long ContiguousStart(ReadOnlySpan<ulong> offset)
    {
        for (int k = 1; k < _dims.Length; k++)
            if (offset[k] != 0 || _chunkDims[k] != _dims[k]) return -1;
        return offset[0] + _chunkDims[0] <= _dims[0] ? (long)offset[0] * _dataStride[0] : -1;
    }

    // Trailing dimensions that the chunk covers whole (offset 0, chunk size = dimension) are contiguous in both
    // the chunk and the dataset, so they join one run with the part of the last dimension the chunk does not
    // cover whole; a chunk equal to the dataset is one copy. An odometer over the leading dimensions moves the
    // source and target positions by their strides, and rows of an edge chunk outside the dataset are skipped.
    private void CopyIntoPlace(ReadOnlySpan<byte> chunk, Span<byte> output, ReadOnlySpan<ulong> offset)
    {
        int j = _dims.Length - 1;
        long run = 1;
        while (j > 0 && offset[j] == 0 && _chunkDims[j] == _dims[j]) run *= (long)_dims[j--];
        run *= (long)Math.Min(_chunkDims[j], _dims[j] - offset[j]);
        int runBytes = (int)(run * _elementSize);

        long source = 0, target = (long)offset[j] * _dataStride[j];
        for (int k = 0; k < j; k++)
        {
            _extent[k] = (long)Math.Min(_chunkDims[k], _dims[k] - offset[k]);
            _within[k] = 0;
            target += (long)offset[k] * _dataStride[k];
        }
        while (true)
        {
            chunk.Slice((int)(source * _elementSize), runBytes).CopyTo(output.Slice((int)(target * _elementSize)));
            int d = j - 1;
            for (; d >= 0; d--)
            {
                source += _chunkStride[d];
                target += _dataStride[d];
                if (++_within[d] < _extent[d]) break;
                source -= _extent[d] * _chunkStride[d];
                target -= _extent[d] * _dataStride[d];
                _within[d] = 0;
            }
            if (d < 0) return;
        }
    }
}
