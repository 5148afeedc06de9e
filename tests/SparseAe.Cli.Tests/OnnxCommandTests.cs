using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Cli.Infrastructure;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

/// <summary>export-onnx and featurize --model x.onnx: the zip and its graph featurize a CSV alike, and bad files fail in one line.</summary>
public class OnnxCommandTests
{
    private static string TrainSmall(string dir, params string[] extra)
    {
        var rng = new Random(3);
        File.WriteAllLines(Path.Combine(dir, "in.csv"), Enumerable.Range(0, 300).Select(_ =>
            string.Join(',', Enumerable.Range(0, 16).Select(_ => (0.1 + 0.8 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, ["train", "--csv", "in.csv", "--hidden", "12", .. extra]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        return dir;
    }

    private static float[][] ReadCsv(string path)
        => File.ReadAllLines(path).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Theory]
    [InlineData("--iterations", "10")]
    [InlineData("--activation", "topk", "--k", "3", "--epochs", "3")]
    [InlineData("--activation", "relu", "--epochs", "3")]
    // A ZCA model's graph has two float outputs besides its input, White.output and Code.output: featurize asked for
    // --output-column where the zip wrote the code. export-onnx now names the code in the graph's metadata.
    [InlineData("--whiten", "zca", "--decoder", "linear", "--iterations", "10")]
    [InlineData("--whiten", "zca", "--activation", "topk", "--k", "3", "--epochs", "3")]
    public void The_exported_graph_featurizes_like_the_zip(params string[] training)
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, training);
        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote model.onnx: inputs Features; outputs", output);

        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "zip.csv").ExitCode);
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote onnx.csv: 300 rows of 12 features", output);
        Assert.Equal(File.ReadLines(Path.Combine(dir, "zip.csv")).First(), File.ReadLines(Path.Combine(dir, "onnx.csv")).First());
        var zip = ReadCsv(Path.Combine(dir, "zip.csv"));
        var onnx = ReadCsv(Path.Combine(dir, "onnx.csv"));
        double scale = zip.SelectMany(r => r).Max(v => Math.Abs((double)v));
        int differing = 0;
        for (int i = 0; i < zip.Length; i++)
        {
            // TopK rows may keep another of two latents tied within float32 rounding (OnnxExportTests checks how).
            if (!zip[i].Select(v => v != 0).SequenceEqual(onnx[i].Select(v => v != 0))) { differing++; continue; }
            for (int j = 0; j < zip[i].Length; j++)
                Assert.True(Math.Abs(zip[i][j] - onnx[i][j]) <= 1e-5 * scale, $"row {i}, feature {j}: zip {zip[i][j]}, onnx {onnx[i][j]}");
        }
        Assert.True(differing <= 3, $"{differing} rows keep other latents");
    }

    // export-onnx names the code's output in the graph's metadata; where that output is not a float (N, H) one (a ConvertType
    // of the code to double after the autoencoder), featurize of the graph passed over the name, found no float output
    // besides the input but the input, and wrote the input passed through (Features.output, 16 columns) as the features.
    // The refusal then offered that input as the one to choose with --output-column, which writes it as the features:
    // only the float outputs besides the input are offered (a copy of the input here), and where there is none, none is.
    [Theory]
    [InlineData(false, "not a float (N, H) output, and its only other float (N, H) output is its input passed through (Features.output); featurize writes only a code of floats.")]
    [InlineData(true, "not a float (N, H) output; its float (N, H) outputs besides its input are Copy.output: choose one with --output-column.")]
    public void A_graph_whose_metadata_names_an_output_that_is_not_float_N_H_is_refused_naming_it_and_nothing_is_written(bool copy, string rest)
    {
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml =>
        {
            var ae = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 });
            IEstimator<ITransformer> start = copy ? ml.Transforms.CopyColumns("Copy", "Features").Append(ae) : ae;
            return start.Append(ml.Transforms.Conversion.ConvertType("Code", outputKind: DataKind.Double));
        });
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "library.onnx").ExitCode);
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "library.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: 'library.onnx' names Code.output as its features (metadata sparseae.features), but that output is Double [?, 5], "
            + rest, error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "onnx.csv")));
    }

    // The same model converted by ML.NET alone carries no metadata: featurize found no float output besides the input, took
    // the input passed through (Features.output) for a code that replaced the input column, and wrote the CSV's own rows
    // as h0..h15, exit 0. A graph whose chosen output gives the rows back unchanged is refused.
    [Fact]
    public void A_graph_whose_only_float_output_is_its_input_passed_through_is_refused_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.Conversion.ConvertType("Code", outputKind: DataKind.Double)));
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(Path.Combine(dir, "library.zip"), out var schema);
        var rows = File.ReadLines(Path.Combine(dir, "in.csv")).Select(l => new ModelCommandTests.Row { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() });
        using (var file = File.Create(Path.Combine(dir, "plain.onnx")))
            ml.Model.ConvertToOnnx(model, ml.Data.LoadFromEnumerable(rows.ToArray()), file);
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "plain.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: The only float (N, H) output of 'plain.onnx', Features.output, gives the CSV's rows back unchanged: "
            + "it is the input passed through, not features (the code is of another type, or the graph has none); featurize writes a code of floats.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "onnx.csv")));
    }

    // A graph whose metadata names an output it lacks (edited, or its outputs renamed since): the refusal listed its outputs
    // by name alone, where every other list of a graph's inputs or outputs gives each its type and shape.
    [Fact]
    public void A_graph_whose_metadata_names_an_output_it_lacks_lists_its_outputs_with_their_types()
    {
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }));
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(Path.Combine(dir, "library.zip"), out _);
        var rows = File.ReadLines(Path.Combine(dir, "in.csv")).Select(l => new ModelCommandTests.Row { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() });
        var plain = new MemoryStream();
        ml.Model.ConvertToOnnx(model, ml.Data.LoadFromEnumerable(rows.ToArray()), plain);
        File.WriteAllBytes(Path.Combine(dir, "named.onnx"), OnnxGraphFile.WithMetadata(plain.ToArray(), OnnxGraphFile.FeaturesKey, "Gone.output"));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "named.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("error: 'named.onnx' names Gone.output as its features (metadata sparseae.features), but it has no such output " +
            "(its outputs are Features.output (Single [?, 16]), Code.output (Single [?, 5])), not a float (N, H) output", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "onnx.csv")));
    }

    public sealed class LabelledRow
    {
        public float Label { get; set; }
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    // The training CSV's rows (in.csv, no header) labelled 0, 1, 2 in turn, for the pipelines that end in a classifier.
    private static IDataView LabelledData(MLContext ml, string dir)
        => ml.Data.LoadFromEnumerable(File.ReadAllLines(Path.Combine(dir, "in.csv"))
            .Select((l, i) => new LabelledRow { Label = i % 3, Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() }).ToArray());

    // A model saved with its training data's schema, as ML.NET's samples save them: ML.NET's converter declared every column
    // a graph input, so the graph asked ONNX Runtime for the Label it only passed on, and featurize refused it ("takes a graph
    // with one input, but 'x.onnx' has 2: Label, Features"). The graph takes the columns the pipeline reads.
    [Fact]
    public void A_model_saved_with_a_column_it_does_not_read_exports_a_graph_that_takes_only_what_it_reads()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        var ml = new MLContext(seed: 1);
        var data = LabelledData(ml, dir);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "labelled.zip"));

        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "labelled.zip", "--out", "labelled.onnx");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote labelled.onnx: inputs Features; outputs Features.output, Code.output", output.TrimEnd());
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "labelled.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        var written = ReadCsv(Path.Combine(dir, "f.csv"));
        Assert.Equal(expected.Length, written.Length);
        for (int i = 0; i < written.Length; i++)
            for (int j = 0; j < 5; j++)
                Assert.True(Math.Abs(expected[i][j] - written[i][j]) <= 1e-5, $"row {i}, code {j}: ML.NET {expected[i][j]}, graph {written[i][j]}");

        // ML.NET's own converter, given the whole view, still declares Label: featurize refuses that graph, saying what to do.
        using (var stream = File.Create(Path.Combine(dir, "wide.onnx")))
            ml.Model.ConvertToOnnx(model, data, stream);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "wide.onnx", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: featurize takes a graph with one input, but 'wide.onnx' has 2: Label (Single [?, 1]), Features (Single [?, 16]); featurize the model zip instead, " +
            "or export it with sparseae export-onnx, which declares only the columns the pipeline reads.", error.TrimEnd());
    }

    // A pipeline that goes on to a classifier reads its label (MapValueToKey("Label")), so export-onnx's own graph takes it.
    // featurize of that graph said to "export it with sparseae export-onnx, which declares only the columns the pipeline
    // reads", which is how it was made and would make it again; it now says the pipeline reads them all, and to featurize the zip.
    [Fact]
    public void A_graph_from_export_onnx_of_a_pipeline_that_reads_its_label_is_refused_without_sending_the_user_back_to_export_onnx()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        var ml = new MLContext(seed: 1);
        var data = LabelledData(ml, dir);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "Code", maximumNumberOfIterations: 5)).Fit(data);
        string error = RefusalOfExportedLabelledGraph(dir, ml, model, data, "classifier");
        Assert.Equal("error: featurize takes a graph with one input, but 'classifier.onnx' has 2: Label (Single [?, 1]), Features (Single [?, 16]); sparseae export-onnx declared " +
            "only the columns its pipeline reads, so the pipeline reads them all: featurize the model zip instead, which runs the model only as far as its code.", error.TrimEnd());
        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "classifier.zip", "--csv", "in.csv", "--out", "f.csv").ExitCode);

        // A graph export-onnx wrote before it marked its graphs (sparseae.exporter) names its features only: still ours.
        using (var stream = new MemoryStream())
        {
            ml.Model.ConvertToOnnx(model, data, stream);
            File.WriteAllBytes(Path.Combine(dir, "older.onnx"), OnnxGraphFile.WithMetadata(stream.ToArray(), "sparseae.features", "Code.output"));
        }
        (var code, _, error) = Cli.Run(dir, "featurize", "--model", "older.onnx", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: featurize takes a graph with one input, but 'older.onnx' has 2: Label (Single [?, 1]), Features (Single [?, 16]); sparseae export-onnx declared " +
            "only the columns its pipeline reads, so the pipeline reads them all: featurize the model zip instead, which runs the model only as far as its code.", error.TrimEnd());
    }

    // The model, a pipeline that reads its label, saved as name.zip and exported by export-onnx as name.onnx (a graph that
    // takes Label and Features), and featurize's refusal of that graph (exit 2), which the tests beside it check.
    private static string RefusalOfExportedLabelledGraph(string dir, MLContext ml, ITransformer model, IDataView data, string name)
    {
        ml.Model.Save(model, data.Schema, Path.Combine(dir, $"{name}.zip"));
        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", $"{name}.zip", "--out", $"{name}.onnx");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.StartsWith($"wrote {name}.onnx: inputs Label, Features;", output);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", $"{name}.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        return error;
    }

    // Two stacked autoencoders before the classifier: featurize of the zip asks which code (--output-column), so export-onnx
    // names none in the graph's metadata (sparseae.features), and the refusal of its two inputs took the graph, which
    // export-onnx had just written, for a foreign one: "or export it with sparseae export-onnx". Every graph export-onnx
    // writes says so in its metadata (sparseae.exporter), and the advice keys on that. It then said only to featurize the zip,
    // which asks which code: the graph lists the zip's codes (sparseae.codes), and the advice names them as featurize of the zip does.
    [Fact]
    public void A_graph_from_export_onnx_of_two_autoencoders_and_a_label_is_refused_without_sending_the_user_back_to_export_onnx()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        var ml = new MLContext(seed: 1);
        var data = LabelledData(ml, dir);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Code1", HiddenCount = 8, MaxIterations = 5 })
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Code1", OutputColumnName = "Code2", HiddenCount = 5, MaxIterations = 5 }))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "Code2", maximumNumberOfIterations: 5)).Fit(data);
        string error = RefusalOfExportedLabelledGraph(dir, ml, model, data, "stacked");
        // The advice is whole: the zip holds two codes, so featurize of it asks which, and the refusal names them as that one does.
        Assert.Equal("error: featurize takes a graph with one input, but 'stacked.onnx' has 2: Label (Single [?, 1]), Features (Single [?, 16]); sparseae export-onnx declared " +
            "only the columns its pipeline reads, so the pipeline reads them all: featurize the model zip instead, which runs the model only as far as its code; " +
            "it holds 2 sparse autoencoders or convolutional featurizers, whose codes are 'Code1' and 'Code2'; choose one with --output-column.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        Assert.Equal("error: Model 'stacked.zip' holds 2 sparse autoencoders or convolutional featurizers, whose codes are 'Code1' and 'Code2'; choose one with --output-column.",
            Cli.Run(dir, "featurize", "--model", "stacked.zip", "--csv", "in.csv", "--out", "f.csv").Err.TrimEnd());
        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "stacked.zip", "--csv", "in.csv", "--out", "f.csv", "--output-column", "Code2").ExitCode);
        using var graph = OnnxGraphFile.Open(Path.Combine(dir, "stacked.onnx"));
        var metadata = graph.Session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("sparseae export-onnx", metadata["sparseae.exporter"]);
        Assert.False(metadata.ContainsKey("sparseae.features"));
    }

    // A model saved with an input vector of several dimensions (Vector<Single, 4, 4>, as ExtractPixels or an ONNX model gives)
    // exports a graph whose input is (N, 4, 4), which its nodes reshape to rows (docs/onnx.md). featurize of the zip fed the
    // CSV's rows of 16 values; featurize of its graph refused it: "The input 'Features' ... must be a float tensor (N, V), but
    // is Single [-1, 4, 4]". The rows are given the input's shape.
    [Fact]
    public void A_graph_whose_input_has_several_dimensions_featurizes_like_its_zip()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        var ml = new MLContext(seed: 1);
        var rows = File.ReadAllLines(Path.Combine(dir, "in.csv")).Select(l => new Image { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() });
        var schema = SchemaDefinition.Create(typeof(Image));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 4, 4);
        var data = ml.Data.LoadFromEnumerable(rows.ToArray(), schema);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "image.zip"));
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "image.zip", "--out", "image.onnx").ExitCode);

        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "image.zip", "--csv", "in.csv", "--out", "zip.csv").ExitCode);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "image.onnx", "--csv", "in.csv", "--out", "onnx.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote onnx.csv: 300 rows of 5 features", output);
        var zip = ReadCsv(Path.Combine(dir, "zip.csv"));
        var onnx = ReadCsv(Path.Combine(dir, "onnx.csv"));
        Assert.Equal(zip.Length, onnx.Length);
        for (int i = 0; i < zip.Length; i++)
            for (int j = 0; j < 5; j++)
                Assert.True(Math.Abs(zip[i][j] - onnx[i][j]) <= 1e-5, $"row {i}, feature {j}: zip {zip[i][j]}, onnx {onnx[i][j]}");
    }

    // An --out under a file (a slip for a folder) was said to be under a folder that "does not exist", though the path exists.
    [Fact]
    public void An_out_path_under_a_file_is_refused_saying_that_the_folder_is_a_file()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "in.csv/model.onnx");
        Assert.Equal(2, code);
        Assert.Equal($"error: --out 'in.csv/model.onnx': its folder '{Path.Combine(dir, "in.csv")}' is a file, not a folder.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "model.onnx")));
    }

    public sealed class Image
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void A_code_that_replaces_its_input_column_is_featurized_from_the_graph_as_from_the_zip()
    {
        // The graph's "Features.output" is then the code, not the input passed through.
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(
            new SparseAutoencoderOptions { OutputColumnName = "Features", HiddenCount = 7, MaxIterations = 5 }));
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "library.onnx").ExitCode);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "zip.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        foreach (var column in new string?[] { null, "Features", "Features.output" })
        {
            string[] chosen = column is null ? [] : ["--output-column", column];
            (code, output, error) = Cli.Run(dir, ["featurize", "--model", "library.onnx", "--csv", "in.csv", "--out", "onnx.csv", .. chosen]);
            Assert.True(code == 0, $"--output-column {column}: exit {code}: {error}");
            Assert.Contains("wrote onnx.csv: 50 rows of 7 features", output);
            var zip = ReadCsv(Path.Combine(dir, "zip.csv"));
            var onnx = ReadCsv(Path.Combine(dir, "onnx.csv"));
            for (int i = 0; i < zip.Length; i++)
                for (int j = 0; j < 7; j++)
                    Assert.True(Math.Abs(zip[i][j] - onnx[i][j]) <= 1e-5, $"row {i}, feature {j}: zip {zip[i][j]}, onnx {onnx[i][j]}");
        }
    }

    [Fact]
    public void A_graph_exported_to_a_device_or_a_pipe_is_not_read_back_from_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        // The graph was read back from --out to list its inputs and outputs: from /dev/null "error: Cannot load
        // ONNX graph '/dev/null': ... The file is empty." (exit 2, after the export), and from a pipe it waited forever.
        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "/dev/null");
        Assert.True(code == 0, $"exit {code}: {error}");
        // /dev/null carries no data: the note stays on standard output.
        Assert.Contains("wrote /dev/null: inputs Features; outputs Features.output, Code.output", output);
        Assert.DoesNotContain("wrote", error);

        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "/dev/stdout");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.DoesNotContain("wrote", output);
        Assert.Contains("wrote /dev/stdout: inputs Features", error);
    }

    [Fact]
    public void A_damaged_model_zip_is_refused_in_one_line_and_nothing_is_written()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(Path.Combine(dir, "broken.zip"), [0x50, 0x4b, 3, 4, 1, 2, 3]);
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "broken.zip", "--out", "x.onnx");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Cannot load model 'broken.zip'", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Empty(Directory.GetFiles(dir, "*.onnx*"));
    }

    // ML.NET's converter cannot write a LogMeanVariance normaliser with its CDF (the default). Such a stage after
    // the code failed as "internal error: InvalidOperationException: The targeted pipeline can not be fully
    // converted..." (exit 1), and before it as "its input column 'N' has no value in the graph": neither named the stage.
    [Theory]
    [InlineData(false, "stage 2 of 2, NormalizingTransformer (columns CodeL)")]
    [InlineData(true, "stage 1 of 2, NormalizingTransformer (columns N)")]
    public void A_stage_ML_NET_cannot_export_is_refused_in_one_line_naming_it_and_an_existing_out_file_stays(bool first, string stage)
    {
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml => first
            ? ml.Transforms.NormalizeLogMeanVariance("N", "Features")
                .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "N", HiddenCount = 5, MaxIterations = 5 }))
            : ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })
                .Append(ml.Transforms.NormalizeLogMeanVariance("CodeL", "Code")));
        File.WriteAllText(Path.Combine(dir, "x.onnx"), "kept");
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "x.onnx");
        Assert.Equal(2, code);
        Assert.Equal($"error: Model 'library.zip' cannot be exported to ONNX: its {stage} has no ONNX form in ML.NET's converter. "
            + "Export the pipeline without it (ML.NET's own transforms say which of their options have one).", error.TrimEnd());
        Assert.Equal("kept", File.ReadAllText(Path.Combine(dir, "x.onnx")));
    }

    // ML.NET's converter writes a normalizer of Doubles as a Scaler node whose output it declares as double, where ONNX's
    // Scaler gives float, and ONNX Runtime refuses the graph: export-onnx said "Cannot load ONNX graph 'x.onnx': ...", of a
    // file the user never had (nothing is written). The refusal now says the export failed, and names the stage.
    [Fact]
    public void A_graph_ML_NETs_converter_writes_and_ONNX_Runtime_refuses_is_refused_naming_the_stage()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(File.ReadAllLines(Path.Combine(dir, "in.csv")).Select(l => new ModelCommandTests.DoubleRow
        {
            Features = l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
        }).ToArray());
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Single))
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "doubles.zip"));
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "doubles.zip", "--out", "x.onnx");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Model 'doubles.zip' cannot be exported to ONNX: ML.NET's converter wrote its stage 1 of 3, NormalizingTransformer (columns Features), " +
            "as a graph that ONNX Runtime refuses (ONNX Runtime: ", error);
        Assert.EndsWith("); export the pipeline without it.", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "x.onnx")));
    }

    // ONNX has no date or time type, and ML.NET's converter said only "Unsupported type: System.DateTime": the refusal
    // blamed the autoencoder ("its stage 1 of 1, SparseAutoencoderTransformer (columns Code) has no ONNX form"), which has
    // one. A pipeline that reads the date (a copy of it here) cannot be a graph of standard types.
    [Fact]
    public void An_input_column_ONNX_has_no_type_for_is_named_not_the_stage_after_it()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new DatedRow { Features = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble()).ToArray() }).ToArray());
        var model = ml.Transforms.CopyColumns("When2", "When")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 })).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "dated.zip"));
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "dated.zip", "--out", "x.onnx");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'dated.zip' cannot be exported to ONNX: its input column 'When' is DateTime, which ONNX has no type for "
            + "(ML.NET's converter: \"Unsupported type: System.DateTime\"); the pipeline reads it, so the graph would have to take it: export a pipeline that does not.", error.TrimEnd());
        Assert.Empty(Directory.GetFiles(dir, "*.onnx*"));
    }

    public sealed class DatedRow
    {
        public DateTime When { get; set; }
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    // A column ONNX has no type for (a vector of dates, of durations, a row id) that the pipeline does not read was declared
    // a graph input all the same, as ML.NET's converter declares every column it is given, and the export was refused
    // ("... If the pipeline does not read it, save the model with an input schema without it"): the graph takes only the
    // columns the pipeline reads now.
    [Theory]
    [InlineData("dates")]
    [InlineData("durations")]
    [InlineData("row id")]
    public void An_input_column_ONNX_has_no_type_for_that_the_pipeline_does_not_read_is_left_out_of_the_graph(string kind)
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        float[] Features() => Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble()).ToArray();
        IDataView data = kind switch
        {
            "dates" => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new TimedRow<DateTime> { Extra = [DateTime.UnixEpoch, DateTime.UnixEpoch], Features = Features() }).ToArray()),
            "durations" => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new TimedRow<TimeSpan> { Extra = [TimeSpan.Zero, TimeSpan.Zero], Features = Features() }).ToArray()),
            _ => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(_ => new RowIdRow { Extra = default, Features = Features() }).ToArray()),
        };
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "m.zip"));
        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "m.zip", "--out", "x.onnx");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote x.onnx: inputs Features; outputs Features.output, Code.output", output.TrimEnd());
    }

    // featurize of a model zip without an autoencoder or convolutional featurizer (a PCA alone, a normalizer) refuses it
    // ("holds no sparse autoencoder ..."), but export-onnx wrote its graph, and featurize of that graph wrote the PCA's
    // projection (or the normalized input) as the features, exit 0: the two disagreed about one model. export-onnx, whose
    // graph is the model's features for featurize, refuses such a zip in featurize's words, and writes nothing.
    [Theory]
    [InlineData("pca", "PrincipalComponentAnalysisTransformer")]
    [InlineData("minmax", "NormalizingTransformer")]
    public void A_model_without_an_autoencoder_is_refused_by_export_onnx_in_featurizes_words_and_nothing_is_written(string kind, string holds)
    {
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml => kind == "pca"
            ? ml.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: 3)
            : ml.Transforms.NormalizeMinMax("Features"));
        string said = $"error: Model 'library.zip' holds no sparse autoencoder or convolutional featurizer; it holds {holds}.";
        Assert.Equal(said, Cli.Run(dir, "featurize", "--model", "library.zip", "--csv", "in.csv", "--out", "f.csv").Err.TrimEnd());
        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "library.zip", "--out", "library.onnx");
        Assert.Equal(2, code);
        Assert.Equal(said, error.TrimEnd());
        Assert.Equal("", output);
        Assert.False(File.Exists(Path.Combine(dir, "library.onnx")));
    }

    public sealed class TimedRow<T>
    {
        [VectorType(2)] public T[] Extra { get; set; } = [];
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    public sealed class RowIdRow
    {
        public DataViewRowId Extra { get; set; }
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    // The refusal said it twice: "Model 'text.zip' cannot be exported to ONNX: TokenCountsTransformer cannot be exported to ONNX: ...".
    [Fact]
    public void A_model_with_token_counts_is_refused_in_one_line_naming_the_transformer_and_why()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { "sparse codes of text", "edge filters", "a patch of an image" }.Select(t => new ModelCommandTests.Document { Text = t }).ToArray());
        var model = ml.Transforms.TokenCounts("Counts", "Text", maximumTokens: 8)
            .Append(ml.Transforms.SparseAutoencoder("Code", "Counts", hiddenCount: 2, maxIterations: 3)).Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(dir, "text.zip"));
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "text.zip", "--out", "text.onnx");
        Assert.Equal(2, code);
        Assert.Equal("error: Model 'text.zip': TokenCountsTransformer cannot be exported to ONNX: ONNX has no standard operator for its tokenizer ('cl100k_base').", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "text.onnx")));
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_called_so_and_an_onnx_graph_given_as_the_model_is_named()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        File.WriteAllText(Path.Combine(dir, "text.zip"), "hello\n");
        var (code, _, error) = Cli.Run(dir, "export-onnx", "--model", "text.zip", "--out", "x.onnx");
        Assert.Equal(2, code);
        Assert.Equal("error: Cannot load model 'text.zip': it is not a zip archive, which a saved ML.NET model is (its first bytes are 68656C6C; a zip's are 504B).", error.TrimEnd());

        (code, _, error) = Cli.Run(dir, "show", "--model", "model.onnx", "--filters", "f.png");
        Assert.Equal(2, code);
        Assert.EndsWith("This looks like an ONNX graph: featurize runs a graph when its name ends in .onnx, and other commands need the model zip it was exported from.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.png")));
    }

    [Fact]
    public void An_onnx_graph_under_another_name_is_named_so_featurize_of_it_says_that_a_graph_is_read_by_its_onnx_name()
    {
        // featurize runs a file as a graph only when its name ends in .onnx; a graph saved or renamed as model.bin was
        // "it is not a zip archive ... (its first bytes are 0806...)", which did not say what the file was or what to do.
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        File.Copy(Path.Combine(dir, "model.onnx"), Path.Combine(dir, "graph.bin"));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "graph.bin", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.EndsWith("This looks like an ONNX graph: featurize runs a graph when its name ends in .onnx, and other commands need the model zip it was exported from.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    [Fact]
    public void A_tensorflow_saved_model_is_not_named_an_onnx_graph()
    {
        // A TensorFlow saved_model.pb starts with its schema version, field 1 = 1 (08 01), as an ONNX ModelProto starts with
        // its ir_version; but ONNX graphs have ir_version 3 or more (ONNX 1.0 on), so 08 01 was named a graph wrongly.
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("saved_model.pb"), [0x08, 0x01, 0x12, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o']);
        var (code, _, error) = Cli.Run(temp.Path, "show", "--model", "saved_model.pb", "--filters", "f.png");
        Assert.Equal(2, code);
        Assert.Equal("error: Cannot load model 'saved_model.pb': it is not a zip archive, which a saved ML.NET model is (its first bytes are 08011205; a zip's are 504B).", error.TrimEnd());
    }

    [Fact]
    public void A_damaged_onnx_file_is_refused_in_one_line_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        var bytes = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
        File.WriteAllBytes(Path.Combine(dir, "truncated.onnx"), bytes[..(bytes.Length / 2)]);
        File.WriteAllText(Path.Combine(dir, "text.onnx"), "not a graph");
        foreach (var bad in new[] { "truncated.onnx", "text.onnx" })
        {
            var (code, _, error) = Cli.Run(dir, "featurize", "--model", bad, "--csv", "in.csv", "--out", "f.csv");
            Assert.Equal(2, code);
            Assert.StartsWith($"error: Cannot load ONNX graph '{bad}'", error);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        }
    }

    [Fact]
    public void Rows_of_the_wrong_size_or_with_a_NaN_are_refused_by_the_graph_too()
    {
        using var temp = new TempFolder();
        var dir = TrainSmall(temp, "--iterations", "5");
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "0.1,0.2,0.3\n");
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.onnx", "--csv", "bad.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        // Said as the zip's path says it (ModelCommandTests), each naming its own input: it said "the input 'Features' takes 16".
        Assert.Equal("error: 'bad.csv' does not fit the graph: its rows have 3 values, but the graph's input 'Features' takes 16.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        // The graph would encode a NaN into a row of NaN codes (and an infinity into saturated ones): the
        // CSV is refused as the zip's path refuses it.
        var lines = File.ReadAllLines(Path.Combine(dir, "in.csv"));
        lines[1] = string.Join(',', lines[1].Split(',').Select((v, i) => i == 0 ? "Infinity" : v));
        File.WriteAllLines(Path.Combine(dir, "inf.csv"), lines);
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.onnx", "--csv", "inf.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("error: CSV 'inf.csv' line 2, column 1 holds Infinity; every value must be finite.", error);
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // Rows of V values in [0, 1), with no header.
    private static float[][] WriteRows(string dir, string name, int rows, int v)
    {
        var rng = new Random(5);
        var data = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, v).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        File.WriteAllLines(Path.Combine(dir, name), data.Select(r => string.Join(',', r.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))));
        return data;
    }

    [Theory]
    [InlineData("H")]      // dim_param
    [InlineData(null)]     // no dim_value, no dim_param
    [InlineData(-1L)]      // dim_value -1, as ML.NET writes the open batch dimension (ONNX Runtime reads it, and python onnx 1.12's full check takes it)
    public void An_output_of_open_width_takes_its_width_from_the_first_batch(object? width)
    {
        // Y = X W: 4,100 rows are two batches, each of which must give 3 features a row.
        using var dir = new TempFolder();
        var x = WriteRows(dir, "in.csv", 4100, 4);
        float[] w = [1, 0, -1, 2, 0.5f, 0, 0, -1, 3, 0.25f, 0.25f, 0.25f];   // W (4, 3), row-major
        new OnnxGraphWriter().Floats("W", [4, 3], w).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "open.onnx"), ("X", ["N", 4L]), ("Y", ["N", width]));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "open.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 4100 rows of 3 features", output);
        Assert.Equal("h0,h1,h2", File.ReadLines(Path.Combine(dir, "f.csv")).First());
        var y = ReadCsv(Path.Combine(dir, "f.csv"));
        Assert.Equal(4100, y.Length);
        AssertProductByHand(x, w, y);
    }

    // y = x W for W (4, 3) row-major, worked out in double: the features a MatMul graph must give.
    private static void AssertProductByHand(float[][] x, float[] w, float[][] y)
    {
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < 3; j++)
            {
                double expected = 0;
                for (int k = 0; k < 4; k++) expected += (double)x[i][k] * w[k * 3 + j];
                Assert.True(Math.Abs(y[i][j] - expected) <= 1e-5, $"row {i}, feature {j}: {y[i][j]}, by hand {expected}");
            }
    }

    // A graph exported with a fixed batch (torch.onnx.export without dynamic axes: X (1, 4)) was refused for any CSV of more
    // rows than that: "ONNX Runtime could not run 'b1.onnx' on rows 1 to 50 of 'in.csv': [ErrorCode:InvalidArgument] Got
    // invalid dimensions for input: X for the following indices index: 0 Got: 50 Expected: 1 ...". It takes the rows in
    // batches of its size, the last one filled up with zeros whose features are not written.
    [Theory]
    [InlineData(1L)]
    [InlineData(8L)]
    public void A_graph_of_a_fixed_batch_size_featurizes_its_rows_in_batches_of_that_size(long size)
    {
        using var dir = new TempFolder();
        var x = WriteRows(dir, "in.csv", 50, 4);
        float[] w = [1, 0, -1, 2, 0.5f, 0, 0, -1, 3, 0.25f, 0.25f, 0.25f];   // W (4, 3), row-major
        new OnnxGraphWriter().Floats("W", [4, 3], w).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "fixed.onnx"), ("X", [size, 4L]), ("Y", [size, 3L]));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "fixed.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 50 rows of 3 features", output);
        var y = ReadCsv(Path.Combine(dir, "f.csv"));
        Assert.Equal(50, y.Length);
        AssertProductByHand(x, w, y);
    }

    // A fixed batch is fed whole, and ONNX Runtime's .NET API hands a batch over, in and out, as one block of at most 2 GB.
    // Of 100,000,000 rows of 64 (more than one array holds) featurize fed the CSV's rows as an open batch, and ONNX Runtime
    // refused them ("Got invalid dimensions for input: X ... Got: 1 Expected: 100000000"); of 1,000,000,000 rows of 2 it
    // allocated 8 GB and ended after ONNX Runtime's run in "error: Specified argument was out of the range of valid values.".
    // Such a batch is refused before anything is allocated, of its input or of the output width the graph declares.
    [Theory]
    [InlineData(100_000_000L, 64L, 64L, "its input 'X' fixes the batch at 100000000 rows of 64 values: 6400000000")]
    [InlineData(1_000_000L, 4L, 1000L, "its output 'Y' gives 1000000 rows of 1000 features (its width in the graph): 1000000000")]
    public void A_fixed_batch_larger_than_ONNX_Runtime_hands_over_is_refused_before_it_is_allocated(long size, long v, long h, string said)
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, (int)v);
        new OnnxGraphWriter().Floats("W", [v, h], new float[v * h]).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "fixed.onnx"), ("X", [size, v]), ("Y", [size, h]));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "fixed.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal($"error: A batch of 'fixed.onnx' must hold at most {int.MaxValue / sizeof(float)} floats (2 GB, as much as ONNX Runtime's .NET API " +
            $"hands over as one block), but {said}.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // A batch the graph leaves open was 4,096 rows whatever their width or the CSV's rows: of an image input (N, 3, 224, 224),
    // 2.4 GB for 3 rows, which under a 256 MB heap ended in an out-of-memory error. Wide rows go in fewer to a batch.
    [Fact]
    public void Wide_rows_of_an_open_batch_go_in_batches_that_fit_a_small_heap()
    {
        using var dir = new TempFolder();
        const int v = 3 * 224 * 224;
        var x = WriteRows(dir, "in.csv", 3, v);
        var w = new float[v * 2];
        for (int k = 0; k < v; k++) { w[2 * k] = 1; w[2 * k + 1] = k % 2; }   // W (v, 2): the sum, and the odd values' sum
        new OnnxGraphWriter().Floats("W", [v, 2], w).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "wide.onnx"), ("X", ["N", (long)v]), ("Y", ["N", 2L]));
        var start = Cli.StartInfo(dir, "featurize", "--model", "wide.onnx", "--csv", "in.csv", "--out", "f.csv");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";   // 256 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 3 rows of 2 features", output);
        var y = ReadCsv(Path.Combine(dir, "f.csv"));
        for (int i = 0; i < 3; i++)
        {
            double sum = 0, odd = 0;
            for (int k = 0; k < v; k++) { sum += x[i][k]; if (k % 2 == 1) odd += x[i][k]; }
            Assert.True(Math.Abs(y[i][0] - sum) <= 1e-5 * sum && Math.Abs(y[i][1] - odd) <= 1e-5 * odd, $"row {i}: {y[i][0]}, {y[i][1]}; by hand {sum}, {odd}");
        }
    }

    // The open batch's floats, at most 2^24 (64 MB), bound the outputs too: a graph of 64 inputs and 2^20 outputs a row takes
    // 16 rows a batch, where 4,096 would have ONNX Runtime allocate 16 GB of native memory for its output, which no
    // DOTNET_GCHeapHardLimit bounds (so no run of the command can show it here). An output width the graph leaves open is 0, and
    // its first batch one row, which tells the width: 4,096 rows of 64 were run whatever their outputs (the runs below show it).
    [Theory]
    [InlineData(64, 100, 4096)]
    [InlineData(64, 0, 1)]
    [InlineData(3 * 224 * 224, 2, 111)]
    [InlineData(64, 1 << 20, 16)]
    [InlineData(1 << 25, 0, 1)]
    [InlineData(2, 1 << 25, 1)]
    public void An_open_batch_holds_at_most_2_to_the_24_floats_of_its_inputs_or_its_outputs(int v, int h, int rows)
        => Assert.Equal(rows, SparseAe.Cli.Commands.OnnxFeaturize.OpenBatchRows(v, h));

    [Fact]
    public void An_output_whose_shape_contradicts_the_graph_is_refused_naming_both_shapes_and_nothing_is_written()
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 64);
        // The Reshape gives one row, (1, 64) for the first batch of one row (an open width is learned so), and (1, 256) for the next of 4.
        new OnnxGraphWriter().Int64s("S", [2], [1, -1]).Node("Reshape", "Y", "X", "S")
            .Save(Path.Combine(dir, "one.onnx"), ("X", ["N", 64L]), ("Y", ["N", "H"]));
        File.WriteAllText(Path.Combine(dir, "f.csv"), "old\n");
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "one.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: The output 'Y' of 'one.onnx' must have the shape [4, 64] for rows 2 to 5 (the width of its first batch), but ONNX Runtime gave [1, 256].", error.TrimEnd());
        Assert.Equal("old\n", File.ReadAllText(Path.Combine(dir, "f.csv")));
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "one.onnx", "--csv", "in.csv", "--out", "new.csv");
        Assert.Equal(2, code);
        Assert.False(File.Exists(Path.Combine(dir, "new.csv")));
        Assert.Equal(["f.csv", "in.csv", "one.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }

    // With no rows, an open width leaves the features' header without names: "error: columns must be at least 1,
    // but is 0. (Parameter 'columns')".
    [Fact]
    public void A_CSV_without_rows_through_an_output_of_open_width_is_refused_naming_the_missing_rows()
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "empty.csv"), "a,b,c,d\n");
        new OnnxGraphWriter().Node("Transpose", "T", "X").Node("MatMul", "Y", "X", "T")
            .Save(Path.Combine(dir, "gram.onnx"), ("X", ["N", 4L]), ("Y", ["N", "H"]));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "gram.onnx", "--csv", "empty.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: 'empty.csv' holds no rows, and the output 'Y' of 'gram.onnx' leaves its width open, so there is no header to write; give at least one row.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // Of a graph that declares its width, a CSV without rows has a header all the same: the features' file is that header, as
    // featurize of a model zip writes it. (Mutation audit: OnnxFeaturize's 'else if (h == 0)' -> 'else' refused it as if the
    // width were open.)
    [Fact]
    public void A_CSV_without_rows_through_an_output_of_declared_width_is_the_header_alone()
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "empty.csv"), "a,b,c,d\n");
        new OnnxGraphWriter().Floats("W", [4, 3], new float[12]).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "declared.onnx"), ("X", ["N", 4L]), ("Y", ["N", 3L]));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "declared.onnx", "--csv", "empty.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote f.csv: 0 rows of 3 features", output.TrimEnd());
        Assert.Equal(["h0,h1,h2"], File.ReadAllLines(Path.Combine(dir, "f.csv")));
    }

    // A graph is told by its name's ending in any case: MODEL.ONNX (a Windows export, a FAT drive) was read as a model zip
    // and refused ("it is not a zip archive ... featurize runs a graph when its name ends in .onnx"). (Mutation audit: the
    // ending compared with StringComparison.Ordinal passed every test.)
    [Fact]
    public void A_graph_whose_name_ends_in_ONNX_in_capitals_is_run_as_a_graph()
    {
        using var dir = new TempFolder();
        var x = WriteRows(dir, "in.csv", 20, 4);
        float[] w = [1, 0, -1, 2, 0.5f, 0, 0, -1, 3, 0.25f, 0.25f, 0.25f];   // W (4, 3), row-major
        new OnnxGraphWriter().Floats("W", [4, 3], w).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "MODEL.ONNX"), ("X", ["N", 4L]), ("Y", ["N", 3L]));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "MODEL.ONNX", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote f.csv: 20 rows of 3 features", output.TrimEnd());
        AssertProductByHand(x, w, ReadCsv(Path.Combine(dir, "f.csv")));
    }

    // The input passed through is refused as the features only when featurize guessed it: named with --output-column, it is
    // written as asked (the rows as the graph gives them back). (Mutation audit: the refusal without 'outputColumn is null'
    // passed every test, and refused the output the user chose.)
    [Fact]
    public void The_input_passed_through_is_written_when_output_column_names_it()
    {
        using var dir = new TempFolder();
        var x = WriteRows(dir, "in.csv", 20, 4);
        new OnnxGraphWriter().Node("Identity", "Features.output", "Features")
            .Save(Path.Combine(dir, "through.onnx"), ("Features", ["N", 4L]), ("Features.output", ["N", 4L]));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "through.onnx", "--csv", "in.csv", "--out", "guessed.csv");
        Assert.Equal(2, code);
        Assert.Contains("gives the CSV's rows back unchanged", error);
        (code, var output, error) = Cli.Run(dir, "featurize", "--model", "through.onnx", "--csv", "in.csv", "--out", "f.csv", "--output-column", "Features.output");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal("wrote f.csv: 20 rows of 4 features", output.TrimEnd());
        Assert.Equal(x, ReadCsv(Path.Combine(dir, "f.csv")));
    }

    // export-onnx without --out writes model.onnx, as its help says. (Mutation audit: another default passed every test, each
    // of which gave --out.)
    [Fact]
    public void Export_onnx_writes_model_onnx_by_default()
    {
        using var temp = new TempFolder();
        var dir = ModelCommandTests.SaveLibraryModel(temp, ml => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5 }));
        var (code, output, error) = Cli.Run(dir, "export-onnx", "--model", "library.zip");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.StartsWith("wrote model.onnx: inputs Features;", output);
        Assert.True(new FileInfo(Path.Combine(dir, "model.onnx")).Length > 0);
    }

    // docs/reliability.md names the test above for an open width that changes between batches too; this is that case.
    [Fact]
    public void An_open_width_that_changes_between_batches_is_refused_naming_the_first_batchs_width_and_nothing_is_written()
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 4097, 4);
        // X X^T is (n, n): 1 wide for the first batch of one row (an open width is learned so), 4,096 wide for the next of 4,096.
        new OnnxGraphWriter().Node("Transpose", "T", "X").Node("MatMul", "Y", "X", "T")
            .Save(Path.Combine(dir, "gram.onnx"), ("X", ["N", 4L]), ("Y", ["N", "H"]));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "gram.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: The output 'Y' of 'gram.onnx' must have the shape [4096, 1] for rows 2 to 4097 (the width of its first batch), " +
            "but ONNX Runtime gave [4096, 4096].", error.TrimEnd());
        // Not f.csv, nor the temporary file its first batch was streamed into (dot-files included).
        Assert.Equal(["gram.onnx", "in.csv"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    // ONNX Runtime infers (N, 10) for the MatMul and reports the declared 20 as -1; featurize crashed with an
    // OverflowException (rows x -1 floats). The graph's rows are what ONNX Runtime computes: 10 features.
    [Fact]
    public void An_output_width_that_ONNX_Runtime_leaves_open_is_the_width_it_computes()
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 64);
        new OnnxGraphWriter().Floats("W", [64, 10], new float[640]).Node("MatMul", "Y", "X", "W")
            .Save(Path.Combine(dir, "wrong.onnx"), ("X", ["N", 64L]), ("Y", ["N", 20L]));
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "wrong.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 5 rows of 10 features", output);
    }

    [Fact]
    public void A_graph_that_fails_at_run_time_is_refused_in_one_line_naming_the_rows_and_nothing_is_written()
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 64);
        // It loads, but 5 rows of 64 values do not reshape to rows of 3.
        new OnnxGraphWriter().Int64s("S", [2], [-1, 3]).Node("Reshape", "Y", "X", "S")
            .Save(Path.Combine(dir, "reshape.onnx"), ("X", ["N", 64L]), ("Y", ["N", 3L]));
        File.WriteAllText(Path.Combine(dir, "f.csv"), "old\n");
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "reshape.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.StartsWith("error: ONNX Runtime could not run 'reshape.onnx' on rows 1 to 5 of 'in.csv': ", error);
        Assert.Contains("The input tensor cannot be reshaped to the requested shape. Input shape:{5,64}, requested shape:{-1,3}", error);
        Assert.Single(error.TrimEnd().Split('\n'));   // ONNX Runtime's own log is quiet
        Assert.Equal("", output);
        Assert.Equal("old\n", File.ReadAllText(Path.Combine(dir, "f.csv")));
        Assert.Equal(["f.csv", "in.csv", "reshape.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
    }

    // A graph that takes no input (its one declared input has an initializer, which makes it a constant to ONNX Runtime, or
    // it declares none) was refused "has 0: ; featurize the model zip instead, or export it with sparseae export-onnx ...":
    // an empty list, and advice of a zip. A graph of two inputs that neither export-onnx nor ML.NET's converter wrote (a
    // hand-made or PyTorch graph) was told to "featurize the model zip instead" too, of a zip it never had, and its inputs were
    // listed by name alone ("has 2: A, B"), where outputs are listed with their types and shapes: they are listed alike.
    [Fact]
    public void A_graph_without_an_input_or_a_foreign_graph_of_two_is_refused_saying_what_is_true_of_it()
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 4);
        new OnnxGraphWriter().Floats("X", [1, 4], [1, -2, 3, -4]).Node("Relu", "Y", "X")
            .Save(Path.Combine(dir, "constant.onnx"), ("X", [1L, 4L]), ("Y", [1L, 4L]));
        new OnnxGraphWriter().Floats("X", [1, 4], [1, -2, 3, -4]).Node("Relu", "Y", "X")
            .Save(Path.Combine(dir, "none.onnx"), [], [("Y", [1L, 4L])]);
        new OnnxGraphWriter().Node("Add", "Y", "A", "B")
            .Save(Path.Combine(dir, "two.onnx"), [("A", ["batch", 4L]), ("B", [1L, 4L])], [("Y", ["batch", 4L])]);
        foreach (var (graph, said) in new[]
        {
            ("constant.onnx", "featurize takes a graph with one input, but 'constant.onnx' has none (its declared input X has an initializer, " +
                "which ONNX Runtime takes as a constant), so there is nothing to feed the CSV's rows to."),
            ("none.onnx", "featurize takes a graph with one input, but 'none.onnx' has none, so there is nothing to feed the CSV's rows to."),
            ("two.onnx", "featurize takes a graph with one input, but 'two.onnx' has 2: A (Single [batch, 4]), B (Single [1, 4]); featurize feeds the CSV's rows to that one, " +
                "and ONNX Runtime runs a graph only with a value for each input: give a graph that takes only the input its features are computed from."),
        })
        {
            var (code, _, error) = Cli.Run(dir, "featurize", "--model", graph, "--csv", "in.csv", "--out", "f.csv");
            Assert.Equal(2, code);
            Assert.Equal("error: " + said, error.TrimEnd());
            Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
        }
    }

    // A graph whose float output is not (N, H) (of rank 3, or of no declared shape) was refused "has no float (N, H) output;
    // its outputs are Y", which left what Y is to find out: its type and shape are said, as of an input that is not (N, V).
    [Theory]
    [InlineData(true, "Y (Single [batch, 2, 2])")]
    [InlineData(false, "Y (Single, a scalar or of unknown shape)")]
    public void A_graph_without_a_float_N_H_output_is_refused_naming_its_outputs_types_and_shapes(bool rank3, string outputs)
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 4);
        var writer = new OnnxGraphWriter();
        if (rank3) writer.Int64s("S", [3], [-1, 2, 2]).Node("Reshape", "Y", "X", "S");
        // Squeeze without axes drops the dimensions of 1, which N may be: the rank is unknown until the graph runs.
        else writer.Node("Squeeze", "Y", "X");
        writer.Save(Path.Combine(dir, "y.onnx"), ("X", ["batch", 4L]), ("Y", rank3 ? ["batch", 2L, 2L] : null));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "y.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal($"error: 'y.onnx' has no float (N, H) output; its outputs are {outputs}.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // An open size was said as ONNX Runtime reports it, -1, named or not: "but is Single [-1, -1]" of a graph exported with
    // dynamic axes named batch and V. A named one is said by its name, one without a name "?".
    [Theory]
    [InlineData("V", "Single [batch, V]")]
    [InlineData(null, "Single [batch, ?]")]
    public void An_input_of_an_open_row_size_is_refused_naming_its_open_sizes_as_the_graph_does(string? width, string said)
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 4);
        new OnnxGraphWriter().Node("Relu", "Y", "X").Save(Path.Combine(dir, "open.onnx"), ("X", ["batch", width]), ("Y", ["batch", width]));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "open.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: The input 'X' of 'open.onnx' must be a float tensor (N, V), or (N, d1, d2, ...) for a vector of several dimensions, " +
            $"each size after N known and their product at most {int.MaxValue}, but is {said}.", error.TrimEnd());
    }

    // A vector input has a batch dimension and a row: a graph whose input is (N), a float a row with no row dimension, is
    // refused as one of another shape. (Mutation audit: a rank of 1 taken as rows of one value passed every test.)
    [Fact]
    public void An_input_of_rank_1_is_refused_as_no_rows_of_vectors()
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 1);
        new OnnxGraphWriter().Node("Relu", "Y", "X").Save(Path.Combine(dir, "flat.onnx"), ("X", ["batch"]), ("Y", ["batch"]));
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "flat.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: The input 'X' of 'flat.onnx' must be a float tensor (N, V), or (N, d1, d2, ...) for a vector of several dimensions, " +
            $"each size after N known and their product at most {int.MaxValue}, but is Single [batch].", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    // The metadata entry appended to a graph is read back by ONNX Runtime whatever its length, at the lengths where the
    // varint that says it grows a byte (protobuf's base-128 encoding). (Mutation audit: a length of exactly 128 written as one
    // byte, 0x80, which no reader can end, passed every test.)
    [Theory]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    public void Metadata_of_any_length_is_appended_so_that_ONNX_Runtime_reads_it_back(int length)
    {
        using var dir = new TempFolder();
        string path = Path.Combine(dir, "plain.onnx");
        new OnnxGraphWriter().Node("Relu", "Y", "X").Save(path, ("X", ["N", 4L]), ("Y", ["N", 4L]));
        string value = new string('v', length - 1) + "\u00e9";   // one character of 2 bytes: the length in bytes is length + 1
        string key = new('k', length);
        using var graph = OnnxGraphFile.Open(OnnxGraphFile.WithMetadata(File.ReadAllBytes(path), key, value), path);
        Assert.Equal(value, graph.Session.ModelMetadata.CustomMetadataMap[key]);
        Assert.Equal(["X"], graph.Inputs);
    }

    // ONNX Runtime gives a sequence's (or a map's) element type and shape as an exception: featurize of a graph with a
    // sequence output (a classifier converted by skl2onnx outputs a sequence of maps) or input stopped with "internal error:
    // OnnxRuntimeException: [ErrorCode:Fail] OnnxValueType must either be a tensor or sparse tensor", exit 1. Its float
    // (N, H) output is featurized, and where it has none, or its input is a sequence, the refusal says "a sequence".
    [Fact]
    public void A_graph_with_a_sequence_output_or_input_is_featurized_by_its_float_output_or_refused_naming_the_sequence()
    {
        using var dir = new TempFolder();
        var x = WriteRows(dir, "in.csv", 5, 4);
        new OnnxGraphWriter().Sequence("S").Node("Relu", "Y", "X").Node("SequenceConstruct", "S", "X")
            .Save(Path.Combine(dir, "both.onnx"), [("X", ["N", 4L])], [("Y", ["N", 4L]), ("S", null)]);
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "both.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("wrote f.csv: 5 rows of 4 features", output);
        var y = ReadCsv(Path.Combine(dir, "f.csv"));
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(x[i].Select(v => Math.Max(v, 0)), y[i]);

        new OnnxGraphWriter().Sequence("S").Node("SequenceConstruct", "S", "X")
            .Save(Path.Combine(dir, "sequence.onnx"), ("X", ["N", 4L]), ("S", null));
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "sequence.onnx", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: 'sequence.onnx' has no float (N, H) output; its outputs are S (a sequence of Single, a scalar or of unknown shape).", error.TrimEnd());

        new OnnxGraphWriter().Sequence("S").Int64s("P", [], [0]).Node("SequenceAt", "Y", "S", "P")
            .Save(Path.Combine(dir, "input.onnx"), ("S", null), ("Y", ["N", 4L]));
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "input.onnx", "--csv", "in.csv", "--out", "g.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: The input 'S' of 'input.onnx' must be a float tensor (N, V), or (N, d1, d2, ...) for a vector of several dimensions, " +
            $"each size after N known and their product at most {int.MaxValue}, but is a sequence of Single, a scalar or of unknown shape.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "g.csv")));
    }

    // A graph whose only output is a sequence of maps (ai.onnx.ml's ZipMap, as a classifier converted by skl2onnx gives its
    // scores) or an optional, or whose input is a map or a sparse tensor, was refused naming only the kind ("its outputs are
    // Z (a sequence)", "... O (an optional)", "but is a map"): what it holds, its type and shape, is said as a tensor's is.
    [Theory]
    [InlineData("zipmap", "'g.onnx' has no float (N, H) output; its outputs are Z (a sequence of a map from Int64 to Single, a scalar or of unknown shape).")]
    [InlineData("optional", "'g.onnx' has no float (N, H) output; its outputs are O (an optional Single [N, 4]).")]
    [InlineData("map", "The input 'M' of 'g.onnx' must be a float tensor (N, V), or (N, d1, d2, ...) for a vector of several dimensions, " +
        "each size after N known and their product at most 2147483647, but is a map from Int64 to Single [3].")]
    [InlineData("sparse", "The input 'P' of 'g.onnx' must be a float tensor (N, V), or (N, d1, d2, ...) for a vector of several dimensions, " +
        "each size after N known and their product at most 2147483647, but is a sparse tensor of Single [N, 4].")]
    public void A_graph_of_a_map_an_optional_or_a_sparse_tensor_is_refused_naming_what_it_holds(string kind, string said)
    {
        using var dir = new TempFolder();
        WriteRows(dir, "in.csv", 5, 4);
        string graph = Path.Combine(dir, "g.onnx");
        switch (kind)
        {
            case "zipmap": new OnnxGraphWriter().Kind("Z", "sequence", "map").ZipMap("Z", "X", 0, 1, 2, 3).Save(graph, ("X", ["N", 4L]), ("Z", null)); break;
            case "optional": new OnnxGraphWriter().Opset(15).Kind("O", "optional").Node("Optional", "O", "X").Save(graph, ("X", ["N", 4L]), ("O", ["N", 4L])); break;
            // The graph's output is its input.
            case "map": new OnnxGraphWriter().Kind("M", "map").Save(graph, ("M", [3L]), ("M", [3L])); break;
            case "sparse": new OnnxGraphWriter().Kind("P", "sparse").Save(graph, ("P", ["N", 4L]), ("P", ["N", 4L])); break;
        }
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "g.onnx", "--csv", "in.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Equal("error: " + said, error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }
}
