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
    /// and asserts both dumps equal this process's predictions bit for bit. Writes in <paramref name="folder"/>;
    /// returns the saved zip's path.
    /// </summary>
    public static string AssertPredictsBitIdentically(string folder, MLContext ml, ITransformer model, DataViewSchema schema, IReadOnlyList<DigitRow> rows)
        => AssertPredictsBitIdentically(folder, ml, model, schema, [], "rows.csv", path => PredictionDump.WriteRows(path, rows), PredictionDump.ThroughTransform(ml, model, rows));

    /// <summary>
    /// The same for a text pipeline (a "Text" column in, "Tokens" and "Code" out): <paramref name="texts"/>
    /// predicted here and in a fresh process must give the same bits.
    /// </summary>
    public static string AssertPredictsTextBitIdentically(string folder, MLContext ml, ITransformer model, DataViewSchema schema, IReadOnlyList<TextRow> texts)
        => AssertPredictsBitIdentically(folder, ml, model, schema, ["--text"], "texts.txt", path => PredictionDump.WriteTexts(path, texts), PredictionDump.ThroughTransform(ml, model, texts));

    // Saves the model, writes the rows, runs SparseAe.LoadCheck (with `flags`) on them and asserts its
    // Transform and PredictionEngine dumps both equal `expected`, this process's dump.
    private static string AssertPredictsBitIdentically(string dir, MLContext ml, ITransformer model, DataViewSchema schema, string[] flags, string rowsName,
        Action<string> writeRows, string[] expected)
    {
        var path = Path.Combine(dir, "model.zip");
        var rowsPath = Path.Combine(dir, rowsName);
        var output = Path.Combine(dir, "out.txt");
        ml.Model.Save(model, schema, path);
        writeRows(rowsPath);
        var (code, text) = ProcessRunner.Run("dotnet", [TestData.Metadata("LoadCheckPath"), .. flags, path, rowsPath, output], dir, TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"exit {code}: {text}");
        var lines = File.ReadAllLines(output);
        int split = Array.IndexOf(lines, "--");
        Assert.Equal(expected, lines[..split]);
        Assert.Equal(expected, lines[(split + 1)..]);
        return path;
    }
}
