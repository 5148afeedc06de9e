namespace SparseAe.Mat.Tests;

/// <summary>Every file and every variable listed in expected.json, checked against what independent writers recorded.</summary>
public class ExpectedFixtureTests
{
    public static TheoryData<string> ReadableFiles() => new(MatFixtures.ReadableFiles());

    public static TheoryData<string> BrokenFiles() => new(MatFixtures.BrokenFiles());

    public static TheoryData<string, string> Variables()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in MatFixtures.AllVariables()) data.Add(v.File, v.Name);
        return data;
    }

    [Fact]
    public void Expected_json_covers_every_fixture_file()
    {
        var onDisk = System.IO.Directory.GetFiles(MatFixtures.Directory, "*.mat").Select(Path.GetFileName).Order();
        var listed = MatFixtures.ReadableFiles().Concat(MatFixtures.BrokenFiles()).Order();
        Assert.Equal(onDisk, listed);
        Assert.Equal(41, MatFixtures.AllVariables().Count());
    }

    [Theory]
    [MemberData(nameof(ReadableFiles))]
    public void A_file_lists_exactly_the_expected_variables_in_order(string file)
    {
        var mat = MatFile.Read(MatFixtures.PathOf(file));
        var expected = MatFixtures.VariablesOf(file).Select(v => (v.Name, v.Class));
        var actual = mat.Variables.Select(v => (v.Name, v.Class.ToMatlabName()));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Variables))]
    public void A_variable_has_the_expected_class_dimensions_and_statistics(string file, string name)
    {
        var expected = MatFixtures.VariablesOf(file).Single(v => v.Name == name);
        var variable = MatFile.Read(MatFixtures.PathOf(file))[name];

        Assert.Equal(expected.Class, variable.Class.ToMatlabName());
        if (expected.Dimensions is null)
        {
            Assert.False(variable.IsNumeric);
            return;
        }

        Assert.True(variable.IsNumeric);
        Assert.Equal(expected.Dimensions, variable.Dimensions);
        if (expected.Min is null)
        {
            // An empty array (MATLAB_empty in a 7.3 file): dimensions and no elements.
            Assert.Equal(0, variable.ElementCount);
            Assert.Empty(variable.ToDoubleArray());
            return;
        }
        var stats = variable.GetStatistics();
        Assert.Equal(variable.ElementCount, stats.Count);
        Assert.Equal(expected.Min!.Value, stats.Minimum);
        Assert.Equal(expected.Max!.Value, stats.Maximum);
        // Sums are compared with a tolerance: the reference tool adds in another order.
        Assert.Equal(expected.Sum!.Value, stats.Sum, 1e-9 * Math.Max(1.0, Math.Abs(expected.Sum.Value)));

        var doubles = variable.ToDoubleArray();
        Assert.Equal(variable.ElementCount, doubles.Length);
        Assert.Equal(expected.Min.Value, doubles.Min());
        Assert.Equal((float)expected.Max.Value, variable.ToSingleArray().Max());
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_file_fails_with_InvalidData_naming_an_offset(string file)
    {
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(MatFixtures.PathOf(file)));
        Assert.Matches(@"byte offset \d+", error.Message);
    }

    [Fact]
    public void The_truncated_fixture_names_the_element_that_overruns_the_file()
    {
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(MatFixtures.PathOf("bad_truncated.mat")));
        Assert.Contains("byte offset 128", error.Message);
        Assert.Contains("claims 7443 bytes but only 3653 remain", error.Message);
    }

    [Theory]
    [InlineData("v4_double.mat", MatFileFormat.Level4)]
    [InlineData("v5_plain_double3d.mat", MatFileFormat.Level5)]
    [InlineData("v5_zlib_double3d.mat", MatFileFormat.Level5)]
    [InlineData("v73_double3d.mat", MatFileFormat.Hdf5)]
    public void The_format_is_detected(string file, MatFileFormat format)
    {
        var mat = MatFile.Read(MatFixtures.PathOf(file));
        Assert.Equal(format, mat.Format);
        Assert.False(mat.IsBigEndian);
    }

    [Fact]
    public void Plain_and_compressed_level_5_hold_identical_data()
    {
        var plain = MatFile.Read(MatFixtures.PathOf("v5_plain_double3d.mat"))["IMAGES"];
        var zlib = MatFile.Read(MatFixtures.PathOf("v5_zlib_double3d.mat"))["IMAGES"];
        Assert.Equal(plain.ToDoubleArray(), zlib.ToDoubleArray());
    }

    [Fact]
    public void Reading_from_a_non_seekable_stream_gives_the_same_result()
    {
        foreach (var file in MatFixtures.ReadableFiles())
        {
            var fromPath = MatFile.Read(MatFixtures.PathOf(file));
            using var stream = new ForwardOnlyStream(MatFixtures.Bytes(file));
            var fromStream = MatFile.Read(stream);
            Assert.Equal(fromPath.Variables.Select(v => v.ToString()), fromStream.Variables.Select(v => v.ToString()));
        }
    }

    [Fact]
    public void Version_7_3_data_is_column_major_for_the_MATLAB_dimensions()
    {
        // h5py stored IMAGES as a 2x24x16 row-major dataset; its first element is MATLAB's IMAGES(1,1,1)
        // and its second (last HDF5 index fastest) is IMAGES(2,1,1), the next element down a column.
        var images = MatFile.Read(MatFixtures.PathOf("v73_double3d.mat"))["IMAGES"];
        var data = images.ToDoubleArray();
        Assert.Equal(-0.14963360060609288, images.GetValue(0, 0, 0));
        Assert.Equal(data[1], images.GetValue(1, 0, 0));
        Assert.Equal(data[16], images.GetValue(0, 1, 0));
        Assert.Equal(data[16 * 24 + 5], images.GetValue(5, 0, 1));
        // The values h5py reads (f['IMAGES'][k-1, j-1, i-1] for MATLAB's IMAGES(i, j, k)): the lines above compare the
        // reader with itself, and (1,1,1) is the same in any order of the axes.
        Assert.Equal(-0.3585802861255204, images.GetValue(1, 0, 0));
        Assert.Equal(-0.4265091534525748, images.GetValue(0, 1, 0));
        Assert.Equal(-0.06713022216154373, images.GetValue(5, 0, 1));
        Assert.Equal(1.5207685318413353, images.GetValue(15, 23, 1));
        Assert.Equal(typeof(float[]), MatFile.Read(MatFixtures.PathOf("v73_double3d.mat"))["w"].GetColumnMajorData().GetType());
    }

    [Fact]
    public void The_indexer_names_the_variables_that_exist()
    {
        var mat = MatFile.Read(MatFixtures.PathOf("v5_int16_and_double.mat"));
        var error = Assert.Throws<KeyNotFoundException>(() => mat["nope"]);
        Assert.Contains("'nope'", error.Message);
        Assert.Contains("'a', 'b'", error.Message);
        Assert.True(mat.TryGetVariable("b", out var b));
        Assert.Equal(MatClass.Double, b.Class);
        Assert.Equal(typeof(short[]), mat["a"].GetColumnMajorData().GetType());
    }

    [Fact]
    public void A_null_name_is_refused_not_looked_up()
    {
        // It was looked up: the indexer said "The MAT file has no variable ''", and TryGetVariable returned false.
        var mat = MatFile.Read(MatFixtures.PathOf("v5_int16_and_double.mat"));
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => mat[null!]).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => mat.TryGetVariable(null!, out _)).ParamName);
    }

    /// <summary>A stream that cannot seek, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
