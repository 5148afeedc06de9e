namespace SparseAe.Data.Mat.Hdf5;

/// <summary>Reads a dataset's elements as raw bytes in HDF5 (row-major) order: compact, contiguous or chunked.</summary>
/// <remarks>
/// Every size is checked before a buffer is made: contiguous and compact data against the bytes that hold
/// them; chunked data against what its stored chunks can inflate to (deflate gives at most
/// <see cref="Level5Inflater.MaxDeflateRatio"/> bytes per byte), and every chunk must be present exactly once
/// (MATLAB writes all of them; a chunk never written would have to come from the fill value).
/// </remarks>
internal static class Hdf5DatasetData
{
    public static byte[] Read(Hdf5Source source, Hdf5ObjectHeader header, Hdf5Datatype type, Hdf5Dataspace space, string what)
    {
        var layoutMessage = header.Find(Hdf5Message.Layout) ?? throw new InvalidDataException($"HDF5 {what} has no data layout message.");
        if (layoutMessage.IsShared) throw new InvalidDataException($"HDF5 {what} has a shared data layout message, which HDF5 does not allow.");
        var layout = Hdf5Layout.Read(layoutMessage.Open());
        ulong count = space.ElementCount;
        ulong total = count > (ulong)Array.MaxLength ? ulong.MaxValue : count * (ulong)type.Size;
        long limit = layout.Class == Hdf5LayoutClass.Chunked ? source.FileLength * Level5Inflater.MaxDeflateRatio : source.FileLength;
        if (total > (ulong)Math.Min(limit, Array.MaxLength))
            throw new InvalidDataException(
                $"HDF5 {what} claims {count} elements of {type.Size} bytes, but a {source.FileLength}-byte file can hold at most {Math.Min(limit, Array.MaxLength)} bytes of it.");
        int bytes = (int)total;

        switch (layout.Class)
        {
            case Hdf5LayoutClass.Compact:
                if (layout.Size < (ulong)bytes)
                    throw new InvalidDataException($"HDF5 {what} has {layout.Size} bytes of compact data where its {count} elements need {bytes}.");
                return layout.CompactData!.Bytes(bytes, "compact data").ToArray();
            case Hdf5LayoutClass.Contiguous:
                if (bytes == 0) return [];
                if (source.IsUndefined(layout.Address))
                    throw new InvalidDataException($"HDF5 {what} has {count} elements but its data was never written (undefined address), which MATLAB never does.");
                if (layout.Size < (ulong)bytes)
                    throw new InvalidDataException($"HDF5 {what} stores {layout.Size} bytes where its {count} elements need {bytes}.");
                return source.ReadData(layout.Address, bytes, what);
            default:
                return bytes == 0 ? [] : ReadChunked(source, header, layout, type, space, bytes, what);
        }
    }

    private static byte[] ReadChunked(Hdf5Source source, Hdf5ObjectHeader header, Hdf5Layout layout, Hdf5Datatype type, Hdf5Dataspace space, int bytes, string what)
    {
        var dims = space.Dimensions;
        int rank = dims.Length;
        var chunk = layout.ChunkDimensions;
        if (rank == 0)
            throw new InvalidDataException($"HDF5 {what} is a scalar with a chunked layout, which HDF5 does not allow.");
        if (chunk.Length != rank + 1 || chunk[rank] != type.Size)
            throw new InvalidDataException(
                $"HDF5 {what} has {chunk.Length}-dimensional chunks ending in {chunk[^1]}, where its rank {rank} and {type.Size}-byte elements need {rank + 1} ending in {type.Size}.");
        var filterMessage = header.Find(Hdf5Message.FilterPipeline);
        var filters = filterMessage is null ? [] : Hdf5FilterPipeline.Read(filterMessage.Open());
        bool deflated = filters.Any(f => f.Id == Hdf5Filter.Deflate);

        long chunkElements = 1;
        long expectedChunks = 1;
        for (int k = 0; k < rank; k++)
        {
            // Stops growing past Array.MaxLength (refused below), so the product cannot overflow.
            if (chunkElements <= Array.MaxLength) chunkElements *= chunk[k];
            expectedChunks *= (long)((dims[k] + chunk[k] - 1) / chunk[k]);
        }
        long chunkBytesLong = chunkElements > Array.MaxLength ? long.MaxValue : chunkElements * type.Size;

        // First gather every chunk's key and address (this reads only B-tree nodes), then check that they tile
        // the dataset exactly and that their stored bytes can hold it, and only then size buffers.
        var chunks = new List<(ulong[] Offset, uint Size, uint Mask, ulong Address)>();
        var seen = new HashSet<long>();
        long capacity = 0;
        int keySize = 8 + 8 * (rank + 1);
        Hdf5BTreeV1.Walk(source, layout.Address, Hdf5BTreeV1.ChunkNodes, keySize, what, (key, address) =>
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
            capacity += deflated ? size * Level5Inflater.MaxDeflateRatio : size;
            chunks.Add((offset, size, mask, address));
        });
        if (chunks.Count != expectedChunks)
            throw new InvalidDataException(
                $"HDF5 {what} stores {chunks.Count} of its {expectedChunks} chunks; MATLAB writes every chunk, and chunks never written are not read.");
        if (chunkBytesLong > Array.MaxLength || bytes > capacity)
            throw new InvalidDataException(
                $"HDF5 {what} needs {bytes} bytes in chunks of {chunkBytesLong} bytes, but its stored chunks can hold at most {capacity}.");

        var output = new byte[bytes];
        foreach (var (offset, size, mask, address) in chunks)
        {
            string where = $"the chunk of {what} at offsets [{string.Join(", ", offset)}] (byte offset {source.ByteOffset(address)})";
            if (!deflated && size != chunkBytesLong && !filters.Any(f => f.Id == Hdf5Filter.Fletcher32))
                throw new InvalidDataException($"{where} stores {size} bytes, but an uncompressed chunk is {chunkBytesLong} bytes.");
            var stored = source.ReadData(address, size, where);
            var decoded = Hdf5ChunkFilters.Decode(stored, filters, mask, (int)chunkBytesLong, type.Size, where);
            CopyIntoPlace(decoded, output, offset, chunk, dims, type.Size);
        }
        return output;
    }

    // Copies the part of a chunk that lies inside the dataset, one run along the last dimension at a time.
    private static void CopyIntoPlace(byte[] chunkData, byte[] output, ulong[] offset, uint[] chunk, ulong[] dims, int elementSize)
    {
        int rank = dims.Length;
        var within = new long[rank];     // index inside the chunk, last dimension excluded
        long run = (long)Math.Min(chunk[rank - 1], dims[rank - 1] - offset[rank - 1]);
        while (true)
        {
            long source = 0, target = 0;
            bool inside = true;
            for (int k = 0; k < rank; k++)
            {
                ulong position = offset[k] + (ulong)within[k];
                if (position >= dims[k]) { inside = false; break; }
                source = source * chunk[k] + within[k];
                target = target * (long)dims[k] + (long)position;
            }
            if (inside)
                Buffer.BlockCopy(chunkData, (int)(source * elementSize), output, (int)(target * elementSize), (int)(run * elementSize));
            int d = rank - 2;
            while (d >= 0 && ++within[d] == chunk[d]) within[d--] = 0;
            if (d < 0) return;
        }
    }
}
