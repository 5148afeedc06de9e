using System.Text;

namespace SparseAe.Mat.Hdf5;

/// <summary>A local heap: the names of an old-style group's links.</summary>
/// <remarks>
/// HDF5 File Format Specification 3.0, III.D:
/// <code>
/// "HEAP", version u8 = 0, reserved 3 bytes, data segment size L, free list head offset L, data segment address O
/// </code>
/// Names are null-terminated strings at offsets into the data segment. The segment's size is checked
/// against the file before it is read (a damaged size once made another reader allocate 805 MB).
/// </remarks>
internal sealed class Hdf5LocalHeap
{
    private readonly Hdf5Cursor _data;
    private readonly Dictionary<ulong, string> _names = [];

    private Hdf5LocalHeap(Hdf5Cursor data) => _data = data;

    public static Hdf5LocalHeap Read(Hdf5Source source, ulong address, string what)
    {
        var c = source.ReadMetadata(address, 8 + 2 * source.LengthSize + source.OffsetSize, $"local heap of {what}");
        c.Signature("HEAP");
        int version = c.U8("version");
        if (version != 0) throw c.Error($"the local heap version is {version}; only version 0 exists");
        c.Skip(3, "reserved bytes");
        ulong size = c.Length("data segment size");
        c.Length("free list head offset");
        ulong dataAddress = c.Address("data segment address");
        if (size > (ulong)source.FileLength)
            throw c.Error($"the data segment claims {size} bytes, more than the {source.FileLength}-byte file");
        return new Hdf5LocalHeap(source.ReadMetadata(dataAddress, (long)size, $"local heap data of {what}"));
    }

    /// <summary>The null-terminated name at <paramref name="offset"/> in the data segment.</summary>
    /// <remarks>
    /// Each name is decoded once and its length charged to the source's budget: a damaged group whose entries
    /// all name one long string, or overlapping suffixes of it, would otherwise cost heap size x entries.
    /// </remarks>
    public string Name(ulong offset)
    {
        if (_names.TryGetValue(offset, out var known)) return known;
        var all = _data.Fork().Rest;
        if (offset >= (ulong)all.Length)
            throw _data.Error($"a link name is at offset {offset}, past the {all.Length}-byte data segment");
        var rest = all[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw _data.Error($"the link name at offset {offset} has no terminating null byte");
        _data.Source.Charge(2L * end + 32, $"link name at offset {offset} of {_data.What}");
        return _names[offset] = Encoding.UTF8.GetString(rest[..end]);
    }
}
