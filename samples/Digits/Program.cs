using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SparseAe.MLNet;

// The 8x8 digits (64 floats a row, the product's shape). Three feature sets under the same ML.NET
// classifier (SdcaMaximumEntropy) on one stratified 80/20 split: raw pixels, ML.NET's PCA, and the
// sparse autoencoder's 100-unit code. The autoencoder pipeline is then saved, loaded in a fresh
// process that never trains, and used there through a PredictionEngine.
// Expected output: samples/Digits/expected-output.txt (checked by .ci/run).
if (args is ["predict", var savedModel, var savedRows])
    return Predict(savedModel, savedRows);
if (SparseAe.Samples.SampleCommandLine.AsksForHelp(args))   // anywhere, as the other samples and sparseae take it
{
    Console.WriteLine("usage: Digits\n" +
                      "  Classifies the bundled 8x8 digits with raw pixels, PCA and sparse autoencoder features, then\n" +
                      "  saves the autoencoder pipeline to a temporary folder and predicts with it in a fresh process.\n" +
                      "  It takes no options.");
    return 0;
}
if (args.Length > 0)
{
    Console.Error.WriteLine($"Digits: unknown argument '{args[0]}'; the sample takes no options (see --help)");
    return 2;
}

// The saved model goes to a temporary folder: check that one can be made there before training. A TMPDIR that does
// not exist is refused, not made: CreateDirectory made it and its parents, and only the sample's own folder was removed.
var folder = Path.Combine(Path.GetTempPath(), $"digits-sample-{Environment.ProcessId}");
if (!Directory.Exists(Path.GetTempPath()))
{
    Console.Error.WriteLine($"Digits: the temporary folder '{Path.GetTempPath()}' does not exist (check TMPDIR)");
    return 1;
}
try
{
    Directory.CreateDirectory(folder);
    Directory.Delete(folder);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Digits: cannot make a temporary folder '{folder}' (check TMPDIR): {e.Message}");
    return 1;
}

var ml = new MLContext(seed: 1);
var all = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "digits-8x8.csv")).Skip(1).Select(Digit.Parse).ToList();
var train = new List<Digit>();
var test = new List<Digit>();
foreach (var group in all.GroupBy(d => d.Label))
{
    int i = 0;
    foreach (var d in group) (i++ % 5 == 4 ? test : train).Add(d);   // every fifth digit of each class is held out
}
Console.WriteLine($"digits: {train.Count} train, {test.Count} test (stratified: every fifth of each class)");
var trainView = ml.Data.LoadFromEnumerable(train);
var testView = ml.Data.LoadFromEnumerable(test);

// One SDCA thread and a fixed autoencoder thread count make every figure below reproducible.
IEstimator<ITransformer> Classifier(string features) => ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
        new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = "Label", FeatureColumnName = features, NumberOfThreads = 1 }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
double Accuracy(ITransformer m) => ml.MulticlassClassification.Evaluate(m.Transform(testView)).MicroAccuracy;

var raw = Classifier("Features").Fit(trainView);
var pca = ml.Transforms.ProjectToPrincipalComponents("Pca", "Features", rank: 40, seed: 1).Append(Classifier("Pca")).Fit(trainView);
var autoencoder = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
{
    OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 100, Threads = 2,
}).Append(Classifier("Code")).Fit(trainView);
var summary = autoencoder.OfType<SparseAutoencoderTransformer>().Single().Summary;

Console.WriteLine($"autoencoder 64-100-64: {summary.Iterations} L-BFGS iterations, exit {summary.ExitReason}");
Console.WriteLine("features                       held-out accuracy");
Console.WriteLine($"raw pixels (64)                {Accuracy(raw):F4}");
Console.WriteLine($"PCA (40 components)            {Accuracy(pca):F4}");
Console.WriteLine($"sparse autoencoder (100)       {Accuracy(autoencoder):F4}");

// Save the whole pipeline and predict in another process. The first Ctrl+C from here on (SIGINT, which would end the
// sample at once and skip the finally block) is held until the fresh process has ended (a terminal's Ctrl+C ends it
// too), so that the finally block removes the temporary folder; a second one ends the sample at once, as it ends any program.
int interrupted = 0;
ConsoleCancelEventHandler onCtrlC = (_, e) => e.Cancel = Interlocked.Exchange(ref interrupted, 1) == 0;
Console.CancelKeyPress += onCtrlC;
try
{
    Directory.CreateDirectory(folder);
    var modelPath = Path.Combine(folder, "digits.zip");
    var rowsPath = Path.Combine(folder, "test.csv");
    ml.Model.Save(autoencoder, trainView.Schema, modelPath);
    File.WriteAllLines(rowsPath, test.Select(d => d.ToCsv()));
    if (Volatile.Read(ref interrupted) != 0) return Cancelled();
    var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(Digit).Assembly.Location);
    foreach (var a in new[] { "predict", modelPath, rowsPath }) psi.ArgumentList.Add(a);
    using var child = Process.Start(psi)!;
    var output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (Volatile.Read(ref interrupted) != 0) return Cancelled();
    Console.Write(output);
    return child.ExitCode;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Digits: cannot save the model in '{folder}': {e.Message}");
    return 1;
}
finally
{
    Console.CancelKeyPress -= onCtrlC;
    if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
}

static int Cancelled()
{
    Console.Error.WriteLine("Digits: cancelled (Ctrl+C); the temporary folder is removed");
    return 130;
}

// The fresh process: load the saved pipeline and predict each held-out digit with a PredictionEngine.
static int Predict(string modelPath, string rowsPath)
{
    var ml = new MLContext(seed: 1);
    ITransformer model;
    List<Digit> rows;
    try
    {
        model = ml.Model.LoadVerified(modelPath, out _);   // a damaged zip is refused by name (Load could hang on one)
        rows = File.ReadLines(rowsPath).Select(Digit.Parse).ToList();
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
    {
        Console.Error.WriteLine($"Digits predict: {e.Message}");
        return 1;
    }
    var engine = ml.Model.CreatePredictionEngine<Digit, DigitPrediction>(model);
    int right = rows.Count(d => engine.Predict(d).PredictedLabel == d.Label);
    Console.WriteLine($"fresh process, loaded model, PredictionEngine: {right} of {rows.Count} right ({(double)right / rows.Count:F4})");
    return 0;
}

public sealed class Digit
{
    public float Label { get; set; }

    [VectorType(64)]
    public float[] Features { get; set; } = [];

    /// <summary>"label,p00,...,p77" with pixels 0..16, scaled to [0, 1] for the sigmoid decoder.</summary>
    public static Digit Parse(string line)
    {
        var v = line.Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new Digit { Label = v[0], Features = v[1..].Select(p => p / 16f).ToArray() };
    }

    public string ToCsv() => string.Join(',', new[] { Label }.Concat(Features.Select(p => p * 16f)).Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
}

public sealed class DigitPrediction
{
    public float PredictedLabel { get; set; }
}
