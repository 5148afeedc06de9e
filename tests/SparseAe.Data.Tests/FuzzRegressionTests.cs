using SparseAe.Data.Mat;
using Xunit;

namespace SparseAe.Data.Tests;

/// <summary>
/// Every MAT input the fuzzer (tests/SparseAe.Fuzz) ever failed on, read again: each must end in an
/// InvalidDataException. Two of them used to end the process with a stack overflow inside PureHDF (a
/// soft link to itself, and two soft links to each other); see tests/SparseAe.Fuzz/findings/mat/README.md.
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
    public void Every_fuzzing_finding_is_an_InvalidDataException(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat", name);
        Assert.Throws<InvalidDataException>(() => MatFile.Read(path));
    }

    [Fact]
    public void Soft_links_are_refused_naming_the_symbol_table_node()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mat", "v73-softlink-cycle-stackoverflow.mat");
        var e = Assert.Throws<InvalidDataException>(() => MatFile.Read(path));
        Assert.Contains("soft link (symbol table node at byte offset 1584", e.Message);
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
