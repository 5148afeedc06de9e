using Microsoft.ML;
using SparseAe.LoadCheck;

// Usage: SparseAe.LoadCheck [--text] MODEL.zip ROWS OUT.txt
// Loads the model (nothing here trains), predicts every row through Transform and through a
// PredictionEngine, and writes both dumps to OUT.txt separated by a line "--". ROWS is a CSV of
// digits (label, 64 pixels), or with --text one document a line.
bool text = args.Length == 4 && args[0] == "--text";
if (args.Length != (text ? 4 : 3))
{
    Console.Error.WriteLine("usage: SparseAe.LoadCheck [--text] MODEL.zip ROWS OUT.txt");
    return 2;
}
var (modelPath, rowsPath, outPath) = text ? (args[1], args[2], args[3]) : (args[0], args[1], args[2]);
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(modelPath, out _);
IEnumerable<string> lines;
int count;
if (text)
{
    var rows = PredictionDump.ReadTexts(rowsPath);
    lines = PredictionDump.ThroughTransform(ml, model, rows).Append("--").Concat(PredictionDump.ThroughPredictionEngine(ml, model, rows));
    count = rows.Count;
}
else
{
    var rows = PredictionDump.ReadRows(rowsPath);
    lines = PredictionDump.ThroughTransform(ml, model, rows).Append("--").Concat(PredictionDump.ThroughPredictionEngine(ml, model, rows));
    count = rows.Count;
}
File.WriteAllLines(outPath, lines);
Console.WriteLine($"predicted {count} rows");
return 0;
