namespace SparseAe.Mat.Tests;

/// <summary>
/// The <c>mut-*</c> files of Fixtures/hdf5-adversarial (h5py-written, a few bytes patched; see its README) and
/// rules that reading or refusing at all does not pin: each file must give exactly these values or exactly
/// this refusal. A mutation audit changed each rule in turn and nothing failed before these.
/// </summary>
public class Hdf5ExactOutcomeTests
{
    private static string PathOf(string name) => MatFixtures.AdversarialPathOf(name);

    // h5py's float64 (5, 3) dataset arange(15) * 1.5 - 4: MATLAB's 3x5, whose column-major order is h5py's row-major one.
    private static readonly double[] Rows = [.. Enumerable.Range(0, 15).Select(i => i * 1.5 - 4)];

    [Theory]
    // HDF5 1.6.0-1.6.2 stored Fletcher-32 with the bytes of each half swapped; HDF5 still reads such files.
    [InlineData("mut-fletcher_swapped.mat", "x")]
    // A filter's bit set in a chunk's filter mask: that filter was skipped. Deflate skipped for the first and last
    // chunk (the middle one is deflated), in 'b' with a fletcher32 checksum after deflate; fletcher32 skipped in 'c'.
    [InlineData("mut-mask_skipped.mat", "a")]
    [InlineData("mut-mask_skipped.mat", "b")]
    [InlineData("mut-mask_skipped.mat", "c")]
    // Two-row chunks: the first two are whole rows, decoded in place, the third runs past the end and is copied.
    [InlineData("mut-chunk_rows.mat", "c")]
    [InlineData("mut-chunk_rows.mat", "d")]
    // Fletcher-32 applied before shuffle (legal HDF5, H5Pset_fletcher32 first): shuffle undoes the chunk and its checksum,
    // 4 bytes more than a chunk. Without deflate that was refused: "... holds 52 bytes where a chunk is 48".
    [InlineData("mut-fletcher_first.mat", "x")]
    [InlineData("mut-fletcher_first.mat", "y")]
    // Fletcher-32 applied before deflate, skipped for the first chunk (filter mask bit 0) and not for the second (made by
    // generators/review3, without h5py). The first chunk inflates to the chunk alone, and the probe asked for the checksum's
    // 4 bytes too: "decodes to 48 bytes, but a chunk of this dataset is 48 bytes".
    [InlineData("edge-fletcher_first_skipped.mat", "x")]
    public void Chunked_rows_read_as_h5py_reads_them(string file, string variable)
    {
        var x = MatFile.Read(PathOf(file))[variable];
        Assert.Equal([3, 5], x.Dimensions);
        Assert.Equal(Rows, x.ToDoubleArray());
    }

    // Shuffle undone for 2-byte elements too (int16, uint16, char): it was pinned only for 8-byte ones.
    [Fact]
    public void An_int16_dataset_with_shuffle_reads_its_values()
    {
        var x = MatFile.Read(PathOf("edge-shuffle_int16.mat"))["x"];
        Assert.Equal(MatClass.Int16, x.Class);
        Assert.Equal([3, 5], x.Dimensions);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => i * 1000.0 - 7000), x.ToDoubleArray());
    }

    // Root members whose names start with '#' hold referenced data ("#refs#", "#subsystem#"), not variables.
    [Fact]
    public void A_subsystem_group_is_not_a_variable()
    {
        var file = MatFile.Read(PathOf("edge-subsystem_group.mat"));
        Assert.Equal(["x"], file.Variables.Select(v => v.Name));
        Assert.Equal(Rows, file["x"].ToDoubleArray());
    }

    [Fact]
    public void Chunks_half_as_wide_as_the_rows_are_not_decoded_in_place()
    {
        var e = MatFile.Read(PathOf("mut-chunk_rows.mat"))["e"];
        Assert.Equal([6, 4], e.Dimensions);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => 100 + i * 0.25), e.ToDoubleArray());
    }

    [Fact]
    public void Chunks_of_whole_rows_decode_straight_into_the_array_without_a_chunk_sized_buffer()
    {
        // h5py (4, 262144) doubles, row r all r + 1, in two deflated 4 MiB chunks of two rows.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var x = MatFile.Read(PathOf("mut-rows_8M.mat"))["x"];
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal([1 << 18, 4], x.Dimensions);
        var values = x.ToDoubleArray();
        Assert.Equal(new[] { 1.0, 2.0, 3.0, 4.0 }, new[] { 0, 1, 2, 3 }.Select(r => values[r << 18]));
        Assert.Equal(10.0 * (1 << 18), values.Sum());
        Assert.True(allocated < (8L << 20) + (2L << 20), $"{allocated} bytes for an 8 MiB array");
    }

    [Fact]
    public void A_scalar_with_h5pys_rank_0_version_1_dataspace_is_1x1()
    {
        var x = MatFile.Read(PathOf("mut-scalar_v1.mat"))["x"];
        Assert.Equal([1, 1], x.Dimensions);
        Assert.Equal([-2.5], x.ToDoubleArray());
    }

    [Fact]
    public void A_space_padded_MATLAB_class_names_its_class()
    {
        var x = MatFile.Read(PathOf("mut-class_space_padded.mat"))["x"];   // "double  "
        Assert.Equal(MatClass.Double, x.Class);
        Assert.Equal([1.0, -3.0], x.ToDoubleArray());
    }

    // A checksummed chunk stored in fewer bytes than its checksum: the B-tree key of mut-chunk_short_fletcher (its size,
    // the key's first 4 bytes, at byte offset 1936) set to 2. "2 bytes, 4 of them its checksum" would not do.
    [Fact]
    public void A_checksummed_chunk_stored_in_fewer_bytes_than_its_checksum_is_refused_saying_so()
    {
        var bytes = File.ReadAllBytes(PathOf("mut-chunk_short_fletcher.mat"));
        Assert.Equal(48u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(1936)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1936), 2);
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(bytes)));
        Assert.Equal("HDF5 B-tree node of dataset 'x' (object header at byte offset 1312): " +
            "a chunk stores 2 bytes, fewer than its 4-byte fletcher32 checksum, which cannot hold a 48-byte chunk (at byte offset 1936).", e.Message);
    }

    [Theory]
    [InlineData("mut-fletcher_neither.mat", "the chunk of dataset 'x' (object header at byte offset 1312) at offsets [0, 0] (byte offset 4528) " +
        "fails its fletcher32 checksum: stored 0xD9FEF2FF, computed 0xD9FFF2FF; the data is damaged.")]
    // A stored size too small for a chunk is refused from the B-tree key, before any chunk is read.
    [InlineData("mut-chunk_short_raw.mat", "HDF5 B-tree node of dataset 'x' (object header at byte offset 1312): " +
        "a chunk stores 40 bytes, which cannot hold a 48-byte chunk (at byte offset 1936).")]
    [InlineData("mut-chunk_short_fletcher.mat", "HDF5 B-tree node of dataset 'x' (object header at byte offset 1312): " +
        "a chunk stores 48 bytes, 4 of them its fletcher32 checksum, which cannot hold a 48-byte chunk (at byte offset 1936).")]
    [InlineData("mut-chunk_short_deflate.mat", "HDF5 B-tree node of dataset 'x' (object header at byte offset 1312): " +
        "a chunk stores 2 bytes of deflated data, which cannot hold a 2400-byte chunk (at byte offset 1936).")]
    [InlineData("mut-chunk_short_skipped.mat", "HDF5 B-tree node of dataset 'x' (object header at byte offset 1312): " +
        "a chunk stores 40 bytes, which cannot hold a 48-byte chunk (at byte offset 1936).")]   // deflate skipped: raw bytes
    // The data address is the file's length: the first byte past the end, not an empty read there.
    [InlineData("mut-contig_at_eof.mat", "HDF5 dataset 'x' (object header at byte offset 1312) is at address 2064, " +
        "past the end of the 2576-byte file (addresses count from the superblock at byte offset 512).")]
    // Byte order bits 0 and 6 both set: VAX order, which is not big-endian IEEE.
    [InlineData("edge-vax_float.mat", "HDF5 dataset 'x' (object header at byte offset 608) has an 8-byte FloatingPoint type with an unusual bit layout, " +
        "but MATLAB numeric data is 1-, 2-, 4- or 8-byte integers or IEEE 4- or 8-byte floats.")]
    public void Each_is_refused_with_its_rule_and_offset(string file, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(PathOf(file)));
        Assert.Equal(message, e.Message);
    }
}
