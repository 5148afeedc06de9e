namespace SparseAe.Mat.Tests;

/// <summary>Level-4 files beyond the little-endian fixture, written byte by byte.</summary>
public class Level4Tests
{
    [Fact]
    public void A_big_endian_matrix_and_text_are_read()
    {
        byte[] file =
        [
            0, 0, 0x03, 0xE8,            // type 1000: M=1 big-endian, P=0 double, T=0 full
            0, 0, 0, 2,                  // mrows 2
            0, 0, 0, 1,                  // ncols 1
            0, 0, 0, 0,                  // imagf 0
            0, 0, 0, 2,                  // namlen 2 ("q" and its NUL)
            (byte)'q', 0,
            0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18, // pi
            0xC0, 0x00, 0, 0, 0, 0, 0, 0,                   // -2
            0, 0, 0x03, 0xF3,            // type 1011: big-endian, P=1 single, T=1 text
            0, 0, 0, 1,
            0, 0, 0, 2,
            0, 0, 0, 0,
            0, 0, 0, 4,
            (byte)'m', (byte)'s', (byte)'g', 0,
            0x42, 0xD0, 0, 0,            // 104f = 'h'
            0x42, 0xD2, 0, 0,            // 105f = 'i'
        ];

        var mat = MatFile.Read(new MemoryStream(file));
        Assert.Equal(MatFileFormat.Level4, mat.Format);
        Assert.True(mat.IsBigEndian);
        Assert.Equal([Math.PI, -2.0], mat["q"].ToDoubleArray());
        Assert.Equal([2, 1], mat["q"].Dimensions);
        Assert.Equal(MatClass.Char, mat["msg"].Class);
        Assert.Equal("hi", new string((char[])mat["msg"].GetColumnMajorData()));
    }

    [Fact]
    public void Every_proper_prefix_of_the_fixture_fails()
    {
        byte[] full = MatFixtures.Bytes("v4_double.mat");
        for (int length = 0; length < full.Length; length++)
        {
            var error = Record.Exception(() => MatFile.Read(new MemoryStream(full[..length])));
            Assert.True(error is InvalidDataException, $"Prefix of {length} bytes: {error?.GetType().Name ?? "no exception"}: {error?.Message}");
            Assert.Matches(@"byte offset \d+", error!.Message);
        }
    }

    [Fact]
    public void A_matrix_claiming_more_data_than_the_file_holds_fails()
    {
        byte[] file = MatFixtures.Bytes("v4_double.mat");
        BitConverter.GetBytes(int.MaxValue).CopyTo(file, 4); // mrows
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.Contains("'M'", error.Message);
        Assert.Contains("byte offset 22", error.Message);
    }
}
