namespace SparseAe.Mat.Hdf5;

/// <summary>Receives one leaf entry: the key before it, the key's byte offset in the file, and the child's address.</summary>
internal delegate void Hdf5LeafVisitor(ReadOnlySpan<byte> key, long keyOffset, ulong child);

/// <summary>Walks a version-1 B-tree: group nodes (type 0) or raw data chunk nodes (type 1).</summary>
/// <remarks>
/// HDF5 File Format Specification 3.0, III.A.1:
/// <code>
/// "TREE", node type u8, node level u8 (0 = leaf), entries used u16, left sibling O, right sibling O,
/// then key 0, child 0, key 1, child 1, ..., child (entries - 1), key (entries)
/// type 0 key: a heap offset (L bytes); children of leaves are symbol table nodes
/// type 1 key: chunk size u32, filter mask u32, dimensionality x u64 chunk offsets; children of leaves are chunks
/// </code>
/// Each child of a level-n node must be a level n-1 node, so the walk cannot cycle; every node is read once.
/// </remarks>
internal static class Hdf5BTreeV1
{
    public const int GroupNodes = 0, ChunkNodes = 1;
    private const int MaxLevel = 64;

    /// <summary>Calls <paramref name="leaf"/> with the key before each leaf child and the child's address.</summary>
    public static void Walk(Hdf5Source source, ulong root, int nodeType, int keySize, string what, Hdf5LeafVisitor leaf)
    {
        var seen = new HashSet<ulong>();
        Visit(source, root, nodeType, keySize, expectedLevel: -1, what, seen, leaf);
    }

    private static void Visit(Hdf5Source source, ulong address, int nodeType, int keySize, int expectedLevel, string what,
        HashSet<ulong> seen, Hdf5LeafVisitor leaf)
    {
        string node = $"B-tree node of {what}";
        if (!seen.Add(address))
            throw new InvalidDataException($"HDF5 {node} at byte offset {source.ByteOffset(address)} is reached twice; a B-tree never shares nodes.");
        int o = source.OffsetSize;
        var header = source.ReadMetadata(address, 8 + 2 * o, node);
        header.Signature("TREE");
        int type = header.U8("node type");
        int level = header.U8("node level");
        int entries = header.U16("entries used");
        if (type != nodeType)
            throw header.Error($"the node type is {type} where {nodeType} ({(nodeType == GroupNodes ? "group" : "chunk")} nodes) is expected");
        if (expectedLevel >= 0 && level != expectedLevel)
            throw header.Error($"the node level is {level}, but a child of a level-{expectedLevel + 1} node must be at level {expectedLevel}");
        if (level > MaxLevel)
            throw header.Error($"the node level is {level}; a B-tree of a file this size is never deeper than {MaxLevel}");

        long bodyLength = (long)entries * (o + keySize) + keySize;
        var body = source.ReadMetadata(address + (ulong)(8 + 2 * o), bodyLength, node);
        for (int i = 0; i < entries; i++)
        {
            long keyOffset = body.FileOffset;
            var key = body.Bytes(keySize, "key");
            ulong child = body.Address("child address");
            if (level == 0) leaf(key, keyOffset, child);
            else Visit(source, child, nodeType, keySize, level - 1, what, seen, leaf);
        }
    }
}
