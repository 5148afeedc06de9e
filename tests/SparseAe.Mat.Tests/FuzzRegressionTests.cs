using Xunit;

namespace SparseAe.Mat.Tests;

/// <summary>
/// Every MAT input the fuzzer (tools/SparseAe.Fuzz) ever failed on, read again, under the fuzzer's limits:
/// an InvalidDataException or a normal result, and no more than 4 x the input + 64 MiB allocated. Two of
/// them used to end the process with a stack overflow inside PureHDF (a soft link to itself, and two soft
/// links to each other), five made it allocate 67 MB to 973 MB; see tools/SparseAe.Fuzz/findings/mat/README.md.
/// </summary>
public class FuzzRegressionTests
{
    public static TheoryData<string> Findings()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat"), "*.mat").OrderBy(f => f))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public void Every_fuzzing_finding_is_refused_or_read_within_the_fuzzers_allocation_limit(string name)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat", name));
        var error = ReaderLimits.AssertReadOrRefusedWithinLimit(input, name);
        // A refusal says where, as the damaged-file and adversarial tests hold it to: any InvalidDataException passed here.
        if (error is not null) Assert.Matches(@"byte offset \d+", error.Message);
    }

    [Theory]
    [InlineData("v73-localheap-size-805MB-alloc-1byte.mat", "the data segment claims 805306456 bytes, more than the 8764-byte file (at byte offset 1224)")]
    [InlineData("v73-localheap-size-805MB-alloc-fuzzed.mat", "the data segment claims 805306456 bytes, more than the 2874-byte file")]
    [InlineData("v73-superblock-size-400MB-alloc-timeout-fuzzed.mat", "root group object header (at byte offset 624) claims 256 bytes, but only 206 remain in the 830-byte file")]
    [InlineData("v73-header-size-400MB-alloc-timeout-fuzzed.mat", "the data layout message is version 1; only versions 3 and 4")]
    [InlineData("v73-fillvalue-size-67MB-alloc-fuzzed.mat", "claims 768 elements of 8 bytes, but a 2253-byte file can hold at most 2253 bytes")]
    public void Size_fields_that_made_PureHDF_allocate_hundreds_of_megabytes_are_refused_by_name(string name, string expected)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat", name));
        // Most of these files were also cut short by the fuzzer, which the superblock's end-of-file address
        // (byte 512 + 40) now gives away first. Set it to the real length to reach the damaged size field.
        if (input.Length < 8764)
            Assert.Contains("it was cut short", Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(input))).Message);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(512 + 40), (ulong)input.Length);
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(input)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_damaged_fill_value_message_is_not_read_because_MATLAB_data_never_needs_it()
    {
        // PureHDF decoded the fill value message (and allocated its 973 MB claim); this reader refuses
        // datasets whose data was never written, so it never needs the fill value. (The fuzzer changed some
        // data bytes too, so only the variables' names, classes and dimensions match the original.)
        var damaged = MatFile.Read(Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat", "v73-fillvalue-size-973MB-alloc-timeout-fuzzed.mat"));
        var original = MatFile.Read(MatFixtures.PathOf("v73_double3d.mat"));
        Assert.Equal(original.Variables.Select(v => v.ToString()), damaged.Variables.Select(v => v.ToString()));
        Assert.Equal(original["w"].ElementCount, damaged["w"].ToDoubleArray().Length);
    }

    [Fact]
    public void Soft_links_are_refused_naming_the_symbol_table_node()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat", "v73-softlink-cycle-stackoverflow.mat");
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(path));
        Assert.Contains("soft link (symbol table node at byte offset 1584, entry 1", e.Message);
    }

    [Fact]
    public void Utf16_data_decodes_two_bytes_a_character_in_either_byte_order()
    {
        // Found by fuzzing: the decoder sized chars with Marshal.SizeOf (1) and overran the span.
        var little = System.Text.Encoding.Unicode.GetBytes("MAT\u00e9");
        var big = System.Text.Encoding.BigEndianUnicode.GetBytes("MAT\u00e9");
        Assert.Equal("MAT\u00e9".ToCharArray(), (char[])StoredDataDecoder.Decode(little, Level5DataType.Utf16, bigEndian: false));
        Assert.Equal("MAT\u00e9".ToCharArray(), (char[])StoredDataDecoder.Decode(big, Level5DataType.Utf16, bigEndian: true));
    }
}
