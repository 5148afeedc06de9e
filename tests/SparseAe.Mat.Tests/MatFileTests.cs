namespace SparseAe.Mat.Tests;

/// <summary>How MatFile.Read finds the format and where it reads from, its refusals of what is no MAT file, and lookup by name.</summary>
public class MatFileTests
{
    private static byte[] Level5(params MatVariable[] variables) => MatBytes.Written(variables);

    [Theory]
    [InlineData("v73_double3d.mat")]
    [InlineData("v5_zlib_double3d.mat")]
    [InlineData("v4_double.mat")]
    public void A_file_is_read_from_the_streams_current_position(string fixture)
    {
        // 7.3 addresses count from the start of the file, which is the stream's position here, not its byte 0.
        byte[] file = MatFixtures.Bytes(fixture);
        var stream = new MemoryStream([.. new byte[100], .. file]) { Position = 100 };
        var expected = MatFile.Read(new MemoryStream(file)).Variables;
        var actual = MatFile.Read(stream).Variables;
        Assert.Equal(expected.Select(v => v.ToString()), actual.Select(v => v.ToString()));
        Assert.Equal(expected.Where(v => v.IsNumeric).Select(v => v.ToDoubleArray()), actual.Where(v => v.IsNumeric).Select(v => v.ToDoubleArray()));
    }

    [Fact]
    public void A_level_5_file_holding_the_HDF5_signature_at_byte_512_is_read_as_level_5()
    {
        // The signature check is for files without MATLAB's header; here it is an image's pixels.
        var pixels = new byte[1000];
        byte[] file = Level5(MatVariable.FromColumnMajorArray("img", [1, 1000], pixels));
        int start = file.Length - 1000;
        Assert.True(start < 512);
        byte[] signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(file, 512);
        var img = MatFile.Read(new MemoryStream(file))["img"];
        Assert.Equal(signature, ((byte[])img.GetColumnMajorData())[(512 - start)..(520 - start)]);
    }

    [Fact]
    public void A_file_cut_inside_the_level_5_header_is_refused_as_such()
    {
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream("MATLAB 5.0 MAT-file"u8.ToArray())));
        Assert.Equal("The file starts like a level-5 MAT header but ends at byte offset 19, before the 128-byte header is complete.", error.Message);
    }

    [Fact]
    public void A_big_endian_indicator_without_a_header_is_refused_naming_what_is_missing()
    {
        var file = new byte[128];
        file[126] = (byte)'M';
        file[127] = (byte)'I';
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.StartsWith("Not a MAT file: the level-5 endian indicator at byte offset 126 is 'MI', but a level-5 header's first 4 bytes hold no zero and these are 00000000, and", error.Message);
    }

    [Fact]
    public void Names_are_looked_up_case_sensitively_as_in_MATLAB()
    {
        byte[] file = Level5(MatVariable.FromDoubles("IMAGES", [1, 1], [1]), MatVariable.FromDoubles("images", [1, 1], [2]), MatVariable.FromDoubles("W", [1, 1], [3]));
        var mat = MatFile.Read(new MemoryStream(file));
        Assert.Equal(2.0, mat["images"].GetValue(0, 0));
        Assert.Equal(1.0, mat["IMAGES"].GetValue(0, 0));
        Assert.False(mat.TryGetVariable("w", out _));
        Assert.Throws<KeyNotFoundException>(() => mat["w"]);
    }

    // Variables was each reader's list and Dimensions the variable's array, behind IReadOnlyList: cast back, a caller could
    // add a second variable of a name (which the reader refuses) or change the dimensions the indexer reads.
    [Theory]
    [InlineData("v73_double3d.mat")]
    [InlineData("v5_zlib_double3d.mat")]
    [InlineData("v4_double.mat")]
    public void The_variables_and_their_dimensions_cannot_be_changed_through_their_lists(string fixture)
    {
        var mat = MatFile.Read(new MemoryStream(MatFixtures.Bytes(fixture)));
        var first = mat.Variables[0];
        Assert.Throws<NotSupportedException>(() => ((IList<MatVariable>)mat.Variables).Add(first));
        Assert.Throws<NotSupportedException>(() => ((IList<int>)first.Dimensions)[0] = 0);
        Assert.NotEqual(0, first.Dimensions[0]);
    }
}
