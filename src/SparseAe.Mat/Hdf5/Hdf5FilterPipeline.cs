namespace SparseAe.Mat.Hdf5;

/// <summary>One filter of a pipeline: its identifier and client data (for shuffle, the element size).</summary>
internal sealed record Hdf5Filter(int Id, uint[] ClientData)
{
    public const int Deflate = 1, Shuffle = 2, Fletcher32 = 3;

    public string Name => Id switch { Deflate => "deflate", Shuffle => "shuffle", Fletcher32 => "fletcher32", _ => $"filter {Id}" };

    /// <summary>HDF5's other predefined filters, which a version-2 pipeline stores without their names.</summary>
    public static string? PredefinedName(int id) => id switch { 4 => "szip", 5 => "nbit", 6 => "scaleoffset", _ => null };
}

/// <summary>The filter pipeline message of a chunked dataset: the filters applied, in order, when writing.</summary>
/// <remarks>
/// <code>
/// version 1: version u8 = 1, filter count u8, reserved 6 bytes; each filter: id u16, name length u16,
///            flags u16, client data count u16, name (padded to a multiple of 8), client data count x u32,
///            4 bytes of padding when the count is odd
/// version 2: version u8 = 2, filter count u8; each filter: id u16, [name length u16 if id >= 256],
///            flags u16, client data count u16, [name if id >= 256], client data count x u32
/// </code>
/// MATLAB compresses with deflate; h5py adds shuffle and fletcher32 on request. Others (szip, lzf, ...) are
/// refused naming the filter: the name stored in the message, or HDF5's for its predefined filters.
/// </remarks>
internal static class Hdf5FilterPipeline
{
    public static Hdf5Filter[] Read(Hdf5Cursor c)
    {
        int version = c.U8("version");
        if (version is not (1 or 2)) throw c.Error($"the filter pipeline version is {version}; versions 1 and 2 exist");
        int count = c.U8("filter count");
        if (count > 32) throw c.Error($"the pipeline lists {count} filters; HDF5 allows at most 32");
        if (version == 1) c.Skip(6, "reserved bytes");
        var filters = new Hdf5Filter[count];
        for (int f = 0; f < count; f++)
        {
            int id = c.U16("filter id");
            int nameLength = version == 1 || id >= 256 ? c.U16("filter name length") : 0;
            c.U16("filter flags");
            int values = c.U16("client data count");
            var nameBytes = c.Bytes(version == 1 ? (nameLength + 7) / 8 * 8 : nameLength, "filter name")[..nameLength];
            int nameEnd = nameBytes.IndexOf((byte)0);
            string storedName = System.Text.Encoding.ASCII.GetString(nameEnd >= 0 ? nameBytes[..nameEnd] : nameBytes);
            c.Require(4L * values, "client data");
            var data = new uint[values];
            for (int v = 0; v < values; v++) data[v] = c.U32("client data value");
            if (version == 1 && values % 2 == 1) c.Skip(4, "client data padding");
            if (id is not (Hdf5Filter.Deflate or Hdf5Filter.Shuffle or Hdf5Filter.Fletcher32))
                throw c.Error($"the data passes through HDF5 filter {id} (\"{(storedName.Length > 0 ? storedName : Hdf5Filter.PredefinedName(id) ?? "unnamed")}\"); " +
                    "only deflate (1), shuffle (2) and fletcher32 (3) are read");
            filters[f] = new Hdf5Filter(id, data);
        }
        return filters;
    }
}
