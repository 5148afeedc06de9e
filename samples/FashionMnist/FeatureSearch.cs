using Microsoft.ML;
using SparseAe;
using SparseAe.Convolution;
using SparseAe.MLNet;

namespace FashionMnistSample;

/// <summary>A patch autoencoder configuration the search tries: patch side, hidden units, whitening.</summary>
internal sealed record Candidate(int PatchSize, int HiddenCount, bool Whiten)
{
    public override string ToString() => $"{PatchSize}x{PatchSize} patches, {HiddenCount} hidden, {(Whiten ? "ZCA 0.1" : "no whitening")}";
}

/// <summary>How the sample's convolutional features are learned, and the sizes of its runs.</summary>
internal sealed record SearchSettings(int SelectionTrainImages, int ValidationImages, int Patches, int AutoencoderIterations, int Threads)
{
    public const int PoolGrid = 3;
    public const double ContrastEpsilon = 0.01;
    public const double ZcaEpsilon = 0.1;

    // UFLDL's linear decoder exercise (8x8 colour patches, ZCA epsilon 0.1): rho 0.035, beta 5,
    // lambda 3e-3. With the library's defaults (rho 0.01, lambda 1e-4) the filters on whitened
    // Fashion-MNIST patches stay noise-like; this weight decay makes them localised bars and edges,
    // and validation accuracy went up a little with it (0.8989 against 0.8967, 20,000 images, 2x2 pooling).
    public const double SparsityTarget = 0.035;
    public const double SparsityWeight = 5;
    public const double WeightDecay = 3e-3;

    /// <summary>The estimator for one candidate: contrast normalisation, optional ZCA, the UFLDL autoencoder
    /// with UFLDL's linear-decoder settings and a linear decoder, stride 1, sum pooling over a 3x3 grid.
    /// The decoder is linear with or without ZCA: contrast-normalised patches have mean 0 and variance
    /// about 1, not the sigmoid's (0, 1), so a sigmoid decoder could not reconstruct them, and the
    /// candidates then differ in the whitening alone.</summary>
    public ConvolutionalFeaturizerEstimator Estimator(MLContext ml, Candidate c, FeatureEncodingKind encoding, double threshold) =>
        ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = nameof(FashionImage.Pixels),
            OutputColumnName = "Features",
            ImageHeight = FashionImage.Side,
            ImageWidth = FashionImage.Side,
            PatchSize = c.PatchSize,
            Stride = 1,
            PoolGrid = PoolGrid,
            Pooling = PoolingKind.Sum,
            Normalization = PatchNormalizationKind.Contrast,
            ContrastEpsilon = ContrastEpsilon,
            ZcaEpsilon = c.Whiten ? ZcaEpsilon : null,
            PatchCount = Patches,
            Encoding = encoding,
            SoftThreshold = threshold,
            Autoencoder = new AutoencoderTrainingOptions
            {
                HiddenCount = c.HiddenCount,
                SparsityTarget = SparsityTarget,
                SparsityWeight = SparsityWeight,
                WeightDecay = WeightDecay,
                MaxIterations = AutoencoderIterations,
                Decoder = DecoderKind.Linear,
                Threads = Threads,
                Seed = 1,
            },
        });
}

/// <summary>One validation result: a candidate, an encoding, a regularisation and the accuracy.</summary>
internal sealed record Trial(Candidate Candidate, FeatureEncodingKind Encoding, double Threshold, double L2PerRow, double Accuracy)
{
    public string EncodingName => Encoding == FeatureEncodingKind.Sigmoid ? "sigmoid code" : $"soft threshold {Threshold}";
}

/// <summary>
/// Model selection on the training set only: every candidate's autoencoder is trained on patches of the
/// selection images, its features are classified, and the accuracy on held-out training images decides.
/// The winner's encoding and the classifier's regularisation are then chosen the same way.
/// </summary>
internal sealed class FeatureSearch(MLContext ml, SearchSettings settings, LinearClassifier classifier, TextWriter log)
{
    public const double StartThreshold = 0.5;
    public const double StartL2PerRow = 2e-3;

    public Trial Run(IReadOnlyList<Candidate> candidates, IDataView train, int trainRows, IDataView validation)
    {
        log.WriteLine($"selection: {settings.SelectionTrainImages} training and {settings.ValidationImages} validation images, both from the training set");
        log.WriteLine("candidate                                   encoding              L2/row   validation");
        Trial? best = null;
        ConvolutionalFeaturizerTransformer? bestFeaturizer = null;
        foreach (var c in candidates)
        {
            var featurizer = settings.Estimator(ml, c, FeatureEncodingKind.SoftThreshold, StartThreshold).Fit(train);
            var trial = Try(featurizer, c, FeatureEncodingKind.SoftThreshold, StartThreshold, StartL2PerRow, train, trainRows, validation);
            if (best is null || trial.Accuracy > best.Accuracy) (best, bestFeaturizer) = (trial, featurizer);
        }
        // The winner's encoding: its own sigmoid code against the soft threshold at two alphas.
        foreach (var (encoding, alpha) in new[] { (FeatureEncodingKind.Sigmoid, 0.0), (FeatureEncodingKind.SoftThreshold, 0.25) })
        {
            var trial = Try(bestFeaturizer!.WithEncoding(encoding, alpha), best!.Candidate, encoding, alpha, StartL2PerRow, train, trainRows, validation);
            if (trial.Accuracy > best.Accuracy) best = trial;
        }
        // The classifier's regularisation for the chosen features.
        var chosen = bestFeaturizer!.WithEncoding(best!.Encoding, best.Threshold);
        // (A third of it never won in the trials behind this sample: 10,000 and 50,000 images.)
        foreach (var l2 in new[] { StartL2PerRow * 3 })
        {
            var trial = Try(chosen, best.Candidate, best.Encoding, best.Threshold, l2, train, trainRows, validation);
            if (trial.Accuracy > best.Accuracy) best = trial;
        }
        log.WriteLine($"chosen: {best.Candidate}, {best.EncodingName}, L2/row {best.L2PerRow:G3} (validation {best.Accuracy:F4})");
        return best;
    }

    private Trial Try(ConvolutionalFeaturizerTransformer featurizer, Candidate c, FeatureEncodingKind encoding, double threshold, double l2PerRow,
        IDataView train, int trainRows, IDataView validation)
    {
        var features = ml.Data.Cache(featurizer.Transform(train));
        var model = classifier.Pipeline("Features", l2PerRow, trainRows).Fit(features);
        double accuracy = classifier.Accuracy(model, featurizer.Transform(validation));
        var trial = new Trial(c, encoding, threshold, l2PerRow, accuracy);
        log.WriteLine($"{c,-43} {trial.EncodingName,-21} {l2PerRow,-8:G3} {accuracy:F4}");
        return trial;
    }
}
