using SparseAe.Persistence;
using System.Diagnostics;
using Microsoft.ML;
using FashionMnistSample;

// Fashion-MNIST with learned convolutional sparse features and an ML.NET linear classifier.
// 1. Model selection on the training set only: patch size, hidden units and whitening, then the
//    feature encoding and the classifier's regularisation, by accuracy on held-out training images.
// 2. The chosen featurizer is trained on all training images, every image is featurised, the
//    classifier is trained, and the 10,000 test images are classified once (confusion matrix).
// 3. UFLDL's self-taught learning: features from classes 5-9, classifier on classes 0-4.
// Pictures and the model go to --output-dir. Timings go to standard error, so standard output is the
// same on every run of the same mode: samples/FashionMnist/expected-output*.txt (README: figures).
if (SparseAe.Samples.SampleCommandLine.AsksForHelp(args))
{
    Console.WriteLine(SampleArguments.Usage);
    return 0;
}
SampleArguments arguments;
try
{
    arguments = SampleArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"FashionMnist: {e.Message}\n{SampleArguments.Usage}");
    return 2;
}

var clock = Stopwatch.StartNew();
void Time(string step) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {step}");

FashionData data;
try
{
    data = FashionData.Load(arguments.DataDirectory);
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or InsufficientMemoryException)
{
    Console.Error.WriteLine($"FashionMnist: {e.Message}");
    return 1;
}

var run = RunSizes.For(arguments.Quick, data);
if (data.Train.Count < run.MinimumTrainImages)
{
    Console.Error.WriteLine($"FashionMnist: the training set in '{arguments.DataDirectory}' has {data.Train.Count} images; " +
                            $"{(arguments.Quick ? "quick mode" : "a full run")} needs at least {run.MinimumTrainImages}.");
    return 1;
}
// The parts of the sets the run uses must each hold every class too (the loader checks the whole sets): a set sorted
// by class would select features on classes its validation images never show, or leave the pictures no test image.
foreach (var (part, set, images) in new (string, string, IEnumerable<FashionImage>)[]
{
    ($"the first {run.SelectionTrainImages} training images", "selection training", data.Train.Take(run.SelectionTrainImages)),
    ($"the last {run.ValidationImages} training images", "selection validation", data.Train.Skip(data.Train.Count - run.ValidationImages)),
    ($"the first {run.FinalTrainImages} training images", "final training", data.Train.Take(run.FinalTrainImages)),
    ($"the first {run.TestImages} test images", "test", data.Test.Take(run.TestImages)),
})
{
    if (FashionData.AbsentClass(images) is int absent and >= 0)
    {
        Console.Error.WriteLine($"FashionMnist: {part} in '{arguments.DataDirectory}' ({set}) have no image of class {absent} " +
                                $"({FashionData.ClassNames[absent]}); each part of the data the run uses needs every class: is the set sorted by class?");
        return 1;
    }
}
// Before hours of training, and after the data and its size: the output folder must take the files written at the
// end, where it is made.
if (SparseAe.Samples.OutputFolder.Problem(arguments.OutputDirectory, ["model.zip", "filters.png", "feature-maps.png", "model.onnx"]) is { } outputProblem)
{
    Console.Error.WriteLine($"FashionMnist: --output-dir: {outputProblem}");
    return 1;
}
Console.WriteLine($"Fashion-MNIST: {data.Train.Count} training and {data.Test.Count} test images; this run uses " +
                  $"{run.FinalTrainImages} and {run.TestImages}{(arguments.Quick ? " (quick mode)" : "")}");
Time("data loaded");

const int threads = 2;
var ml = new MLContext(seed: 1);
var classifier = new LinearClassifier(ml, threads);
var settings = new SearchSettings(run.SelectionTrainImages, run.ValidationImages, run.Patches, run.AutoencoderIterations, threads);

// 1. Selection: the first images of the training set train, its last images validate.
var selectionTrain = data.Train.Take(run.SelectionTrainImages).ToList();
var validation = data.Train.Skip(data.Train.Count - run.ValidationImages).ToList();
// One change at a time from 6x6, 400 hidden, ZCA: the patch size, the hidden units, the whitening.
Candidate[] candidates = [new(6, 400, true), new(8, 400, true), new(6, 200, true), new(6, 400, false)];
var best = new FeatureSearch(ml, settings, classifier, Console.Out)
    .Run(candidates, ml.Data.LoadFromEnumerable(selectionTrain), selectionTrain.Count, ml.Data.LoadFromEnumerable(validation));
Time("selection done");

// 2. The chosen configuration on all training images; the test set is used here, once.
var train = data.Train.Take(run.FinalTrainImages).ToList();
var test = data.Test.Take(run.TestImages).ToList();
var trainView = ml.Data.LoadFromEnumerable(train);
var testView = ml.Data.LoadFromEnumerable(test);
var featurizer = settings.Estimator(ml, best.Candidate, best.Encoding, best.Threshold).Fit(trainView);
var summary = featurizer.AutoencoderSummary;
Console.WriteLine($"final featurizer: {best.Candidate}, {best.EncodingName}: {summary.Iterations} L-BFGS iterations ({summary.ExitReason}), " +
                  $"{featurizer.Featurizer.FeatureCount} features per image");
Time("featurizer trained");
var model = featurizer.Append(classifier.Pipeline("Features", best.L2PerRow, train.Count).Fit(ml.Data.Cache(featurizer.Transform(trainView))));
Time("classifier trained");
var (accuracy, counts) = classifier.Evaluate(model, testView);
Time("test set classified");
Report.ConfusionMatrix(Console.Out, counts, FashionData.ClassNames);

int sameLabel, strictlySame, classified;
try
{
    Directory.CreateDirectory(arguments.OutputDirectory);
    AtomicFile.Write(Path.Combine(arguments.OutputDirectory, "model.zip"), s => ml.Model.Save(model, trainView.Schema, s));
    AtomicFile.Write(Path.Combine(arguments.OutputDirectory, "filters.png"), s => s.Write(Pictures.Filters(featurizer.Featurizer)));
    var examples = Enumerable.Range(0, 5).Select(k => test.First(i => i.Label == k * 2)).ToList();   // a top, a pullover, a coat, a shirt, a bag
    AtomicFile.Write(Path.Combine(arguments.OutputDirectory, "feature-maps.png"), s => s.Write(Pictures.FeatureMaps(featurizer.Featurizer, examples)));
    Console.WriteLine("wrote model.zip, filters.png and feature-maps.png");
    Time($"model and pictures written to {Path.GetFullPath(arguments.OutputDirectory)}");
    (sameLabel, strictlySame, classified) = OnnxCheck.Run(ml, model, trainView, testView, Path.Combine(arguments.OutputDirectory, "model.onnx"));
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"FashionMnist: {e.Message}");
    return 1;
}
Console.WriteLine($"model.onnx (ConvertToOnnx, run in ONNX Runtime) predicts ML.NET's label, or at a near tie (two best scores within {LabelAgreement.NearTie:0.####}) the other, for {sameLabel} of {classified} test images");
Console.Error.WriteLine($"model.onnx predicts ML.NET's very label for {strictlySame} of {classified} test images");
Time("ONNX export checked");

// 3. Self-taught learning.
new SelfTaught(ml, classifier, Console.Out).Run(data, run.SelfTaughtUnlabeled, run.SelfTaughtLabeled, run.SelfTaughtTest, run.SelfTaughtIterations, threads);
Time("self-taught learning done");

Console.WriteLine($"test accuracy: {accuracy:F4}");
return 0;
