using System.Text;

namespace SparseAe.Mat.Hdf5;

/// <summary>The hard links of a group, by name: old-style (symbol table) or new-style compact (link messages).</summary>
/// <remarks>
/// Old-style groups (what MATLAB and h5py write by default): a symbol table message (B-tree address O,
/// local heap address O) leads to a type-0 B-tree whose leaves are symbol table nodes:
/// <code>
/// "SNOD", version u8 = 1, reserved u8, entry count u16, entries: name offset L (a heap offset, which HDF5
/// decodes with the size of lengths), object header address O,
/// cache type u32, reserved u32, scratch 16 bytes (cache type 2: a soft link)
/// </code>
/// New-style groups keep one link message per link:
/// <code>
/// version u8 = 1, flags u8, [link type u8 if flags bit 3: 0 hard, 1 soft, 64 external],
/// [creation order u64 if bit 2], [character set u8 if bit 4], name length (1, 2, 4 or 8 bytes: bits 0-1),
/// name, then a hard link's object header address O (soft and external links hold a path instead)
/// </code>
/// Dense new-style groups (a link info message naming a fractal heap) are refused. Soft and external links
/// are refused too: MATLAB never writes them, and a soft link can form a cycle.
/// </remarks>
internal static class Hdf5Group
{
    public static bool IsGroup(Hdf5ObjectHeader header) =>
        header.Find(Hdf5Message.SymbolTable) is not null || header.Find(Hdf5Message.LinkInfo) is not null || header.Find(Hdf5Message.Link) is not null;

    // uniqueNamesRule: said after "holds two links named 'X'" when the names have a rule of their own (a MAT
    // file's root group, whose links are the variables); without it, only the repetition is said.
    public static List<(string Name, ulong Address)> Links(Hdf5Source source, Hdf5ObjectHeader header, string what, string? uniqueNamesRule = null)
    {
        var links = new List<(string, ulong)>();
        if (header.Find(Hdf5Message.SymbolTable) is { } table)
        {
            var c = table.Open();
            ulong btree = c.Address("B-tree address");
            var heap = Hdf5LocalHeap.Read(source, c.Address("local heap address"), what);
            var nodes = new HashSet<ulong>();
            Hdf5BTreeV1.Walk(source, btree, Hdf5BTreeV1.GroupNodes, source.LengthSize, what, (_, _, node) =>
            {
                if (!nodes.Add(node))
                    throw new InvalidDataException($"HDF5 symbol table node of {what} at byte offset {source.ByteOffset(node)} is listed twice in its B-tree.");
                ReadSymbolTableNode(source, node, heap, what, links);
            });
            return Distinct(links, what, uniqueNamesRule);
        }
        if (header.Find(Hdf5Message.LinkInfo) is { } info)
        {
            var c = info.Open();
            c.U8("version");
            int flags = c.U8("flags");
            if ((flags & 1) != 0) c.U64("maximum creation index");
            if (!source.IsUndefined(c.Address("fractal heap address")))
                throw c.Error($"{what} keeps its links in a fractal heap (dense storage), which MATLAB does not write and this reader does not read");
        }
        foreach (var message in header.All(Hdf5Message.Link))
            links.Add(ReadLinkMessage(message.Open(), what));
        links.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return Distinct(links, what, uniqueNamesRule);
    }

    // HDF5 itself never stores two links of one name in a group; MATLAB never links one object twice (which
    // would also make the reader decode the same data once per link).
    private static List<(string Name, ulong Address)> Distinct(List<(string Name, ulong Address)> links, string what, string? uniqueNamesRule)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new Dictionary<ulong, string>();
        foreach (var (name, address) in links)
        {
            if (!names.Add(name))
                throw new InvalidDataException($"HDF5 {what} holds two links named '{name}'{(uniqueNamesRule is null ? "" : $"; {uniqueNamesRule}")}.");
            if (!addresses.TryAdd(address, name))
                throw new InvalidDataException(
                    $"HDF5 {what} links '{addresses[address]}' and '{name}' to the same object; MAT files never link one object twice.");
        }
        return links;
    }

    private static void ReadSymbolTableNode(Hdf5Source source, ulong address, Hdf5LocalHeap heap, string what, List<(string, ulong)> links)
    {
        int entryBytes = source.LengthSize + source.OffsetSize + 24;
        var header = source.ReadMetadata(address, 8, $"symbol table node of {what}");
        header.Signature("SNOD");
        int version = header.U8("version");
        if (version != 1) throw header.Error($"the symbol table node version is {version}; only version 1 exists");
        header.U8("reserved byte");
        int count = header.U16("entry count");
        var entries = source.ReadMetadata(address + 8, (long)count * entryBytes, $"symbol table node of {what}");
        for (int k = 0; k < count; k++)
        {
            long at = entries.FileOffset;
            ulong nameOffset = entries.Length("link name offset");
            ulong objectHeader = entries.Address("object header address");
            uint cacheType = entries.U32("cache type");
            entries.Skip(4 + 16, "reserved bytes and scratch pad");
            if (cacheType == 2)
                throw new InvalidDataException(
                    $"The 7.3 (HDF5) file holds a soft link (symbol table node at byte offset {source.ByteOffset(address)}, entry {k}, byte offset {at}); " +
                    "MAT files never do, and soft links are not read (a link cycle would not end).");
            links.Add((heap.Name(nameOffset), objectHeader));
        }
    }

    private static (string, ulong) ReadLinkMessage(Hdf5Cursor c, string what)
    {
        int version = c.U8("version");
        if (version != 1) throw c.Error($"the link message version is {version}; only version 1 exists");
        int flags = c.U8("flags");
        int linkType = (flags & 0x08) != 0 ? c.U8("link type") : 0;
        if ((flags & 0x04) != 0) c.U64("creation order");
        if ((flags & 0x10) != 0) c.U8("character set");
        ulong nameLength = c.Unsigned(1 << (flags & 3), "name length");
        if (nameLength == 0 || nameLength > (ulong)c.Remaining)
            throw c.Error($"the link name claims {nameLength} bytes but {c.Remaining} remain in the message");
        string name = Encoding.UTF8.GetString(c.Bytes((long)nameLength, "link name"));
        if (linkType != 0)
            throw c.Error($"{what} holds {(linkType == 1 ? "a soft" : linkType == 64 ? "an external" : $"a type-{linkType}")} link '{name}'; " +
                "MAT files never do, and only hard links are read");
        return (name, c.Address("object header address"));
    }
}
