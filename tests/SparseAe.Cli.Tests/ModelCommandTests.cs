using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

public class ModelCommandTests
{
    private static (string Dir, string Csv) TrainSmall()
    {
        var dir = Cli.TempDirectory();
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
        var (dir, csv) = TrainSmall();
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
        var (dir, _) = TrainSmall();
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "0.1,0.2,0.3\n");
        var (code, _, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "bad.csv", "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.Contains("16", error);
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    [Fact]
    public void Show_draws_the_filters_of_a_saved_model_and_refuses_a_bad_one()
    {
        var (dir, _) = TrainSmall();
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "again.png");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("6 filters of 4x4", output);
        Assert.True(new FileInfo(Path.Combine(dir, "again.png")).Length > 0);

        File.WriteAllBytes(Path.Combine(dir, "broken.zip"), File.ReadAllBytes(Path.Combine(dir, "model.zip"))[..100]);
        var (bad, _, badError) = Cli.Run(dir, "show", "--model", "broken.zip", "--filters", "x.png");
        Assert.Equal(2, bad);
        Assert.StartsWith("error: Cannot load model 'broken.zip'", badError);
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    public sealed class Row
    {
        [VectorType(16)]
        public float[] Features { get; set; } = [];
    }
}
