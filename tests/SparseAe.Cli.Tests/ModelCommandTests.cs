using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Cli.Infrastructure;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

public class ModelCommandTests
{
    internal static (string Dir, string Csv) TrainSmall(string dir)
    {
        var rng = new Random(3);
        var csv = Path.Combine(dir, "in.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, 50).Select(_ =>
            string.Join(',', Enumerable.Range(0, 16).Select(_ => (0.1 + 0.8 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", csv, "--hidden", "6", "--iterations", "10");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        return (dir, csv);
    }

    [Fact]
    public void Featurize_writes_the_code_of_every_row()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", csv, "--out", "features.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = File.ReadAllLines(Path.Combine(dir, "features.csv"));
        Assert.Equal(51, lines.Length);     // header + 50 rows
        Assert.Equal("h0,h1,h2,h3,h4,h5", lines[0]);

        var ml = new MLContext();
        var ae = (SparseAutoencoderTransformer)ml.Model.Load(Path.Combine(dir, "model.zip"), out _);
        var first = File.ReadLines(csv).First().Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var expected = ae.Transform(ml.Data.LoadFromEnumerable(new[] { new Row { Features = first } })).GetColumn<float[]>("Code").Single();
        Assert.Equal(expected, lines[1].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public void Featurize_refuses_rows_of_the_wrong_size()
    {
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "0.1,0.2,0.3\n");
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "bad.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Contains("16", error);
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // ML.NET's fitted normalizer takes a vector of any size at Transform and fails only on reading a row, so a model that
    // starts with NormalizeMinMax("Features"), as a user's pipeline often does, ended featurize of a CSV of the wrong width
    // in "internal error: InvalidOperationException: Splitter/consolidator worker encountered exception while consuming
    // source data" (exit 1). The width the model's saved input schema records is checked before any row is read.
    [Fact]
    public void Rows_of_another_width_than_the_saved_input_schemas_are_refused_before_ML_NETs_transforms_read_them()
    {
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })));
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "0.1,0.2,0.3\n");
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "bad.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: 'bad.csv' does not fit the model: its rows have 3 values, but the model's input column 'Features' takes 16.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    [Fact]
    public void Show_draws_the_filters_of_a_saved_model_and_refuses_a_bad_one()
    {
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "again.png");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("6 filters of 4x4", output);
        Assert.True(new FileInfo(Path.Combine(dir, "again.png")).Length > 0);

        foreach (var (height, said) in new[] { ("0", "must be at least 1, but is 0"), ("-8", "must be at least 1, but is -8"), ("3", "must divide the filter length 16, but is 3") })
        {
            (code, _, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png", "--patch-height", height);
            Assert.Equal(2, code);
            Assert.Equal($"error: --patch-height {said}.", error.TrimEnd());
        }

        File.WriteAllBytes(Path.Combine(dir, "broken.zip"), File.ReadAllBytes(Path.Combine(dir, "model.zip"))[..100]);
        var (bad, _, badError) = Cli.Run(dir, "show", "--model", "broken.zip", "--filters", "x.png");
        Assert.Equal(2, bad);
        Assert.StartsWith("error: Cannot load model 'broken.zip'", badError);
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    // show says the tiles' shape as height x width, as --patch-height gives the height: rows of 12 values are drawn as 3x4 by
    // default (the divisor closest to sqrt(12) from below), 4x3 with --patch-height 4. (Mutation audit: the note written as
    // width x height passed every test, whose tiles were square.)
    [Fact]
    public void Show_says_the_tiles_shape_as_height_by_width()
    {
        using var dir = new TempFolder();
        TrainTests.WriteCsv(dir, 30, 12, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "5", "--iterations", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "default.png");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote default.png: 5 filters of 3x4", output.TrimEnd());
        (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "tall.png", "--patch-height", "4");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote tall.png: 5 filters of 4x3", output.TrimEnd());
    }

    [Fact]
    public void Outputs_that_would_overwrite_an_input_folders_given_as_files_and_NaN_rows_are_refused_before_any_work()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        string Hash(string name) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, name))));
        var model = Hash("model.zip");
        var input = Hash("in.csv");
        var lines = File.ReadAllLines(csv);
        lines[3] = string.Join(',', lines[3].Split(',').Select((v, i) => i == 2 ? "NaN" : v));
        File.WriteAllLines(Path.Combine(dir, "nan.csv"), lines);
        Directory.CreateDirectory(Path.Combine(dir, "folder"));
        (string[] Args, string Message)[] cases =
        [
            (["export-onnx", "--model", "model.zip", "--out", "model.zip"], "error: --out 'model.zip' is the file that --model reads; writing it would destroy the input, so give another path."),
            (["show", "--model", "model.zip", "--filters", "./model.zip"], "error: --filters './model.zip' is the file that --model reads"),
            (["featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "in.csv"], "error: --out 'in.csv' is the file that --csv reads"),
            (["featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "folder"], "error: --out 'folder' is a folder; give a file name."),
            (["featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "folder/"], "error: --out 'folder/' is a folder; give a file name."),
            (["export-onnx", "--model", "model.zip", "--out", "nothing/"], "error: --out 'nothing/' ends in '/', so it names a folder; give a file name."),
            (["featurize", "--model", "model.zip", "--csv", "folder", "--out", "f.csv"], "error: CSV file 'folder' is a folder; give a file."),
            (["featurize", "--model", "folder", "--csv", "in.csv", "--out", "f.csv"], "error: Model file 'folder' is a folder; give a file."),
            (["featurize", "--model", "model.zip", "--csv", "nan.csv", "--out", "f.csv"], "error: CSV 'nan.csv' line 4, column 3 holds NaN; every value must be finite."),
            (["featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "f.csv", "--output-column", "Cde"], "error: --output-column 'Cde' is not the code of a sparse autoencoder or convolutional featurizer in 'model.zip'; its code is 'Code'."),
        ];
        foreach (var (args, message) in cases)
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {error}\n{output}");
            Assert.StartsWith(message, error);
            Assert.Single(error.TrimEnd().Split('\n'));
        }
        Assert.Equal(model, Hash("model.zip"));
        Assert.Equal(input, Hash("in.csv"));
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    [Fact]
    public void An_output_that_reaches_an_input_or_another_output_through_a_linked_folder_is_refused()
    {
        // Only a link at the file itself was followed: "featurize --out alias/in.csv", alias a link to the CSV's folder,
        // replaced the input CSV with the features; export-onnx replaced the model with its graph; train's --filters
        // replaced the model it had just written.
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(Directory.CreateDirectory(temp.File("work")).FullName);
        var alias = temp.File("alias");
        Directory.CreateSymbolicLink(alias, dir);
        string Hash(string name) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, name))));
        var model = Hash("model.zip");
        var input = Hash("in.csv");
        (string[] Args, string Message)[] cases =
        [
            (["featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "../alias/in.csv"], "error: --out '../alias/in.csv' is the file that --csv reads"),
            (["export-onnx", "--model", "model.zip", "--out", $"{alias}/model.zip"], $"error: --out '{alias}/model.zip' is the file that --model reads"),
            (["train", "--csv", "in.csv", "--hidden", "3", "--iterations", "3", "--model", "m.zip", "--filters", "../alias/m.zip"],
                "error: --filters '../alias/m.zip' is also where --model is written"),
        ];
        foreach (var (args, message) in cases)
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {error}\n{output}");
            Assert.StartsWith(message, error);
        }
        Assert.Equal(model, Hash("model.zip"));
        Assert.Equal(input, Hash("in.csv"));
        Assert.False(File.Exists(Path.Combine(dir, "m.zip")));
    }

    [Fact]
    public void An_output_that_differs_from_an_input_only_in_case_is_refused_where_the_folder_ignores_case()
    {
        // Case was told apart by the OS alone (on Linux, always): on an exFAT drive mounted on Linux (so a FAT one, a
        // Windows drive under WSL, a CIFS share), "featurize --csv in.csv --out IN.csv" replaced the input CSV with the
        // features. Where the folder tells case apart, IN.csv is another file and is written. (Run with TMPDIR on a
        // case-folding mount to see the first half on Linux; it runs so on Windows and macOS.)
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        bool foldsCase = File.Exists(Path.Combine(dir, "IN.CSV"));
        string Hash(string name) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, name))));
        var input = Hash("in.csv");
        var model = Hash("model.zip");
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "IN.csv");
        var (onnxCode, _, onnxError) = Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "Model.zip");
        // Two outputs of one run: the second renamed over the first.
        var (trainCode, trainOutput, trainError) = Cli.Run(dir, "train", "--csv", "in.csv", "--hidden", "3", "--iterations", "3", "--model", "m.zip", "--filters", "M.zip");
        if (foldsCase)
        {
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.StartsWith("error: --out 'IN.csv' is the file that --csv reads; writing it would destroy the input", error);
            Assert.True(onnxCode == 2, $"exit {onnxCode}: {onnxError}");
            Assert.StartsWith("error: --out 'Model.zip' is the file that --model reads", onnxError);
            Assert.True(trainCode == 2, $"exit {trainCode}: {trainError}\n{trainOutput}");
            Assert.StartsWith("error: --filters 'M.zip' is also where --model is written", trainError);
            Assert.Equal(input, Hash("in.csv"));
            Assert.Equal(model, Hash("model.zip"));
        }
        else
        {
            Assert.True(code == 0, $"exit {code}: {error}\n{output}");
            Assert.True(onnxCode == 0, $"exit {onnxCode}: {onnxError}");
            Assert.True(trainCode == 0, $"exit {trainCode}: {trainError}\n{trainOutput}");
            Assert.Equal(input, Hash("in.csv"));
            Assert.Equal(model, Hash("model.zip"));
            Assert.Equal("h0,h1,h2,h3,h4,h5", File.ReadLines(Path.Combine(dir, "IN.csv")).First());
        }
    }

    [Fact]
    public void An_output_named_dash_is_refused_not_written_as_a_file_named_dash()
    {
        // "--out -" means standard output by the usual convention; it wrote a file named "-" and said "wrote -: ...".
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        foreach (var args in new[] { new[] { "featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "-" }, ["export-onnx", "--model", "model.zip", "--out", "-"] })
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {error}\n{output}");
            Assert.StartsWith("error: --out '-' would be a file named '-': sparseae does not take '-' for standard output", error);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.False(File.Exists(Path.Combine(dir, "-")));
        }
    }

    [Fact]
    public void A_first_line_with_numbers_among_its_names_is_a_header_and_says_so()
    {
        // A typo in the first row ("O" for "0") makes it a header: the row is not encoded, and the user is told.
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var lines = File.ReadAllLines(csv);
        lines[0] = "O" + lines[0][lines[0].IndexOf(',')..];
        File.WriteAllLines(Path.Combine(dir, "typo.csv"), lines);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "typo.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.StartsWith("warning: CSV 'typo.csv': its first line is read as a header of names, though 15 of its 16 fields are numbers (column 1 is \"O\")", error);
        Assert.Contains("wrote f.csv: 49 rows of 6 features", output);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(0, code);
        Assert.Equal("", error);   // no header, no warning
    }

    // pandas' to_csv writes its index under an empty name (",p0,p1,..." over "0,0.5,..."), R's write.csv its row names
    // under "": that column was trained on and featurized as one more value of each row, without a word.
    [Theory]
    [InlineData("")]
    [InlineData("\"\"")]
    public void A_header_whose_first_name_is_empty_is_said_to_look_like_an_index_column(string first)
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var rows = File.ReadAllLines(csv);
        File.WriteAllLines(Path.Combine(dir, "pandas.csv"), [.. rows.Take(15).Select((r, i) => $"{i},{string.Join(',', r.Split(',').Skip(1))}")
            .Prepend(first + "," + string.Join(',', Enumerable.Range(0, 15).Select(j => $"p{j}")))]);
        const string said = "': its header's first name is empty, as pandas' to_csv and R's write.csv name a column of row labels (an index), " +
            "and that column is read as values like the others; if it is an index, write the file without it (to_csv(index=False), write.csv(row.names=FALSE)).";
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "pandas.csv", "--hidden", "2", "--iterations", "2", "--model", "p.zip");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        // Then the sigmoid decoder's warning of rows outside [0, 1], which the index's 0..14 are.
        Assert.Equal("warning: CSV 'pandas.csv" + said, error.Split('\n')[0]);
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "pandas.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal("warning: CSV 'pandas.csv" + said, error.TrimEnd());
        // A header of names alone, the first of them too, says nothing.
        File.WriteAllLines(Path.Combine(dir, "named.csv"), [string.Join(',', Enumerable.Range(0, 16).Select(j => $"p{j}")), .. rows.Take(3)]);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "named.csv", "--out", "g.csv");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        // Nor does one with other empty names than the first (blank headings, not an index's): pandas and R name every
        // other column. (Mutation audit: the warning without its check of the other names passed every test.)
        File.WriteAllLines(Path.Combine(dir, "blanks.csv"), [first + "," + string.Join(',', Enumerable.Range(1, 15).Select(j => j % 2 == 0 ? "" : $"p{j}")), .. rows.Take(3)]);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "blanks.csv", "--out", "h.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("", error);
    }

    // pd.DataFrame(x).to_csv(index=False), pandas' default for a numpy array, heads the columns 0, 1, ..., V - 1: all numbers,
    // so the line is read as a row, and featurize wrote one row more (every row after it one off its label), without a word.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_first_line_that_numbers_the_columns_is_said_to_look_like_pandas_header(int from)
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var rows = File.ReadAllLines(csv);
        File.WriteAllLines(Path.Combine(dir, "pd.csv"), [string.Join(',', Enumerable.Range(from, 16)), .. rows.Take(5)]);
        const string said = "warning: CSV 'pd.csv': its first line numbers the columns in order, as the header pandas writes for a numpy array " +
            "(to_csv of a DataFrame without column names), and is read as a row of data, since every field of it is a number; if it is that header, " +
            "write the file without it (to_csv(header=False)) or with names that are not numbers.";
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "pd.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(said, error.TrimEnd());
        Assert.Equal(1 + 6, File.ReadAllLines(Path.Combine(dir, "f.csv")).Length);   // read as a row, as the rule says
        (code, output, error) = Cli.Run(dir, "train", "--csv", "pd.csv", "--hidden", "2", "--iterations", "2", "--model", "p.zip");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(said, error.Split('\n')[0]);
        // Rows of other numbers, or the numbers out of order, say nothing.
        File.WriteAllLines(Path.Combine(dir, "other.csv"), [string.Join(',', Enumerable.Range(from, 16).Reverse()), .. rows.Take(2)]);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "other.csv", "--out", "g.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("", error);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", csv, "--out", "h.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("", error);
    }

    [Fact]
    public void A_semicolon_file_with_decimal_commas_is_told_its_separator_in_the_header_warning()
    {
        // "0,5;0,25" splits at its decimal commas, so its first line was read as a header of names with "5;0" among
        // them, and the warning did not say why: the CSV readers give this hint, the header's warning did not.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        File.WriteAllLines(Path.Combine(dir, "german.csv"), Enumerable.Range(0, 3).Select(_ => string.Join(';', Enumerable.Repeat("0,5", 16))));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "german.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("warning: CSV 'german.csv': its first line is read as a header of names, though 2 of its 17 fields are numbers " +
            "(column 2 is \"5;0\": values are separated by commas, not by ';' or tabs); if it is a row of data, correct that field, or the row is not read.", error);
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    [Fact]
    public void A_tab_separated_file_is_told_its_separator_not_only_that_its_width_is_1()
    {
        // "0.5\t0.25" is one field that is not a number, so the first line was a header of one name, the file one column
        // wide, and featurize said only "Input column 'Features' must be a vector of 16 Single values ..., but has 1":
        // no number among the names, so no warning, and the rows' hint was never reached.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        File.WriteAllLines(Path.Combine(dir, "tabs.csv"), Enumerable.Range(0, 3).Select(_ => string.Join('\t', Enumerable.Repeat("0.5", 16))));
        foreach (var model in new[] { "model.zip", "model.onnx" })
        {
            if (model == "model.onnx") Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
            var (code, _, error) = Cli.Run(dir, "featurize", "--model", model, "--csv", "tabs.csv", "--out", "f.csv");
            Assert.Equal(2, code);
            Assert.StartsWith("warning: CSV 'tabs.csv': its first line is read as a header of 1 name, \"0.5\\x090.5", error);
            Assert.Contains("values are separated by commas, not by ';' or tabs", error);
            Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        }
    }

    [Fact]
    public void A_space_separated_file_is_told_its_separator_by_featurize_and_train()
    {
        // numpy.savetxt's default separator is a space: "0.5 0.5 ..." is one field that is not a number, so featurize
        // said only "its rows have 1 values, but the model's input column 'Features' takes 16", and train
        // "line 2, column 1: ... is not a number", neither naming the separator as they do for ';' and tabs.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        File.WriteAllLines(Path.Combine(dir, "spaces.csv"), Enumerable.Range(0, 3).Select(_ => string.Join(' ', Enumerable.Repeat("5.000000000000000000e-01", 16))));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "spaces.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("warning: CSV 'spaces.csv': its first line is read as a header of 1 name, \"5.000000000000000000e-01 5.0", error);
        Assert.Contains("values are separated by commas, not by spaces; if the file uses another separator, convert it to commas.", error);
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        (code, _, error) = Cli.Run(dir, "train", "--csv", "spaces.csv", "--hidden", "2", "--iterations", "1", "--model", "s.zip");
        Assert.Equal(2, code);
        Assert.Contains("line 2, column 1: \"5.000000000000000000e-01 5.0", error);
        Assert.Contains("is not a number (values are separated by commas, not by spaces)", error);
        Assert.False(File.Exists(Path.Combine(dir, "s.zip")));
    }

    [Fact]
    public void A_semicolon_file_with_a_header_is_told_its_separator()
    {
        // "a;b;c" is one name, so the file was one column wide and the rows' hint was never reached.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        File.WriteAllLines(Path.Combine(dir, "semi.csv"), [string.Join(';', Enumerable.Range(0, 16).Select(i => $"p{i}")), string.Join(';', Enumerable.Repeat("0,5", 16))]);
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "semi.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("warning: CSV 'semi.csv': its first line is read as a header of 1 name, \"p0;p1;", error);
        Assert.Contains("values are separated by commas, not by ';' or tabs", error);
    }

    [Fact]
    public void A_comma_header_of_16_names_one_holding_a_semicolon_is_not_told_of_another_separator()
    {
        // "dose;mg,p1,...,p15" is a comma file of 16 columns whose first name holds ';': the width is right, so a warning
        // that "values are separated by commas, not by ';'" and to "convert it to commas" was false.
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var lines = File.ReadAllLines(csv).Take(3).Prepend(string.Join(',', Enumerable.Range(0, 16).Select(i => i == 0 ? "dose;mg" : $"p{i}")));
        File.WriteAllLines(Path.Combine(dir, "named.csv"), lines);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "named.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("", error);
        Assert.Contains("wrote f.csv: 3 rows of 6 features", output);
    }

    [Fact]
    public void A_first_line_of_quoted_numbers_is_a_header_and_says_so_without_an_internal_error()
    {
        // Every name a number once its quotes are removed: "internal error: IndexOutOfRangeException: Index was
        // outside the bounds of the array." (exit 1), from the warning that looked for a name that is not a number.
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var lines = File.ReadAllLines(csv);
        lines[0] = string.Join(',', lines[0].Split(',').Select(v => $"\"{v}\""));
        File.WriteAllLines(Path.Combine(dir, "quoted.csv"), lines);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "quoted.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.StartsWith("warning: CSV 'quoted.csv': its first line is read as a header of names, though all 16 of its fields are numbers once their double quotes are removed; if it is a row of data, remove the quotes, or the row is not read.", error);
        Assert.Contains("wrote f.csv: 49 rows of 6 features", output);
    }

    /// <summary>A model zip saved by the library from <paramref name="pipeline"/>, fitted on in.csv's rows, in <paramref name="folder"/>.</summary>
    internal static string SaveLibraryModel(string folder, Func<MLContext, IEstimator<ITransformer>> pipeline)
    {
        var (dir, csv) = TrainSmall(folder);
        var ml = new MLContext(seed: 1);
        var rows = File.ReadLines(csv).Select(l => new Row { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() });
        var data = ml.Data.LoadFromEnumerable(rows.ToArray());
        ml.Model.Save(pipeline(ml).Fit(data), data.Schema, Path.Combine(dir, "library.zip"));
        return dir;
    }

    [Fact]
    public void A_model_whose_first_transform_is_not_ours_reads_the_CSV_into_the_input_column_it_recorded()
    {
        // featurize used to name the CSV's column after the autoencoder's input ("F2"), unknown to CopyColumns.
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.CopyColumns("F2", "Features")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "F2", HiddenCount = 5, MaxIterations = 5 })));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
    }

    public sealed class Document
    {
        public string Text { get; set; } = "";
    }

    // The command line carried only cl100k_base's data (SparseAe.MLNet's): a model saved by the library with another
    // encoding's token counts was refused by show and featurize with "Please reference the package ... in your project",
    // which a command-line user cannot do.
    [Theory]
    [InlineData("o200k_base")]
    [InlineData("r50k_base")]
    public void A_text_model_whose_token_counts_use_another_served_encoding_loads_in_show(string encoding)
    {
        using var dir = new TempFolder();
        SaveTextModel(dir, encoding);
        var (code, output, error) = Cli.Run(dir, "show", "--model", "text.zip", "--filters", "text.png");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.True(new FileInfo(Path.Combine(dir, "text.png")).Length > 0);

        // featurize reads numbers, which a text model cannot take: said so, not as a fault of the CSV (it said "Input
        // column 'Text' must be text (one String per row), but is Vector<Single, 2>").
        File.WriteAllText(Path.Combine(dir, "rows.csv"), "0.5,0.25\n");
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "text.zip", "--csv", "rows.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'text.zip' reads text (its input column 'Text' holds a string per row); featurize feeds models rows of numbers from a CSV, " +
            "so it cannot featurize this one: load it with MLContext.Model.Load and call Transform on your texts.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // text.zip in dir: token counts of the encoding, then a sparse autoencoder.
    private static void SaveTextModel(string dir, string encoding)
    {
        var ml = new MLContext(seed: 1);
        string[] words = ["edge", "filter", "sparse", "code", "image", "patch", "token", "model"];
        var rng = new Random(2);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(_ => new Document { Text = string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[rng.Next(words.Length)])) }).ToArray());
        var model = ml.Transforms.TokenCounts("Counts", "Text", encoding: encoding, maximumTokens: 8)
            .Append(ml.Transforms.SparseAutoencoder("Code", "Counts", hiddenCount: 3, maxIterations: 5)).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "text.zip"));
    }

    // p50k_base's and p50k_edit's data are not among the command's: such a model was refused in Microsoft.ML.Tokenizers'
    // words, "Please reference the package Microsoft.ML.Tokenizers.Data.P50kBase in your project", which a command-line
    // user cannot do. (Made from an r50k_base model, whose name is as long, renamed in its vocabulary block.)
    [Fact]
    public void A_text_model_whose_encoding_data_the_command_lacks_is_said_to_need_them()
    {
        using var dir = new TempFolder();
        SaveTextModel(dir, "r50k_base");
        var magic = BitConverter.GetBytes(SparseAe.Persistence.TokenVocabularyFormat.Magic);
        DamagedModelTests.EditModelEntry(Path.Combine(dir, "text.zip"), bytes =>
        {
            int block = bytes.AsSpan().IndexOf(magic);
            int length = BitConverter.ToInt32(bytes, block + 12);
            var payload = bytes.AsSpan(block + 16, length);
            "p50k_base"u8.CopyTo(payload[4..]);
            BitConverter.TryWriteBytes(bytes.AsSpan(block + 16 + length), System.IO.Hashing.Crc32.HashToUInt32(payload));
            return bytes;
        }, magic);
        foreach (var args in new[] { new[] { "show", "--model", "text.zip", "--filters", "text.png" }, ["export-onnx", "--model", "text.zip", "--out", "text.onnx"] })
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal("error: Cannot load model 'text.zip': its token counts use the tokenizer encoding 'p50k_base', whose data (NuGet package " +
                "Microsoft.ML.Tokenizers.Data.P50kBase) this program does not carry; load the model with MLContext.Model.Load in an application " +
                "that references that package.", error.TrimEnd());
        }
        Assert.False(File.Exists(Path.Combine(dir, "text.png")));
    }

    public sealed class KeyRow
    {
        [KeyType(4)]
        [VectorType(3)]
        public uint[] K { get; set; } = [];
    }

    // A model whose input column holds keys (categories, one-hot encoded by MapKeyToVector before the autoencoder) cannot
    // be fed a CSV's numbers: featurize said "'k.csv' does not fit the model: Schema mismatch for input column 'K': expected
    // key type of known cardinality, got Vector<Single, 3>", as if another CSV would fit. It says what the model reads.
    [Fact]
    public void A_model_whose_input_column_holds_keys_is_refused_naming_its_type_not_blaming_the_CSV()
    {
        using var temp = new TempFolder();
        string dir = temp;
        var ml = new MLContext(seed: 1);
        var rng = new Random(4);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new KeyRow { K = [(uint)rng.Next(1, 5), (uint)rng.Next(1, 5), (uint)rng.Next(1, 5)] }).ToArray());
        var model = ml.Transforms.Conversion.MapKeyToVector("F", "K")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "F", HiddenCount = 3, MaxIterations = 2 })).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "k.zip"));
        File.WriteAllText(Path.Combine(dir, "k.csv"), "1,2,3\n0,1,2\n");
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "k.zip", "--csv", "k.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'k.zip' reads its input column 'K' as Vector<Key<UInt32, 0-3>, 3>; featurize feeds models rows of numbers from a CSV as a vector of " +
            "Single, which this model refuses (ML.NET: Schema mismatch for input column 'K': expected key type of known cardinality, got Vector<Single, 3>), " +
            "so it cannot featurize this one: load it with MLContext.Model.Load and call Transform on your data.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    public sealed class IntRow
    {
        [VectorType(3)]
        public int[] I { get; set; } = [];
    }

    public sealed class BoolRow
    {
        [VectorType(3)]
        public bool[] I { get; set; } = [];
    }

    // The same for categories of Int32 or Boolean, mapped to keys (MapValueToKey, then MapKeyToVector) before the autoencoder:
    // ML.NET's value-to-key map refuses the CSV's Singles with an InvalidOperationException, which featurize did not catch,
    // "internal error: InvalidOperationException: Could not apply a map over type 'Int32' to column 'K' since it has type
    // 'Single'" (exit 1); and a model that reads Int32, a number, would have been told the CSV does not fit it, though no CSV does.
    [Fact]
    public void A_model_whose_input_column_holds_integers_or_booleans_it_maps_to_keys_is_refused_naming_its_type()
    {
        using var temp = new TempFolder();
        string dir = temp;
        var ml = new MLContext(seed: 1);
        var rng = new Random(4);
        var ints = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new IntRow { I = [rng.Next(1, 5), rng.Next(1, 5), rng.Next(1, 5)] }).ToArray());
        var bools = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new BoolRow { I = [rng.Next(2) == 1, rng.Next(2) == 1, rng.Next(2) == 1] }).ToArray());
        File.WriteAllText(Path.Combine(dir, "i.csv"), "1,2,3\n0,1,2\n");
        foreach (var (name, data, type) in new[] { ("int.zip", ints, "Int32"), ("bool.zip", bools, "Boolean") })
        {
            var model = ml.Transforms.Conversion.MapValueToKey("K", "I").Append(ml.Transforms.Conversion.MapKeyToVector("F", "K"))
                .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "F", HiddenCount = 3, MaxIterations = 2 })).Fit(data);
            ml.Model.Save(model, data.Schema, Path.Combine(dir, name));
            var (code, _, error) = Cli.Run(dir, "featurize", "--model", name, "--csv", "i.csv", "--out", "f.csv");
            Assert.True(code == 2, $"{name}: exit {code}: {error}");
            Assert.Equal($"error: Model '{name}' reads its input column 'I' as Vector<{type}, 3>; featurize feeds models rows of numbers from a CSV as a vector of " +
                $"Single, which this model refuses (ML.NET: Could not apply a map over type '{type}' to column 'K' since it has type 'Single'), " +
                "so it cannot featurize this one: load it with MLContext.Model.Load and call Transform on your data.", error.TrimEnd());
            Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        }
    }

    public sealed class DoubleRow
    {
        [VectorType(16)]
        public double[] Features { get; set; } = [];
    }

    // A model whose input column is a vector of Double, normalized as Double before a ConvertType to Single: ML.NET's fitted
    // normalizer takes the CSV's Single vector at Transform and fails on reading it, and featurize ended in "internal error:
    // InvalidOperationException: Invalid TValue: 'VBuffer`1[System.Double]', expected type: 'VBuffer`1[System.Single]'".
    // The CSV's rows go in as the Doubles the model's schema records.
    [Fact]
    public void A_model_whose_input_column_holds_doubles_is_fed_the_CSVs_rows_as_doubles()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(File.ReadLines(csv).Select(l => new DoubleRow
        {
            Features = l.Split(',').Select(v => (double)float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
        }).ToArray());
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Single))
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "doubles.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "doubles.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        Assert.Equal(expected, Written(dir, "f.csv"));
    }

    [Fact]
    public void A_convolutional_featurizer_is_featurized_from_the_zip_as_from_its_graph()
    {
        // It holds a patch autoencoder, but featurize looked for a SparseAutoencoderTransformer only:
        // "Model 'library.zip' holds no sparse autoencoder", though its exported graph featurized the CSV.
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 4, ImageWidth = 4, PatchSize = 2, Stride = 1,
            PoolGrid = 2, PatchCount = 50, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 2 },
        }));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "zip.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote zip.csv: 50 rows of 12 features", output);
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "library.onnx").ExitCode);
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        var zip = File.ReadAllLines(Path.Combine(dir, "zip.csv"));
        var onnx = File.ReadAllLines(Path.Combine(dir, "onnx.csv"));
        Assert.Equal(onnx[0], zip[0]);
        for (int i = 1; i < zip.Length; i++)
        {
            var a = zip[i].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var b = onnx[i].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int j = 0; j < a.Length; j++) Assert.True(Math.Abs(a[j] - b[j]) <= 1e-4, $"row {i}, feature {j}: zip {a[j]}, onnx {b[j]}");
        }
    }

    [Fact]
    public void Show_draws_the_patch_autoencoders_filters_of_a_convolutional_featurizer()
    {
        // show looked for a SparseAutoencoderTransformer only: "Model 'library.zip' holds no sparse autoencoder",
        // though featurize and export-onnx take the same zip.
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.CopyColumns("Pixels", "Features").Append(ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            OutputColumnName = "Conv", ImageHeight = 4, ImageWidth = 4, PatchSize = 3, Stride = 1,
            PoolGrid = 2, PatchCount = 50, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 2 },
        })));
        var (code, output, error) = Cli.Run(dir, "show", "--model", "library.zip", "--filters", "conv.png");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote conv.png: 3 filters of 3x3", output.TrimEnd());
        Assert.True(new FileInfo(Path.Combine(dir, "conv.png")).Length > 0);

        // A model with neither is refused naming both.
        dir = SaveLibraryModel(temp.NewFolder(), ml => ml.Transforms.CopyColumns("F2", "Features"));
        (code, _, error) = Cli.Run(dir, "show", "--model", "library.zip", "--filters", "x.png");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'library.zip' holds no sparse autoencoder or convolutional featurizer; it holds ColumnCopyingTransformer.", error.TrimEnd());
    }

    public sealed class LabelledRow
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    // A pipeline that goes on past its autoencoder to a classifier needs the label to Transform: featurize gave
    // "Could not find input column 'Label'" for it (the Fashion-MNIST sample's model.zip). It now runs the model
    // up to its last autoencoder, whose code it writes, as from the autoencoder alone.
    [Fact]
    public void A_pipeline_that_goes_on_to_a_classifier_is_featurized_up_to_its_autoencoder()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var rows = File.ReadLines(csv).Select((l, i) => new LabelledRow
        {
            Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            Label = i % 2 == 0 ? "even" : "odd",
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "Code", maximumNumberOfIterations: 5))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "classifier.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "classifier.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        var expected = model.First().Transform(data).GetColumn<float[]>("Code").ToArray();
        var written = Written(dir, "f.csv");
        Assert.Equal(expected, written);
    }

    // What follows the autoencoder runs only up to the first transformer that needs a column the CSV lacks: none after it
    // runs, not even one that the CSV's column would feed (a rescaling of the code after the label's key mapping), since the
    // model computes it only for rows that have the label. (Mutation audit: 'break' -> 'continue' at that transformer passed
    // every test; the features were then the rescaled code.)
    [Fact]
    public void No_transformer_after_the_first_that_needs_a_missing_column_runs()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(File.ReadLines(csv).Select((l, i) => new LabelledRow
        {
            Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            Label = i % 2 == 0 ? "even" : "odd",
        }).ToArray());
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.Transforms.NormalizeMinMax("Code"))
            .Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "labelled.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "labelled.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        var raw = model.First().Transform(data).GetColumn<float[]>("Code").ToArray();
        Assert.NotEqual(raw, model.Transform(data).GetColumn<float[]>("Code").ToArray());   // the rescaling changes the code
        Assert.Equal(raw, Written(dir, "f.csv"));
    }

    // What follows the autoencoder runs as far as the CSV feeds it, and may replace the code with another type: a
    // ConvertType of it to double ended featurize in "internal error: InvalidOperationException: Invalid TValue:
    // 'Microsoft.ML.Data.VBuffer`1[System.Single]', expected type: ...VBuffer`1[System.Double]'" (exit 1).
    [Fact]
    public void A_code_replaced_by_a_vector_that_is_not_of_floats_is_refused_naming_its_type()
    {
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.Conversion.ConvertType("Code", outputKind: Microsoft.ML.Data.DataKind.Double)));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Model 'library.zip': its code 'Code' is Vector<Double, 5> once the transforms after its autoencoder have run, " +
            "and featurize writes only a code that is a vector of floats (Single) of known size.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // featurize ran the whole model before it ran it only up to its last autoencoder: a pipeline that goes on to
    // rescale the code in place (NormalizeMinMax("Code"), as before a classifier) wrote the raw code from the zip,
    // while its ONNX graph, and featurize before, wrote the rescaled one.
    [Fact]
    public void What_follows_the_autoencoder_and_needs_no_other_column_still_runs_as_in_the_models_graph()
    {
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.NormalizeMinMax("Code")));
        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "zip.csv").ExitCode);
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "library.onnx").ExitCode);
        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "library.onnx", "--csv", "in.csv", "--out", "onnx.csv").ExitCode);
        var zip = File.ReadAllLines(Path.Combine(dir, "zip.csv"));
        var onnx = File.ReadAllLines(Path.Combine(dir, "onnx.csv"));
        Assert.Equal(onnx.Length, zip.Length);
        for (int i = 1; i < zip.Length; i++)
        {
            var a = zip[i].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var b = onnx[i].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int j = 0; j < a.Length; j++) Assert.True(Math.Abs(a[j] - b[j]) <= 1e-4, $"row {i}, feature {j}: zip {a[j]}, onnx {b[j]}");
        }
    }

    public sealed class WideRow
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];

        [VectorType(4)]
        public float[] Extra { get; set; } = [];
    }

    // A model saved with its data's schema, which holds another vector besides the features, and ML.NET's transform
    // first: featurize fed the CSV's rows to the autoencoder's own input ("FeaturesN"), and the model refused them,
    // "'in.csv' does not fit the model: Could not find input column 'Features'", though Features is all it needs.
    [Fact]
    public void The_CSV_feeds_the_one_input_column_the_features_need_and_a_model_that_needs_more_is_refused_naming_them()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var rng = new Random(5);
        var data = ml.Data.LoadFromEnumerable(File.ReadLines(csv).Select(l => new WideRow
        {
            Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            Extra = Enumerable.Range(0, 4).Select(_ => (float)rng.NextDouble()).ToArray(),
        }).ToArray());
        var ae = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "FeaturesN", HiddenCount = 5, MaxIterations = 5 });
        var model = ml.Transforms.NormalizeMinMax("FeaturesN", "Features").Append(ae).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "one.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "one.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        var written = Written(dir, "f.csv");
        Assert.Equal(expected, written);

        // The code of both vectors, concatenated: a CSV's rows are one column.
        ml.Model.Save(ml.Transforms.Concatenate("FeaturesN", "Features", "Extra").Append(ml.Transforms.SparseAutoencoder(
            new SparseAutoencoderOptions { InputColumnName = "FeaturesN", HiddenCount = 5, MaxIterations = 5 })).Fit(data), data.Schema, Path.Combine(dir, "two.zip"));
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "two.zip", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'two.zip' reads 2 of its input columns up to its code 'Code', 'Features' and 'Extra'; featurize feeds a CSV's rows as one column, " +
            "so it cannot featurize this model: load it with MLContext.Model.Load and call Transform on your data.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "g.csv")));
    }

    // The features a featurize run wrote, its header skipped.
    private static float[][] Written(string dir, string name)
        => File.ReadLines(Path.Combine(dir, name)).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    // What ML.NET's own Transform of library.zip gives in column for in.csv's rows: what featurize must write.
    private static float[][] TransformedByMLNet(string dir, string column)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(dir, "library.zip"), out _);
        var rows = File.ReadLines(Path.Combine(dir, "in.csv")).Select(l => new Row { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() }).ToArray();
        return model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>(column).ToArray();
    }

    // TrainSmall's rows as a model's training data holds them: with 4 other values and a label (even, odd).
    private static IDataView LabelledWideData(MLContext ml, string csv)
        => ml.Data.LoadFromEnumerable(File.ReadLines(csv).Select((l, i) => new LabelledWideRow
        {
            Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            Extra = [i, 1, 2, 3],
            Label = i % 2 == 0 ? "even" : "odd",
        }).ToArray());

    public sealed class LabelledWideRow
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];

        [VectorType(4)]
        public float[] Extra { get; set; } = [];

        public string Label { get; set; } = "";
    }

    // ML.NET's usual pipeline maps the label to a key first, for the classifier after the code: the model reads Label
    // before its code, and featurize, which feeds the CSV's rows as one column, refused it ("reads 2 of its input columns
    // up to its code 'Code', 'Features' and 'Label'"; first "computes its code 'Code' from ..."), though the code is not
    // computed from the label. The stages the code is not computed from are left out.
    [Fact]
    public void A_label_mapped_before_the_code_is_left_out_and_the_model_featurized()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = LabelledWideData(ml, csv);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code", maximumNumberOfIterations: 3))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "keyed.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "keyed.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        var written = Written(dir, "f.csv");
        Assert.Equal(expected, written);

        // A copy of the features that the code is computed from stays in: it is not a stage to leave out.
        var copied = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.CopyColumns("F2", "Features"))
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "F2", HiddenCount = 5, MaxIterations = 5 })).Fit(data);
        ml.Model.Save(copied, data.Schema, Path.Combine(dir, "copied.zip"));
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "copied.zip", "--csv", "in.csv", "--out", "g.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        expected = copied.Transform(data).GetColumn<float[]>("Code").ToArray();
        written = Written(dir, "g.csv");
        Assert.Equal(expected, written);
    }

    // A column the autoencoder replaces with its code is not needed before it: the stage that made it (here a key of the label,
    // named Code) is left out, and the CSV, which has no label, is featurized. (Mutation audit: without removing the
    // autoencoder's own columns from those needed, that stage was kept, and featurize refused the model for its label.)
    [Fact]
    public void A_stage_whose_column_the_code_replaces_is_left_out_and_the_model_featurized()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = LabelledWideData(ml, csv);
        var model = ml.Transforms.Conversion.MapValueToKey("Code", "Label")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "replaced.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "replaced.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        Assert.Equal(model.Transform(data).GetColumn<float[]>("Code").ToArray(), Written(dir, "f.csv"));
    }

    // A transform in place before the code (NormalizeMinMax("Features"), ZcaWhitening("Features"), or a replacement of
    // Features computed from Other) was left out as a stage the code is not computed from, and featurize wrote the code of
    // the raw features, without a word: ML.NET puts a replacing column right after the one it hides, not after the input's
    // columns, so it was not counted as added when other columns followed it (Label, past them, was).
    [Fact]
    public void A_transform_in_place_before_the_code_stays_in_and_the_features_equal_the_models_code()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = LabelledWideData(ml, csv);
        var ae = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 });
        var models = new (string Name, ITransformer Model)[]
        {
            ("normalized.zip", ml.Transforms.NormalizeMinMax("Features").Append(ae).Fit(data)),
            ("keyed.zip", ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.NormalizeMinMax("Features")).Append(ae).Fit(data)),
            ("whitened.zip", ml.Transforms.ZcaWhitening("Features").Append(ae).Fit(data)),
        };
        foreach (var (name, model) in models)
        {
            ml.Model.Save(model, data.Schema, Path.Combine(dir, name));
            var (code, _, error) = Cli.Run(dir, "featurize", "--model", name, "--csv", "in.csv", "--out", "f.csv");
            Assert.True(code == 0, $"{name}: exit {code}: {error}");
            var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
            var written = Written(dir, "f.csv");
            Assert.True(expected.Zip(written).All(p => p.First.SequenceEqual(p.Second)), $"{name}: the features written are not the model's code");
        }
    }

    // What follows the autoencoder and replaces its code (a Concatenate of the code and the normalized features, FN) runs
    // as far as the CSV feeds it: FN's normalizer, which the autoencoder does not read, was left out, so the Concatenate
    // found no FN and featurize wrote the autoencoder's 5 values, not the model's Code of 21, though it wrote those before.
    [Fact]
    public void A_stage_that_what_replaces_the_code_reads_stays_in()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = LabelledWideData(ml, csv);
        var model = ml.Transforms.NormalizeMinMax("FN", "Features")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }))
            .Append(ml.Transforms.Concatenate("Code", "Code", "FN")).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "joined.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "joined.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 21 features", output);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        var written = Written(dir, "f.csv");
        Assert.Equal(expected, written);
    }

    // A model saved with a schema it does not fit (its Features made outside the model, the raw data's schema saved): no
    // column can be left out of a schema the model refuses whole, so every column counted as one the code is computed
    // from, and featurize refused it, "computes its code 'Code' from 3 of its input columns, 'Features', 'Extra' and
    // 'Pixels'", though the autoencoder reads Features, which the CSV feeds (as it did before the columns were counted).
    [Fact]
    public void A_model_saved_with_a_schema_it_does_not_fit_is_featurized_into_its_autoencoders_input()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var raw = ml.Data.LoadFromEnumerable(File.ReadLines(csv).Select(l => new WideRow
        {
            Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            Extra = new float[4],
        }).ToArray());
        var data = ml.Transforms.CopyColumns("Pixels", "Features").Fit(raw).Transform(raw);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Pixels", HiddenCount = 5, MaxIterations = 5 }).Fit(data);
        ml.Model.Save(model, raw.Schema, Path.Combine(dir, "outside.zip"));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "outside.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        var written = Written(dir, "f.csv");
        Assert.Equal(expected, written);
        // export-onnx declares the graph's inputs from the saved schema, which this model refuses: said so, naming the model
        // (it was ML.NET's "Input column 'Pixels' was not found; ..." alone), and nothing written.
        (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "outside.zip", "--out", "o.onnx");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Model 'outside.zip' was saved with an input schema it does not fit (", error);
        Assert.Contains("'Pixels'", error);
        Assert.Contains("save it with the schema of the data its first transform reads", error);
        Assert.False(File.Exists(Path.Combine(dir, "o.onnx")));
    }

    // The same with the width or item type of the schema the model does not fit: the saved schema's Features, 20 Singles
    // or 16 Doubles, was made into the 16 Singles the autoencoder reads outside the model. The width check and the Double
    // conversion took the saved schema's word for what the model reads, and refused the CSV of 16 values ("its rows have 16
    // values, but the model's input column 'Features' is a vector of 20") or fed the autoencoder Doubles it refuses.
    [Fact]
    public void A_model_saved_with_a_schema_it_does_not_fit_is_fed_the_CSVs_rows_whatever_width_or_type_that_schema_records()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var rows = File.ReadLines(csv).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var wider = ml.Data.LoadFromEnumerable(rows.Select(r => new Row20 { Features = [.. r, 0, 0, 0, 0] }).ToArray());
        var doubles = ml.Data.LoadFromEnumerable(rows.Select(r => new DoubleRow { Features = r.Select(v => (double)v).ToArray() }).ToArray());
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new WideRow { Features = r, Extra = new float[4] }).ToArray());
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }).Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        foreach (var (name, schema) in new[] { ("wider.zip", wider.Schema), ("doubles.zip", doubles.Schema) })
        {
            ml.Model.Save(model, schema, Path.Combine(dir, name));
            var (code, output, error) = Cli.Run(dir, "featurize", "--model", name, "--csv", "in.csv", "--out", "f.csv");
            Assert.True(code == 0, $"{name}: exit {code}: {error}");
            Assert.Contains("wrote f.csv: 50 rows of 5 features", output);
            Assert.Equal(expected, Written(dir, "f.csv"));
        }
    }

    public sealed class Row20
    {
        [VectorType(20)]
        public float[] Features { get; set; } = [];
    }

    // A model with two autoencoders (stacked, or side by side on one input): show drew, and featurize wrote, the last one's
    // without a word, while featurize of the same model's ONNX graph asked which with --output-column.
    [Fact]
    public void A_model_with_two_autoencoders_is_refused_until_output_column_names_one()
    {
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Code1", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Code1", OutputColumnName = "Code2", HiddenCount = 3, MaxIterations = 5 })));
        const string refusal = "error: Model 'library.zip' holds 2 sparse autoencoders or convolutional featurizers, whose codes are 'Code1' and 'Code2'; choose one with --output-column.";
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal(refusal, error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        (code, _, error) = Cli.Run(dir, "show", "--model", "library.zip", "--filters", "f.png");
        Assert.Equal(2, code);
        Assert.Equal(refusal, error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.png")));

        // Named, each is the one written or drawn: the first's code is its own, as the model computes it.
        string output;
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f1.csv", "--output-column", "Code1");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f1.csv: 50 rows of 5 features", output);
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f2.csv", "--output-column", "Code2");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f2.csv: 50 rows of 3 features", output);
        Assert.Equal(TransformedByMLNet(dir, "Code1"), Written(dir, "f1.csv"));
        (code, output, error) = Cli.Run(dir, "show", "--model", "library.zip", "--filters", "f1.png", "--output-column", "Code1");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote f1.png: 5 filters of 4x4", output.TrimEnd());
        (code, output, error) = Cli.Run(dir, "show", "--model", "library.zip", "--filters", "f2.png", "--output-column", "Code2");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote f2.png: 3 filters of 1x5", output.TrimEnd());

        // A name that is no autoencoder's code is refused with the ones that are.
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f3.csv", "--output-column", "Features");
        Assert.Equal(2, code);
        Assert.Equal("error: --output-column 'Features' is not the code of a sparse autoencoder or convolutional featurizer in 'library.zip'; its codes are 'Code1' and 'Code2'.", error.TrimEnd());
    }

    // Two autoencoders whose codes have one name (stacked, Code from Code, or side by side on Features): the second's Code
    // hides the first's, so ML.NET's Transform and the model's graph (one Code.output) give only the second's. featurize and
    // show asked "whose codes are 'Code' and 'Code'; choose one with --output-column", a choice --output-column Code could
    // not make but for the second, and featurize of the graph wrote the second's with no question. The visible one is taken.
    [Theory]
    [InlineData("Code")]
    [InlineData("Features")]
    public void Two_autoencoders_whose_codes_have_one_name_are_taken_as_the_visible_last_one(string secondInput)
    {
        using var temp = new TempFolder();
        var dir = SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = secondInput, OutputColumnName = "Code", HiddenCount = 3, MaxIterations = 5 })));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "zip.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote zip.csv: 50 rows of 3 features", output);
        var expected = TransformedByMLNet(dir, "Code");
        Assert.Equal(expected, Written(dir, "zip.csv"));
        (code, output, error) = Cli.Run(dir, "show", "--model", "library.zip", "--filters", "f.png");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal($"wrote f.png: 3 filters of {(secondInput == "Code" ? "1x5" : "4x4")}", output.TrimEnd());

        // The graph names that code as its features, as for a model of one autoencoder, and featurizes as the zip does.
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "library.onnx").ExitCode);
        using (var graph = OnnxGraphFile.Open(Path.Combine(dir, "library.onnx")))
            Assert.Equal("Code.output", graph.Session.ModelMetadata.CustomMetadataMap[OnnxGraphFile.FeaturesKey]);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "library.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        var onnx = Written(dir, "onnx.csv");
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < 3; j++)
                Assert.True(Math.Abs(expected[i][j] - onnx[i][j]) <= 1e-5, $"row {i}, feature {j}: ML.NET {expected[i][j]}, graph {onnx[i][j]}");
    }

    // MLContext.Model.Save takes a null input schema; such a zip loads with none. featurize then failed with "internal
    // error: NullReferenceException" (exit 1) and export-onnx with "error: Value cannot be null.", naming nothing.
    [Fact]
    public void A_model_saved_without_an_input_schema_is_featurized_from_its_autoencoder_and_refused_where_the_schema_is_needed()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(File.ReadLines(csv).Select(l => new Row { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() }).ToArray());
        var ae = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 });
        ml.Model.Save(ae.Fit(data), null, Path.Combine(dir, "bare.zip"));
        ml.Model.Save(ml.Transforms.NormalizeMinMax("Scaled", "Features").Append(ae).Fit(data), null, Path.Combine(dir, "chain.zip"));

        // The autoencoder first: the CSV's rows go into the column it reads.
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "bare.zip", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 5 features", output);

        // ML.NET's transform first: the column it reads is not known.
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "chain.zip", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'chain.zip' was saved without its input schema (MLContext.Model.Save with null for it), and its first transform, " +
            "NormalizingTransformer, is not SparseAe's, so the input column the CSV's rows go into is unknown; save the model with the schema of its input data.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "g.csv")));

        // ML.NET's converter declares the graph's inputs from the schema.
        foreach (var model in new[] { "bare.zip", "chain.zip" })
        {
            (code, _, error) = Cli.Run(dir, "export-onnx", "--model", model, "--out", "m.onnx");
            Assert.Equal(2, code);
            Assert.Equal($"error: Model '{model}' was saved without its input schema (MLContext.Model.Save with null for it), and ML.NET's ONNX converter " +
                "declares the graph's inputs from it; save the model with the schema of its input data.", error.TrimEnd());
            Assert.False(File.Exists(Path.Combine(dir, "m.onnx")));
        }
    }

    public sealed class Row
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void An_output_that_fails_as_it_is_written_is_named_by_its_flag_and_no_output_is_replaced()
    {
        // A full disk (/dev/full) said "error: No space left on device : '/dev/full'", naming no flag; and train, which
        // replaced its outputs one by one, had by then replaced the model and filters before it, which it did not say.
        if (!File.Exists("/dev/full")) return;
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        File.WriteAllText(Path.Combine(dir, "f.png"), "the last run's filters");
        string Hash(string name) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, name))));
        var model = Hash("model.zip");
        (string[] Args, string Message)[] cases =
        [
            (["featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "/dev/full"], "error: --out '/dev/full' cannot be written: No space left on device"),
            (["export-onnx", "--model", "model.zip", "--out", "/dev/full"], "error: --out '/dev/full' cannot be written: No space left on device"),
            (["show", "--model", "model.zip", "--filters", "/dev/full"], "error: --filters '/dev/full' cannot be written: No space left on device"),
            (["train", "--csv", "in.csv", "--hidden", "3", "--iterations", "3", "--model", "model.zip", "--filters", "f.png", "--curve", "/dev/full"],
                "error: --curve '/dev/full' cannot be written: No space left on device; no output was replaced."),
        ];
        foreach (var (args, message) in cases)
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {error}\n{output}");
            Assert.Equal(message, error.TrimEnd().Split('\n')[^1]);
        }
        // The outputs before the one that failed keep the last run's files, and no temporary file is left.
        Assert.Equal(model, Hash("model.zip"));
        Assert.Equal("the last run's filters", File.ReadAllText(Path.Combine(dir, "f.png")));
        Assert.Empty(Directory.GetFiles(dir, ".*.tmp"));
    }

    [Fact]
    public void An_output_folder_that_takes_no_file_is_refused_before_training_and_the_model_is_kept()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var before = File.ReadAllBytes(Path.Combine(dir, "model.zip"));
        // Found after training, the model already replaced: "internal error: FileNotFoundException ... '/proc/.x.png...tmp'".
        var (code, _, error) = Cli.Run(dir, "train", "--csv", csv, "--hidden", "3", "--iterations", "3", "--filters", "/proc/x.png");
        Assert.Equal(2, code);
        // Then: "cannot be written: Could not find file '/proc/.x.png.PID.GUID.tmp'.", a file the user never named.
        Assert.Equal("error: --filters '/proc/x.png' cannot be written: no file can be made in its folder '/proc' (the file system there takes no new files)", error.TrimEnd());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "model.zip")));
    }
}
