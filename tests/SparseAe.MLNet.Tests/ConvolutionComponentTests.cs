using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Convolution;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class ConvolutionComponentTests
{
    public sealed class Image
    {
        [VectorType(144)]
        public float[] Pixels { get; set; } = [];
    }

    public sealed class Featured
    {
        public float[] Features { get; set; } = [];
    }

    // 12x12 images of bars at random places and orientations, values in [0, 1].
    internal static List<Image> Bars(int count, int seed) => LabelledBars(count, seed).Select(b => b.Image).ToList();

    private static List<(Image Image, bool Vertical)> LabelledBars(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var px = new float[144];
            int at = rng.Next(2, 10);
            bool vertical = rng.Next(2) == 0;
            for (int i = 0; i < 12; i++) px[vertical ? i * 12 + at : at * 12 + i] = 1f;
            for (int k = 0; k < 144; k++) px[k] = 0.8f * px[k] + 0.1f * (float)rng.NextDouble();
            return (new Image { Pixels = px }, vertical);
        }).ToList();
    }

    internal static ConvolutionalFeaturizerOptions Options(double? zca = null) => new()
    {
        InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 12, ImageWidth = 12, PatchSize = 4, Stride = 2,
        PoolGrid = 2, PatchCount = 400, ZcaEpsilon = zca,
        Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 6, MaxIterations = 20 },
    };

    [Fact]
    public void Fit_transform_save_load_and_PredictionEngine_agree()
    {
        var ml = new MLContext(seed: 1);
        var images = Bars(60, 2);
        var data = ml.Data.LoadFromEnumerable(images);
        var model = ml.Transforms.ConvolutionalSparseFeatures(Options(zca: 0.1)).Fit(data);
        Assert.Equal(2 * 2 * 6, model.Featurizer.FeatureCount);
        Assert.NotNull(model.Featurizer.Preprocessor.Zca);
        Assert.Equal(20, model.AutoencoderSummary.Iterations);

        var features = model.Transform(data).GetColumn<float[]>("Features").ToArray();
        Assert.Equal(24, features[0].Length);
        var direct = new float[24];
        model.Featurizer.Featurize(images[3].Pixels, direct, model.Featurizer.CreateWorkspace());
        Assert.Equal(direct, features[3]);

        using var temp = new TempFolder();
        var path = Path.Combine(temp, "conv.zip");
        ml.Model.Save(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(features, loaded.Transform(data).GetColumn<float[]>("Features").ToArray());
        var engine = ml.Model.CreatePredictionEngine<Image, Featured>(loaded);
        Assert.Equal(features[7], engine.Predict(images[7]).Features);
    }

    [Fact]
    public void A_fresh_process_that_only_loads_a_ZCA_and_featurizer_pipeline_predicts_bit_identically()
    {
        // The autoencoder's formats are loaded in a fresh process by the pipeline and sparse-code tests; this one
        // covers the other two blocks: ZCA whitening (as a transformer of its own) and the featurizer, with its
        // nested ZCA and autoencoder blocks, ahead of a classifier.
        var (train, test) = FreshProcess.DigitRows();
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(train);
        var model = ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1)
            .Append(ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
            {
                InputColumnName = "White", OutputColumnName = "Code", ImageHeight = 8, ImageWidth = 8, PatchSize = 4, Stride = 2,
                PoolGrid = 2, PatchCount = 400, ZcaEpsilon = 0.1,
                Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 6, MaxIterations = 20 },
            }))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code"))
            .Fit(view);
        using var temp = new TempFolder();
        var path = FreshProcess.AssertPredictsBitIdentically(temp, ml, model, view.Schema, test);

        var chain = ((IEnumerable<ITransformer>)new MLContext().Model.Load(path, out _)).ToList();
        Assert.IsType<ZcaWhiteningTransformer>(chain[0]);
        var featurizer = Assert.IsType<ConvolutionalFeaturizerTransformer>(chain[1]);
        Assert.NotNull(featurizer.Featurizer.Preprocessor.Zca);
        Assert.Equal(2 * 2 * 6, featurizer.Featurizer.FeatureCount);
    }

    [Fact]
    public void Pooled_features_separate_vertical_from_horizontal_bars()
    {
        // A useful featurizer must tell the two kinds of image apart; a nearest-class-mean rule on the
        // pooled features checks that without a trainer.
        var ml = new MLContext(seed: 1);
        var labelled = LabelledBars(120, 3);
        var images = labelled.Select(b => b.Image).ToList();
        var options = Options();
        options.Autoencoder.MaxIterations = 100;
        var model = ml.Transforms.ConvolutionalSparseFeatures(options).Fit(ml.Data.LoadFromEnumerable(images));
        var feats = model.Transform(ml.Data.LoadFromEnumerable(images)).GetColumn<float[]>("Features").ToArray();
        var labels = labelled.Select(b => b.Vertical).ToArray();
        double[] Mean(bool label) => Enumerable.Range(0, 24).Select(k => feats.Where((_, i) => labels[i] == label).Average(f => (double)f[k])).ToArray();
        var mv = Mean(true);
        var mh = Mean(false);
        int right = feats.Select((f, i) =>
        {
            double dv = f.Select((v, k) => (v - mv[k]) * (v - mv[k])).Sum(), dh = f.Select((v, k) => (v - mh[k]) * (v - mh[k])).Sum();
            return (dv < dh) == labels[i] ? 1 : 0;
        }).Sum();
        Assert.True(right >= 108, $"{right} of 120 classified right");
    }

    [Fact]
    public void The_soft_threshold_encoding_doubles_the_features_and_survives_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        var images = Bars(40, 5);
        var data = ml.Data.LoadFromEnumerable(images);
        var options = Options(zca: 0.1);
        options.Encoding = SparseAe.Convolution.FeatureEncodingKind.SoftThreshold;
        options.SoftThreshold = 0.3;
        var model = ml.Transforms.ConvolutionalSparseFeatures(options).Fit(data);
        Assert.Equal(2 * 2 * 2 * 6, model.Featurizer.FeatureCount);
        var features = model.Transform(data).GetColumn<float[]>("Features").ToArray();
        Assert.All(features, f => Assert.All(f, v => Assert.True(v >= 0 && float.IsFinite(v))));
        Assert.Contains(features, f => f.Any(v => v > 0));

        using var temp = new TempFolder();
        var path = Path.Combine(temp, "soft.zip");
        ml.Model.Save(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(features, loaded.Transform(data).GetColumn<float[]>("Features").ToArray());

        // The same autoencoder with the other encoding, without training again: its sigmoid codes.
        var sigmoid = model.WithEncoding(SparseAe.Convolution.FeatureEncodingKind.Sigmoid);
        Assert.Equal(2 * 2 * 6, sigmoid.Featurizer.FeatureCount);
        // The threshold is ignored for the sigmoid, as documented, whatever it is. (Mutation audit: it checked for the sigmoid
        // too passed every test.)
        foreach (var ignored in new[] { double.NaN, -1, 1e39 })
            Assert.Equal(sigmoid.Featurizer.Encoding, model.WithEncoding(SparseAe.Convolution.FeatureEncodingKind.Sigmoid, ignored).Featurizer.Encoding);
        Assert.Equal(model.Featurizer.Parameters.Theta, sigmoid.Featurizer.Parameters.Theta);
        var code = new float[24];
        sigmoid.Featurizer.Featurize(images[0].Pixels, code, sigmoid.Featurizer.CreateWorkspace());
        Assert.Equal(code, sigmoid.Transform(data).GetColumn<float[]>("Features").First());
        Assert.All(code, v => Assert.InRange(v, 0f, 9f));   // sums of at most 3x3 sigmoids: the 5x5 positions split 3 + 2 each way
        foreach (var alpha in new[] { -1, 1e39 })   // 1e39: finite, but infinity in float, and every feature was 0
            Assert.Contains($"softThreshold must lie in 0..3.4028234663852886E+38 (it is applied as a float), but is {alpha}",
                Assert.Throws<ArgumentOutOfRangeException>(() => model.WithEncoding(SparseAe.Convolution.FeatureEncodingKind.SoftThreshold, alpha)).Message);
    }

    // As in SparseAutoencoderOptions, TokenCountsOptions and ML.NET's own column options: a null input column
    // name means the output column's, which then replaces it. It was refused ("must be a non-blank column name").
    [Fact]
    public void A_null_input_column_name_means_the_output_column_which_the_features_replace()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Bars(30, 2));
        var options = Options();
        options.InputColumnName = null;
        options.OutputColumnName = "Pixels";
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(options);
        var shape = estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(data.Schema));
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "Pixels").Kind);
        var model = estimator.Fit(data);
        Assert.Equal("Pixels", model.InputColumnName);
        var output = model.Transform(data);
        Assert.Equal(24, ((VectorDataViewType)output.Schema["Pixels"].Type).Size);
        Assert.True(output.Schema[0].IsHidden);   // the images, behind their features
        Assert.Equal(30, output.GetColumn<float[]>("Pixels").Count(f => f.Length == 24));
    }

    [Fact]
    public void Bad_options_and_columns_are_refused()
    {
        var ml = new MLContext(seed: 1);
        var bad = Options();
        bad.PatchSize = 13;
        Assert.Contains("PatchSize must lie in 1..12", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(bad)).Message);
        var wrongSize = Options();
        wrongSize.ImageWidth = 10;
        var data = ml.Data.LoadFromEnumerable(Bars(5, 4));
        Assert.StartsWith("Input column 'Pixels' must be a vector of 120 Single values, ImageHeight x ImageWidth = 12x10 pixels, but has 144.",
            Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(wrongSize).Fit(data)).Message);
        // The transformer says the same of its own size (it said "the size the autoencoder was trained on": 16).
        var fitted = ml.Transforms.ConvolutionalSparseFeatures(Options()).Fit(data);
        var narrow = new DataViewSchema.Builder();
        narrow.AddColumn("Pixels", new VectorDataViewType(NumberDataViewType.Single, 16));
        Assert.StartsWith("Input column 'Pixels' must be a vector of 144 Single values, ImageHeight x ImageWidth = 12x12 pixels, but has 16.",
            Assert.ThrowsAny<ArgumentException>(() => fitted.GetOutputSchema(narrow.ToSchema())).Message);
        var noPatches = Options();
        noPatches.PatchCount = 0;
        Assert.Contains($"PatchCount must lie in 1..{Array.MaxLength / 16} (the 4x4 patches are held in one array), but is 0", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(noPatches)).Message);
        var badThreshold = Options();
        badThreshold.SoftThreshold = double.NaN;
        Assert.Contains("SoftThreshold must lie in 0..3.4028234663852886E+38 (it is applied as a float), but is NaN", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(badThreshold)).Message);
        badThreshold.SoftThreshold = 1e39;   // finite, but infinity in float: every feature was 0
        Assert.Contains($"SoftThreshold must lie in 0..3.4028234663852886E+38 (it is applied as a float), but is {1e39}", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(badThreshold)).Message);
        // Here "no pool size" is null, so the options name it so, not the geometry's 0.
        var zeroPool = Options();
        zeroPool.PoolSize = 0;
        Assert.Contains("PoolSize must be null (use PoolGrid) or lie in 1..65536, but is 0", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(zeroPool)).Message);
        var hugeStride = Options();
        hugeStride.Stride = 70_000;
        Assert.Contains("Stride must lie in 1..65536, but is 70000", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(hugeStride)).Message);
        var badEncoding = Options();
        badEncoding.Encoding = (SparseAe.Convolution.FeatureEncodingKind)5;
        Assert.Contains("Encoding must be Sigmoid or SoftThreshold, but is 5", Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(badEncoding)).Message);
    }

    // A PoolSize over the geometry's limit was refused in the geometry's words, "PoolSize must be 0 (use
    // PoolGrid) or lie in 1..65536", but 0 is what the options refuse: here "no pool size" is null.
    [Fact]
    public void A_pool_size_above_the_limit_is_refused_in_the_options_words()
    {
        var huge = Options();
        huge.PoolSize = 70_000;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(huge));
        Assert.Equal("PoolSize", e.ParamName);
        Assert.StartsWith("PoolSize must be null (use PoolGrid) or lie in 1..65536, but is 70000.", e.Message);
    }

    // A ContrastEpsilon of 1e-80 was accepted: training then failed on "Training row 4 holds NaN" (a
    // flat sampled patch, 0 x 1/sqrt(1e-80) = 0 x infinity in float), and Transform gave NaN features.
    [Fact]
    public void A_contrast_epsilon_too_small_for_float_is_refused_by_name()
    {
        var tiny = Options();
        tiny.Normalization = PatchNormalizationKind.Contrast;
        tiny.ContrastEpsilon = 1e-80;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(tiny));
        Assert.Equal("ContrastEpsilon", e.ParamName);
        Assert.StartsWith("ContrastEpsilon must be finite and at least 1.1754943508222875E-38 (the smallest normal float), but is 1E-80.", e.Message);
    }

    // PatchCount * P * P beyond one array passed the options, and Fit, after reading every image, threw
    // PatchSampling's "count*patchSize^2 ... draw them one at a time with SampleOne" (parameter 'count').
    [Fact]
    public void A_patch_count_whose_patches_one_array_cannot_hold_is_refused_by_name()
    {
        var many = Options();   // 4x4 patches: 16 values each
        many.PatchCount = 200_000_000;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(many));
        Assert.Equal("PatchCount", e.ParamName);
        Assert.StartsWith($"PatchCount must lie in 1..{Array.MaxLength / 16} (the 4x4 patches are held in one array), but is 200000000.", e.Message);
    }

    // L-BFGS, the sigmoid's default optimizer, holds the patches it trains on in one array of at most 2147483575 / max(P*P, H
    // padded) rows: 6,000,000 patches at 400 hidden units passed the options and were refused by the training, after every
    // image was read and the patches sampled and normalised ("... has 6000000 rows, more than the 5368708 rows ...").
    [Fact]
    public void A_patch_count_or_sample_that_LBFGS_cannot_hold_is_refused_by_name_before_any_image_is_read()
    {
        long most = SparseAe.Training.AutoencoderTraining.MaxLbfgsRows(16, 400);
        var many = Options();   // 4x4 patches
        many.Autoencoder.HiddenCount = 400;
        many.PatchCount = (int)most + 1;
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ConvolutionalSparseFeatures(many));
        Assert.Equal("PatchCount", e.ParamName);
        Assert.StartsWith($"PatchCount is {most + 1}, but L-BFGS can hold at most {most} patches of 16 values at 400 hidden units; lower it, set Autoencoder.MaximumRows", e.Message);
        many.Autoencoder.MaximumRows = most + 1;   // a sample as large as the patches is every patch
        Assert.Equal("PatchCount", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ConvolutionalSparseFeatures(many)).ParamName);
        many.PatchCount = (int)most + 2;           // a sample L-BFGS cannot hold either
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ConvolutionalSparseFeatures(many));
        Assert.Equal("Autoencoder.MaximumRows", e.ParamName);
        Assert.StartsWith($"Autoencoder.MaximumRows is {most + 1}, but L-BFGS can hold at most {most} patches", e.Message);
        many.Autoencoder.MaximumRows = most;       // a sample it holds
        ml.Transforms.ConvolutionalSparseFeatures(many);
        many.Autoencoder.MaximumRows = null;
        many.Autoencoder.Optimizer = OptimizerKind.Adam;   // streams
        ml.Transforms.ConvolutionalSparseFeatures(many);
        many.Autoencoder.Optimizer = null;
        many.PatchCount = (int)most;
        ml.Transforms.ConvolutionalSparseFeatures(many);
    }

    // An image's codes (positions x H) and features (regions x H, x 2 with the soft threshold) beyond one array passed the
    // options, and Fit, after reading every image and training the autoencoder, threw the featurizer's "... more than one
    // array holds" (parameter 'geometry', no option's name).
    [Fact]
    public void Hidden_units_whose_codes_or_features_one_array_cannot_hold_are_refused_by_name()
    {
        var wide = Options();   // 12x12 images, 4x4 patches every 2 pixels: 5x5 positions
        wide.PoolSize = 1;      // 25 regions
        wide.Autoencoder.Optimizer = OptimizerKind.Adam;   // L-BFGS would hold fewer rows of so many hidden units than the patches
        wide.Encoding = FeatureEncodingKind.SoftThreshold;
        int most = Array.MaxLength / 50;   // 2 features a hidden unit in each of 25 regions
        wide.Autoencoder.HiddenCount = most + 1;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(wide));
        Assert.Equal("Autoencoder.HiddenCount", e.ParamName);
        Assert.StartsWith($"Autoencoder.HiddenCount must be at most {most} here, but is {most + 1}: the codes of the 5x5 positions and the features " +
            $"of the 5x5 pooling regions (2 a hidden unit with SoftThreshold) of an image are each one array (of at most {Array.MaxLength} values).", e.Message);
        wide.Autoencoder.HiddenCount = most;
        new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(wide);
        wide.Encoding = FeatureEncodingKind.Sigmoid;   // 1 feature a hidden unit: the codes, 25 a unit, are the limit
        wide.Autoencoder.HiddenCount = Array.MaxLength / 25 + 1;
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(wide));
        Assert.StartsWith($"Autoencoder.HiddenCount must be at most {Array.MaxLength / 25} here, but is {Array.MaxLength / 25 + 1}: ", e.Message);
    }

    // 91x91 patches with ZCA passed the options, and Fit, after reading every image and sampling the
    // patches, threw ZCA's "at most 8192 features are supported" (parameter 'dimension').
    [Fact]
    public void A_patch_too_large_for_ZCA_is_refused_by_name_when_ZCA_is_asked_for()
    {
        var big = Options(zca: 0.1);
        big.ImageHeight = big.ImageWidth = 100;
        big.PatchSize = 91;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(big));
        Assert.Equal("PatchSize", e.ParamName);
        Assert.StartsWith("PatchSize must be at most 90 with a ZcaEpsilon (ZCA whitens patches of at most 8192 values), but is 91.", e.Message);
        big.ZcaEpsilon = null;
        new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(big);   // without ZCA the size is fine
    }

    // The nested autoencoder's rules and ZCA's said "HiddenCount" and "Epsilon", names this options class
    // does not have: the user set Autoencoder.HiddenCount and ZcaEpsilon.
    [Fact]
    public void Rules_of_the_nested_autoencoder_and_of_ZCA_name_the_options_the_user_set()
    {
        var ml = new MLContext(seed: 1);
        var noHidden = Options();
        noHidden.Autoencoder.HiddenCount = 0;
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(noHidden));
        Assert.Equal("Autoencoder.HiddenCount", e.ParamName);
        Assert.StartsWith("Autoencoder.HiddenCount must be at least 1, but is 0.", e.Message);
        var badTarget = Options();
        badTarget.Autoencoder.SparsityTarget = 2;
        e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(badTarget));
        Assert.Equal("Autoencoder.SparsityTarget", e.ParamName);
        Assert.StartsWith("Autoencoder.SparsityTarget ", e.Message);
        var negativeSeed = Options();
        negativeSeed.Autoencoder.Seed = -7;   // drew the patches and weights of seed 7 (System.Random takes -s as s)
        e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(negativeSeed));
        Assert.Equal("Autoencoder.Seed", e.ParamName);
        Assert.StartsWith("Autoencoder.Seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7.", e.Message);

        // Images each of one grey give patches along one direction: their covariance is singular.
        var flat = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Image { Pixels = Enumerable.Repeat(0.1f * (i + 1), 144).ToArray() }));
        var singular = Options(zca: 0);
        singular.Normalization = SparseAe.Convolution.PatchNormalizationKind.None;
        singular.Autoencoder.Decoder = DecoderKind.Linear;
        e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(singular).Fit(flat));
        Assert.Equal("ZcaEpsilon", e.ParamName);
        Assert.StartsWith("The covariance of the sample of 400 patches of column 'Pixels' is singular (an eigenvalue is 0", e.Message);
        Assert.Contains("ZCA needs ZcaEpsilon > 0 for such data.", e.Message);
    }

    public sealed class ShapedImage
    {
        [VectorType(1, 6, 6)]
        public float[] Pixels { get; set; } = [];
    }

    // A column of 6x6 images given as 4x9 (or 9x4) has the right pixel count: its rows were cut in the wrong places.
    [Fact]
    public void A_column_whose_type_gives_other_image_dimensions_is_refused_naming_both()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(1);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new ShapedImage { Pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray() }));
        ConvolutionalFeaturizerOptions Shaped(int height, int width) => new()
        {
            InputColumnName = "Pixels", ImageHeight = height, ImageWidth = width, PatchSize = 3, PoolGrid = 1, PatchCount = 50,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 2, MaxIterations = 3 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ConvolutionalSparseFeatures(Shaped(4, 9)).Fit(images));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("Column 'Pixels' holds 1x6x6 images by its type, but ImageHeight x ImageWidth is 4x9; they must be the column's height and width.", e.Message);

        // Fitted on the right shape, the transformer refuses the wrong one too, and takes a plain vector of the size.
        var model = ml.Transforms.ConvolutionalSparseFeatures(Shaped(6, 6)).Fit(images);
        var flat = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(_ => new SmallImage36 { Pixels = new float[36] }));
        Assert.Equal(3, model.Transform(flat).GetColumn<float[]>("Features").Count());
        var other = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(_ => new WideImage { Pixels = new float[36] }));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(other));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("Column 'Pixels' holds 4x9 images by its type, but ImageHeight x ImageWidth is 6x6", e.Message);
    }

    // ML.NET's ApplyOnnxModel gives an ONNX output of shape [-1, 36] the type Vector<Single, 1, 36> (an unknown batch
    // dimension becomes 1): a plain vector of the size, which the check refused as "1x36 images".
    [Fact]
    public void A_column_whose_only_dimension_other_than_1_is_the_pixel_count_is_a_plain_vector()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(1);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new BatchShapedImage { Pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray() }));
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Pixels", ImageHeight = 6, ImageWidth = 6, PatchSize = 3, PoolGrid = 1, PatchCount = 50,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 2, MaxIterations = 3 },
        }).Fit(images);
        Assert.Equal(10, model.Transform(images).GetColumn<float[]>("Features").Count());
    }

    public sealed class BatchShapedImage
    {
        [VectorType(1, 36)]
        public float[] Pixels { get; set; } = [];
    }

    public sealed class SmallImage36
    {
        [VectorType(36)]
        public float[] Pixels { get; set; } = [];
    }

    public sealed class WideImage
    {
        [VectorType(4, 9)]
        public float[] Pixels { get; set; } = [];
    }

    public sealed class SmallImage
    {
        [VectorType(16)]
        public float[] Pixels { get; set; } = [];
    }

    // Contrast-normalised patches sum to 0, so their covariance is singular whatever the images; float rounding
    // lifted its zero eigenvalue above ZCA's threshold, and with ZcaEpsilon 0 a featurizer trained whose features
    // disagreed with its own ONNX graph by 3e-4 of their scale (documented: 1e-5). Then Fit refused it as singular,
    // after reading every image; now the options are refused when the estimator is made.
    [Fact]
    public void Contrast_normalisation_with_a_ZcaEpsilon_of_0_is_refused_when_the_estimator_is_made()
    {
        var ml = new MLContext(seed: 1);
        var options = new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 4, ImageWidth = 4, PatchSize = 4, PoolGrid = 1, PatchCount = 100, ZcaEpsilon = 0,
            Normalization = SparseAe.Convolution.PatchNormalizationKind.Contrast,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 10 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ConvolutionalSparseFeatures(options));
        Assert.Equal("ZcaEpsilon", e.ParamName);
        Assert.Equal(0.0, e.ActualValue);
        Assert.StartsWith("ZcaEpsilon must be above 0 (or null) with Normalization Contrast: contrast-normalised patches sum to 0, so their covariance is singular; but is 0.", e.Message);
        options.ZcaEpsilon = 1e-5;
        Assert.NotNull(ml.Transforms.ConvolutionalSparseFeatures(options));
    }

    // A 1x1 patch is its own mean: UFLDL's and the contrast normalisation make every patch the same value, so the
    // features did not depend on the image. UFLDL's Fit read every image and then blamed them ("the sampled patches
    // ... are all flat; check the images"); the contrast normalisation fitted, and gave every image the same features.
    [Theory]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Ufldl)]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Contrast)]
    public void One_pixel_patches_with_a_normalisation_that_removes_the_mean_are_refused_when_the_estimator_is_made(SparseAe.Convolution.PatchNormalizationKind normalization)
    {
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.PatchSize = 1;
        options.Stride = 1;
        options.Normalization = normalization;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ConvolutionalSparseFeatures(options));
        Assert.Equal("PatchSize", e.ParamName);
        Assert.Equal(1, e.ActualValue);
        Assert.StartsWith($"PatchSize must be at least 2 with Normalization {normalization}, which removes each patch's mean: a 1x1 patch is its own mean, so every patch normalises to the same values and the features do not depend on the image; but is 1.", e.Message);
        options.Normalization = SparseAe.Convolution.PatchNormalizationKind.None;
        var model = ml.Transforms.ConvolutionalSparseFeatures(options).Fit(ml.Data.LoadFromEnumerable(Bars(20, 1)));
        var features = model.Transform(ml.Data.LoadFromEnumerable(Bars(2, 3))).GetColumn<float[]>("Features").ToArray();
        Assert.NotEqual(features[0], features[1]);
    }

    // Patches of pixels near 1e-21 cannot be whitened in float without an epsilon; ZCA's refusal said "use an
    // Epsilon of at least ..." under its own parameter name 'x', which names neither the option nor the data. It then
    // said "The covariance of these rows", where the singular refusal named the patches: both name them.
    [Fact]
    public void Patches_too_small_to_whiten_are_refused_naming_the_input_and_ZcaEpsilon()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(1);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(_ => new SmallImage { Pixels = Enumerable.Range(0, 16).Select(_ => (float)(1e-21 * rng.NextDouble())).ToArray() }));
        var options = new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 4, ImageWidth = 4, PatchSize = 4, PoolGrid = 1, PatchCount = 100, ZcaEpsilon = 0,
            Normalization = SparseAe.Convolution.PatchNormalizationKind.None,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 10 },
        };
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(options).Fit(images));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("The covariance of the sample of 100 patches of column 'Pixels' underflows float", e.Message);
        Assert.Contains("or raise ZcaEpsilon to at least 1.18E-38, which outweighs what is lost (it is 0)", e.Message);
    }
}
