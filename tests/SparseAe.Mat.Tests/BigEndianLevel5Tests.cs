using System.Text;

namespace SparseAe.Mat.Tests;

/// <summary>
/// A big-endian level-5 file spelled out byte by byte from the MAT-file specification, so that the reader
/// is checked against the format rather than against the library's own writer.
/// </summary>
public class BigEndianLevel5Tests
{
    internal static byte[] Header()
    {
        var header = new byte[128];
        Array.Fill(header, (byte)' ', 0, 116);
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written byte by byte by a test").CopyTo(header, 0);
        // 116..123: no subsystem data (zeros). 124..125: version 0x0100, big-endian. 126..127: "MI".
        header[124] = 0x01; header[125] = 0x00;
        header[126] = (byte)'M'; header[127] = (byte)'I';
        return header;
    }

    // "be": double 2x3 = [1 3 5; 2 4 6], column-major 1..6.
    internal static readonly byte[] DoubleMatrix =
    [
        0, 0, 0, 14, 0, 0, 0, 96,                    // miMATRIX, 96 bytes
        0, 0, 0, 6, 0, 0, 0, 8,                      //   array flags: miUINT32, 8 bytes
        0, 0, 0, 6, 0, 0, 0, 0,                      //     class 6 = double, no flags; nzmax 0
        0, 0, 0, 5, 0, 0, 0, 8,                      //   dimensions: miINT32, 8 bytes
        0, 0, 0, 2, 0, 0, 0, 3,                      //     2 x 3
        0, 2, 0, 1, (byte)'b', (byte)'e', 0, 0,      //   name: small element, 2 bytes of miINT8
        0, 0, 0, 9, 0, 0, 0, 48,                     //   real part: miDOUBLE, 48 bytes
        0x3F, 0xF0, 0, 0, 0, 0, 0, 0,                //     1.0
        0x40, 0x00, 0, 0, 0, 0, 0, 0,                //     2.0
        0x40, 0x08, 0, 0, 0, 0, 0, 0,                //     3.0
        0x40, 0x10, 0, 0, 0, 0, 0, 0,                //     4.0
        0x40, 0x14, 0, 0, 0, 0, 0, 0,                //     5.0
        0x40, 0x18, 0, 0, 0, 0, 0, 0,                //     6.0
    ];

    // "k": int16 1x3 = [-2 300 7].
    internal static readonly byte[] Int16Matrix =
    [
        0, 0, 0, 14, 0, 0, 0, 56,                    // miMATRIX, 56 bytes
        0, 0, 0, 6, 0, 0, 0, 8,
        0, 0, 0, 10, 0, 0, 0, 0,                     //   class 10 = int16
        0, 0, 0, 5, 0, 0, 0, 8,
        0, 0, 0, 1, 0, 0, 0, 3,                      //   1 x 3
        0, 1, 0, 1, (byte)'k', 0, 0, 0,              //   name "k"
        0, 0, 0, 3, 0, 0, 0, 6,                      //   miINT16, 6 bytes, padded to 8
        0xFF, 0xFE, 0x01, 0x2C, 0x00, 0x07, 0, 0,    //     -2, 300, 7, padding
    ];

    // "t": char 1x2 = 'hi', stored as a small miUINT16 element.
    internal static readonly byte[] CharMatrix =
    [
        0, 0, 0, 14, 0, 0, 0, 48,
        0, 0, 0, 6, 0, 0, 0, 8,
        0, 0, 0, 4, 0, 0, 0, 0,                      //   class 4 = char
        0, 0, 0, 5, 0, 0, 0, 8,
        0, 0, 0, 1, 0, 0, 0, 2,
        0, 1, 0, 1, (byte)'t', 0, 0, 0,
        0, 4, 0, 4, 0x00, 0x68, 0x00, 0x69,          //   small element: 4 bytes of miUINT16: 'h', 'i'
    ];

    // "L": logical 1x3 = [true false true]: class uint8 with the logical flag (bit 9).
    internal static readonly byte[] LogicalMatrix =
    [
        0, 0, 0, 14, 0, 0, 0, 48,
        0, 0, 0, 6, 0, 0, 0, 8,
        0, 0, 0x02, 9, 0, 0, 0, 0,                   //   class 9 = uint8, flags byte 0x02 = logical
        0, 0, 0, 5, 0, 0, 0, 8,
        0, 0, 0, 1, 0, 0, 0, 3,
        0, 1, 0, 1, (byte)'L', 0, 0, 0,
        0, 3, 0, 2, 1, 0, 1, 0,                      //   small element: 3 bytes of miUINT8
    ];

    // "s": single 2x1 = [0.5; -1.5], wrapped in a miCOMPRESSED element by CompressedSingle().
    internal static readonly byte[] SingleMatrix =
    [
        0, 0, 0, 14, 0, 0, 0, 56,
        0, 0, 0, 6, 0, 0, 0, 8,
        0, 0, 0, 7, 0, 0, 0, 0,                      //   class 7 = single
        0, 0, 0, 5, 0, 0, 0, 8,
        0, 0, 0, 2, 0, 0, 0, 1,
        0, 1, 0, 1, (byte)'s', 0, 0, 0,
        0, 0, 0, 7, 0, 0, 0, 8,                      //   miSINGLE, 8 bytes
        0x3F, 0x00, 0, 0, 0xBF, 0xC0, 0, 0,          //     0.5f, -1.5f
    ];

    internal static byte[] CompressedSingle()
    {
        var deflated = MatBytes.Deflated(SingleMatrix);
        int n = deflated.Length;
        byte[] tag = [0, 0, 0, 15, (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];
        return [.. tag, .. deflated];
    }

    internal static byte[] File() =>
        [.. Header(), .. DoubleMatrix, .. Int16Matrix, .. CharMatrix, .. LogicalMatrix, .. CompressedSingle()];

    [Fact]
    public void Every_variable_of_a_hand_written_big_endian_file_is_read()
    {
        var mat = MatFile.Read(new MemoryStream(File()));

        Assert.Equal(MatFileFormat.Level5, mat.Format);
        Assert.True(mat.IsBigEndian);
        Assert.Equal(["be", "k", "t", "L", "s"], mat.Variables.Select(v => v.Name));

        var be = mat["be"];
        Assert.Equal(MatClass.Double, be.Class);
        Assert.Equal([2, 3], be.Dimensions);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], be.ToDoubleArray());
        Assert.Equal([1.0, 3, 5, 2, 4, 6], be.ToRowMajorDoubleArray());
        Assert.Equal(5.0, be.GetValue(0, 2));

        var k = mat["k"];
        Assert.Equal(MatClass.Int16, k.Class);
        Assert.Equal(new short[] { -2, 300, 7 }, (short[])k.GetColumnMajorData());

        var t = mat["t"];
        Assert.Equal(MatClass.Char, t.Class);
        Assert.Equal("hi", new string((char[])t.GetColumnMajorData()));

        var logical = mat["L"];
        Assert.Equal(MatClass.Logical, logical.Class);
        Assert.Equal([true, false, true], (bool[])logical.GetColumnMajorData());
        Assert.Equal(2.0, logical.GetStatistics().Sum);

        var s = mat["s"];
        Assert.Equal(MatClass.Single, s.Class);
        Assert.Equal([2, 1], s.Dimensions);
        Assert.Equal([0.5f, -1.5f], s.ToSingleArray());
    }

    [Fact]
    public void A_big_endian_file_matches_the_same_data_written_little_endian()
    {
        var bigEndian = MatFile.Read(new MemoryStream(File()))["be"];
        var buffer = new MemoryStream();
        MatWriter.Write(buffer, [MatVariable.FromDoubles("be", [2, 3], [1, 2, 3, 4, 5, 6])]);
        buffer.Position = 0;
        var littleEndian = MatFile.Read(buffer);
        Assert.False(littleEndian.IsBigEndian);
        Assert.Equal(bigEndian.ToDoubleArray(), littleEndian["be"].ToDoubleArray());
    }
}
