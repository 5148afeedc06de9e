namespace SparseAe.Mat.Tests;

/// <summary>
/// The hand-made hostile 7.3 files of Fixtures/hdf5-adversarial (see its README), each under the fuzzer's rules:
/// read, or refused with an InvalidDataException naming a byte offset, and never more than 4 x the file + 64 MiB
/// allocated.
/// </summary>
public class Hdf5AdversarialTests
{
    private static string Folder => MatFixtures.AdversarialDirectory;

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.mat").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_folder_holds_the_reviewed_files()
    {
        Assert.Equal(146, Directory.GetFiles(Folder, "*.mat").Length);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_file_is_read_or_refused_naming_an_offset_within_the_allocation_limit(string name)
    {
        var error = ReaderLimits.AssertReadOrRefusedWithinLimit(File.ReadAllBytes(Path.Combine(Folder, name)), name);
        if (error is not null) Assert.Matches(@"byte offset \d+", error.Message);
    }

    [Theory]
    [InlineData("review1-bigchunk_oom.mat", "has chunks of 2147483591 bytes for 1 bytes of data")]
    [InlineData("review1-links_to_20M.mat", "links 'a0' and 'a1' to the same object")]
    [InlineData("review1-names_20k.mat", "is listed twice in its B-tree")]
    [InlineData("review1-latest_dense_attrs.mat", "keeps its attributes in a fractal heap")]
    [InlineData("review1-latest_9vars.mat", "keeps its links in a fractal heap")]
    [InlineData("review1-zeros8M_as_double.mat", "says MATLAB_class double but is stored as 1-byte FixedPoint")]
    [InlineData("review1-vlen_class_attr.mat", "MATLAB_class' of dataset 'w' (object header at byte offset 1912) is a 16-byte VariableLength")]
    [InlineData("edge-attr_class_vlen.mat", "is a 16-byte VariableLength with 1 elements; MATLAB writes it as one fixed-length string")]
    [InlineData("review2-A1_garbage_deflate.mat", "The deflated data of the chunk")]
    [InlineData("review2-B_shared_btree_20x10M.mat", "another chunk already uses")]
    [InlineData("review2-E_chain32_60M.mat", "lists the deflate filter 32 times")]
    [InlineData("review2-I_shuffle31_deflate.mat", "lists the shuffle filter 31 times")]
    [InlineData("edge-deflate_too_much.mat", "at offsets [0] (byte offset 608) inflates to more than a chunk.")]
    [InlineData("edge-duplicate_chunk.mat", "stores two chunks at the same offsets (chunk number 0 in row-major order); each is stored once.")]
    [InlineData("edge-empty_65_elems.mat", "holds 65 elements where at most 64 are expected.")]
    // An empty array's stated dimensions out of MATLAB's range were clamped: NaN and -5 read as 0, 1e300 and 2^64 - 1 as 2147483647.
    [InlineData("edge-empty_f8_nan.mat", "is empty (MATLAB_empty) and states its dimension 1 as NaN, but a MATLAB dimension is a whole number in 0..2147483647.")]
    [InlineData("edge-empty_f8_neg.mat", "states its dimension 1 as -5, but a MATLAB dimension")]
    [InlineData("edge-empty_i8_min.mat", "states its dimension 1 as -9223372036854775808, but a MATLAB dimension")]
    [InlineData("edge-empty_u8_max.mat", "states its dimension 1 as 18446744073709551615, but a MATLAB dimension")]
    [InlineData("edge-sparse_rows_negative.mat", "attribute 'MATLAB_sparse' of group 's' (object header at byte offset 1640) is negative; MATLAB writes a count there.")]
    public void Each_kind_of_attack_is_refused_by_name(string name, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(Path.Combine(Folder, name)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_one_dimensional_dataset_is_a_column_as_MATLAB_has_no_one_dimensional_arrays()
    {
        // An HDF5 [5] dataset (MATLAB dimensions reversed) is MATLAB's 5x1, as level 5 and MatWriter give [n] too.
        Assert.Equal("x: double [5x1]", MatFile.Read(Path.Combine(Folder, "edge-rank1_edge.mat")).Variables.Single().ToString());
    }

    [Theory]
    [InlineData("review1-zeros40M.mat", 40_000_000)]
    [InlineData("review2-D_logical_16M.mat", 16_000_000)]
    [InlineData("review1-copy_rank32_30M.mat", 30_000_000)]
    public void Legitimately_compressed_data_is_read_into_one_array_of_its_size(string name, long elements)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var variable = MatFile.Read(Path.Combine(Folder, name)).Variables.Single();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(elements, variable.ElementCount);
        // The array itself (1 byte an element here, bool or byte) and, for logical, its uint8 source: no chunk-sized copies.
        Assert.True(allocated < (variable.Class == MatClass.Logical ? 2 : 1) * elements + (4L << 20), $"{allocated} bytes for {elements} elements");
    }
}
