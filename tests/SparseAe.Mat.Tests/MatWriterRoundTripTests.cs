using System.Buffers.Binary;

namespace SparseAe.Mat.Tests;

/// <summary>read(write(x)) == x, bit for bit, for any number of dimensions and several variables per file.</summary>
public class MatWriterRoundTripTests
{
    private static MatFile RoundTrip(IEnumerable<MatVariable> variables, bool compress)
    {
        var buffer = new MemoryStream();
        MatWriter.Write(buffer, variables, compress);
        buffer.Position = 0;
        return MatFile.Read(buffer);
    }

    /// <summary>Random values plus the ones that break naive code: NaN, infinities, -0, subnormals.</summary>
    private static double[] Values(long count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-5, 6));
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue];
        for (int i = 0; i < Math.Min(special.Length, values.Length); i++) values[i * 7 % values.Length] = special[i];
        return values;
    }

    public static TheoryData<int[], bool> Shapes()
    {
        var data = new TheoryData<int[], bool>();
        foreach (bool compress in new[] { false, true })
        {
            data.Add([7], compress);
            data.Add([3, 4], compress);
            data.Add([2, 3, 4], compress);
            data.Add([2, 3, 2, 5], compress);
            data.Add([0, 3], compress);
            data.Add([1, 1], compress);
            data.Add([], compress);   // a scalar given no dimensions: written 1x1, as MATLAB writes every array (at least 2)
        }
        return data;
    }

    /// <summary>MATLAB has no 1-D arrays: a vector of n is written, and so read back, as n-by-1.</summary>
    private static int[] AsWritten(int[] dimensions) => dimensions.Length switch { 0 => [1, 1], 1 => [dimensions[0], 1], _ => dimensions };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_double_array_round_trips_exactly(int[] dimensions, bool compress)
    {
        double[] data = Values(ColumnMajorLayout.ElementCount(dimensions), seed: dimensions.Length);
        var back = RoundTrip([MatVariable.FromDoubles("x", dimensions, data)], compress)["x"];

        Assert.Equal(MatClass.Double, back.Class);
        Assert.Equal(AsWritten(dimensions), back.Dimensions);
        Assert.Equal(data.Select(BitConverter.DoubleToInt64Bits), back.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_single_array_round_trips_exactly(int[] dimensions, bool compress)
    {
        float[] data = Array.ConvertAll(Values(ColumnMajorLayout.ElementCount(dimensions), seed: 10 + dimensions.Length), v => (float)v);
        var back = RoundTrip([MatVariable.FromSingles("y", dimensions, data)], compress)["y"];

        Assert.Equal(MatClass.Single, back.Class);
        Assert.Equal(AsWritten(dimensions), back.Dimensions);
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), back.ToSingleArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Several_variables_of_every_writable_class_round_trip(bool compress)
    {
        MatVariable[] written =
        [
            MatVariable.FromDoubles("IMAGES", [4, 3, 2], Values(24, 1)),
            MatVariable.FromSingles("weights", [5, 2], Array.ConvertAll(Values(10, 2), v => (float)v)),
            MatVariable.FromColumnMajorArray("labels", [1, 4], new byte[] { 0, 9, 255, 3 }),
            MatVariable.FromColumnMajorArray("offsets", [2, 2], new short[] { short.MinValue, -1, 1, short.MaxValue }),
            MatVariable.FromColumnMajorArray("counts", [3, 1], new ulong[] { 0, 1UL << 60, ulong.MaxValue }),
            MatVariable.FromColumnMajorArray("big", [1, 2], new long[] { long.MinValue, (1L << 53) + 1 }),
            MatVariable.FromColumnMajorArray("mask", [2, 2], new[] { true, false, false, true }),
            MatVariable.FromColumnMajorArray("title", [1, 5], "héllo".ToCharArray()),
            MatVariable.FromDoubles("empty", [0, 0], []),
        ];
        var mat = RoundTrip(written, compress);

        Assert.Equal(written.Select(v => v.ToString()), mat.Variables.Select(v => v.ToString()));
        foreach (var original in written)
        {
            var back = mat[original.Name];
            Assert.Equal(original.Class, back.Class);
            Assert.Equal(original.Dimensions, back.Dimensions);
            Assert.Equal(original.GetColumnMajorData(), back.GetColumnMajorData());
        }
    }

    // compress: true deflates each variable: 10,000 zeros (80,000 bytes of data) take well under a kilobyte.
    [Fact]
    public void Compressed_output_is_deflated()
    {
        var zeros = MatVariable.FromDoubles("z", [100, 100], new double[10_000]);
        var compressed = new MemoryStream();
        MatWriter.Write(compressed, [zeros], compress: true);
        var plain = new MemoryStream();
        MatWriter.Write(plain, [zeros], compress: false);
        Assert.True(compressed.Length < 1024, $"{compressed.Length} bytes compressed");
        Assert.True(plain.Length > 80_000, $"{plain.Length} bytes plain");
    }

    [Fact]
    public void Writing_to_a_path_round_trips()
    {
        using var temp = new TempFolder();
        var path = temp.File("round-trip.mat");
        try
        {
            MatWriter.Write(path, [MatVariable.FromDoubles("a", [2, 2], [1, 2, 3, 4]), MatVariable.FromDoubles("b", [1, 1], [5])], compress: true);
            var mat = MatFile.Read(path);
            Assert.Equal([1.0, 2, 3, 4], mat["a"].ToDoubleArray());
            Assert.Equal(5.0, mat["b"].GetValue(0, 0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Writing_over_a_file_replaces_it_whole_so_a_reader_of_the_old_file_still_reads_the_old_file()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder, "weights.mat");
        try
        {
            MatWriter.Write(path, [MatVariable.FromDoubles("old", [1, 3], [1, 2, 3])]);
            byte[] oldBytes = File.ReadAllBytes(path);
            using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                // Written in place, the file was truncated under the reader (or refused while it was open).
                MatWriter.Write(path, [MatVariable.FromDoubles("new", [2, 2], [4, 5, 6, 7])], compress: true);
                var seen = new MemoryStream();
                reader.CopyTo(seen);
                Assert.Equal(oldBytes, seen.ToArray());
            }
            Assert.Equal([4.0, 5, 6, 7], MatFile.Read(path)["new"].ToDoubleArray());
            Assert.Equal(["weights.mat"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Writing_to_a_folder_is_refused_naming_the_path_as_a_folder()
    {
        using var folder = new TempFolder();
        try
        {
            var error = Assert.Throws<IOException>(() => MatWriter.Write(folder, [MatVariable.FromDoubles("x", [1, 1], [0])]));
            Assert.Equal($"Cannot write '{folder}': it is a folder.", error.Message);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Uncompressed_output_has_the_specified_byte_layout()
    {
        var buffer = new MemoryStream();
        MatWriter.Write(buffer, [MatVariable.FromDoubles("x", [1, 1], [1.0])]);
        byte[] file = buffer.ToArray();

        Assert.Equal("MATLAB 5.0 MAT-file"u8.ToArray(), file[..19]);
        Assert.Equal(new byte[] { 0x00, 0x01, (byte)'I', (byte)'M' }, file[124..128]);
        byte[] expected =
        [
            14, 0, 0, 0, 56, 0, 0, 0,                 // miMATRIX, 56 bytes
            6, 0, 0, 0, 8, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, // flags: double
            5, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, // dimensions 1 x 1
            1, 0, 1, 0, (byte)'x', 0, 0, 0,           // name: small miINT8 element
            9, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, // miDOUBLE 1.0
        ];
        Assert.Equal(expected, file[128..]);
        Assert.Equal(1.0, BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(file.Length - 8))));
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a_name_that_is_far_too_long_for_matlab_which_allows_sixty_three_c")]
    [InlineData("abc\n")] // a regex's $ also matches before a final line break
    public void Invalid_names_are_refused_before_anything_is_written(string name)
    {
        var buffer = new MemoryStream();
        var error = Assert.Throws<ArgumentException>(() => MatWriter.Write(buffer, [MatVariable.FromDoubles(name, [1, 1], [0])]));
        Assert.Contains($"'{name}'", error.Message);
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [InlineData("break")]
    [InlineData("case")]
    [InlineData("catch")]
    [InlineData("classdef")]
    [InlineData("continue")]
    [InlineData("else")]
    [InlineData("elseif")]
    [InlineData("end")]
    [InlineData("for")]
    [InlineData("function")]
    [InlineData("global")]
    [InlineData("if")]
    [InlineData("otherwise")]
    [InlineData("parfor")]
    [InlineData("persistent")]
    [InlineData("return")]
    [InlineData("spmd")]
    [InlineData("switch")]
    [InlineData("try")]
    [InlineData("while")]
    public void A_MATLAB_keyword_is_refused_as_a_name_as_isvarname_refuses_it(string name)
    {
        // They were written, and MATLAB can neither name such a variable nor load it as one.
        var buffer = new MemoryStream();
        var error = Assert.Throws<ArgumentException>(() => MatWriter.Write(buffer, [MatVariable.FromDoubles(name, [1, 1], [0])]));
        Assert.StartsWith($"'{name}' is not a MATLAB variable name: it is a keyword", error.Message);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            MatWriter.Write(new MemoryStream(), [MatVariable.FromDoubles("a", [1, 1], [0]), MatVariable.FromDoubles("a", [1, 1], [1])]));
        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void Bad_dimensions_are_refused_naming_the_variable()
    {
        // They said only "Dimension 0 is -1; ..." and "The dimensions [...] describe more than ...", not whose.
        var negative = Assert.Throws<ArgumentException>(() => MatVariable.FromDoubles("weights", [-1, 2], []));
        Assert.StartsWith("Dimension 0 of variable 'weights' is -1; dimensions must be zero or positive.", negative.Message);
        var huge = Assert.Throws<ArgumentException>(() => MatVariable.FromDoubles("weights", [int.MaxValue, int.MaxValue, int.MaxValue], []));
        Assert.StartsWith($"The dimensions [2147483647, 2147483647, 2147483647] of variable 'weights' describe more than {long.MaxValue} elements.", huge.Message);
    }

    [Fact]
    public void Data_that_does_not_fit_its_dimensions_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => MatVariable.FromDoubles("a", [2, 3], [1, 2, 3]));
        Assert.Contains("3 elements", error.Message);
        Assert.Contains("describe 6", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_variable_larger_than_a_level_5_variable_may_be_is_refused_by_name_before_anything_is_written(bool compress)
    {
        // 2^30 int16 values, 2^31 bytes: within a level-5 element's 4 GB, but MATLAB's -v7 holds less than 2^31 bytes a
        // variable, and more than an array holds. It was an OverflowException ("Arithmetic operation resulted in an
        // overflow.") from the span of its bytes, after the header and the variable's tags were in the stream.
        var big = MatVariable.FromColumnMajorArray("big", [1 << 30, 1], new short[1 << 30]);
        var buffer = new MemoryStream();
        var error = Assert.Throws<ArgumentException>(() => MatWriter.Write(buffer, [MatVariable.FromDoubles("small", [1, 1], [0]), big], compress));
        Assert.StartsWith($"Variable 'big' takes 2147483704 bytes, more than the {Array.MaxLength} bytes", error.Message);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void A_name_of_63_characters_is_written_and_one_of_64_refused()
    {
        string longest = "a" + new string('b', 62);
        var buffer = new MemoryStream();
        MatWriter.Write(buffer, [MatVariable.FromDoubles(longest, [1, 1], [1])]);
        buffer.Position = 0;
        Assert.Equal(longest, MatFile.Read(buffer).Variables.Single().Name);
        var error = Assert.Throws<ArgumentException>(() => MatWriter.Write(new MemoryStream(), [MatVariable.FromDoubles(longest + "c", [1, 1], [1])]));
        Assert.StartsWith($"'{longest}c' is not a MATLAB variable name", error.Message);
    }

    [Fact]
    public void A_two_dimensional_array_is_refused_as_data()
    {
        var error = Assert.Throws<ArgumentException>(() => MatVariable.FromColumnMajorArray("m", [2, 2], new double[2, 2]));
        Assert.Equal("columnMajorData", error.ParamName);
        Assert.StartsWith("Variable 'm': a System.Double[,] cannot be a MAT variable; use a one-dimensional array", error.Message);
    }
}
