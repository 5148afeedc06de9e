using SparseAe.Convolution;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Persistence;
using SparseAe.Training;
using SparseAe.Whitening;

namespace SparseAe.Tests.Support;

/// <summary>Small valid objects of each saved format, and the bytes today's writers make of them.</summary>
internal static class FormatSamples
{
    public static TrainingSummary Summary(int h) => new(OptimizerKind.Lbfgs, 7, 0, OptimizerExitReason.GradientTolerance,
        new CostBreakdown(1.5, 1, 0.25, 0.25), Enumerable.Range(0, h).Select(j => 0.01 * (j + 1)).ToArray(),
        TimeSpan.FromSeconds(2.5), 123, [new CostBreakdown(3, 2, 0.5, 0.5), new CostBreakdown(1.5, 1, 0.25, 0.25)]);

    public static SavedAutoencoder Autoencoder(int v = 3, int h = 2, IReadOnlyList<string>? names = null)
        => new(ParameterInitializer.Initialize(v, h, 4), new ObjectiveSettings(0.05, 2, 1e-3, SparsityPenalty.L1, DecoderKind.Linear),
            Summary(h), names ?? ["Code", "Features", ""]);

    /// <summary>A TopK model with its metrics: every field of the model format's current version in use.</summary>
    public static SavedAutoencoder SparseCode(int v = 3, int h = 2, IReadOnlyList<string>? names = null)
    {
        var summary = new TrainingSummary(OptimizerKind.Adam, 40, 4, OptimizerExitReason.EpochsCompleted,
            new CostBreakdown(1.5, 1, 0.25, 0.25), Enumerable.Range(0, h).Select(j => 0.75 * (j + 1)).ToArray(),   // ReLU means may pass 1
            TimeSpan.FromSeconds(2.5), 123, [new CostBreakdown(3, 2, 0.5, 0.5), new CostBreakdown(1.5, 1, 0.25, 0.25)],
            new SparseCodeMetrics(0.3, 0.5, Enumerable.Range(0, h).Select(j => 0.25 * (j + 1) / h).ToArray()));
        var objective = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK, K: 1, L1Weight: 0.2, AuxK: 1, DeadLatentWindow: 5);
        return new(ParameterInitializer.Initialize(v, h, 4), objective, summary, names ?? ["Code", "Features", ""]);
    }

    public static ZcaWhitening Whitening(int d) => ZcaWhitening.Fit(TestData.RandomRows(40, d, 3), 40, d, 0.1);

    public static SavedZca Zca(int d = 4, IReadOnlyList<string>? names = null) => new(Whitening(d), 40, names ?? ["White", "Features"]);

    /// <summary>8x8 images, 3x3 patches with ZCA, pooling blocks of 3, soft threshold: every field of the current version in use.</summary>
    public static SavedConvolution Convolution(ConvolutionGeometry? geometry = null, PatchPreprocessor? preprocessor = null,
        FeatureEncoding? encoding = null, long patches = 10, IReadOnlyList<string>? names = null)
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var featurizer = new ConvolutionalFeaturizer(geometry ?? new ConvolutionGeometry(8, 8, 3, 1, 2, PoolSize: 3),
            preprocessor ?? new PatchPreprocessor(PatchNormalizationKind.Contrast, 10, Whitening(9)), p, PoolingKind.Mean,
            encoding ?? new FeatureEncoding(FeatureEncodingKind.SoftThreshold, 0.25));
        return new SavedConvolution(featurizer, new SavedAutoencoder(p, new ObjectiveSettings(), Summary(3), []), patches, names ?? ["F", "Pixels"]);
    }

    /// <summary>A LogTfIdf vocabulary of three tokens: every field of the current version in use.</summary>
    public static SavedTokenVocabulary TokenVocabulary()
        => new("cl100k_base", TokenWeighting.LogTfIdf, true, [5, 17, 900], [1.5f, 1.25f, 2f], 12, ["Tokens", "Text"]);

    public static byte[] Bytes(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }

    public static byte[] Bytes(SavedAutoencoder model) => Bytes(s => ModelFormat.Write(s, model));
    public static byte[] Bytes(SavedZca zca) => Bytes(s => ZcaFormat.Write(s, zca));
    public static byte[] Bytes(SavedConvolution convolution) => Bytes(s => ConvolutionFormat.Write(s, convolution));
    public static byte[] Bytes(SavedTokenVocabulary vocabulary) => Bytes(s => TokenVocabularyFormat.Write(s, vocabulary));
}
