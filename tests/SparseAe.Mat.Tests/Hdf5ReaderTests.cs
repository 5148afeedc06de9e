using System.Buffers.Binary;
using SparseAe.Mat.Hdf5;

namespace SparseAe.Mat.Tests;

/// <summary>
/// The 7.3 (HDF5) reader on h5py-written files: values checked against h5py, and one test per kind of damage
/// or unsupported structure, each refused with a message that names it.
/// </summary>
public class Hdf5ReaderTests
{
    private const int Superblock = 512;

    [Theory]
    [InlineData("", 0xDEADBEEFu)]
    [InlineData("Four score and seven years ago", 0x17770551u)]
    public void Lookup3_gives_Jenkins_published_values(string key, uint expected)
    {
        // The values printed by driver5 in Bob Jenkins' lookup3.c for hashlittle(key, length, 0): a check of
        // the hash apart from the HDF5 files whose stored checksums it matches.
        Assert.Equal(expected, Hdf5Cursor.Lookup3(System.Text.Encoding.ASCII.GetBytes(key)));
    }

    [Fact]
    public void A_struct_has_the_dimensions_level_5_gives_it_and_a_struct_array_those_of_its_reference_fields()
    {
        // A 1x1 struct was listed with dimensions [] (inspect: "s  struct" and nothing), where level 5 says [1, 1].
        // A struct array keeps each field as a dataset of references with the struct's dimensions and no
        // MATLAB_class; a 1x1 struct's cell field is a reference dataset too, but has MATLAB_class "cell".
        Assert.Equal([1, 1], MatFile.Read(MatFixtures.PathOf("v5_mixed_struct_cell.mat"))["meta"].Dimensions);
        Assert.Equal([1, 1], MatFile.Read(MatFixtures.PathOf("v73_many_types.mat"))["s"].Dimensions);
        var mat = MatFile.Read(MatFixtures.PathOf("v73_struct_arrays.mat"));
        Assert.Equal([1, 1], mat["one"].Dimensions);
        Assert.Equal([1, 3], mat["row"].Dimensions);
        Assert.Equal([2, 2], mat["sq"].Dimensions);
        Assert.All(mat.Variables, v => Assert.Equal(MatClass.Struct, v.Class));
    }

    [Fact]
    public void A_string_or_other_classdef_object_is_opaque_without_dimensions_as_in_level_5()
    {
        // A 7.3 file keeps such an object (MATLAB_object_decode 3) as 6 uint32 values that point into '#subsystem#':
        // it was listed as "object 1x6", the dimensions of those values, not of the string or datetime.
        var mat = MatFile.Read(MatFixtures.PathOf("v73_objects.mat"));
        foreach (var name in new[] { "dt", "str" })
        {
            Assert.Equal(MatClass.Opaque, mat[name].Class);
            Assert.Empty(mat[name].Dimensions);
            Assert.False(mat[name].IsNumeric);
        }
        Assert.Equal([1.5, -2.0, 4.0], mat["x"].ToDoubleArray());
    }

    [Fact]
    public void Chunked_data_with_partial_edge_chunks_matches_h5py_element_by_element()
    {
        // Golden values read with h5py 3.7 from the same file: MATLAB A(i,j,k) is h5py A[k-1, j-1, i-1].
        // A is shuffled and deflated in 2x16x24 chunks of a 3x30x40 dataset, so every edge chunk is partial.
        var mat = MatFile.Read(MatFixtures.PathOf("v73_chunked_deflate.mat"));
        var a = mat["A"];
        Assert.Equal(0.345584192064786, a.GetValue(0, 0, 0));
        Assert.Equal(-0.9617792675658289, a.GetValue(39, 29, 2));
        Assert.Equal(0.45712506269790815, a.GetValue(24, 16, 1));
        Assert.Equal(-0.9564529644397771, a.GetValue(23, 15, 1));
        Assert.Equal(-0.28358709278557465, a.GetValue(39, 0, 2));
        // B: deflate plus fletcher32 in 2x3 chunks of 5x7.
        var b = mat["B"];
        Assert.Equal(0.2616121470928192, b.GetValue(0, 0), 7);
        Assert.Equal(0.644436240196228, b.GetValue(6, 4), 7);
        Assert.Equal(0.6692972779273987, b.GetValue(2, 3), 7);
    }

    [Fact]
    public void An_HDF5_file_without_MATLABs_header_is_said_to_be_one()
    {
        // h5py.File("x.mat", "w") writes no MATLAB header: the refusal was "the level-5 endian indicator ... and the
        // bytes at byte offset 0 (".HDF............") are not a level-4 matrix header", and the file was first read whole.
        var file = File.ReadAllBytes(MatFixtures.PathOf("v73_many_types.mat"));
        var plain = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file[Superblock..])));
        Assert.Equal("Not a MAT file: it is an HDF5 file (signature at byte offset 0), but a 7.3 MAT file is one behind MATLAB's " +
            "512-byte header (its text \"MATLAB 7.3 MAT-file\", version 0x0200 at byte offset 124 and 'IM' at 126): save it with MATLAB's " +
            "save -v7.3, or write that header in a 512-byte user block.", plain.Message);
        // A 512-byte user block that is not MATLAB's header (h5py's userblock_size=512 left as zeros).
        Array.Clear(file, 0, Superblock);
        var zeros = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.StartsWith("Not a MAT file: it is an HDF5 file (signature at byte offset 512), but a 7.3 MAT file", zeros.Message);
    }

    [Fact]
    public void Big_endian_doubles_and_char_codes_decode_like_h5py()
    {
        var mat = MatFile.Read(MatFixtures.PathOf("v73_many_types.mat"));
        Assert.Equal(new[] { 0.0012301533574825742, -0.8905918387572742, 0.2987455375084699 }, mat["big_endian"].ToDoubleArray()[..3]);
        Assert.Equal("hello", new string((char[])mat["txt"].GetColumnMajorData()));
        Assert.Equal(new[] { 4, 3 }, mat["sp"].Dimensions);
        Assert.Equal(MatClass.Cell, mat["c"].Class);
        Assert.True(mat["z"].IsComplex);
    }

    [Fact]
    public void A_version_4_chunk_index_is_refused_by_name()
    {
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(MatFixtures.PathOf("v73_latest_chunked.mat")));
        Assert.Contains("version-4 chunk index", e.Message);
        Assert.Contains("object header of 'q'", e.Message);
        Assert.Matches(@"byte offset \d+", e.Message);
    }

    [Fact]
    public void A_missing_chunk_is_refused_with_the_count()
    {
        var (file, node) = ChunkNode("B");
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(node + 6), 8);   // entries used: 9 -> 8
        var e = Invalid(file);
        Assert.Contains("stores 8 of its 9 chunks", e.Message);
    }

    [Fact]
    public void A_chunk_offset_off_the_chunk_grid_is_refused()
    {
        var (file, node) = ChunkNode("B");
        // Key 0 is at node + 24: size u32, filter mask u32, then the offsets; move chunk 0 to row 1.
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(node + 24 + 8), 1);
        var e = Invalid(file);
        Assert.Contains("not a multiple of the chunk size 2", e.Message);
    }

    [Fact]
    public void Damaged_deflate_data_in_a_chunk_is_refused_naming_the_chunk()
    {
        var (file, node) = ChunkNode("A");   // shuffle + deflate, no checksum
        // A is 3-dimensional: key 0 is 8 + 8 x 4 bytes, then child 0's address.
        long chunk = Superblock + (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(node + 24 + 40));
        file[chunk] ^= 0xFF;   // the zlib header
        var e = Invalid(file);
        Assert.Contains("The deflated data of the chunk of dataset 'A'", e.Message);
        Assert.Contains("is damaged", e.Message);
    }

    [Fact]
    public void A_flipped_byte_in_a_checksummed_chunk_fails_its_fletcher32_checksum()
    {
        // B's chunks end in HDF5's Fletcher-32 of the deflated bytes; the undamaged file reading at all
        // (the other tests) shows the checksum is computed as HDF5 does.
        var (file, node) = ChunkNode("B");
        long chunk = Superblock + (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(node + 24 + 32));
        file[chunk + 5] ^= 0x01;
        var e = Invalid(file);
        Assert.Contains("fails its fletcher32 checksum", e.Message);
        Assert.Contains("the chunk of dataset 'B'", e.Message);
        Assert.Contains("at offsets [0, 0]", e.Message);
    }

    [Fact]
    public void A_B_tree_node_that_is_its_own_child_is_refused()
    {
        var (file, node) = ChunkNode("B");
        file[node + 5] = 1;   // level 1: its children must be nodes; make child 0 the node itself
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(node + 24 + 32), (ulong)(node - Superblock));
        var e = Invalid(file);
        Assert.Contains("reached twice", e.Message);
    }

    [Fact]
    public void A_continuation_cycle_in_an_object_header_is_refused()
    {
        byte[] file = MatFixtures.Bytes("v73_double3d.mat");
        // The root group's first message (the symbol table message, 16 bytes of data) becomes a continuation
        // message pointing back at the root header's own message block.
        long root = RootHeader(file);
        long message = root + 16;
        Assert.Equal(0x11, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan((int)message)));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan((int)message), 0x10);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan((int)message + 8), (ulong)(root + 16 - Superblock));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan((int)message + 16), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)root + 8)));
        var e = Invalid(file);
        Assert.Contains("again (a cycle)", e.Message);
    }

    [Fact]
    public void A_shared_datatype_message_is_refused()
    {
        byte[] file = MatFixtures.Bytes("v73_double3d.mat");
        int datatype = MessageHeader(file, "IMAGES", Hdf5Message.Datatype);
        file[datatype + 4] |= 0x02;   // message flags: shared
        var e = Invalid(file);
        Assert.Contains("shared (committed) datatype", e.Message);
    }

    [Theory]
    [InlineData(0, 0x20, 0x00)]   // mantissa normalization: none (no implied leading 1)
    [InlineData(1, 0xFF, 62)]     // sign bit at 62, inside the exponent
    public void A_float_that_is_not_IEEE_in_its_normalization_or_sign_bit_is_refused(int field, int mask, int value)
    {
        // Both used to read as IEEE doubles: silently wrong numbers.
        byte[] file = MatFixtures.Bytes("v73_double3d.mat");
        int datatype = MessageHeader(file, "IMAGES", Hdf5Message.Datatype) + 8;
        Assert.Equal(new byte[] { 0x11, 0x20, 63 }, file[datatype..(datatype + 3)]);   // little-endian IEEE double
        file[datatype + 1 + field] = (byte)((file[datatype + 1 + field] & ~mask) | value);
        var e = Invalid(file);
        Assert.Contains("8-byte FloatingPoint type with an unusual bit layout", e.Message);
    }

    [Fact]
    public void An_unknown_filter_is_refused_by_its_id()
    {
        byte[] file = MatFixtures.Bytes("v73_chunked_deflate.mat");
        int pipeline = MessageHeader(file, "B", Hdf5Message.FilterPipeline) + 8;
        // Version 1 pipeline: version, count, 6 reserved bytes, then filter 0's id.
        Assert.Equal(1, file[pipeline]);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(pipeline + 8), 32001);
        var e = Invalid(file);
        Assert.Contains("HDF5 filter 32001", e.Message);
    }

    [Theory]
    [InlineData(32000, "lzf", "filter 32000 (\"lzf\")")]   // h5py's LZF, named in the message
    [InlineData(4, "", "filter 4 (\"szip\")")]           // predefined, named by HDF5 and not always stored
    public void An_unsupported_filter_is_refused_by_name(int id, string storedName, string expected)
    {
        byte[] file = MatFixtures.Bytes("v73_chunked_deflate.mat");
        int pipeline = MessageHeader(file, "B", Hdf5Message.FilterPipeline) + 8;
        // Version 1 pipeline: filter 0 is id u16, name length u16, flags u16, client data count u16, name ("deflate").
        Assert.Equal("deflate\0"u8.ToArray(), file[(pipeline + 16)..(pipeline + 24)]);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(pipeline + 8), (ushort)id);
        file.AsSpan(pipeline + 16, 8).Clear();
        System.Text.Encoding.ASCII.GetBytes(storedName).CopyTo(file, pipeline + 16);
        var e = Invalid(file);
        Assert.Contains(expected, e.Message);
        Assert.Contains("object header of 'B'", e.Message);
    }

    [Fact]
    public void A_local_heap_larger_than_the_file_is_refused_before_it_is_read()
    {
        byte[] file = MatFixtures.Bytes("v73_double3d.mat");
        int heap = file.AsSpan().IndexOf("HEAP"u8);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(heap + 8), 805_306_456);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Invalid(file);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("the data segment claims 805306456 bytes, more than the 8764-byte file", e.Message);
    }

    [Fact]
    public void A_file_shorter_than_its_end_of_file_address_is_refused_as_cut_short()
    {
        byte[] file = MatFixtures.Bytes("v73_many_types.mat");
        // The last bytes are not referenced by any variable, so only the superblock's end-of-file address shows the loss.
        var e = Invalid(file[..^61]);
        Assert.Contains($"says the file is {file.Length} bytes long, but it has {file.Length - 61}: it was cut short", e.Message);
        // One byte short is short.
        e = Invalid(file[..^1]);
        Assert.Contains($"says the file is {file.Length} bytes long, but it has {file.Length - 1}: it was cut short", e.Message);
    }

    [Fact]
    public void Reading_the_same_bytes_again_and_again_stops_at_the_budget()
    {
        // A damaged file can point many links at one large header; the source's budget (4 x the file + 1 MiB
        // of metadata) ends that instead of reading the same bytes for every link.
        var stream = new MemoryStream(new byte[Superblock + 100_000]);
        var source = new Hdf5Source(stream, Superblock);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            for (int i = 0; i < 1000; i++) source.ReadMetadata(0, 99_000, "object header of 'x'");
        });
        Assert.Contains("again and again", e.Message);
    }

    [Fact]
    public void New_style_groups_and_compact_data_read_like_old_style_ones()
    {
        var mat = MatFile.Read(MatFixtures.PathOf("v73_latest_format.mat"));
        Assert.Equal(new[] { "n", "x", "y" }, mat.Variables.Select(v => v.Name));
        Assert.Equal(-0.125, mat["n"].GetValue(0, 0));
    }

    [Fact]
    public void A_flipped_byte_in_a_version_2_object_header_fails_its_checksum()
    {
        // n = -0.125 is compact data inside its "OHDR" header; flipping its sign bit used to read 0.125.
        byte[] file = MatFixtures.Bytes("v73_latest_format.mat");
        int value = file.AsSpan().IndexOf(BitConverter.GetBytes(-0.125));
        file[value + 7] ^= 0x80;
        var e = Invalid(file);
        Assert.Contains("object header of 'n'", e.Message);
        Assert.Contains("object header chunk checksum", e.Message);
    }

    [Fact]
    public void A_version_2_header_continued_in_an_OCHK_chunk_is_read_and_the_chunk_checksum_checked()
    {
        // n's messages from its compact data on move to an "OCHK" chunk at the end of the file, behind a
        // continuation message that takes their place.
        byte[] file = MatFixtures.Bytes("v73_latest_format.mat");
        int value = file.AsSpan().IndexOf(BitConverter.GetBytes(-0.125));
        int header = file.AsSpan(0, value).LastIndexOf("OHDR"u8);
        int flags = file[header + 5];
        Assert.Equal(0, flags & 0x34);   // no times, attribute limits or creation order fields
        int messages = header + 6 + (1 << (flags & 3));
        int end = messages + (int)new Hdf5Source(new MemoryStream(file), 0).ReadMetadata((ulong)header + 6, 1 << (flags & 3), "size").Unsigned(1 << (flags & 3), "size");
        int MessageEnd(int m) => m + 4 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(m + 1));
        int at = messages;
        while (MessageEnd(at) <= value) at = MessageEnd(at);
        int movedEnd = at;
        while (movedEnd - at < 4 + 16) movedEnd = MessageEnd(movedEnd);
        Assert.True(movedEnd <= end);

        byte[] ochk = [.. "OCHK"u8, .. file[at..movedEnd], 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(ochk.AsSpan(ochk.Length - 4), Hdf5Cursor.Lookup3(ochk.AsSpan(0, ochk.Length - 4)));
        file[at] = Hdf5Message.Continuation;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 1), (ushort)(movedEnd - at - 4));
        file[at + 3] = 0;
        file.AsSpan(at + 4, movedEnd - at - 4).Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at + 4), (ulong)(file.Length - Superblock));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at + 12), (ulong)ochk.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(end), Hdf5Cursor.Lookup3(file.AsSpan(header, end - header)));
        byte[] continued = [.. file, .. ochk];
        Assert.Equal(-0.125, MatFile.Read(new MemoryStream(continued))["n"].GetValue(0, 0));

        continued[file.Length + 4 + (value - at) + 7] ^= 0x80;   // the sign of n, now in the OCHK chunk
        var e = Invalid(continued);
        Assert.Contains("object header of 'n'", e.Message);
        Assert.Contains("object header chunk checksum", e.Message);
    }

    [Fact]
    public void A_flipped_byte_in_a_version_3_superblock_fails_its_checksum()
    {
        byte[] file = MatFixtures.Bytes("v73_latest_format.mat");
        Assert.Equal(3, file[Superblock + 8]);
        file[Superblock + 11] ^= 0x01;   // file consistency flags
        var e = Invalid(file);
        Assert.Contains("superblock checksum", e.Message);
    }

    [Theory]
    [InlineData("images_2_5_GB.head", 2_516_584_960L, "'IMAGES' (object header at byte offset 1312) holds 314572800 elements of 8 bytes")]
    [InlineData("video_3_1_GB.head", 3_145_730_560L, "'VIDEO' (object header at byte offset 1312) holds 3145728000 elements of 1 bytes")]
    public void A_variable_larger_than_one_array_is_not_supported_and_not_called_larger_than_its_file(string head, long length, string said)
    {
        // MATLAB 102400x1024x3 doubles (2.5 GB) or 1024000x1024x3 uint8 (3.1 GB) in a file that holds them, valid
        // files (7.3 is the format MATLAB needs for variables over 2 GB). Both were InvalidDataExceptions, as if the
        // file were damaged: "... claims 314572800 elements of 8 bytes, but a 2516584960-byte file can hold at most
        // 2147483591 bytes of it." and "... holds 3145728000 elements where at most 2147483591 are expected."
        var start = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "hdf5-large", head));
        var e = Assert.Throws<NotSupportedException>(() => MatFile.Read(new ZeroExtendedStream(start, length)));
        Assert.Equal($"HDF5 dataset {said}; each variable is read into one array, which holds at most {Array.MaxLength} bytes.", e.Message);
    }

    // The bytes of a file's start, then zeros up to its length: a large file without the disk or memory for it.
    private sealed class ZeroExtendedStream(byte[] start, long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Clamp(length - Position, 0, count);
            buffer.AsSpan(offset, n).Clear();
            if (Position < start.Length)
                start.AsSpan((int)Position, (int)Math.Min(n, start.Length - Position)).CopyTo(buffer.AsSpan(offset));
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => length + offset };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static InvalidDataException Invalid(byte[] file)
    {
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.Matches(@"byte offset \d+", e.Message);
        return e;
    }

    private static long RootHeader(byte[] file) =>
        // Superblock version 0 with 8-byte offsets: the root symbol table entry starts at byte 56, its object header address at 64.
        Superblock + (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(Superblock + 64));

    /// <summary>The byte offset of the (version 1) header of the first message of a type in a variable's object header.</summary>
    private static int MessageHeader(byte[] file, string variable, int type)
    {
        var source = new Hdf5Source(new MemoryStream(file), Superblock);
        var root = Hdf5ObjectHeader.Read(source, Hdf5Superblock.Read(source).RootObjectHeader, "root");
        var address = Hdf5Group.Links(source, root, "root").Single(l => l.Name == variable).Address;
        var message = Hdf5ObjectHeader.Read(source, address, variable).Find(type)!.Value;
        return (int)message.Open().FileOffset - 8;
    }

    /// <summary>A copy of v73_chunked_deflate.mat and the byte offset of the chunk B-tree node of a dataset.</summary>
    private static (byte[] File, int Node) ChunkNode(string variable)
    {
        byte[] file = MatFixtures.Bytes("v73_chunked_deflate.mat");
        int layout = MessageHeader(file, variable, Hdf5Message.Layout) + 8;
        // Layout version 3, class 2 (chunked), dimensionality, then the B-tree address.
        Assert.Equal(new byte[] { 3, 2 }, file[layout..(layout + 2)]);
        int node = Superblock + (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(layout + 3));
        Assert.Equal("TREE"u8.ToArray(), file[node..(node + 4)]);
        return (file, node);
    }
}
