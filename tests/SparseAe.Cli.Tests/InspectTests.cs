using System.Text.Json;
using Xunit;

namespace SparseAe.Cli.Tests;

public class InspectTests
{
    [Fact]
    public void Json_output_matches_every_fixture_in_expected_json()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Cli.Fixture("expected.json")));
        int files = 0;
        foreach (var file in expected.RootElement.EnumerateObject())
        {
            if (file.Value.ValueKind != JsonValueKind.Array) continue;   // bad_truncated.mat: "error", tested below
            using var dir = new TempFolder();
            var (code, output, error) = Cli.Run(dir, "inspect", Cli.Fixture(file.Name), "--json");
            Assert.True(code == 0, $"{file.Name}: exit {code}: {error}");
            using var actual = JsonDocument.Parse(output);
            var byName = actual.RootElement.EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
            foreach (var variable in Variables(file.Value))
            {
                var a = byName[variable.Name];
                Assert.Equal(new[] { "name", "class", "dims", "complex", "min", "max", "sum" }, a.EnumerateObject().Select(p => p.Name));
                bool empty = variable.Value.TryGetProperty("dims", out var d0) && d0.EnumerateArray().Any(d => d.GetInt32() == 0);
                if (!variable.Value.TryGetProperty("min", out _) && empty)
                    Assert.Equal(0, a.GetProperty("sum").GetDouble());   // an empty array: no min or max (null, checked below), sum 0
                if (!variable.Value.TryGetProperty("min", out _))
                    Assert.Equal(JsonValueKind.Null, a.GetProperty("min").ValueKind);   // non-numeric or empty: no minimum
                Assert.Equal(variable.Value.GetProperty("class").GetString(), a.GetProperty("class").GetString());
                if (variable.Value.TryGetProperty("dims", out var dims))
                    Assert.Equal(dims.EnumerateArray().Select(d => d.GetInt32()), a.GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()));
                foreach (var stat in new[] { "min", "max", "sum" })
                    if (variable.Value.TryGetProperty(stat, out var e) && e.ValueKind == JsonValueKind.Number)
                        Assert.Equal(e.GetDouble(), a.GetProperty(stat).GetDouble(), Math.Max(1e-6, Math.Abs(e.GetDouble()) * 1e-9));
            }
            files++;
        }
        Assert.Equal(13, files);
    }

    // expected.json: { file: [ { name, class, dims, min, max, sum }, ... ] } (no "complex": checked by its own test).
    private static IEnumerable<(string Name, JsonElement Value)> Variables(JsonElement file)
        => file.EnumerateArray().Select(v => (v.GetProperty("name").GetString()!, v));

    [Fact]
    public void Text_output_lists_variables()
    {
        using var dir = new TempFolder();
        var (code, output, _) = Cli.Run(dir, "inspect", Cli.Fixture("v5_plain_double3d.mat"));
        Assert.Equal(0, code);
        // The first line names the file, its format and how many variables it holds (one: IMAGES).
        var lines = output.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal($"{Cli.Fixture("v5_plain_double3d.mat")}: Level5, 1 variable(s)", lines[0]);
        Assert.Single(lines[1..]);
        Assert.StartsWith("  IMAGES               double   24x20x2 ", lines[1]);
    }

    [Fact]
    public void A_complex_array_is_listed_as_complex_without_statistics()
    {
        using var dir = new TempFolder();
        var (code, output, _) = Cli.Run(dir, "inspect", Cli.Fixture("v73_many_types.mat"));
        Assert.Equal(0, code);
        var z = output.Split('\n').Single(l => l.TrimStart().StartsWith("z ", StringComparison.Ordinal));
        Assert.Contains("double", z);
        Assert.Contains("complex (values not decoded)", z);
        Assert.DoesNotContain("min", z);
        (code, output, _) = Cli.Run(dir, "inspect", Cli.Fixture("v73_many_types.mat"), "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.All(json.RootElement.EnumerateArray(), v => Assert.Equal(v.GetProperty("name").GetString() == "z", v.GetProperty("complex").GetBoolean()));
    }

    [Fact]
    public void An_empty_array_has_sum_0_and_no_min_or_max_in_text_and_json()
    {
        // It was listed as "min NaN  max NaN  sum 0" ("min":"NaN","max":"NaN" in JSON), as if it held a NaN.
        using var dir = new TempFolder();
        SparseAe.Mat.MatWriter.Write(Path.Combine(dir, "e.mat"),
        [
            SparseAe.Mat.MatVariable.FromDoubles("empty", [0, 3], []),
            SparseAe.Mat.MatVariable.FromDoubles("holed", [1, 2], [1, double.NaN]),
        ]);
        var (code, output, error) = Cli.Run(dir, "inspect", "e.mat");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains("  empty                double   0x3             min -  max -  sum 0", lines);
        Assert.Contains("  holed                double   1x2             min NaN  max NaN  sum NaN", lines);

        (code, output, error) = Cli.Run(dir, "inspect", "e.mat", "--json");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("""[{"name":"empty","class":"double","dims":[0,3],"complex":false,"min":null,"max":null,"sum":0},""" +
            """{"name":"holed","class":"double","dims":[1,2],"complex":false,"min":"NaN","max":"NaN","sum":"NaN"}]""", output.TrimEnd());
    }

    // A double's figures are printed to 6 significant digits in text (JSON gives them whole). (Mutation audit: G6 -> G7
    // passed every test, whose figures had fewer digits.)
    [Fact]
    public void A_doubles_figures_are_printed_to_6_significant_digits_in_text()
    {
        using var dir = new TempFolder();
        SparseAe.Mat.MatWriter.Write(Path.Combine(dir, "t.mat"), [SparseAe.Mat.MatVariable.FromDoubles("thirds", [1, 2], [1.0 / 3, 2.0 / 3])]);
        var (code, output, error) = Cli.Run(dir, "inspect", "t.mat");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("  thirds               double   1x2             min 0.333333  max 0.666667  sum 1", output.Split('\n').Select(l => l.TrimEnd()));
    }

    [Fact]
    public void Int64_and_uint64_figures_are_printed_exactly_in_text_and_json()
    {
        // They were computed in double and printed as 9.0072E+15 and 9007199254740992 for 2^53 + 1, and
        // int64's maximum as 9.223372036854776e+18 (2^63, outside int64).
        using var dir = new TempFolder();
        SparseAe.Mat.MatWriter.Write(Path.Combine(dir, "i.mat"),
        [
            SparseAe.Mat.MatVariable.FromColumnMajorArray("i", [1, 2], new[] { (1L << 53) + 1, long.MaxValue }),
            SparseAe.Mat.MatVariable.FromColumnMajorArray("u", [1, 2], new[] { ulong.MaxValue, 1UL }),
        ]);
        var (code, output, error) = Cli.Run(dir, "inspect", "i.mat");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains("  i                    int64    1x2             min 9007199254740993  max 9223372036854775807  sum 9232379236109516800", lines);
        Assert.Contains("  u                    uint64   1x2             min 1  max 18446744073709551615  sum 18446744073709551616", lines);
        (code, output, error) = Cli.Run(dir, "inspect", "i.mat", "--json");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("""[{"name":"i","class":"int64","dims":[1,2],"complex":false,"min":9007199254740993,"max":9223372036854775807,"sum":9232379236109516800},""" +
            """{"name":"u","class":"uint64","dims":[1,2],"complex":false,"min":1,"max":18446744073709551615,"sum":18446744073709551616}]""", output.TrimEnd());
    }

    [Fact]
    public void Columns_stay_aligned_when_a_name_class_or_dims_is_longer_than_its_column()
    {
        // A name of more than 20 characters (MATLAB allows 63) pushed its row's class, dims and figures right of the others'.
        using var dir = new TempFolder();
        SparseAe.Mat.MatWriter.Write(Path.Combine(dir, "long.mat"),
        [
            SparseAe.Mat.MatVariable.FromDoubles("a_name_much_longer_than_twenty_characters", [1, 1], [1]),
            SparseAe.Mat.MatVariable.FromDoubles("x", [1, 1, 1, 1, 1, 1, 1, 1], [2]),
            SparseAe.Mat.MatVariable.FromDoubles("y", [1, 1], [3]),
        ]);
        var (code, output, error) = Cli.Run(dir, "inspect", "long.mat");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Single(lines.Select(l => l.IndexOf("double", StringComparison.Ordinal)).Distinct());
        Assert.Single(lines.Select(l => l.IndexOf("min", StringComparison.Ordinal)).Distinct());
    }

    [Fact]
    public void Columns_stay_aligned_when_a_name_has_wide_characters()
    {
        // A name was padded by its count of UTF-16 units: 名前 takes four columns of a terminal, not two, and pushed its
        // row's class, dims and figures two columns right of the others'.
        using var dir = new TempFolder();
        WithRawNames(Path.Combine(dir, "wide.mat"), ("abcdef", "名前"), ("x", "x"));
        var (code, output, error) = Cli.Run(dir, "inspect", "wide.mat");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains("  名前                 double   1x1             min 1  max 1  sum 1", lines);
        Assert.Contains("  x                    double   1x1             min 2  max 2  sum 2", lines);
    }

    [Fact]
    public void A_name_with_control_characters_is_escaped_in_text_so_its_row_stays_one_line()
    {
        // The reader takes any UTF-8 name; one with a line break split its row in two, one with an escape
        // sequence recoloured the terminal. JSON escapes them already.
        using var dir = new TempFolder();
        WithRawNames(Path.Combine(dir, "ctrl.mat"), ("aXb", "a\nb"), ("cYd", "c\u001Bd"));
        var (code, output, error) = Cli.Run(dir, "inspect", "ctrl.mat");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains(@"  a\u000Ab             double   1x1             min 1  max 1  sum 1", lines);
        Assert.Contains(@"  c\u001Bd             double   1x1             min 2  max 2  sum 2", lines);
        Assert.Equal(3, lines.Count(l => l.Length > 0));
    }

    // A level-5 MAT file of 1x1 doubles 1, 2, ... whose names are any UTF-8 text: MatWriter writes MATLAB names only, so
    // each is written under a MATLAB name of the same byte length, whose bytes are then replaced.
    private static void WithRawNames(string path, params (string Written, string Raw)[] names)
    {
        SparseAe.Mat.MatWriter.Write(path, names.Select((n, i) => SparseAe.Mat.MatVariable.FromDoubles(n.Written, [1, 1], [i + 1])).ToArray());
        var bytes = File.ReadAllBytes(path);
        foreach (var (written, raw) in names.Where(n => n.Written != n.Raw))
        {
            byte[] from = System.Text.Encoding.UTF8.GetBytes(written), to = System.Text.Encoding.UTF8.GetBytes(raw);
            Assert.Equal(from.Length, to.Length);
            to.CopyTo(bytes, bytes.AsSpan().IndexOf(from));
        }
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void A_folder_or_a_missing_file_is_named_as_such()
    {
        using var dir = new TempFolder();
        var (code, _, error) = Cli.Run(dir, "inspect", dir);
        Assert.Equal(2, code);
        Assert.Equal($"error: MAT file '{dir}' is a folder; give a file.", error.TrimEnd());
    }

    // A pipe that is no MAT file: MatFile.Read read it whole and refused it, and the check of what it is instead opened it
    // again and sought it, "internal error: NotSupportedException: Stream does not support seeking.", exit 1.
    [Fact]
    public void A_MAT_file_piped_to_standard_input_is_read_and_one_that_is_none_is_named()
    {
        using var dir = new TempFolder();
        foreach (var fixture in new[] { "v5_zlib_double3d.mat", "v73_chunked_deflate.mat" })
        {
            var (read, listed, why) = Cli.Run(Cli.StartInfo(dir, "inspect", "/dev/stdin"), File.ReadAllBytes(Cli.Fixture(fixture)));
            Assert.True(read == 0, $"{fixture}: exit {read}: {why}");
            Assert.Equal(Cli.Run(dir, "inspect", Cli.Fixture(fixture)).Out.Replace(Cli.Fixture(fixture), "/dev/stdin"), listed);
        }
        var (code, _, error) = Cli.Run(Cli.StartInfo(dir, "inspect", "/dev/stdin"), "not a mat");
        Assert.Equal(2, code);
        Assert.StartsWith("error: '/dev/stdin' is not a readable MAT file: Not a MAT file:", error);
        (code, _, error) = Cli.Run(Cli.StartInfo(dir, "train", "--mat", "/dev/stdin"), "PK\u0003\u0004 a zip");
        Assert.Equal(2, code);
        Assert.Equal("error: '/dev/stdin' is a zip archive (a model zip?), not a MAT file; a model is read by sparseae show, featurize and export-onnx.", error.TrimEnd());
    }

    [Fact]
    public void A_file_with_two_variables_of_one_name_is_refused_by_inspect_and_train_naming_the_file_and_the_name()
    {
        // Its lookup returned the first IMAGES without a word (train used it), and inspect listed both.
        using var dir = new TempFolder();
        var first = new MemoryStream();
        SparseAe.Mat.MatWriter.Write(first, [SparseAe.Mat.MatVariable.FromDoubles("IMAGES", [20, 20, 1], Enumerable.Range(0, 400).Select(i => (double)(i % 7)).ToArray())]);
        var second = new MemoryStream();
        SparseAe.Mat.MatWriter.Write(second, [SparseAe.Mat.MatVariable.FromDoubles("IMAGES", [2, 2], [1, 2, 3, 4])]);
        File.WriteAllBytes(Path.Combine(dir, "dup.mat"), [.. first.ToArray(), .. second.ToArray().AsSpan(128)]);
        string message = $"error: 'dup.mat' is not a readable MAT file: Variable 'IMAGES' at byte offset {first.Length} has the same name as the variable at byte offset 128; " +
            "names in a MAT file must be unique, so which of the two is meant cannot be told.";
        foreach (var args in new[] { new[] { "inspect", "dup.mat" }, ["inspect", "dup.mat", "--json"], ["train", "--mat", "dup.mat", "--patch", "4", "--patches", "10"] })
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal("", output);
            Assert.Equal(message, error.TrimEnd());
        }
        Assert.Equal(new[] { "dup.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // A model zip given to inspect (or to train --mat) said "'model.zip' is not a readable MAT file: ... endian
    // indicator ...": what its bytes are not, not what the file is nor which command reads it.
    [Fact]
    public void A_model_zip_given_as_a_MAT_file_is_said_to_be_a_zip_with_the_commands_that_read_models()
    {
        using var dir = new TempFolder();
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(dir, "net.zip"), System.IO.Compression.ZipArchiveMode.Create))
            using (var entry = new StreamWriter(zip.CreateEntry("TransformerChain/Model.key").Open())) entry.Write("x");
        foreach (var args in new[] { new[] { "inspect", "net.zip" }, ["train", "--mat", "net.zip", "--patch", "4", "--patches", "10"] })
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal("error: 'net.zip' is a zip archive (a model zip?), not a MAT file; a model is read by sparseae show, featurize and export-onnx.", error.TrimEnd());
        }
    }

    // An ONNX graph (from export-onnx) given to inspect was "not a readable MAT file: the level-5 endian indicator at
    // byte offset 126 should be 'IM' or 'MI' but is 'pa', ...", what its bytes are not; a model zip is named as one.
    [Fact]
    public void An_ONNX_graph_given_as_a_MAT_file_is_said_to_be_one_with_the_command_that_runs_it()
    {
        using var dir = new TempFolder();
        // An ONNX ModelProto starts with its ir_version (tag 08, varint 8), then producer_name (tag 12).
        byte[] graph = [0x08, 0x08, 0x12, 0x06, .. "ML.NET"u8, .. new byte[200]];
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), graph);
        File.WriteAllBytes(Path.Combine(dir, "graph.bin"), graph);
        foreach (var name in new[] { "model.onnx", "graph.bin" })
            foreach (var args in new[] { new[] { "inspect", name }, ["train", "--mat", name, "--patch", "4", "--patches", "10"] })
            {
                var (code, output, error) = Cli.Run(dir, args);
                Assert.True(code == 2, $"exit {code}: {error}\n{output}");
                Assert.Equal($"error: '{name}' looks like an ONNX graph, not a MAT file; featurize runs a graph when its name ends in .onnx.", error.TrimEnd());
            }
    }

    [Fact]
    public void A_MAT_file_that_does_not_fit_in_memory_is_said_in_one_line_not_as_an_internal_error()
    {
        // 96 MB of zeros deflate to 93 KB; read whole (inflated, then decoded), they passed the 64 MB at hand:
        // "internal error: OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown." (exit 1).
        using var dir = new TempFolder();
        SparseAe.Mat.MatWriter.Write(Path.Combine(dir, "big.mat"), [SparseAe.Mat.MatVariable.FromDoubles("IMAGES", [2000, 2000, 3], new double[12_000_000])], compress: true);
        long length = new FileInfo(Path.Combine(dir, "big.mat")).Length;
        foreach (var args in new[] { new[] { "inspect", "big.mat" }, ["train", "--mat", "big.mat", "--patch", "4", "--patches", "10"] })
        {
            var start = Cli.StartInfo(dir, args);
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x4000000";   // 64 MB
            var (code, output, error) = Cli.Run(start);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal("", output);
            Assert.StartsWith($"error: MAT file 'big.mat' ({length} bytes) does not fit in memory: ", error);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
        Assert.Equal(new[] { "big.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        // Piped, the file is first read into memory: the 93 KB fit, and its variables do not, as from the file; 100 MB of
        // pipe do not fit themselves, which was "internal error: OutOfMemoryException" (exit 1) in the copy.
        foreach (var (input, expected) in new[] { (File.ReadAllBytes(Path.Combine(dir, "big.mat")), $"error: MAT file '/dev/stdin' ({length} bytes) does not fit in memory: "),
            (new byte[100_000_000], "error: MAT file '/dev/stdin' is a pipe, which is read into memory whole, and memory ran out after ") })
        {
            var start = Cli.StartInfo(dir, "inspect", "/dev/stdin");
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x4000000";   // 64 MB
            var (code, output, error) = Cli.Run(start, input);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.StartsWith(expected, error);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
    }

    [Fact]
    public void A_bad_file_is_one_line_and_exit_code_2()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "inspect", Cli.Fixture("bad_truncated.mat"));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", error);
        Assert.Contains("offset", error);
        var (missing, _, missingError) = Cli.Run(dir, "inspect", "no-such-file.mat");
        Assert.Equal(2, missing);
        Assert.Contains("does not exist", missingError);
    }
}
