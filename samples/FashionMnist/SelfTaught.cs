using Microsoft.ML;
using SparseAe.MLNet;

namespace FashionMnistSample;

/// <summary>
/// UFLDL's self-taught learning exercise on Fashion-MNIST: a 784-200-784 sparse autoencoder learns
/// from unlabeled images of classes 5-9 only (sandals, shirts, sneakers, bags, ankle boots); a
/// classifier then learns classes 0-4 (T-shirts, trousers, pullovers, dresses, coats) from the code
/// of labeled images, against the same classifier on raw pixels.
/// </summary>
internal sealed class SelfTaught(MLContext ml, LinearClassifier classifier, TextWriter log)
{
    /// <summary>UFLDL's self-taught settings: rho 0.1, beta 3, lambda 3e-3, 200 hidden units.</summary>
    public const int HiddenCount = 200;
    public const double SparsityTarget = 0.1;
    public const double WeightDecay = 3e-3;
    public const double L2PerRow = 1.5e-3;

    public (double Raw, double Learned) Run(FashionData data, int unlabeledCount, int labeledCount, int testCount, int iterations, int threads)
    {
        var unlabeled = data.Train.Where(i => i.Label >= 5).Take(unlabeledCount).ToList();
        var labeled = data.Train.Where(i => i.Label < 5).Take(labeledCount).ToList();
        var test = data.Test.Where(i => i.Label < 5).Take(testCount).ToList();
        log.WriteLine($"self-taught learning: autoencoder 784-{HiddenCount}-784 on {unlabeled.Count} unlabeled images of classes 5-9; " +
                      $"classifier on {labeled.Count} labeled images of classes 0-4, tested on {test.Count}");

        var autoencoder = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = nameof(FashionImage.Pixels),
            OutputColumnName = "Code",
            HiddenCount = HiddenCount,
            SparsityTarget = SparsityTarget,
            WeightDecay = WeightDecay,
            MaxIterations = iterations,
            Threads = threads,
            Seed = 1,
        }).Fit(ml.Data.LoadFromEnumerable(unlabeled));

        var labeledView = ml.Data.LoadFromEnumerable(labeled);
        var testView = ml.Data.LoadFromEnumerable(test);
        var raw = classifier.Pipeline(nameof(FashionImage.Pixels), L2PerRow, labeled.Count).Fit(labeledView);
        var learned = autoencoder.Append(classifier.Pipeline("Code", L2PerRow, labeled.Count).Fit(ml.Data.Cache(autoencoder.Transform(labeledView))));
        double rawAccuracy = classifier.Accuracy(raw, testView), learnedAccuracy = classifier.Accuracy(learned, testView);
        log.WriteLine($"  raw pixels (784)                {rawAccuracy:F4}");
        log.WriteLine($"  self-taught features ({HiddenCount})      {learnedAccuracy:F4}");
        return (rawAccuracy, learnedAccuracy);
    }
}
