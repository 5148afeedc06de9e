namespace SparseAe.Mat.Hdf5;

internal enum Hdf5LayoutClass { Compact = 0, Contiguous = 1, Chunked = 2 }

/// <summary>A data layout message (version 3, and version 4 for compact and contiguous data).</summary>
/// <remarks>
/// <code>
/// version 3 and 4: version u8, layout class u8, then
///   compact (0):    size u16, the data
///   contiguous (1): address O, size L
///   chunked (2):    version 3: dimensionality u8 (rank + 1), B-tree v1 address O, dimensionality x u32 chunk
///                   dimensions, the last being the element size
/// </code>
/// Version 4 chunked layouts index their chunks with structures MATLAB never writes (fixed and extensible
/// arrays, version-2 B-trees); they, versions 1 and 2 (HDF5 before 1.6.3) and virtual layouts are refused
/// with a message that says so.
/// </remarks>
internal sealed record Hdf5Layout(Hdf5LayoutClass Class, ulong Address, ulong Size, Hdf5Cursor? CompactData, uint[] ChunkDimensions)
{
    public static Hdf5Layout Read(Hdf5Cursor c)
    {
        int version = c.U8("version");
        int layoutClass = c.U8("layout class");
        if (version is not (3 or 4))
            throw c.Error($"the data layout message is version {version}; only versions 3 and 4 (HDF5 1.6.3 and later) are read");
        switch (layoutClass)
        {
            case 0:
                int size = c.U16("compact data size");
                return new Hdf5Layout(Hdf5LayoutClass.Compact, 0, (ulong)size, c.Slice(size, "compact data"), []);
            case 1:
                return new Hdf5Layout(Hdf5LayoutClass.Contiguous, c.Address("data address"), c.Length("data size"), null, []);
            case 2 when version == 3:
                int dimensionality = c.U8("dimensionality");
                if (dimensionality is < 2 or > Hdf5Dataspace.MaxRank + 1)
                    throw c.Error($"the chunk dimensionality is {dimensionality}; it must be from 2 to {Hdf5Dataspace.MaxRank + 1} (rank + 1)");
                ulong btree = c.Address("chunk B-tree address");
                var dimensions = new uint[dimensionality];
                for (int k = 0; k < dimensionality; k++)
                {
                    dimensions[k] = c.U32("chunk dimension");
                    if (dimensions[k] == 0) throw c.Error($"chunk dimension {k} is 0");
                }
                return new Hdf5Layout(Hdf5LayoutClass.Chunked, btree, 0, null, dimensions);
            case 2:
                throw c.Error("the data is chunked with a version-4 chunk index (HDF5 1.10 with the latest file format), which MATLAB does not write and this reader does not read");
            case 3:
                throw c.Error("the dataset is virtual (it maps other datasets), which MATLAB does not write");
            default:
                throw c.Error($"the layout class is {layoutClass}; 0 (compact), 1 (contiguous) and 2 (chunked) are read");
        }
    }
}
