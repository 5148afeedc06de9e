using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace FashionMnistSample;

/// <summary>
/// The downstream classifier, the same for every feature set: features standardised to mean 0 and
/// variance 1 (sum-pooled features are all positive, so centring matters for the optimiser), then
/// ML.NET's multinomial logistic regression (LbfgsMaximumEntropy).
/// </summary>
/// <remarks>
/// ML.NET's L-BFGS objective sums the loss over the rows and adds L2 / 2 * ||w||^2, so the same amount
/// of regularisation per row needs an L2 weight proportional to the row count: the sample chooses
/// <c>L2PerRow</c> on validation and passes L2PerRow * rows to ML.NET. The optimiser stops at a
/// relative tolerance of 1e-5: on 20,000 images with 7,200 features that took 31 s against 56 s for
/// 1e-7, for validation accuracy 0.9113 against 0.9117.
/// </remarks>
internal sealed class LinearClassifier(MLContext ml, int threads)
{
    public IEstimator<ITransformer> Pipeline(string features, double l2PerRow, int rows) =>
        ml.Transforms.NormalizeMeanVariance("Standardised", features, fixZero: false)
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Standardised",
                L2Regularization = (float)(l2PerRow * rows),
                L1Regularization = 0,
                OptimizationTolerance = 1e-5f,
                HistorySize = 20,
                MaximumNumberOfIterations = 400,
                NumberOfThreads = threads,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    /// <summary>Accuracy and the confusion counts (row: true class, column: predicted class).</summary>
    public (double Accuracy, IReadOnlyList<IReadOnlyList<double>> Counts) Evaluate(ITransformer model, IDataView data)
    {
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
        return (metrics.MicroAccuracy, metrics.ConfusionMatrix.Counts);
    }

    public double Accuracy(ITransformer model, IDataView data) => Evaluate(model, data).Accuracy;
}
