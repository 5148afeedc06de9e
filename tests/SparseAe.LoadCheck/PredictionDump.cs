using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.LoadCheck;

/// <summary>An 8x8 digit as the pipelines under test take it.</summary>
public sealed class DigitRow
{
    public float Label { get; set; }

    [VectorType(64)]
    public float[] Features { get; set; } = [];
}

/// <summary>What the pipelines under test predict for a digit.</summary>
public sealed class DigitPrediction
{
    public float[] Code { get; set; } = [];
    public float[] Score { get; set; } = [];
    public uint PredictedLabel { get; set; }
}

/// <summary>A document as the text pipelines under test take it.</summary>
public sealed class TextRow
{
    public string Text { get; set; } = "";
}

/// <summary>What the text pipelines under test give for a document: its token counts and its code.</summary>
public sealed class TextPrediction
{
    public float[] Tokens { get; set; } = [];
    public float[] Code { get; set; } = [];
}

/// <summary>
/// Writes a model's predictions as exact bit patterns (hex of each float), once through Transform
/// and once through a PredictionEngine, so two runs compare bit for bit. Shared by the tests and
/// the fresh-process program.
/// </summary>
public static class PredictionDump
{
    public static string[] ThroughTransform(MLContext ml, ITransformer model, IReadOnlyList<DigitRow> rows)
        => ThroughTransform<DigitRow, DigitPrediction>(ml, model, rows, Line);

    public static string[] ThroughPredictionEngine(MLContext ml, ITransformer model, IReadOnlyList<DigitRow> rows)
        => ThroughPredictionEngine<DigitRow, DigitPrediction>(ml, model, rows, Line);

    public static string[] ThroughTransform(MLContext ml, ITransformer model, IReadOnlyList<TextRow> rows)
        => ThroughTransform<TextRow, TextPrediction>(ml, model, rows, Line);

    public static string[] ThroughPredictionEngine(MLContext ml, ITransformer model, IReadOnlyList<TextRow> rows)
        => ThroughPredictionEngine<TextRow, TextPrediction>(ml, model, rows, Line);

    private static string[] ThroughTransform<TRow, TPrediction>(MLContext ml, ITransformer model, IReadOnlyList<TRow> rows, Func<TPrediction, string> line)
        where TRow : class where TPrediction : class, new()
    {
        var output = model.Transform(ml.Data.LoadFromEnumerable(rows));
        return ml.Data.CreateEnumerable<TPrediction>(output, reuseRowObject: false).Select(line).ToArray();
    }

    private static string[] ThroughPredictionEngine<TRow, TPrediction>(MLContext ml, ITransformer model, IReadOnlyList<TRow> rows, Func<TPrediction, string> line)
        where TRow : class where TPrediction : class, new()
    {
        var engine = ml.Model.CreatePredictionEngine<TRow, TPrediction>(model);
        return rows.Select(r => line(engine.Predict(r))).ToArray();
    }

    public static string Line(DigitPrediction p)
        => string.Join(' ', p.Code.Select(Hex)) + " | " + string.Join(' ', p.Score.Select(Hex)) + " | " + p.PredictedLabel.ToString(CultureInfo.InvariantCulture);

    public static string Line(TextPrediction p) => string.Join(' ', p.Tokens.Select(Hex)) + " | " + string.Join(' ', p.Code.Select(Hex));

    // One document a line (the tests' documents have no line breaks).
    public static void WriteTexts(string path, IEnumerable<TextRow> rows) => File.WriteAllLines(path, rows.Select(r => r.Text));

    public static List<TextRow> ReadTexts(string path) => File.ReadLines(path).Select(line => new TextRow { Text = line }).ToList();

    private static string Hex(float f) => BitConverter.SingleToInt32Bits(f).ToString("X8", CultureInfo.InvariantCulture);

    public static void WriteRows(string path, IEnumerable<DigitRow> rows)
        => File.WriteAllLines(path, rows.Select(r => string.Join(',', new[] { r.Label }.Concat(r.Features).Select(f => f.ToString("R", CultureInfo.InvariantCulture)))));

    public static List<DigitRow> ReadRows(string path)
        => File.ReadLines(path).Select(line =>
        {
            var v = line.Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            return new DigitRow { Label = v[0], Features = v[1..] };
        }).ToList();
}
