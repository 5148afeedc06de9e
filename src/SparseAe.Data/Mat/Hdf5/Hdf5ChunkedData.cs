namespace SparseAe.Data.Mat.Hdf5;

/// <summary>The chunks of a B-tree-indexed (layout version 3) chunked dataset, checked, then decoded into place.</summary>
internal sealed class Hdf5ChunkedData
{
    private readonly record struct Chunk(ulong[] Offset, uint Size, uint Mask, ulong Address);

    private readonly Hdf5Source _source;
    private readonly List<Chunk> _chunks;
    private readonly Hdf5ChunkFilters _filters;
    private readonly uint[] _chunkDims;
    private readonly ulong[] _dims;
    private readonly int _elementSize;
    private readonly string _what;

    private Hdf5ChunkedData(Hdf5Source source, List<Chunk> chunks, Hdf5ChunkFilters filters, uint[] chunkDims, ulong[] dims, int elementSize, string what)
    {
        (_source, _chunks, _filters, _chunkDims, _dims, _elementSize, _what) = (source, chunks, filters, chunkDims, dims, elementSize, what);
    }

    /// <summary>
    /// Gathers every chunk's key and address (reading only B-tree nodes), and checks that the chunks tile the
    /// dataset exactly and that their stored bytes can hold what they must decode to, before any buffer is made.
    /// </summary>
    public static Hdf5ChunkedData Prepare(Hdf5Source source, Hdf5ObjectHeader header, Hdf5Layout layout, Hdf5Datatype type, Hdf5Dataspace space, int bytes, string what)
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
        if (chunkBytes > Array.MaxLength)
            throw new InvalidDataException($"HDF5 {what} has chunks of {chunkElements} elements, more than one buffer can hold.");

        var chunks = new List<Chunk>();
        var seen = new HashSet<long>();
        Hdf5BTreeV1.Walk(source, layout.Address, Hdf5BTreeV1.ChunkNodes, 8 + 8 * (rank + 1), what, (key, address) =>
        {
            uint size = key.U32("chunk size");
            uint mask = key.U32("filter mask");
            var offset = new ulong[rank];
            long index = 0;
            for (int k = 0; k < rank; k++)
            {
                offset[k] = key.U64("chunk offset");
                if (offset[k] % chunk[k] != 0 || offset[k] >= dims[k])
                    throw key.Error($"a chunk starts at offset {offset[k]} in dimension {k}, which is not a multiple of the chunk size {chunk[k]} below the dimension {dims[k]}");
                index = index * (long)((dims[k] + chunk[k] - 1) / chunk[k]) + (long)(offset[k] / chunk[k]);
            }
            if (!seen.Add(index)) throw key.Error("two chunks start at the same offsets");
            // What this chunk's stored bytes can decode to: deflate multiplies by at most 1032, fletcher32 removes 4.
            bool inflates = deflate >= 0 && (mask & (1u << deflate)) == 0;
            long most = inflates ? size * Level5Inflater.MaxDeflateRatio : size - (fletcher >= 0 && (mask & (1u << fletcher)) == 0 ? 4L : 0L);
            if (most < chunkBytes)
                throw key.Error($"a chunk stores {size} bytes{(inflates ? " of deflated data" : "")}, which cannot hold a {chunkBytes}-byte chunk");
            chunks.Add(new Chunk(offset, size, mask, address));
        });
        if (chunks.Count != expectedChunks)
            throw new InvalidDataException(
                $"HDF5 {what} stores {chunks.Count} of its {expectedChunks} chunks; MATLAB writes every chunk, and chunks never written are not read.");
        return new Hdf5ChunkedData(source, chunks, new Hdf5ChunkFilters(filters, (int)chunkBytes, type.Size), chunk, dims, type.Size, what);
    }

    /// <summary>Decodes every chunk and copies the part of it inside the dataset into <paramref name="output"/>.</summary>
    public void CopyTo(Span<byte> output)
    {
        foreach (var chunk in _chunks)
        {
            string where = $"the chunk of {_what} at offsets [{string.Join(", ", chunk.Offset)}] (byte offset {_source.ByteOffset(chunk.Address)})";
            var decoded = _filters.Decode(_source.ReadData(chunk.Address, chunk.Size, where), chunk.Mask, where);
            CopyIntoPlace(decoded, output, chunk.Offset);
        }
    }

    // Trailing dimensions that the chunk covers whole (offset 0, chunk size = dimension) are contiguous in both
    // the chunk and the dataset, so they join one run with the part of the last dimension the chunk does not
    // cover whole; a chunk equal to the dataset is one copy. Rows of an edge chunk outside the dataset are skipped.
    private void CopyIntoPlace(ReadOnlySpan<byte> chunk, Span<byte> output, ulong[] offset)
    {
        int rank = _dims.Length;
        int j = rank - 1;
        long run = 1;
        while (j > 0 && offset[j] == 0 && _chunkDims[j] == _dims[j]) run *= (long)_dims[j--];
        run *= (long)Math.Min(_chunkDims[j], _dims[j] - offset[j]);
        long runBytes = run * _elementSize;

        // Element strides of dimensions 0..j-1 in the chunk and in the dataset.
        var chunkStride = new long[rank];
        var dataStride = new long[rank];
        chunkStride[rank - 1] = dataStride[rank - 1] = 1;
        for (int k = rank - 2; k >= 0; k--)
        {
            chunkStride[k] = chunkStride[k + 1] * _chunkDims[k + 1];
            dataStride[k] = dataStride[k + 1] * (long)_dims[k + 1];
        }
        var within = new long[j];
        while (true)
        {
            long source = 0, target = (long)offset[j] * dataStride[j];
            for (int k = 0; k < j; k++)
            {
                source += within[k] * chunkStride[k];
                target += ((long)offset[k] + within[k]) * dataStride[k];
            }
            chunk.Slice((int)(source * _elementSize), (int)runBytes).CopyTo(output.Slice((int)(target * _elementSize)));
            int d = j - 1;
            while (d >= 0 && ++within[d] == (long)Math.Min(_chunkDims[d], _dims[d] - offset[d])) within[d--] = 0;
            if (d < 0) return;
        }
    }
}
