using Xunit;

namespace SparseAe.MLNet.Tests.Packaging;

/// <summary>
/// The public types of the packed libraries, listed: a library user's API is small, and a type
/// that becomes public (a kernel, a thread pool, an optimizer's internals) does so on purpose, by
/// changing this list. What the tools need is internal, with InternalsVisibleTo.
/// </summary>
public class PublicSurfaceTests
{
    private static string[] PublicTypes(Type inAssembly)
        => inAssembly.Assembly.GetExportedTypes().Select(t => t.FullName!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Core_exports_the_objective_the_training_entry_its_settings_and_results_the_model_and_the_formats()
    {
        string[] expected =
        [
            "SparseAe.Convolution.ConvolutionGeometry", "SparseAe.Convolution.ConvolutionalFeaturizer", "SparseAe.Convolution.ConvolutionalFeaturizer+Workspace",
            "SparseAe.Convolution.FeatureEncoding",
            "SparseAe.Convolution.FeatureEncodingKind", "SparseAe.Convolution.PatchNormalizationKind", "SparseAe.Convolution.PatchPreprocessor",
            "SparseAe.Convolution.PoolingKind", "SparseAe.Defaults",
            "SparseAe.Model.AutoencoderEncoder", "SparseAe.Model.AutoencoderParameters", "SparseAe.Model.AutoencoderWeights",
            "SparseAe.Objective.CostBreakdown", "SparseAe.DecoderKind", "SparseAe.ActivationKind", "SparseAe.Objective.ObjectiveSettings",
            "SparseAe.Objective.SparseAutoencoderObjective", "SparseAe.SparsityPenalty",
            "SparseAe.Optimization.NonFiniteCostException", "SparseAe.Optimization.OptimizerExitReason",
            "SparseAe.Persistence.AtomicFile", "SparseAe.Persistence.ConvolutionFormat", "SparseAe.Persistence.ModelFormat",
            "SparseAe.Persistence.SavedAutoencoder", "SparseAe.Persistence.SavedConvolution", "SparseAe.Persistence.SavedZca",
            "SparseAe.Persistence.ZcaFormat", "SparseAe.Persistence.SavedTokenVocabulary", "SparseAe.Persistence.TokenVocabularyFormat",
            "SparseAe.TokenWeighting",
            "SparseAe.Training.ArrayRowSource", "SparseAe.Training.AutoencoderTraining", "SparseAe.Training.IRowReader",
            "SparseAe.Training.IRowSource", "SparseAe.OptimizerKind", "SparseAe.Training.TrainerSettings",
            "SparseAe.Training.TrainingProgress", "SparseAe.Training.TrainingResult", "SparseAe.Training.TrainingSummary",
            "SparseAe.Training.SparseCodeMetrics", "SparseAe.Whitening.ZcaWhitening",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), PublicTypes(typeof(SparseAe.Training.AutoencoderTraining)));
    }

    [Fact]
    public void MLNet_exports_the_estimators_transformers_their_options_and_the_catalog_methods()
    {
        string[] expected =
        [
            "SparseAe.MLNet.AutoencoderTrainingOptions", "SparseAe.MLNet.ConvolutionalFeaturizerEstimator",
            "SparseAe.MLNet.ConvolutionalFeaturizerOptions", "SparseAe.MLNet.ConvolutionalFeaturizerTransformer",
            "SparseAe.MLNet.ModelCatalog", "SparseAe.MLNet.RowSourceCatalog", "SparseAe.MLNet.SparseAutoencoderCatalog", "SparseAe.MLNet.SparseAutoencoderEstimator",
            "SparseAe.MLNet.SparseAutoencoderOptions", "SparseAe.MLNet.SparseAutoencoderTransformer",
            "SparseAe.MLNet.TokenCountsCatalog", "SparseAe.MLNet.TokenCountsEstimator", "SparseAe.MLNet.TokenCountsOptions",
            "SparseAe.MLNet.TokenCountsTransformer", "SparseAe.MLNet.VectorColumnTransformer",
            "SparseAe.MLNet.ZcaWhiteningEstimator", "SparseAe.MLNet.ZcaWhiteningTransformer",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), PublicTypes(typeof(SparseAe.MLNet.SparseAutoencoderEstimator)));
    }

    [Fact]
    public void Mat_exports_the_file_its_variables_the_writer_and_the_layout_conversions()
    {
        string[] expected =
        [
            "SparseAe.Mat.ColumnMajorLayout", "SparseAe.Mat.MatClass", "SparseAe.Mat.MatClassNames", "SparseAe.Mat.MatFile",
            "SparseAe.Mat.MatFileFormat", "SparseAe.Mat.MatStatistics", "SparseAe.Mat.MatVariable", "SparseAe.Mat.MatWriter",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), PublicTypes(typeof(SparseAe.Mat.MatFile)));
    }
}
