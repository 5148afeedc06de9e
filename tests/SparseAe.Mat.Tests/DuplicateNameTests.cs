namespace SparseAe.Mat.Tests;

/// <summary>
/// A file with two variables of one name is refused, naming the name and where both start: the lookup by
/// name returned the first without a word, and which of the two a name means cannot be told. MatWriter
/// refuses to write such a file, so these are built from two files' elements.
/// </summary>
public class DuplicateNameTests
{
    private const string Rule = "; names in a MAT file must be unique, so which of the two is meant cannot be told.";

    private static byte[] Level5(MatVariable variable, bool compress) => MatBytes.Written([variable], compress);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_level_5_file_with_two_variables_of_one_name_is_refused_naming_both_offsets(bool compress)
    {
        byte[] first = Level5(MatVariable.FromDoubles("IMAGES", [2, 2], [1, 2, 3, 4]), compress);
        byte[] second = Level5(MatVariable.FromDoubles("IMAGES", [1, 1], [5]), compress);
        byte[] file = [.. first, .. second.AsSpan(128)];
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.Equal($"Variable 'IMAGES' at byte offset {first.Length} has the same name as the variable at byte offset 128{Rule}", error.Message);
        // Another variable between them, and names that differ only in case (MATLAB tells them apart), change nothing.
        byte[] other = Level5(MatVariable.FromDoubles("images", [1, 1], [6]), compress);
        Assert.Equal(2, MatFile.Read(new MemoryStream([.. first, .. other.AsSpan(128)])).Variables.Count);
        error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream([.. first, .. other.AsSpan(128), .. second.AsSpan(128)])));
        Assert.Equal($"Variable 'IMAGES' at byte offset {first.Length + other.Length - 128} has the same name as the variable at byte offset 128{Rule}", error.Message);
    }

    [Fact]
    public void A_level_4_file_with_two_variables_of_one_name_is_refused()
    {
        byte[] matrix =
        [
            0, 0, 0, 0,                  // type 0000: little-endian double, full
            1, 0, 0, 0,                  // mrows 1
            1, 0, 0, 0,                  // ncols 1
            0, 0, 0, 0,                  // imagf 0
            2, 0, 0, 0,                  // namlen 2 ("q" and its NUL)
            (byte)'q', 0,
            0, 0, 0, 0, 0, 0, 0xF0, 0x3F, // 1.0
        ];
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream([.. matrix, .. matrix])));
        Assert.Equal($"Variable 'q' at byte offset {matrix.Length} has the same name as the variable at byte offset 0{Rule}", error.Message);
    }

    [Fact]
    public void A_7_3_file_with_two_variables_of_one_name_is_refused()
    {
        // v73_chunked_deflate.mat holds A, B and C; its root group's local heap holds their names, B's at byte 1240.
        // The group's own reading refuses two links of one name (as it did before the level-4 and 5 readers did),
        // and says the rule as they do (it used to stop at "holds two links named 'A'.").
        byte[] file = MatFixtures.Bytes("v73_chunked_deflate.mat");
        Assert.Equal((byte)'B', file[1240]);
        file[1240] = (byte)'A';
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.Equal($"HDF5 the root group (object header at byte offset 608) holds two links named 'A'{Rule}", error.Message);
    }

    [Fact]
    public void A_7_3_group_below_the_root_with_two_links_of_one_name_is_refused_without_the_variables_rule()
    {
        // v73_many_types.mat's sparse variable sp is a group linking data, ir and jc; its local heap holds "ir" at byte
        // 10152. Its links are not variables, so the refusal says the repetition only, not the rule for variable names.
        byte[] file = MatFixtures.Bytes("v73_many_types.mat");
        Assert.Equal("ir"u8.ToArray(), file[10152..10154]);
        file[10152] = (byte)'j';
        file[10153] = (byte)'c';
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.Matches(@"^HDF5 group 'sp' \(object header at byte offset \d+\) holds two links named 'jc'\.$", error.Message);
    }
}
