using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace SparseAe.SparseCodeStudy;

/// <summary>
/// The linear classifier on a code, the same for every code: each latent scaled to unit variance (ML.NET's
/// NormalizeMeanVariance with fixZero, so zeros stay zeros and a sparse code stays sparse), then ML.NET's multinomial
/// logistic regression (LbfgsMaximumEntropy) with fixed settings: L2 = <see cref="L2"/>, L1 = 0, tolerance 1e-5, 20
/// correction pairs, at most 300 iterations. Accuracy on the test set.
/// </summary>
/// <remarks>
/// ML.NET's L-BFGS objective sums the log-loss over the rows and adds (L2 / 2) ||w||^2, so L2 = 1 (its default) on
/// 20,000 rows is a light 5e-5 per row. The codes are cached once (ml.Data.Cache) so that the classifier's passes do
/// not encode every row again.
/// </remarks>
internal sealed class LinearProbe(MLContext ml, int threads)
{
    public const float L2 = 1f;

    public double Accuracy(ITransformer encoder, IDataView train, IDataView test, string features)
    {
        var pipeline = ml.Transforms.NormalizeMeanVariance("Scaled", features, fixZero: true)
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey",
                FeatureColumnName = "Scaled",
                L2Regularization = L2,
                L1Regularization = 0,
                OptimizationTolerance = 1e-5f,
                HistorySize = 20,
                MaximumNumberOfIterations = 300,
                // ML.NET wants null (its default) rather than 0 for one thread per core.
                NumberOfThreads = threads > 0 ? threads : null,
            }));
        var trainCodes = ml.Data.Cache(encoder.Transform(train), features, "Label");
        var model = pipeline.Fit(trainCodes);
        var testCodes = ml.Data.Cache(encoder.Transform(test), features, "Label");
        return ml.MulticlassClassification.Evaluate(model.Transform(testCodes), labelColumnName: "LabelKey").MicroAccuracy;
    }
}
