using Microsoft.ML;
using SparseAe.LoadCheck;
using Xunit;

namespace SparseAe.Tests.Support;

/// <summary>The 8x8 digits as the pipelines under test take them, and the fresh-process load check.</summary>
internal static class FreshProcess
{
    /// <summary>The digits' fixed train/test split as <see cref="DigitRow"/>s.</summary>
    public static (List<DigitRow> Train, List<DigitRow> Test) DigitRows()
    {
        var (train, test) = TestData.SplitDigits();
        return (train.Select(d => new DigitRow { Label = d.Label, Features = d.Pixels }).ToList(),
            test.Select(d => new DigitRow { Label = d.Label, Features = d.Pixels }).ToList());
    }

    /// <summary>
    /// Saves <paramref name="model"/>, has the SparseAe.LoadCheck program load it in a process of its own
    /// (nothing there trains) and predict <paramref name="rows"/> through Transform and a PredictionEngine,
    /// and asserts both dumps equal this process's predictions bit for bit. Returns the saved zip's path.
    /// </summary>
    public static string AssertPredictsBitIdentically(MLContext ml, ITransformer model, DataViewSchema schema, IReadOnlyList<DigitRow> rows)
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "model.zip");
        var rowsPath = Path.Combine(dir, "rows.csv");
        var output = Path.Combine(dir, "out.txt");
        ml.Model.Save(model, schema, path);
        PredictionDump.WriteRows(rowsPath, rows);

        AssertSameDumps(dir, [path, rowsPath, output], output, PredictionDump.ThroughTransform(ml, model, rows));
        return path;
    }

    /// <summary>
    /// The same for a text pipeline (a "Text" column in, "Tokens" and "Code" out): <paramref name="texts"/>
    /// predicted here and in a fresh process must give the same bits.
    /// </summary>
    public static string AssertPredictsTextBitIdentically(MLContext ml, ITransformer model, DataViewSchema schema, IReadOnlyList<TextRow> texts)
    {
        var dir = TestData.TempDirectory();
        var path = Path.Combine(dir, "model.zip");
        var rowsPath = Path.Combine(dir, "texts.txt");
        var output = Path.Combine(dir, "out.txt");
        ml.Model.Save(model, schema, path);
        PredictionDump.WriteTexts(rowsPath, texts);
        AssertSameDumps(dir, ["--text", path, rowsPath, output], output, PredictionDump.ThroughTransform(ml, model, texts));
        return path;
    }

    // Runs SparseAe.LoadCheck with these arguments and asserts its Transform and PredictionEngine dumps both equal `expected`.
    private static void AssertSameDumps(string dir, string[] arguments, string output, string[] expected)
    {
        var (code, text) = ProcessRunner.Run("dotnet", [TestData.Metadata("LoadCheckPath"), .. arguments], dir, TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"exit {code}: {text}");
        var lines = File.ReadAllLines(output);
        int split = Array.IndexOf(lines, "--");
        Assert.Equal(expected, lines[..split]);
        Assert.Equal(expected, lines[(split + 1)..]);
    }
}
