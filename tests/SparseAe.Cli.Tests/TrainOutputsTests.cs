using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using SparseAe.Mat;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

/// <summary>train's outputs: the model, pictures, weights (CSV and MAT), rows, metrics, and where its lines go beside them.</summary>
public class TrainOutputsTests
{
    [Fact]
    public void Train_on_csv_writes_a_loadable_model_pictures_and_weights()
    {
        using var dir = new TempFolder();
        var csv = TrainTests.WriteCsv(dir, 200, 16, 1);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", csv, "--hidden", "9", "--iterations", "15",
            "--weights-csv", "w.csv", "--weights-mat", "w.mat", "--threads", "1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("done: 15 iterations, exit MaxIterations", output);
        Assert.Contains("final cost J", output);
        Assert.Contains("mean activation", output);
        foreach (var f in new[] { "model.zip", "filters.png", "curve.png", "w.csv", "w.mat" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        // The sigmoid code has no zeros: no latent-frequency histogram.
        Assert.False(File.Exists(Path.Combine(dir, "latents.png")));
        Assert.DoesNotContain("latents", output);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp").Concat(Directory.GetFiles(dir, ".*.tmp")));

        var model = new MLContext().Model.Load(Path.Combine(dir, "model.zip"), out _);
        var ae = (SparseAutoencoderTransformer)model;
        Assert.Equal(9, ae.Weights.HiddenCount);
        Assert.Equal(16, ae.Weights.VisibleCount);

        // W1 in the CSV (one row per hidden unit, under w0..w15: mutation audit, another header passed every test) and in
        // the MAT file (H x V, column-major).
        Assert.Equal(string.Join(',', Enumerable.Range(0, 16).Select(i => $"w{i}")), File.ReadLines(Path.Combine(dir, "w.csv")).First());
        var csvRows = File.ReadAllLines(Path.Combine(dir, "w.csv")).Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var w1 = MatFile.Read(Path.Combine(dir, "w.mat"))["W1"];
        Assert.Equal(new[] { 9, 16 }, w1.Dimensions);
        var colMajor = w1.ToSingleArray();
        for (int j = 0; j < 9; j++)
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal(ae.Weights.W1.Span[j * 16 + i], csvRows[j][i]);
                Assert.Equal(ae.Weights.W1.Span[j * 16 + i], colMajor[j + 9 * i]);
            }
    }

    // --weights-mat held W1, W2, b1, b2 only: JumpReLU's thresholds and the ZCA the code is computed from were missing,
    // so a MATLAB user could not compute the code featurize writes from the file.
    [Fact]
    public void The_weights_MAT_file_holds_what_computes_the_code_that_featurize_writes()
    {
        using var dir = new TempFolder();
        var rng = new Random(4);
        File.WriteAllLines(Path.Combine(dir, "rows.csv"), Enumerable.Range(0, 60).Select(_ =>
            string.Join(',', Enumerable.Range(0, 8).Select(_ => rng.NextDouble().ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--whiten", "zca", "--activation", "jumprelu", "--hidden", "6",
            "--epochs", "3", "--weights-mat", "w.mat");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "rows.csv", "--out", "f.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");

        var mat = MatFile.Read(Path.Combine(dir, "w.mat"));
        Assert.Equal("jumprelu", new string((char[])mat["activation"].GetColumnMajorData()));
        Assert.Equal("linear", new string((char[])mat["decoder"].GetColumnMajorData()));
        Assert.False(mat.TryGetVariable("k", out _));
        Assert.Equal(new[] { 8, 8 }, mat["zcaW"].Dimensions);
        // MATLAB's a = f(W1 * (zcaW * (x - zcaMean) - b2) + b1), f(z) = z where z > theta, else 0; all column-major.
        float[] w1 = mat["W1"].ToSingleArray(), b1 = mat["b1"].ToSingleArray(), b2 = mat["b2"].ToSingleArray(), theta = mat["theta"].ToSingleArray();
        float[] zcaW = mat["zcaW"].ToSingleArray(), mean = mat["zcaMean"].ToSingleArray();
        var x = File.ReadLines(Path.Combine(dir, "rows.csv")).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var features = File.ReadLines(Path.Combine(dir, "f.csv")).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        int fired = 0;
        for (int r = 0; r < x.Length; r++)
        {
            var white = Enumerable.Range(0, 8).Select(i => Enumerable.Range(0, 8).Sum(j => zcaW[i + 8 * j] * (x[r][j] - mean[j])) - b2[i]).ToArray();
            for (int u = 0; u < 6; u++)
            {
                double z = b1[u] + Enumerable.Range(0, 8).Sum(i => w1[u + 6 * i] * white[i]);
                double expected = z > theta[u] ? z : 0;
                if (expected != 0) fired++;
                Assert.True(Math.Abs(expected - features[r][u]) <= 1e-4 * (1 + Math.Abs(expected)), $"row {r} unit {u}: {expected} from the MAT file, {features[r][u]} from featurize");
            }
        }
        Assert.True(fired > 0, "no unit fired: the comparison checked zeros only");
    }

    [Fact]
    public void The_weights_MAT_file_of_a_TopK_code_holds_k()
    {
        using var dir = new TempFolder();
        var rng = new Random(5);
        File.WriteAllLines(Path.Combine(dir, "rows.csv"), Enumerable.Range(0, 40).Select(_ =>
            string.Join(',', Enumerable.Range(0, 8).Select(_ => rng.NextDouble().ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--activation", "topk", "--k", "3", "--hidden", "6", "--epochs", "2", "--weights-mat", "w.mat");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var mat = MatFile.Read(Path.Combine(dir, "w.mat"));
        Assert.Equal("topk", new string((char[])mat["activation"].GetColumnMajorData()));
        Assert.Equal(3.0, mat["k"].GetValue(0, 0));
        Assert.False(mat.TryGetVariable("theta", out _));
        Assert.False(mat.TryGetVariable("zcaW", out _));
    }

    // --metrics-json wrote the enum's name ("JumpReLU") where --weights-mat wrote --activation's ("jumprelu"): two machine-read
    // outputs of one run named one activation two ways. Both write the value --activation takes (docs/sparse-codes.md).
    [Theory]
    [InlineData("relu")]
    [InlineData("topk")]
    [InlineData("jumprelu")]
    public void The_metrics_JSON_and_the_weights_MAT_file_name_the_activation_as_the_flag_does(string activation)
    {
        using var dir = new TempFolder();
        TrainTests.WriteCsv(dir, 40, 8, 6);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--activation", activation, "--hidden", "12", "--epochs", "1",
            "--metrics-json", "m.json", "--weights-mat", "w.mat");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "m.json")));
        Assert.Equal(activation, json.RootElement.GetProperty("activation").GetString());
        Assert.Equal(activation, new string((char[])MatFile.Read(Path.Combine(dir, "w.mat"))["activation"].GetColumnMajorData()));
    }

    [Fact]
    public void Save_rows_writes_the_standardised_patches_that_were_trained_on()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "500", "--hidden", "4", "--iterations", "2", "--normalize", "standard",
            "--save-rows", "rows.csv", "--weights-csv", "w.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("normalised patches to mean 0 each and unit variance", output);
        var rows = File.ReadAllLines(Path.Combine(dir, "rows.csv")).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(500, rows.Length);
        Assert.All(rows, r => { Assert.Equal(64, r.Length); Assert.Equal(0, r.Average(), 1e-5); });
        var all = rows.SelectMany(r => r).ToArray();
        Assert.Equal(1, Math.Sqrt(all.Sum(v => v * v) / (all.Length - 1)), 1e-4);
        // The same rows through --csv train the same model (the seed and options alike).
        var (code2, output2, error2) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--iterations", "2", "--weights-csv", "w2.csv",
            "--model", "m2.zip", "--filters", "f2.png", "--curve", "c2.png");
        Assert.True(code2 == 0, $"exit {code2}: {error2}\n{output2}");
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "w.csv")), File.ReadAllText(Path.Combine(dir, "w2.csv")));
    }

    [Fact]
    public void A_TopK_code_trains_with_Adam_and_a_linear_decoder_and_prints_and_writes_its_metrics()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "2000", "--activation", "topk", "--k", "4", "--hidden", "32",
            "--epochs", "3", "--batch-size", "256", "--metrics-json", "metrics.json");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var line = output.Split('\n').Single(l => l.StartsWith("metrics: ", StringComparison.Ordinal));
        Assert.Matches(@"^metrics: L0=[0-9.]+ FVU=[0-9.]+ dead=[0-9.]+% dense=[0-9.]+%\s*$", line);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
        var root = json.RootElement;
        Assert.Equal("topk", root.GetProperty("activation").GetString());
        Assert.InRange(root.GetProperty("l0").GetDouble(), 1, 4 + 1e-9);
        Assert.Equal(32, root.GetProperty("firingRate").GetArrayLength());
        Assert.Equal(root.GetProperty("l0").GetDouble(), root.GetProperty("firingRate").EnumerateArray().Sum(e => e.GetDouble()), 1e-9);
        // dense is the share of latents that fire on more than a tenth of the rows, and the line prints the JSON's figures,
        // dead and dense as percentages. (Mutation audit: the JSON's dense written as the dead share, and the line's dense
        // printed as a share, not a percentage, each passed every test.)
        double dead = root.GetProperty("dead").GetDouble(), dense = root.GetProperty("dense").GetDouble();
        Assert.Equal(root.GetProperty("firingRate").EnumerateArray().Count(e => e.GetDouble() > 0.1) / 32.0, dense);
        Assert.True(dense > 0, $"the case needs dense latents, but dense is {dense}");
        Assert.Equal(string.Format(CultureInfo.InvariantCulture, "metrics: L0={0:F2} FVU={1:F4} dead={2:F1}% dense={3:F1}%",
            root.GetProperty("l0").GetDouble(), root.GetProperty("fvu").GetDouble(), 100 * dead, 100 * dense), line.TrimEnd());
        var ae = (SparseAutoencoderTransformer)new MLContext().Model.Load(Path.Combine(dir, "model.zip"), out _);
        Assert.Equal(ActivationKind.TopK, ae.Objective.Activation);
        Assert.Equal(DecoderKind.Linear, ae.Objective.Decoder);
        Assert.Equal(OptimizerKind.Adam, ae.Summary.Optimizer);
        Assert.Equal(4, ae.Objective.K);
        // `show` draws a sparse code's filters as it draws the sigmoid's: the same picture as training wrote.
        var (shown, showOutput, showError) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "shown.png");
        Assert.True(shown == 0, $"exit {shown}: {showError}\n{showOutput}");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "filters.png")), File.ReadAllBytes(Path.Combine(dir, "shown.png")));
        // The latent-frequency histogram, by default beside the filters, and listed with the other files.
        Assert.Equal((800, 500), TrainTests.PngSize(Path.Combine(dir, "latents.png")));
        Assert.Contains("wrote model.zip, filters.png, curve.png, latents.png, metrics.json", output);
    }

    [Fact]
    public void A_huge_FVU_is_printed_in_a_few_significant_digits_not_as_dozens_of_them()
    {
        // Rows of subnormal values have a variance near 1e-80, so any reconstruction error gives an FVU
        // of many orders of magnitude: true, but {0:F4} printed it as a 76-digit number.
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "tiny.csv"), "1e-40,2e-40,0,3e-40\n0,1e-40,5e-41,1e-40\n2e-40,0,1e-40,0\n");
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "tiny.csv", "--activation", "relu", "--hidden", "3",
            "--epochs", "3", "--batch-size", "2", "--threads", "1", "--metrics-json", "metrics.json");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
        double fvu = json.RootElement.GetProperty("fvu").GetDouble();
        Assert.True(fvu > 1e6, $"the case needs a huge FVU, but it is {fvu}");
        var line = output.Split('\n').Single(l => l.StartsWith("metrics: ", StringComparison.Ordinal));
        var printed = Regex.Match(line, @"^metrics: L0=[0-9.]+ FVU=([0-9.]+(E\+[0-9]+)?) dead=[0-9.]+% dense=[0-9.]+%\s*$");
        Assert.True(printed.Success, line);
        Assert.True(printed.Groups[1].Length <= 10, line);
        Assert.Equal(1, double.Parse(printed.Groups[1].Value, CultureInfo.InvariantCulture) / fvu, 1e-3);
    }

    [Fact]
    public void Weights_written_to_standard_output_are_the_CSV_alone_and_the_runs_lines_go_to_standard_error()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempFolder();
        TrainTests.WriteCsv(dir, 50, 16, 3);
        // The progress, "done", cost and "wrote" lines were printed into the CSV on standard output (after a file
        // redirection, partly over its first bytes).
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--iterations", "2", "--weights-csv", "/dev/stdout");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var (code2, output2, error2) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--iterations", "2", "--weights-csv", "w.csv",
            "--model", "m2.zip", "--filters", "f2.png", "--curve", "c2.png");
        Assert.True(code2 == 0, $"exit {code2}: {error2}\n{output2}");
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "w.csv")), output);
        Assert.Contains("iterations 2/2", error);
        Assert.Contains("wrote model.zip, filters.png, curve.png, /dev/stdout", error);
    }

    // With the weights on standard error, the run's lines went there too, into the CSV (one landed mid-row:
    // "-0.22725588,-done: 2 iterations, ..."), and standard output, where they had gone before, was empty.
    [Fact]
    public void Weights_written_to_standard_error_are_the_CSV_alone_and_the_runs_lines_stay_on_standard_output()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempFolder();
        TrainTests.WriteCsv(dir, 50, 16, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--iterations", "2", "--weights-csv", "/dev/stderr");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var (code2, output2, error2) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--iterations", "2", "--weights-csv", "w.csv",
            "--model", "m2.zip", "--filters", "f2.png", "--curve", "c2.png");
        Assert.True(code2 == 0, $"exit {code2}: {error2}\n{output2}");
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "w.csv")), error);
        Assert.Contains("iterations 2/2", output);
        Assert.Contains("wrote model.zip, filters.png, curve.png, /dev/stderr", output);
    }

    [Fact]
    public void Adams_curve_is_drawn_per_epoch_from_1_as_the_progress_counts_them()
    {
        // Adam's history holds one cost per epoch and no starting point; it was drawn as iterations 0..E-1, so the
        // curve put the last epoch at "iteration 1" while the trace said "epochs 2/2" and "4 iterations".
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "1000", "--activation", "topk", "--k", "4", "--hidden", "16",
            "--epochs", "2", "--batch-size", "256");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("epochs 2/2", output);
        var ae = (SparseAutoencoderTransformer)new MLContext().Model.Load(Path.Combine(dir, "model.zip"), out _);
        Assert.Equal(2, ae.Summary.CostHistory.Count);
        var curve = File.ReadAllBytes(Path.Combine(dir, "curve.png"));
        Assert.NotEqual(SparseAe.Visualization.TrainingCurve.RenderPng(ae.Summary.CostHistory), curve);
        Assert.Equal(SparseAe.Visualization.TrainingCurve.RenderPng(ae.Summary.CostHistory, perEpoch: true), curve);
    }

    [Theory]
    [InlineData("relu", "--l1-weight", "0.1")]
    [InlineData("jumprelu", "--l0-weight", "0.3")]
    public void The_latent_frequency_histogram_goes_where_latents_says(string activation, string weightFlag, string weight)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "1000", "--normalize", "standard", "--activation", activation, weightFlag, weight,
            "--hidden", "16", "--epochs", "2", "--batch-size", "256", "--latents", "freq.png");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal((800, 500), TrainTests.PngSize(Path.Combine(dir, "freq.png")));
        Assert.False(File.Exists(Path.Combine(dir, "latents.png")));
        Assert.Contains("wrote model.zip, filters.png, curve.png, freq.png", output);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp").Concat(Directory.GetFiles(dir, ".*.tmp")));
    }
}
