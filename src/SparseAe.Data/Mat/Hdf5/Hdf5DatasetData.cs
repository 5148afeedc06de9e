using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SparseAe.Data.Mat.Hdf5;

/// <summary>Reads a dataset's elements into a .NET array, in HDF5 (row-major) order: compact, contiguous or chunked.</summary>
/// <remarks>
/// Every size is checked before the array is made: contiguous and compact data against the bytes that hold
/// them; chunked data against what its stored chunks can inflate to (deflate gives at most
/// <see cref="Level5Inflater.MaxDeflateRatio"/> bytes per byte), and every chunk must be present exactly once
/// (MATLAB writes all of them; a chunk never written would have to come from the fill value). Data is read
/// or decoded straight into the array, so the array is the only allocation the size of the data.
/// </remarks>
internal static class Hdf5DatasetData
{
    /// <param name="elementType">A 1-, 2-, 4- or 8-byte unmanaged type of <paramref name="type"/>'s size.</param>
    public static Array Read(Hdf5Source source, Hdf5ObjectHeader header, Hdf5Datatype type, Hdf5Dataspace space, Type elementType, string what)
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
                return Filled(elementType, count, type, chunked.CopyTo);
        }
    }

    // Makes the array, lets fill write its bytes, then puts them in this machine's byte order.
    private static Array Filled(Type elementType, ulong count, Hdf5Datatype type, Action<Span<byte>> fill)
    {
        var array = Array.CreateInstance(elementType, (long)count);
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)count * type.Size));
        fill(bytes);
        if (type.IsBigEndian == BitConverter.IsLittleEndian)
            StoredDataDecoder.ReverseElementBytes(bytes, type.Size);
        return array;
    }
}
