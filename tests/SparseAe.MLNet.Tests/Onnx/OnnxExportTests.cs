using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Convolution;
using SparseAe.LoadCheck;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Onnx;

/// <summary>
/// ML.NET's own ONNX export (ConvertToOnnx) of every transformer and option, run back in ONNX Runtime
/// through ML.NET's ApplyOnnxModel and compared with Transform on the same rows. Tolerance: every value
/// within 1e-5 of the column's largest magnitude (float32 products summed in another order; the
/// featurizer's normalisation runs in double here and in float32 there).
/// </summary>
public class OnnxExportTests(DigitsPipelineFixture digits) : IClassFixture<DigitsPipelineFixture>
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void Every_activation_exports_its_code_and_reconstruction_error(ActivationKind activation)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train);
        var test = ml.Data.LoadFromEnumerable(digits.Test);
        var options = new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 48,
            Activation = activation, K = 6, L1Weight = 0.01, Threads = 1,
        };
        if (activation == ActivationKind.Sigmoid) options.MaxIterations = 60;
        else (options.Epochs, options.BatchSize, options.LearningRate) = (8, 64, 0.003);
        var model = ml.Transforms.SparseAutoencoder(options).Fit(train);

        var (expected, actual) = Compare(ml, model, test, "Code", "Error");
        if (activation == ActivationKind.TopK) AssertSameTopK(expected["Code"], actual["Code"], 6);
        else AssertClose(expected["Code"], actual["Code"], "Code");
        AssertClose(expected["Error"], actual["Error"], "Error");
        if (activation != ActivationKind.Sigmoid)
            Assert.Contains(expected["Code"], row => row.Contains(0f));   // a sparse code, not a trivially dense one
    }

    // The sigmoid code with the linear decoder (rows of any sign, after ZCA): the graph's reconstruction is W2 a + b2, chosen
    // by the decoder, not by the activation. Every other export test keeps each activation's default decoder.
    [Fact]
    public void A_sigmoid_code_with_the_linear_decoder_exports_its_reconstruction_error()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train);
        var test = ml.Data.LoadFromEnumerable(digits.Test);
        var options = new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 24,
            Decoder = DecoderKind.Linear, MaxIterations = 40, Threads = 1,
        };
        var model = ml.Transforms.SparseAutoencoder(options).Fit(train);
        var (expected, actual) = Compare(ml, model, test, "Code", "Error");
        AssertClose(expected["Code"], actual["Code"], "Code");
        AssertClose(expected["Error"], actual["Error"], "Error");
    }

    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    // One hidden unit: the graph's count of NaN in a row is then 1, which a test of "more than one" missed, and JumpReLU's
    // comparison gives NaN a 0. (Mutation audit: a NaN row taken as one of more than one NaN passed every test, whose rows
    // of 24 units had 24.)
    [InlineData(ActivationKind.JumpReLU, 1)]
    public void A_row_with_a_NaN_gives_a_row_of_NaN_codes_in_ONNX_Runtime_as_in_ML_NET(ActivationKind activation, int hidden = 24)
    {
        // JumpReLU's comparison alone gave such a row zeros in the graph, TopK's selection K NaN among zeros.
        var ml = new MLContext(seed: 1);
        int k = Math.Min(4, hidden);
        var options = new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = hidden, Activation = activation, K = k, Threads = 1 };
        if (activation == ActivationKind.Sigmoid) options.MaxIterations = 20;
        else (options.Epochs, options.BatchSize) = (2, 64);
        var model = ml.Transforms.SparseAutoencoder(options).Fit(ml.Data.LoadFromEnumerable(digits.Train));
        var rows = digits.Test.Take(12).Select(r => new DigitRow { Label = r.Label, Features = (float[])r.Features.Clone() }).ToArray();
        rows[3].Features[5] = float.NaN;
        Array.Fill(rows[7].Features, float.NaN);

        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(rows), "Code");
        int[] missing = [3, 7];
        foreach (int i in missing)
        {
            Assert.All(expected["Code"][i], v => Assert.True(float.IsNaN(v), $"ML.NET, row {i}: {v}"));
            Assert.All(actual["Code"][i], v => Assert.True(float.IsNaN(v), $"ONNX Runtime, row {i}: {v}"));
        }
        var keep = Enumerable.Range(0, rows.Length).Except(missing).ToArray();
        float[][] Finite(float[][] codes) => keep.Select(i => codes[i]).ToArray();
        if (activation == ActivationKind.TopK) AssertSameTopK(Finite(expected["Code"]), Finite(actual["Code"]), k);
        else AssertClose(Finite(expected["Code"]), Finite(actual["Code"]), "Code");
    }

    // ONNX Runtime's Sigmoid gives values near 0 and 1 in steps of 2^-25 (3e-8) (on x64 with ONNX Runtime 1.31.1, 0 below z
    // of about -17), where Transform's sigmoid is accurate relative to its value down to 4.5e-39 and never 0. docs/onnx.md
    // says so. Only the bound and Transform's side are asserted: ONNX Runtime's tail is its kernels', which may differ by CPU.
    [Fact]
    public void The_sigmoids_tails_agree_within_2e_7_and_Transforms_sigmoid_is_never_0()
    {
        var ml = new MLContext(seed: 1);
        float[] z = [-200, -88, -50, -20, -17.5f, -17, -15, -10, 0, 10, 15, 17, 20, 88, 200];
        var p = new SparseAe.Model.AutoencoderParameters(64, z.Length);
        z.CopyTo(p.B1);   // W1 = 0: every row's pre-activations are b1
        var model = new SparseAutoencoderTransformer("Code", "Features", null, p, new SparseAe.Objective.ObjectiveSettings(), FormatSamples.Summary(z.Length));
        var (mlnet, onnx) = Compare(ml, model, ml.Data.LoadFromEnumerable(digits.Test.Take(2)), "Code");
        var (expected, actual) = (mlnet["Code"], onnx["Code"]);
        for (int j = 0; j < z.Length; j++)
            Assert.True(Math.Abs(expected[0][j] - actual[0][j]) <= 2e-7, $"z = {z[j]}: ML.NET {expected[0][j]:R}, ONNX Runtime {actual[0][j]:R}");
        Assert.InRange(expected[0][0], 4.48e-39f, 4.49e-39f);   // below -87.3 Transform's sigmoid stays at 1 / (1 + e^88.3)
        Assert.DoesNotContain(expected[0], v => v == 0);
    }

    // Exact ties (W1 = 0, so every row's pre-activations are b1): ONNX's TopK and TopKSelection both keep the lower
    // index, at k = 1, at a tie at the K-th place, and at k = H; negative pre-activations among the K are 0 (ReLU) in both.
    [Theory]
    [InlineData(1, new[] { 0f, 2, 0, 0, 0, 0, 0, 0 })]
    [InlineData(3, new[] { 0f, 2, 0, 2, 0, 2, 0, 0 })]
    [InlineData(5, new[] { 1f, 2, 0, 2, 0, 2, 0, 2 })]
    [InlineData(8, new[] { 1f, 2, 0, 2, 1, 2, 0, 2 })]
    public void TopK_keeps_the_lower_index_among_exact_ties_in_ONNX_Runtime_as_in_ML_NET(int k, float[] code)
    {
        var ml = new MLContext(seed: 1);
        var p = new SparseAe.Model.AutoencoderParameters(64, 8);
        new float[] { 1, 2, -1, 2, 1, 2, -3, 2 }.CopyTo(p.B1);
        var model = new SparseAutoencoderTransformer("Code", "Features", null, p, new SparseAe.Objective.ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK, K: k), FormatSamples.Summary(8));
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(digits.Test.Take(2)), "Code");
        Assert.All(expected["Code"], row => Assert.Equal(code, row));
        Assert.All(actual["Code"], row => Assert.Equal(code, row));
    }

    [Fact]
    public void The_digits_pipeline_predicts_the_same_labels_in_ONNX_Runtime()
    {
        var ml = digits.Context;
        var test = ml.Data.LoadFromEnumerable(digits.Test);
        using var file = new TempOnnx(ml, digits.Model, test);
        var onnx = ml.Transforms.ApplyOnnxModel(file.Path).Fit(test).Transform(test);
        var mlnet = digits.Model.Transform(test);
        var expected = mlnet.GetColumn<uint>("PredictedLabel").ToArray();
        var predicted = onnx.Schema["PredictedLabel"];
        var actual = onnx.GetColumn<VBuffer<uint>>(predicted).Select(v => v.GetItemOrDefault(0)).ToArray();
        Assert.Equal(digits.Test.Count, expected.Length);
        Assert.Equal(expected, actual);
        AssertClose(mlnet.GetColumn<float[]>("Code").ToArray(), onnx.GetColumn<float[]>("Code").ToArray(), "Code");
    }

    [Fact]
    public void ZCA_whitening_exports()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train);
        var model = ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1).Fit(train);
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(digits.Test), "White");
        AssertClose(expected["White"], actual["White"], "White");
    }

    [Fact]
    public void A_chain_of_ZCA_then_a_TopK_code_exports_as_one_graph()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train);
        var model = ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1)
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "White", HiddenCount = 32, Activation = ActivationKind.TopK, K = 4,
                Epochs = 4, BatchSize = 64, LearningRate = 0.003, Threads = 1,
            })).Fit(train);
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(digits.Test), "White", "Code");
        AssertClose(expected["White"], actual["White"], "White");
        AssertSameTopK(expected["Code"], actual["Code"], 4);
        using var file = new TempOnnx(ml, model, ml.Data.LoadFromEnumerable(digits.Test));
        Assert.Equal(["Features", "Label"], OnnxGraphInputs(file.Path).Order());   // the code is computed, not asked for
    }

    // A vector of several dimensions (ExtractPixels' Vector<Single, 3, H, W>, an ONNX model's output) is a graph input
    // of that shape, (N, 8, 8) here, while the graphs read rows of (N, 64), as Transform reads the vector flat: the
    // exported file failed to load in ONNX Runtime ("Incompatible dimensions" in ZCA's Sub, the autoencoder's MatMul).
    [Fact]
    public void Every_transformer_exports_over_an_input_vector_of_several_dimensions()
    {
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(DigitRow));
        schema[nameof(DigitRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 8, 8);
        var train = ml.Data.LoadFromEnumerable(digits.Train.Take(300), schema);
        var test = ml.Data.LoadFromEnumerable(digits.Test.Take(100), schema);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8, 8), train.Schema["Features"].Type);
        var model = ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1)
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 8, MaxIterations = 20, ReconstructionErrorColumnName = "Error",
            }))
            .Append(ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
            {
                InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 4, Stride = 2,
                PoolGrid = 2, PatchCount = 300, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 6, MaxIterations = 20 },
            })).Fit(train);
        var (expected, actual) = Compare(ml, model, test, "White", "Code", "Error", "Conv");
        foreach (var column in new[] { "White", "Code", "Error", "Conv" }) AssertClose(expected[column], actual[column], column);
        // ZCA's output keeps the input's 8 x 8, in the graph (declared and computed) as in ML.NET's schema.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8, 8), model.Transform(test).Schema["White"].Type);
        using var file = new TempOnnx(ml, model, test);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(file.Path);
        Assert.Equal([-1, 8, 8], session.OutputMetadata["White.output"].Dimensions);
        Assert.Equal([-1, 8], session.OutputMetadata["Code.output"].Dimensions);
        var feeds = new[]
        {
            Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Features", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(digits.Test[0].Features, new[] { 1, 8, 8 })),
            Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Label", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(new[] { (float)digits.Test[0].Label }, new[] { 1, 1 })),
        };
        using var results = session.Run(feeds);
        Assert.Equal([1, 8, 8], results.Single(r => r.Name == "White.output").AsTensor<float>().Dimensions.ToArray());
    }

    // docs/onnx.md said ML.NET's slot-name output was int64 (N, 1), like the columns; it is declared (-1, 1) but its
    // constant node gives (1, 1) in every run, so a consumer splitting the outputs by row must skip it.
    [Fact]
    public void ML_NETs_slot_name_output_is_one_value_whatever_the_batch_while_the_code_has_a_row_per_input_row()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train.Take(200).Select(r => new FeaturesOnly { Features = r.Features }));
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 8, Activation = ActivationKind.ReLU, Epochs = 1, Threads = 1,
        }).Fit(train);
        using var file = new TempOnnx(ml, model, train);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(file.Path);
        var rows = digits.Test.Take(7).SelectMany(r => r.Features).ToArray();
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Features", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(rows, [7, 64]))]);
        Assert.Equal([7, 8], results.Single(r => r.Name == "Code.output").AsTensor<float>().Dimensions.ToArray());
        Assert.Equal([1, 1], results.Single(r => r.Name == "mlnet.Code.unusedOutput").AsTensor<long>().Dimensions.ToArray());
    }

    public sealed class FeaturesOnly
    {
        [VectorType(64)]
        public float[] Features { get; set; } = [];
    }

    public static TheoryData<PatchNormalizationKind, bool, FeatureEncodingKind, PoolingKind, int?> FeaturizerCases() => new()
    {
        { PatchNormalizationKind.Contrast, true, FeatureEncodingKind.SoftThreshold, PoolingKind.Sum, null },
        { PatchNormalizationKind.Contrast, false, FeatureEncodingKind.Sigmoid, PoolingKind.Mean, null },
        { PatchNormalizationKind.Ufldl, true, FeatureEncodingKind.Sigmoid, PoolingKind.Sum, 3 },
        { PatchNormalizationKind.Ufldl, false, FeatureEncodingKind.SoftThreshold, PoolingKind.Mean, 2 },
        { PatchNormalizationKind.None, false, FeatureEncodingKind.Sigmoid, PoolingKind.Sum, null },
    };

    [Theory]
    [MemberData(nameof(FeaturizerCases))]
    public void The_convolutional_featurizer_exports_every_normalisation_encoding_and_pooling(
        PatchNormalizationKind normalization, bool zca, FeatureEncodingKind encoding, PoolingKind pooling, int? poolSize)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(digits.Train.Take(300));
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 4, Stride = 1,
            PoolGrid = 2, PoolSize = poolSize, PatchCount = 600, Normalization = normalization, ZcaEpsilon = zca ? 0.1 : null,
            Encoding = encoding, SoftThreshold = 0.25, Pooling = pooling,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 12, MaxIterations = 30 },
        }).Fit(data);
        Assert.Equal(normalization, model.Featurizer.Preprocessor.Normalization);
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(digits.Test.Take(200)), "Conv");
        AssertClose(expected["Conv"], actual["Conv"], "Conv");
    }

    // Images that are not square, whose pooling regions are not a square grid (2 x 8 and 8 x 2 regions): the graph's region
    // matrix numbers them row by row as Transform does. (Mutation audit: regions numbered by the grid's rows in place of
    // its columns passed every test, whose grids were square.)
    [Theory]
    [InlineData(4, 16)]
    [InlineData(16, 4)]
    public void A_featurizer_of_images_that_are_not_square_exports_its_pooling_regions_as_Transform_pools(int height, int width)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(digits.Train.Take(300));
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = height, ImageWidth = width, PatchSize = 2, Stride = 1,
            PoolSize = 2, PatchCount = 600, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 5, MaxIterations = 30 },
        }).Fit(data);
        Assert.Equal(2 * 8, model.Featurizer.Geometry.RegionRows * model.Featurizer.Geometry.RegionColumns);
        Assert.NotEqual(model.Featurizer.Geometry.RegionRows, model.Featurizer.Geometry.RegionColumns);
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(digits.Test.Take(100)), "Conv");
        AssertClose(expected["Conv"], actual["Conv"], "Conv");
    }

    // A NaN or infinite pixel: Transform gives NaN the features of the regions whose patches hold it, the graph every
    // feature of that image (its pooling is one product with the 0/1 region matrix, and 0 x NaN is NaN). The graph left
    // the infinity to the normalisation (infinity - infinity); without one, ONNX Runtime's sigmoid saturated it to a
    // finite 0 or 1, and the soft threshold gave infinities and zeros, where Transform gave NaN.
    [Theory]
    [InlineData(PatchNormalizationKind.None, false, FeatureEncodingKind.Sigmoid)]
    [InlineData(PatchNormalizationKind.None, false, FeatureEncodingKind.SoftThreshold)]
    [InlineData(PatchNormalizationKind.None, true, FeatureEncodingKind.Sigmoid)]
    [InlineData(PatchNormalizationKind.Ufldl, false, FeatureEncodingKind.Sigmoid)]
    [InlineData(PatchNormalizationKind.Contrast, true, FeatureEncodingKind.SoftThreshold)]
    public void A_NaN_or_infinite_pixel_makes_its_image_s_features_NaN_in_the_graph_where_Transform_has_NaN(
        PatchNormalizationKind normalization, bool zca, FeatureEncodingKind encoding)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 4, Stride = 2,
            PoolGrid = 2, PatchCount = 300, Normalization = normalization, ZcaEpsilon = zca ? 0.1 : null, Encoding = encoding, SoftThreshold = 0.25,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 6, MaxIterations = 10 },
        }).Fit(ml.Data.LoadFromEnumerable(digits.Train.Take(300)));
        float[] bad = [float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        var rows = digits.Test.Take(4).Select(r => new DigitRow { Label = r.Label, Features = (float[])r.Features.Clone() }).ToArray();
        for (int i = 0; i < bad.Length; i++) rows[i].Features[9 + 18 * i] = bad[i];
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(rows), "Conv");
        for (int i = 0; i < bad.Length; i++)
        {
            Assert.Contains(expected["Conv"][i], float.IsNaN);
            Assert.All(actual["Conv"][i], v => Assert.True(float.IsNaN(v), $"image with {bad[i]}: ONNX Runtime gave {v}"));
        }
        AssertClose(expected["Conv"][3..], actual["Conv"][3..], "Conv");
    }

    // A batch of 0 rows, which Transform gives back as 0 rows: the featurizer's graph pooled with a product of the
    // (regions, positions) matrix and the (N, M, F) features, whose batch of 1 ONNX Runtime's MatMul would not broadcast
    // against N = 0 ("MatMul node. Name:'ConvolutionalFeaturizerTransformer.MatMul1' ... right operand cannot broadcast
    // on dim 0"), while every other graph gave (0, width).
    [Fact]
    public void Every_graph_gives_a_batch_of_0_rows_as_0_rows_of_its_width()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train.Take(300).Select(r => new FeaturesOnly { Features = r.Features }));
        var model = ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1)
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "White", HiddenCount = 8, Activation = ActivationKind.TopK, K = 2,
                ReconstructionErrorColumnName = "Error", Epochs = 1, Threads = 1,
            }))
            .Append(ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
            {
                InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 4, Stride = 2,
                PoolGrid = 2, PatchCount = 300, Pooling = PoolingKind.Mean, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 6, MaxIterations = 10 },
            })).Fit(train);
        using var file = new TempOnnx(ml, model, train);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(file.Path);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Features", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(Array.Empty<float>(), [0, 64]))]);
        int[] Shape(string output) => results.Single(r => r.Name == output).AsTensor<float>().Dimensions.ToArray();
        Assert.Equal([0, 64], Shape("White.output"));
        Assert.Equal([0, 8], Shape("Code.output"));
        Assert.Equal([0, 1], Shape("Error.output"));
        Assert.Equal([0, 24], Shape("Conv.output"));
        Assert.Empty(Read(model.Transform(ml.Data.LoadFromEnumerable(Array.Empty<FeaturesOnly>())), "Conv"));
    }

    public static TheoryData<PatchNormalizationKind, int, int, string> FarFromTrainingCases() => new()
    {
        { PatchNormalizationKind.Ufldl, 3, 2, "offset 1e4" },
        { PatchNormalizationKind.Ufldl, 4, 1, "offset 1e6" },
        { PatchNormalizationKind.Ufldl, 3, 2, "times 1e3" },
        { PatchNormalizationKind.Ufldl, 3, 2, "times 1e6" },
        { PatchNormalizationKind.Ufldl, 3, 2, "flat 1e30" },
        { PatchNormalizationKind.Contrast, 5, 1, "offset 1e4" },
        { PatchNormalizationKind.Contrast, 3, 3, "offset 1e6" },
        { PatchNormalizationKind.Contrast, 3, 3, "flat 1e30" },
    };

    // Pixels far from the training scale. The graph centred patches on a float32 mean of the raw pixels,
    // the featurizer on a double mean rounded to float: each put its own rounding of the patch's level
    // into every centred value, which ZCA amplified (7.7e-4 to 4.2e-3 of the column's largest value at an
    // offset of 1e4), and flat patches of 1e30 were rounding noise in the graph, clipped to +-pstd.
    [Theory]
    [MemberData(nameof(FarFromTrainingCases))]
    public void The_convolutional_featurizer_agrees_with_its_graph_on_pixels_far_from_the_training_scale(
        PatchNormalizationKind normalization, int patchSize, int stride, string change)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = patchSize, Stride = stride,
            PoolGrid = 2, PatchCount = 600, Normalization = normalization, ZcaEpsilon = 0.1,
            Encoding = FeatureEncodingKind.SoftThreshold, SoftThreshold = 0.25, Pooling = PoolingKind.Mean,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 10, MaxIterations = 30 },
        }).Fit(ml.Data.LoadFromEnumerable(digits.Train.Take(300)));
        Func<float, float> pixel = change switch
        {
            "offset 1e4" => v => v + 1e4f,
            "offset 1e6" => v => v + 1e6f,
            "times 1e3" => v => v * 1e3f,
            "times 1e6" => v => v * 1e6f,
            _ => _ => 1e30f,
        };
        var rows = digits.Test.Take(100).Select(r => new DigitRow { Label = r.Label, Features = r.Features.Select(pixel).ToArray() });
        var (expected, actual) = Compare(ml, model, ml.Data.LoadFromEnumerable(rows), "Conv");
        if (change == "flat 1e30")
        {
            // Centred, a flat patch is 0 (UFLDL: 0.5 everywhere); whitened, it lies within the threshold.
            Assert.All(expected["Conv"], r => Assert.All(r, v => Assert.Equal(0f, v)));
            Assert.All(actual["Conv"], r => Assert.All(r, v => Assert.Equal(0f, v)));
        }
        else
        {
            AssertClose(expected["Conv"], actual["Conv"], $"Conv ({change})");
        }
    }

    public static TheoryData<PatchNormalizationKind, double, string> ParametersBeyondFloat32() => new()
    {
        { PatchNormalizationKind.Ufldl, 1e39, "the UFLDL normalisation's pstd" },
        { PatchNormalizationKind.Ufldl, 1e-50, "the UFLDL normalisation's pstd" },
        { PatchNormalizationKind.Contrast, 1e39, "the contrast normalisation's epsilon" },
    };

    // The graph held the normalisation's parameter as a float32, unchecked: a UFLDL pstd of 1e39 became
    // infinity there (every feature NaN), one of 1e-50 became 0 (every pixel 0.5), and a contrast epsilon
    // of 1e39 infinity (every patch 0), while Transform, in double, normalised the patches. (A pstd that
    // large comes from training images of values near float's limit; the epsilon is an option.)
    [Theory]
    [MemberData(nameof(ParametersBeyondFloat32))]
    public void A_normalisation_parameter_beyond_float32_is_refused_naming_it_not_exported_as_another(
        PatchNormalizationKind normalization, double parameter, string what)
    {
        var ml = new MLContext(seed: 1);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 2, 1, 2), new PatchPreprocessor(normalization, parameter, null),
            SparseAe.Model.ParameterInitializer.Initialize(4, 3, 5), PoolingKind.Mean, new FeatureEncoding(FeatureEncodingKind.SoftThreshold, 0));
        var model = new ConvolutionalFeaturizerTransformer("Conv", "Features", featurizer, FormatSamples.Summary(3), new SparseAe.Objective.ObjectiveSettings(), 100);
        var images = ml.Data.LoadFromEnumerable(digits.Test.Take(10));
        Assert.Contains(Read(model.Transform(images), "Conv"), row => row.Any(v => v != 0 && float.IsFinite(v)));

        using var stream = new MemoryStream();
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(model, images, stream));
        var notSupported = Assert.IsType<NotSupportedException>(Innermost(e));
        Assert.Equal($"ConvolutionalFeaturizerTransformer cannot be exported to ONNX: the graph holds {what} as a float32, so it must lie in " +
            $"1.1754943508222875E-38..3.4028234663852886E+38, but it is {parameter:R}.", notSupported.Message);
    }

    // Pooling is one product with a constant (regions, positions) matrix. At 46,656 regions of as many
    // positions its float count overflowed int, and export failed with a bare OverflowException
    // ("Arithmetic operation resulted in an overflow"), which export-onnx did not turn into one line.
    [Fact]
    public void A_pooling_matrix_too_large_for_an_ONNX_file_is_refused_naming_its_size()
        => Assert.Equal("ConvolutionalFeaturizerTransformer cannot be exported to ONNX: its pooling is a constant (regions, positions) matrix of " +
            "46656 x 46656 floats, 8707129344 bytes, and an ONNX file holds at most 2147483647 bytes (protobuf's limit); " +
            "fewer pooling regions (a larger PoolSize or a smaller PoolGrid) or fewer positions (a larger Stride) make it smaller.",
            OversizedFeaturizerRefusal(new ConvolutionGeometry(216, 216, 1, 1, 0, PoolSize: 1)));

    // The patches' index table, 8 bytes an entry, was made before the graph's count of constants refused it: 2.35 GB here
    // (1,016,064 positions of 289 pixels), allocated first or ending in an OutOfMemoryException. Refused before, by size.
    [Fact]
    public void A_patch_index_table_too_large_for_an_ONNX_file_is_refused_naming_its_size_before_it_is_made()
        => Assert.Equal("ConvolutionalFeaturizerTransformer cannot be exported to ONNX: its patches' pixel indices are a constant (positions, patch pixels) table of " +
            "1016064 x 289 int64 values, 2349139968 bytes, and an ONNX file holds at most 2147483647 bytes (protobuf's limit); " +
            "fewer positions (a larger Stride) or smaller patches make it smaller.",
            OversizedFeaturizerRefusal(new ConvolutionGeometry(1024, 1024, 17, 1, 0, PoolSize: 1008)));

    // The refusal of the export of a featurizer of this geometry (one hidden unit), which must come before the oversized constant
    // is made (under 100 MB allocated) and leave the stream empty.
    private static string OversizedFeaturizerRefusal(ConvolutionGeometry geometry)
    {
        var ml = new MLContext(seed: 1);
        var featurizer = new ConvolutionalFeaturizer(geometry, PatchPreprocessor.Identity,
            SparseAe.Model.ParameterInitializer.Initialize(geometry.PatchLength, 1, 5), PoolingKind.Sum);
        var model = new ConvolutionalFeaturizerTransformer("Conv", "Features", featurizer, FormatSamples.Summary(1), new SparseAe.Objective.ObjectiveSettings(), 100);
        var schema = SchemaDefinition.Create(typeof(DigitRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, geometry.ImageHeight * geometry.ImageWidth);
        var images = ml.Data.LoadFromEnumerable(Array.Empty<DigitRow>(), schema);
        using var stream = new MemoryStream();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(model, images, stream));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000_000, "the constant was made before it was refused");
        Assert.Equal(0, stream.Length);
        return Assert.IsType<NotSupportedException>(Innermost(e)).Message;
    }

    // Google.Protobuf wrote a model past protobuf's 2 GB without a word: nine 8192-wide ZCAs in a chain made a
    // 2.4 GB file that python's onnx could not parse ("Error parsing message with type 'onnx.ModelProto'"). The count
    // of constants starts 20,000 bytes short of the limit here: built for real, 2 GB of constants took this test to
    // 5 GB of memory. The first ZCA's 16,640 bytes fit, so does the second's mean, and its matrix crosses.
    [Fact]
    public void Constants_that_take_a_graph_past_what_an_ONNX_file_holds_are_refused_naming_the_sizes_and_nothing_is_written()
    {
        var ml = new MLContext(seed: 1);
        const int d = 64;
        var matrix = new float[d * d];
        for (int i = 0; i < d; i++) matrix[i * d + i] = 1;
        var zca = SparseAe.Whitening.ZcaWhitening.FromParts(d, 0.1, new float[d], matrix);
        var chain = new TransformerChain<ZcaWhiteningTransformer>(new ZcaWhiteningTransformer("White0", "Features", zca, 10), new ZcaWhiteningTransformer("White1", "Features", zca, 10));
        var rows = ml.Data.LoadFromEnumerable(Array.Empty<DigitRow>());
        long start = int.MaxValue - 20_000L;

        using var stream = new MemoryStream();
        using (SparseAe.MLNet.MLNetInternals.OnnxExport.StartConstantsAt(start))
        {
            var e = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(chain, rows, stream));
            var notSupported = Assert.IsType<NotSupportedException>(Innermost(e));
            Assert.Equal("ZcaWhiteningTransformer cannot be exported to ONNX: its constant 'zca_WT' (4096 values, 16384 bytes) takes the graph's constants " +
                $"to {start + 2 * (d + d * d) * sizeof(float)} bytes, and an ONNX file holds at most 2147483647 bytes (protobuf's limit).", notSupported.Message);
            Assert.Equal(0, stream.Length);
        }

        // The sum refused it: from 0, the same chain exports, and so does one ZCA from the same start.
        ml.Model.ConvertToOnnx(chain, rows, stream);
        Assert.True(stream.Length > 0);
        using (SparseAe.MLNet.MLNetInternals.OnnxExport.StartConstantsAt(start))
        {
            using var one = new MemoryStream();
            ml.Model.ConvertToOnnx(chain.LastTransformer, rows, one);
            Assert.True(one.Length > 0);
        }
    }

    [Fact]
    public void A_TopK_code_below_opset_11_is_refused_with_a_NotSupportedException_naming_the_transformer_and_the_rule()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train);
        var topK = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 16, Activation = ActivationKind.TopK, K = 4,
            Epochs = 1, BatchSize = 64, LearningRate = 0.003, Threads = 1,
        }).Fit(train);
        using var stream = new MemoryStream();
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(topK, train, 10, stream));
        var notSupported = Assert.IsType<NotSupportedException>(Innermost(e));
        Assert.Contains("SparseAutoencoderTransformer cannot be exported at the requested ONNX opset: it needs opset 11 or later (a TopK code", notSupported.Message);
        Assert.Contains("Requested OpSet version 10", notSupported.Message);

        // The sigmoid code needs nothing beyond opset 9, and is exported there.
        stream.SetLength(0);
        ml.Model.ConvertToOnnx(digits.Autoencoder, train, 9, stream);
        Assert.True(stream.Length > 0);
    }

    public sealed class Gloss
    {
        public string Text { get; set; } = "";
    }

    [Fact]
    public void A_pipeline_with_token_counts_is_refused_naming_the_transformer_not_exported_with_the_counts_as_an_input()
    {
        var ml = new MLContext(seed: 1);
        var texts = ml.Data.LoadFromEnumerable(new[] { "a large cat", "a small dog", "the cat sat on the mat" }.Select(t => new Gloss { Text = t }));
        var model = ml.Transforms.TokenCounts("Tokens", "Text").Fit(texts);
        using var stream = new MemoryStream();
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(model, texts, stream));
        var notSupported = Assert.IsType<NotSupportedException>(Innermost(e));
        Assert.Equal("TokenCountsTransformer cannot be exported to ONNX: ONNX has no standard operator for its tokenizer ('cl100k_base').", notSupported.Message);
    }

    // ML.NET's converter has no ONNX form for a LogMeanVariance normaliser with its CDF (the default) and stops
    // there without a word; the autoencoder after it said only "its input column 'N' has no value in the graph".
    [Fact]
    public void An_input_column_computed_by_a_stage_ML_NET_cannot_export_is_refused_naming_the_column_and_why()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(digits.Train);
        var model = ml.Transforms.NormalizeLogMeanVariance("N", "Features")
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "N", HiddenCount = 4, MaxIterations = 2, Threads = 1 }))
            .Fit(train);
        using var stream = new MemoryStream();
        var e = Assert.ThrowsAny<Exception>(() => ml.Model.ConvertToOnnx(model, train, stream));
        var notSupported = Assert.IsType<NotSupportedException>(Innermost(e));
        Assert.Equal("SparseAutoencoderTransformer cannot be exported to ONNX: its input column 'N' has no value in the graph, "
            + "so the stage that computes it was not written: ML.NET's converter has no ONNX form for it (a LogMeanVariance normaliser with its CDF has none). "
            + "Export the pipeline without that stage.", notSupported.Message);
        Assert.Equal(0, stream.Length);
    }

    // Transform and the exported graph in ONNX Runtime on the same rows: each named column, row by row.
    private static (Dictionary<string, float[][]> Expected, Dictionary<string, float[][]> Actual) Compare(
        MLContext ml, ITransformer model, IDataView rows, params string[] columns)
    {
        using var file = new TempOnnx(ml, model, rows);
        var mlnet = model.Transform(rows);
        var onnx = ml.Transforms.ApplyOnnxModel(file.Path).Fit(rows).Transform(rows);
        var expected = columns.ToDictionary(c => c, c => Read(mlnet, c));
        // ApplyOnnxModel names each graph output after its column (ML.NET's exporter wrote "Code.output"),
        // so the graph's column is the last of that name.
        var actual = columns.ToDictionary(c => c, c => Read(onnx, c));
        foreach (var c in columns) Assert.Equal(expected[c].Length, actual[c].Length);
        return (expected, actual);
    }

    // A column as rows of floats: a vector column as is, a Single column (or ONNX's (N, 1)) as rows of one.
    private static float[][] Read(IDataView view, string column)
        => (view.Schema.GetColumnOrNull(column) ?? throw new ArgumentException($"no column {column}: {string.Join(", ", view.Schema.Select(c => c.Name + " " + c.Type))}")).Type is VectorDataViewType
            ? view.GetColumn<float[]>(column).ToArray()
            : view.GetColumn<float>(column).Select(v => new[] { v }).ToArray();

    private static void AssertClose(float[][] expected, float[][] actual, string column)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.SelectMany(r => r).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        Assert.True(scale > 0, $"{column}: every value is 0");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= Tolerance * scale,
                    $"{column}, row {i}, value {j}: ML.NET {expected[i][j]}, ONNX Runtime {actual[i][j]} (tolerance {Tolerance * scale:G3})");
        }
    }

    // TopK in ONNX and the encoder (TopKSelection) both keep the lower index among latents that tie exactly, but the
    // two compute the pre-activations in another order: rows whose K-th and (K+1)-th tie within float32 rounding may
    // keep another latent. Every other row must
    // agree within the tolerance, and a row that differs must differ only in latents at the K-th value.
    private static void AssertSameTopK(float[][] expected, float[][] actual, int k)
    {
        double scale = expected.SelectMany(r => r).Max(v => Math.Abs((double)v));
        int differing = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange(actual[i].Count(v => v != 0), 0, k);
            var kept = expected[i].Select((v, j) => (v, j)).Where(p => p.v != 0).Select(p => p.j).ToHashSet();
            var keptOnnx = actual[i].Select((v, j) => (v, j)).Where(p => p.v != 0).Select(p => p.j).ToHashSet();
            if (!kept.SetEquals(keptOnnx))
            {
                differing++;
                float kth = expected[i].Where(v => v != 0).Min();
                foreach (int j in kept.Except(keptOnnx).Concat(keptOnnx.Except(kept)))
                    Assert.True(Math.Abs(Math.Max(expected[i][j], actual[i][j]) - kth) <= 1e-4 * scale,
                        $"row {i}: latent {j} kept by one side only, at {expected[i][j]} / {actual[i][j]}, far from the K-th value {kth}");
                continue;
            }
            for (int j = 0; j < expected[i].Length; j++)
                Assert.True(Math.Abs(expected[i][j] - actual[i][j]) <= Tolerance * scale, $"Code, row {i}, latent {j}: {expected[i][j]} against {actual[i][j]}");
        }
        Assert.True(differing <= expected.Length / 100, $"{differing} of {expected.Length} rows keep other latents");
    }

    private static IEnumerable<string> OnnxGraphInputs(string path)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        return session.InputMetadata.Keys.ToArray();
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is not NotSupportedException) e = e.InnerException;
        return e;
    }

    /// <summary>A pipeline exported to a temporary .onnx file, deleted on dispose.</summary>
    private sealed class TempOnnx : IDisposable
    {
        private readonly TempFolder _folder = new();

        public TempOnnx(MLContext ml, ITransformer model, IDataView rows)
        {
            Path = _folder.File("model.onnx");
            using var stream = File.Create(Path);
            ml.Model.ConvertToOnnx(model, rows, stream);
        }

        public string Path { get; }

        public void Dispose() => _folder.Dispose();
    }
}
