using System.Buffers.Binary;

namespace SparseAe.Data.Mat;

/// <summary>
/// Refuses a 7.3 file whose groups hold soft links, before PureHDF sees it. PureHDF 2.2.0 resolves
/// every soft link while it lists a group and follows a cycle (a link to itself, or two links to each
/// other) until the stack overflows, which ends the process (found by fuzzing). MATLAB never writes soft
/// links, so refusing them costs nothing for real MAT files.
/// </summary>
/// <remarks>
/// HDF5 (File Format Specification, version 0 superblock and "Symbol Table Node"): old-style groups keep
/// their links in symbol table nodes, signature "SNOD", version 1, a reserved byte, a u16 count of
/// entries, then entries of (link name offset: O bytes, object header address: O bytes, cache type: u32,
/// reserved: u32, scratch: 16 bytes), where O is the superblock's size of offsets and cache type 2 marks
/// a soft link. The scan reads the file in blocks and checks every "SNOD" it finds. New-style groups
/// (link messages in object headers) are not scanned: h5py and MATLAB write old-style groups by default.
/// </remarks>
internal static class Hdf5SoftLinkScan
{
    private const int BlockBytes = 1 << 20;
    private static readonly byte[] Signature = "SNOD"u8.ToArray();

    /// <param name="stream">The whole file, seekable.</param>
    /// <param name="superblock">Byte offset of the HDF5 superblock (after the MAT user block).</param>
    public static void Refuse(Stream stream, long superblock)
    {
        int offsetSize = OffsetSize(stream, superblock);
        int entryBytes = 2 * offsetSize + 24;
        var block = new byte[BlockBytes + Signature.Length - 1];
        long blockStart = 0;
        stream.Position = 0;
        int carried = 0;
        while (true)
        {
            int read = stream.ReadAtLeast(block.AsSpan(carried, BlockBytes), BlockBytes, throwOnEndOfStream: false);
            int valid = carried + read;
            var span = block.AsSpan(0, valid);
            for (int i = span.IndexOf(Signature); i >= 0; i = NextMatch(span, i))
                CheckNode(stream, blockStart + i, offsetSize, entryBytes);
            if (read < BlockBytes) break;
            // Keep the last 3 bytes: a signature may straddle two blocks.
            carried = Signature.Length - 1;
            span.Slice(valid - carried).CopyTo(block);
            blockStart += valid - carried;
        }
        stream.Position = 0;
    }

    private static int NextMatch(ReadOnlySpan<byte> span, int previous)
    {
        int next = span.Slice(previous + 1).IndexOf(Signature);
        return next < 0 ? -1 : previous + 1 + next;
    }

    private static void CheckNode(Stream stream, long at, int offsetSize, int entryBytes)
    {
        long resume = stream.Position;
        try
        {
            var header = new byte[8];
            stream.Position = at;
            if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8 || header[4] != 1) return;   // not a version-1 node
            int count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
            var entry = new byte[entryBytes];
            for (int k = 0; k < count; k++)
            {
                if (stream.ReadAtLeast(entry, entryBytes, throwOnEndOfStream: false) < entryBytes) return;
                if (BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(2 * offsetSize)) == 2)
                    throw new InvalidDataException(
                        $"The 7.3 (HDF5) file holds a soft link (symbol table node at byte offset {at}, entry {k}); MAT files never do, " +
                        "and soft links are not read (a link cycle would not end).");
            }
        }
        finally
        {
            stream.Position = resume;
        }
    }

    // Superblock versions 0 and 1 keep the size of offsets at byte 13, versions 2 and 3 at byte 9.
    private static int OffsetSize(Stream stream, long superblock)
    {
        var header = new byte[14];
        stream.Position = superblock;
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            throw new InvalidDataException($"The HDF5 superblock at byte offset {superblock} is cut short.");
        int size = header[8] <= 1 ? header[13] : header[9];
        if (size is not (2 or 4 or 8))
            throw new InvalidDataException($"The HDF5 superblock at byte offset {superblock} gives a size of offsets of {size}; it must be 2, 4 or 8.");
        return size;
    }
}
