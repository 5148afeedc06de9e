using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Convolution;
using SparseAe.MLNet.Mapping;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>
/// Applies a patch autoencoder at every position of each image and pools the feature maps into one
/// vector per image (see <see cref="ConvolutionalFeaturizer"/>). Saved and loaded with
/// <c>MLContext.Model</c>; usable through Transform and a PredictionEngine.
/// </summary>
public sealed class ConvolutionalFeaturizerTransformer : VectorColumnTransformer
{
    /// <summary>The loader signature stored in saved models. Never change it: saved zips name it.</summary>
    internal const string LoaderSignature = "SparseAeConvFeaturizer";

    internal ConvolutionalFeaturizerTransformer(string outputColumnName, string inputColumnName, ConvolutionalFeaturizer featurizer,
        TrainingSummary autoencoderSummary, Objective.ObjectiveSettings objective, long trainingPatches)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Featurizer = featurizer;
        AutoencoderSummary = autoencoderSummary;
        Objective = objective.WithUnusedAtDefaults();   // what a saved model reads back
        TrainingPatches = trainingPatches;
    }

    /// <summary>The pooled features column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The image column it reads.</summary>
    public override string InputColumnName { get; }

    /// <summary>Geometry, preprocessing, encoder and pooling.</summary>
    public ConvolutionalFeaturizer Featurizer { get; }

    /// <summary>How the patch autoencoder's training went.</summary>
    public TrainingSummary AutoencoderSummary { get; }

    /// <summary>The patch autoencoder's rho, beta, lambda and penalty.</summary>
    public Objective.ObjectiveSettings Objective { get; }

    /// <summary>
    /// Patches sampled from the training images (PatchCount): the ZCA was fitted on all of them, and the autoencoder
    /// on all of them too, or, with <c>Autoencoder.MaximumRows</c> below this, on a random sample of that many.
    /// </summary>
    public long TrainingPatches { get; }

    /// <summary>
    /// The same trained featurizer with another feature encoding: the encoding can be chosen (for example
    /// by validation) without training the autoencoder again.
    /// </summary>
    /// <param name="encoding">Sigmoid (the autoencoder's code) or SoftThreshold.</param>
    /// <param name="softThreshold">alpha of the soft threshold; ignored for Sigmoid.</param>
    public ConvolutionalFeaturizerTransformer WithEncoding(FeatureEncodingKind encoding, double softThreshold = Defaults.ConvolutionSoftThreshold)
    {
        if (!Enum.IsDefined(encoding)) throw new ArgumentOutOfRangeException(nameof(encoding), encoding, $"encoding must be Sigmoid or SoftThreshold, but is {(int)encoding}.");
        if (encoding == FeatureEncodingKind.SoftThreshold && !FeatureEncoding.IsThreshold(softThreshold))
            throw new ArgumentOutOfRangeException(nameof(softThreshold), softThreshold, $"softThreshold {FeatureEncoding.ThresholdRule}, but is {softThreshold}.");
        var f = Featurizer;
        var featurizer = new ConvolutionalFeaturizer(f.Geometry, f.Preprocessor, f.Parameters, f.Pooling,
            new FeatureEncoding(encoding, encoding == FeatureEncodingKind.SoftThreshold ? softThreshold : 0));
        return new ConvolutionalFeaturizerTransformer(OutputColumnName, InputColumnName, featurizer, AutoencoderSummary, Objective, TrainingPatches);
    }

    private protected override OutputColumns MakeColumns(DataViewSchema inputSchema, string paramName)
    {
        var g = Featurizer.Geometry;
        int count = Featurizer.FeatureCount;
        var column = new ComputedColumn<InputVector>(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, count), input =>
        {
            var workspace = Featurizer.CreateWorkspace();
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, count);
                Featurizer.Featurize(input.Read(), editor.Values, workspace);
                dst = editor.Commit();
            });
        });
        var columns = new OutputColumns(inputSchema, paramName, InputColumnName, g.ImageHeight * g.ImageWidth, PixelsRule(g.ImageHeight, g.ImageWidth), [column]);
        CheckImageShape(inputSchema[InputColumnName], g.ImageHeight, g.ImageWidth, paramName);
        return columns;
    }

    /// <summary>
    /// A column whose type gives its images' dimensions (ML.NET's ExtractPixels: planes x height x width, or height x
    /// width x planes interleaved) must give these. A 24x32 column with ImageHeight 32 and ImageWidth 24 has the right
    /// pixel count, and was read with its rows cut in the wrong places, without a word. Dimensions of 1 (one plane)
    /// are left out on both sides; a column of size alone (a plain vector) is taken as row-major H x W, and so is one whose
    /// only other dimension is 1 (ApplyOnnxModel types an ONNX output [-1, H*W] as 1 x H*W). Refused as every other
    /// column of the wrong type is (<see cref="DataViews.InputColumnRules"/>, ML.NET's schema mismatch): an
    /// ArgumentOutOfRangeException.
    /// </summary>
    internal static void CheckImageShape(DataViewSchema.Column column, int imageHeight, int imageWidth, string paramName)
    {
        if (column.Type is not VectorDataViewType { Dimensions.Length: >= 2 } vector) return;
        int[] given = [.. vector.Dimensions.Where(d => d != 1)], expected = [.. new[] { imageHeight, imageWidth }.Where(d => d != 1)];
        if (given.Length > 1 && !given.SequenceEqual(expected))
            throw new ArgumentOutOfRangeException(paramName, $"Column '{column.Name}' holds {string.Join('x', vector.Dimensions)} images by its type, but ImageHeight x ImageWidth is " +
                $"{imageHeight}x{imageWidth}; they must be the column's height and width.");
    }

    /// <summary>Where the input column's size comes from, for the message when a column has another: the estimator's and the transformer's.</summary>
    internal static string PixelsRule(int imageHeight, int imageWidth) => $"ImageHeight x ImageWidth = {imageHeight}x{imageWidth} pixels";

    private protected override void WriteOnnx(Onnx.OnnxGraph graph) => Onnx.ConvolutionGraph.Write(graph, this);

    private protected override void SaveModel(ModelSaveContext ctx) => ModelPersistence.Save(ctx, this);

    // ML.NET's loader finds this by reflection (LoadableClass in MLNetInternals/ModelPersistence.cs).
    private static ConvolutionalFeaturizerTransformer Create(Microsoft.ML.Runtime.IHostEnvironment env, ModelLoadContext ctx)
        => ModelPersistence.LoadConvolution(env, ctx);
}
