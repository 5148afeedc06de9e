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
    /// <summary>One level-4 matrix, little-endian unless said: header, NUL-terminated name, data.</summary>
    private static byte[] Matrix(int type, int rows, int columns, int imagf, string name, double[] data, bool bigEndian = false)
    {
        var header = new byte[20];
        int[] fields = [bigEndian ? type + 1000 : type, rows, columns, imagf, name.Length + 1];
        for (int k = 0; k < 5; k++)
        {
            if (bigEndian) System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * k), fields[k]);
            else System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4 * k), fields[k]);
        }
        var values = new byte[8 * data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            if (bigEndian) System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(values.AsSpan(8 * i), data[i]);
            else System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(values.AsSpan(8 * i), data[i]);
        }
        return [.. header, .. System.Text.Encoding.ASCII.GetBytes(name), 0, .. values];
    }

    private const int Full = 0, Sparse = 2;
    // A level-4 matrix stored at precision P (type = 10 P): 4 is uint16 (MATLAB's loadmat), so 40000 is 40000, not
    // int16's -25536; a P of 6 or more is no level-4 type.
    private static byte[] Stored(int type, byte[] values, int columns)
    {
        var header = new byte[20];
        int[] fields = [type, 1, columns, 0, 2];
        for (int k = 0; k < 5; k++) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4 * k), fields[k]);
        return [.. header, (byte)'u', 0, .. values];
    }

    [Fact]
    public void A_uint16_matrix_reads_its_values_unsigned()
    {
        byte[] values = [.. BitConverter.GetBytes((ushort)40000), .. BitConverter.GetBytes((ushort)7)];
        Assert.Equal([40000.0, 7.0], MatFile.Read(new MemoryStream(Stored(40, values, 2)))["u"].ToDoubleArray());
        Assert.Equal([-25536.0, 7.0], MatFile.Read(new MemoryStream(Stored(30, values, 2)))["u"].ToDoubleArray());   // int16
        Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(Stored(60, [1, 2], 2))));
    }


    [Fact]
    public void A_sparse_matrix_has_the_size_its_last_row_gives()
    {
        // A 3x4 sparse matrix with 5 at (2, 3), stored as the 2x3 matrix [2 3 5; 3 4 0] (column-major).
        var s = MatFile.Read(new MemoryStream(Matrix(Sparse, 2, 3, 0, "s", [2, 3, 3, 4, 5, 0])))["s"];
        Assert.Equal(MatClass.Sparse, s.Class);
        Assert.Equal([3, 4], s.Dimensions);
        Assert.False(s.IsNumeric);
    }

    [Fact]
    public void A_sparse_matrix_without_three_columns_or_with_a_fractional_size_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(Matrix(Sparse, 2, 2, 0, "s", [2, 3, 3, 4]))));
        Assert.Equal("Level-4 sparse matrix 's' is stored as 2x2, but needs at least one row and 3 columns of [row, column, value] (at byte offset 22).", error.Message);
        error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(Matrix(Sparse, 2, 3, 0, "s", [2, 3.5, 3, 4, 5, 0]))));
        Assert.Equal("Level-4 sparse matrix 's' gives its size as 3.5x4 in its last row, which are not valid dimensions (at byte offset 22).", error.Message);
    }

    [Fact]
    public void A_complex_matrix_is_listed_as_complex_and_its_imaginary_part_must_be_there()
    {
        byte[] file = Matrix(Full, 1, 2, 1, "z", [1, 2, 3, 4]);
        var z = MatFile.Read(new MemoryStream(file))["z"];
        Assert.True(z.IsComplex);
        Assert.False(z.IsNumeric);
        Assert.Equal([1, 2], z.Dimensions);
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file[..^1])));
        Assert.Equal("Imaginary part of level-4 matrix 'z' (1x2) at byte offset 38 claims 16 bytes but only 15 remain in the file.", error.Message);
    }

    [Fact]
    public void An_imagf_other_than_0_or_1_is_refused_in_any_matrix()
    {
        // The first matrix's header decides that the file is level 4 (imagf 0 or 1 included); the second's is checked when read.
        byte[] first = Matrix(Full, 1, 1, 0, "a", [1]);
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream([.. first, .. Matrix(Full, 1, 1, 2, "b", [2])])));
        Assert.Equal($"Level-4 matrix header has imagf 2, but it must be 0 or 1 (at byte offset {first.Length}).", error.Message);
    }

    [Fact]
    public void A_name_ends_at_its_first_NUL_and_the_byte_order_is_the_first_matrixs()
    {
        byte[] first = Matrix(Full, 1, 1, 0, "q", [1]);
        first[16] = 4;   // namlen 4: "q", NUL, and two bytes after it
        first = [.. first[..22], (byte)'z', (byte)'z', .. first[22..]];
        var mat = MatFile.Read(new MemoryStream([.. first, .. Matrix(Full, 1, 1, 0, "r", [2], bigEndian: true)]));
        Assert.Equal(["q", "r"], mat.Variables.Select(v => v.Name));
        Assert.Equal(2.0, mat["r"].GetValue(0, 0));
        Assert.False(mat.IsBigEndian);
    }
}
