using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SparseAe.MLNet;

// The 8x8 digits (64 floats a row, the product's shape): a sparse autoencoder (64 -> 100) ahead of
// SdcaMaximumEntropy, against the classifier on raw pixels, on a stratified 80/20 split. Then the
// whole pipeline is saved, loaded and used through a PredictionEngine.
// Expected output: samples/Digits/expected-output.txt (checked by .ci/run).
var ml = new MLContext(seed: 1);
var all = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "digits-8x8.csv")).Skip(1).Select(line =>
{
    var v = line.Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    return new Digit { Label = v[0], Features = v[1..].Select(p => p / 16f).ToArray() };   // pixels 0..16 -> [0, 1]
}).ToList();
var train = new List<Digit>();
var test = new List<Digit>();
foreach (var group in all.GroupBy(d => d.Label))
{
    int i = 0;
    foreach (var d in group) (i++ % 5 == 4 ? test : train).Add(d);
}
Console.WriteLine($"digits: {train.Count} train, {test.Count} test");
var trainView = ml.Data.LoadFromEnumerable(train);
var testView = ml.Data.LoadFromEnumerable(test);

// One SDCA thread and a fixed autoencoder thread count make every figure below reproducible.
SdcaMaximumEntropyMulticlassTrainer Classifier(string features) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
    new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = "Label", FeatureColumnName = features, NumberOfThreads = 1 });

var raw = ml.Transforms.Conversion.MapValueToKey("Label").Append(Classifier("Features")).Fit(trainView);
var pipeline = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 100, Threads = 2,
    })
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(Classifier("Code"))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(trainView);
var autoencoder = model.OfType<SparseAutoencoderTransformer>().FirstOrDefault() ?? throw new InvalidOperationException("no autoencoder");

double Accuracy(ITransformer m) => ml.MulticlassClassification.Evaluate(m.Transform(testView)).MicroAccuracy;
var s = autoencoder.Summary;
Console.WriteLine($"autoencoder: {s.Iterations} L-BFGS iterations, exit {s.ExitReason}");
Console.WriteLine("features                     test accuracy");
Console.WriteLine($"raw pixels (64)              {Accuracy(raw):F4}");
Console.WriteLine($"sparse autoencoder (100)     {Accuracy(model):F4}");

var path = Path.Combine(Path.GetTempPath(), $"digits-model-{Environment.ProcessId}.zip");
ml.Model.Save(model, trainView.Schema, path);
var loaded = ml.Model.Load(path, out _);
File.Delete(path);
var engine = ml.Model.CreatePredictionEngine<Digit, DigitPrediction>(loaded);
int correct = test.Count(d => engine.Predict(d).PredictedLabel == d.Label);
Console.WriteLine($"loaded model, PredictionEngine: {correct} of {test.Count} test digits right");
Console.WriteLine($"loaded model accuracy        {Accuracy(loaded):F4}");

public sealed class Digit
{
    public float Label { get; set; }

    [VectorType(64)]
    public float[] Features { get; set; } = [];
}

public sealed class DigitPrediction
{
    public float PredictedLabel { get; set; }
}
