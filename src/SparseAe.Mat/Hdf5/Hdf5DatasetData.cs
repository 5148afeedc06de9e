using System.Runtime.InteropServices;

namespace SparseAe.Mat.Hdf5;

/// <summary>Reads a dataset's elements into a .NET array, in HDF5 (row-major) order: compact, contiguous or chunked.</summary>
/// <remarks>
/// Every size is checked before the array is made: contiguous and compact data against the bytes that hold
/// them; chunked data against what its stored chunks can inflate to (deflate gives at most
/// <see cref="ZlibInflater.MaxDeflateRatio"/> bytes per byte), and every chunk must be present exactly once
/// (MATLAB writes all of them; a chunk never written would have to come from the fill value). Contiguous
/// and compact data are read straight into the array; chunks are decoded into one chunk-sized buffer first.
/// </remarks>
internal static class Hdf5DatasetData
{
    // elementType: a 1-, 2-, 4- or 8-byte unmanaged type of type.Size bytes.
    public static Array Read(Hdf5Source source, Hdf5ObjectHeader header, Hdf5Datatype type, Hdf5Dataspace space, Type elementType, string what)
    {
        var layoutMessage = header.Find(Hdf5Message.Layout) ?? throw new InvalidDataException($"HDF5 {what} has no data layout message.");
        if (layoutMessage.IsShared) throw new InvalidDataException($"HDF5 {what} has a shared data layout message, which HDF5 does not allow.");
        var layout = Hdf5Layout.Read(layoutMessage.Open());
        ulong count = space.ElementCount;
        ulong total = count > ulong.MaxValue / (ulong)type.Size ? ulong.MaxValue : count * (ulong)type.Size;
        long limit = layout.Class == Hdf5LayoutClass.Chunked ? source.FileLength * ZlibInflater.MaxDeflateRatio : source.FileLength;
        if (total > (ulong)limit)
            throw new InvalidDataException(
                $"HDF5 {what} claims {count} elements of {type.Size} bytes, but {English.Article(source.FileLength)} {source.FileLength}-byte file can hold at most {limit} bytes of it.");
        // A file that holds the data, but more of it than one array (7.3 is the format MATLAB needs for variables over 2 GB).
        if (total > (ulong)Array.MaxLength)
            throw new NotSupportedException(
                $"HDF5 {what} holds {count} elements of {type.Size} bytes; each variable is read into one array, which holds at most {Array.MaxLength} bytes.");
        int bytes = (int)total;

        switch (layout.Class)
        {
            case Hdf5LayoutClass.Compact:
                if (layout.Size < (ulong)bytes)
                    throw new InvalidDataException($"HDF5 {what} has {layout.Size} bytes of compact data where its {count} elements need {bytes}.");
                return Filled(elementType, count, type, target => layout.CompactData!.Bytes(bytes, "compact data").CopyTo(target));
            case Hdf5LayoutClass.Contiguous:
                if (bytes == 0) return Array.CreateInstance(elementType, 0);
                if (source.IsUndefined(layout.Address))
                    throw new InvalidDataException($"HDF5 {what} has {count} elements but its data was never written (undefined address), which MATLAB never does.");
                if (layout.Size < (ulong)bytes)
                    throw new InvalidDataException($"HDF5 {what} stores {layout.Size} bytes where its {count} elements need {bytes}.");
                return Filled(elementType, count, type, target => source.ReadData(layout.Address, target, what));
            default:
                if (bytes == 0) return Array.CreateInstance(elementType, 0);
                var chunked = Hdf5ChunkedData.Prepare(source, header, layout, type, space, bytes, what);
                return InMachineOrder(chunked.Read(elementType, (long)count), type);
        }
    }

    // Makes the array and lets fill write its bytes.
    private static Array Filled(Type elementType, ulong count, Hdf5Datatype type, Action<Span<byte>> fill)
    {
        var array = Array.CreateInstance(elementType, (long)count);
        fill(BytesOf(array, type));
        return InMachineOrder(array, type);
    }

    private static Span<byte> BytesOf(Array array, Hdf5Datatype type) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked(array.Length * type.Size));

    private static Array InMachineOrder(Array array, Hdf5Datatype type)
    {
        if (type.IsBigEndian == BitConverter.IsLittleEndian)
            StoredDataDecoder.ReverseElementBytes(BytesOf(array, type), type.Size);
        return array;
    }
}
