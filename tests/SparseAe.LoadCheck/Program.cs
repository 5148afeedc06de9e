using Microsoft.ML;
using SparseAe.LoadCheck;

// Usage: SparseAe.LoadCheck MODEL.zip ROWS.csv OUT.txt
// Loads the model (nothing here trains), predicts every row through Transform and through a
// PredictionEngine, and writes both dumps to OUT.txt separated by a line "--".
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: SparseAe.LoadCheck MODEL.zip ROWS.csv OUT.txt");
    return 2;
}
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out _);
var rows = PredictionDump.ReadRows(args[1]);
var lines = PredictionDump.ThroughTransform(ml, model, rows)
    .Append("--")
    .Concat(PredictionDump.ThroughPredictionEngine(ml, model, rows));
File.WriteAllLines(args[2], lines);
Console.WriteLine($"predicted {rows.Count} rows");
return 0;
