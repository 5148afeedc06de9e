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
    public void A_matrix_whose_data_spells_IM_at_bytes_126_and_127_is_still_level_4()
    {
        // Bytes 126-127 are a level-5 header's endian indicator, but only a file whose first four bytes hold
        // no zero has such a header (MAT-File Format, "Level 5 MAT-File Format"); a level-4 type (under 2000)
        // always holds zeros. This 1x120 uint8 image, with pixels 73 and 77 ('I', 'M') at 126-127, was refused
        // as a level-5 file of version 0x6867.
        var pixels = Enumerable.Range(0, 120).Select(i => (byte)(i + 1)).ToArray();
        pixels[126 - 22] = (byte)'I';
        pixels[127 - 22] = (byte)'M';
        byte[] file =
        [
            50, 0, 0, 0,                 // type 0050: M=0 little-endian, P=5 uint8, T=0 full
            1, 0, 0, 0,                  // mrows 1
            120, 0, 0, 0,                // ncols 120
            0, 0, 0, 0,                  // imagf 0
            2, 0, 0, 0,                  // namlen 2 ("x" and its NUL)
            (byte)'x', 0,
            .. pixels,                   // from byte offset 22
        ];

        var mat = MatFile.Read(new MemoryStream(file));
        Assert.Equal(MatFileFormat.Level4, mat.Format);
        Assert.Equal([1, 120], mat["x"].Dimensions);
        Assert.Equal(pixels.Select(p => (double)p), mat["x"].ToDoubleArray());

        // Neither level 4 nor level 5: the refusal says why the indicator alone did not make a header.
        var zeros = new byte[128];
        zeros[126] = (byte)'I';
        zeros[127] = (byte)'M';
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(zeros)));
        Assert.StartsWith("Not a MAT file: the level-5 endian indicator at byte offset 126 is 'IM', but a level-5 header's first 4 bytes hold no zero and these are 00000000, and", error.Message);
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
