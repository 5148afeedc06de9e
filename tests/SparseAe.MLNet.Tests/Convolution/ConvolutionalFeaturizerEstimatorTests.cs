using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests.Convolution;

public class ConvolutionalFeaturizerEstimatorTests
{
    public sealed class Image
    {
        [VectorType(784)]
        public float[] Pixels { get; set; } = new float[784];
    }

    // Autoencoder.CancellationToken is documented as "Cancels training (Fit throws OperationCanceledException);
    // MLContext.CancelExecution works too", and CancelExecution stops the featurizer's read of the images and its ZCA
    // fit. The token did not: a cancelled token read every image, sampled the patches and fitted ZCA (up to half an hour
    // at 90x90 patches) before the autoencoder's training looked at it.
    [Fact]
    public void A_cancelled_token_stops_Fit_before_the_images_are_read()
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        int read = 0;
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 50).Select(i =>
        {
            Interlocked.Increment(ref read);
            return new Image { Pixels = Enumerable.Range(0, 784).Select(j => (float)((i * 7 + j * 13) % 17) / 17f).ToArray() };
        }));
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 8, PatchCount = 100, ZcaEpsilon = 0.1,
            Autoencoder = new() { HiddenCount = 3, MaxIterations = 2, CancellationToken = cts.Token },
        });
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(images));
        Assert.True(read <= 1, $"{read} images were read after the token was cancelled");
    }

    // More images than one array holds (Array.MaxLength / 784 = 2,739,110 of 28x28) passed the memory check where the
    // machine had the 9.4 GB it counted: the read then took an 8.6 GB array for the first 2,739,110 images and refused
    // only after reading them all. A view that says its count is refused before any image is read, as ZCA and L-BFGS
    // refuse more rows than they hold before their memory check. (Images within one array and their patches take at
    // most 17 GB, so the memory check of a said count, which comes next, cannot be made to fail in this process: it is
    // tested below in a process of its own under a heap limit.)
    [Fact]
    public void Images_more_than_one_array_holds_are_refused_before_any_is_read()
    {
        var ml = new MLContext(seed: 1);
        var one = ml.Data.LoadFromEnumerable(new[] { new Image() });
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 28, ImageWidth = 28, PatchSize = 8, PatchCount = 1000,
        });
        // A problem of the data, as L-BFGS's too many rows is: an ArgumentException of the input (it was InvalidOperationException).
        var e = Assert.Throws<ArgumentException>(() => estimator.Fit(new HugeView(one, 3_000_000)));
        Assert.Equal("input", e.ParamName);
        Assert.Equal($"Column 'Pixels' has 3000000 images of 784 pixels, more than the {Array.MaxLength / 784} one array holds; pass a sample of them. (Parameter 'input')", e.Message);
    }

    // The featurizer held every image it fits on and read them without a memory check: 300,000 images of 28x28 under a
    // 256 MB heap limit ended in a bare OutOfMemoryException in the read. Run in a process of its own with that limit
    // (SparseAe.FitCheck --featurizer-images): refused before any image is read when the view says how many, else as
    // they arrive, with the sizes and what to lower.
    [Theory]
    [InlineData("said", "The convolutional featurizer's fit on 300000 images of 28x28 (the images in one array, beside 1000 patches of 64 values) needs about ")]
    [InlineData("unsaid", "The convolutional featurizer's fit on the ")]
    public void Images_too_many_for_memory_are_refused_with_the_sizes_and_what_to_lower(string said, string start)
    {
        using var folder = new SparseAe.Tests.Support.TempFolder();
        var (code, text) = SparseAe.Tests.Support.ProcessRunner.Run("dotnet",
            [SparseAe.Tests.Support.TestData.Metadata("FitCheckPath"), "--featurizer-images", "300000", said], folder, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" });   // 256 MB
        Assert.True(code == 3, $"exit {code}: {text}");
        Assert.StartsWith(start, text);
        if (said == "unsaid") Assert.Matches(@"^The convolutional featurizer's fit on the \d+ images of 28x28 read so far ", text);
        Assert.EndsWith("; fit on fewer images (a sample: mlContext.Data.TakeRows or ShuffleRows then TakeRows) or lower PatchCount (now 1000).", text.TrimEnd());
    }

    // Featurizing one image takes its codes at every position and its features, each up to one array (8.6 GB): 28x28
    // images in 2x2 patches pooled one by one with 50,000 hidden units need 291 MB an image. Fit read the images and
    // trained, said "36450000 features per image", and the first row transformed under a 256 MB heap limit ended in a bare
    // OutOfMemoryException. Refused before the images are read, with the sizes and what to lower.
    [Fact]
    public void A_featurizer_whose_image_does_not_fit_in_memory_is_refused_before_the_images_are_read()
    {
        using var folder = new SparseAe.Tests.Support.TempFolder();
        var (code, text) = SparseAe.Tests.Support.ProcessRunner.Run("dotnet",
            [SparseAe.Tests.Support.TestData.Metadata("FitCheckPath"), "--featurizer-output", "fit"], folder, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" });   // 256 MB
        Assert.True(code == 3, $"exit {code}: {text}");
        Assert.StartsWith("Featurizing one 28x28 image (729 positions of 2x2 patches, 50000 hidden units, 36450000 features) needs about 0.", text);
        Assert.EndsWith("; use a larger Stride, fewer hidden units or fewer pooling regions.", text.TrimEnd());
    }

    // Without Autoencoder.Seed the patches and the initial weights take their seed from the MLContext, as the autoencoder's
    // and ZCA's do: MLContext(seed: 1) and MLContext(seed: 2) give different featurizers, one seed the same. A fixed fallback
    // made every unseeded featurizer the same whatever the MLContext's seed (an ensemble of them, or a search over seeds, all alike).
    [Fact]
    public void Without_a_seed_the_patches_and_weights_follow_the_MLContexts_seed()
    {
        var rng = new Random(5);
        var pixels = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 784).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        float[][] Features(int contextSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            var images = ml.Data.LoadFromEnumerable(pixels.Select(p => new Image { Pixels = p }));
            var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
            {
                ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 100, Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
            }).Fit(images);
            return model.Transform(images).GetColumn<float[]>(model.OutputColumnName).ToArray();
        }
        Assert.Equal(Features(1), Features(1));
        Assert.NotEqual(Features(1), Features(2));
    }

    // The patch autoencoder's sigmoid-decoder warning said "The training data holds values in [-2.3, 2.4]; ... so scale the
    // inputs", of images in [0, 1]: what it trains on is the sample of patches after the featurizer's own normalisation and
    // ZCA, which the user cannot scale; the warning names them and those options, and the linear decoder.
    [Fact]
    public void The_sigmoid_decoders_range_warning_names_the_normalised_patch_sample_and_the_linear_decoder()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) warnings.Add(e.RawMessage); };
        var rng = new Random(3);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(_ => new Image { Pixels = Enumerable.Range(0, 784).Select(_ => (float)rng.NextDouble()).ToArray() }));
        ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, Normalization = SparseAe.Convolution.PatchNormalizationKind.Contrast,
            ZcaEpsilon = 0.1, Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(images);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("The sample of 200 patches of column 'Pixels' (after Normalization Contrast and ZcaEpsilon 0.1) holds values in [", warning);
        Assert.EndsWith("; the sigmoid decoder reconstructs only [0, 1], so scale the inputs (UFLDL rescales patches to [0.1, 0.9]) or use the linear decoder (Decoder Linear).", warning);
    }

    // UFLDL's normalisation maps each patch it does not clip to values summing to 0.5 P^2, so with ZcaEpsilon 0 the
    // patches' covariance is singular for almost any images: Fit read every image and then said only "The covariance is
    // singular ...; ZCA needs ZcaEpsilon > 0 for such data", which sent the user to the images. (Patches that are
    // clipped break the sum, so some images do whiten with 0, and the options are not refused up front.)
    // An epsilon too small to matter (1e-12, below 2^-23 of the largest eigenvalue) is refused as 0 is, and the advice
    // asks for a larger one rather than for one above 0.
    [Theory]
    [InlineData(0.0, "; ZCA needs ZcaEpsilon > 0 for such data.", "above 0")]
    [InlineData(1e-12, "; it is 1E-12.", "of that size or more")]
    public void UFLDL_patches_that_ZCA_without_an_epsilon_cannot_whiten_are_refused_saying_why(double epsilon, string rule, string advice)
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(_ => new Image { Pixels = Enumerable.Range(0, 784).Select(_ => (float)rng.NextDouble()).ToArray() }));
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, ZcaEpsilon = epsilon,
            Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(images));
        Assert.Equal("ZcaEpsilon", e.ParamName);
        Assert.StartsWith("The covariance of the sample of 200 patches of column 'Pixels' (after Normalization Ufldl) is singular (", e.Message);
        Assert.EndsWith(rule + " Normalization Ufldl maps every patch it does not clip to values that sum to 0.5 x 16, " +
            $"so their covariance is singular unless clipping breaks that sum; use a ZcaEpsilon {advice} (UFLDL's is 0.1). (Parameter 'ZcaEpsilon')", e.Message);
    }

    // ZCA names the patches in its own message, which then has Epsilon said as ZcaEpsilon: the column's name is not an option's.
    [Theory]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Ufldl)]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.None)]
    public void A_singular_covariance_names_a_column_called_Epsilon_as_it_is(SparseAe.Convolution.PatchNormalizationKind normalization)
    {
        var ml = new MLContext(seed: 1);
        // Random pixels (UFLDL's sum makes their patches singular) or images each of one grey (along one direction).
        var rng = new Random(3);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new Image { Pixels = Enumerable.Range(0, 784)
            .Select(_ => normalization == SparseAe.Convolution.PatchNormalizationKind.Ufldl ? (float)rng.NextDouble() : 0.05f * (i + 1)).ToArray() }));
        var copied = ml.Transforms.CopyColumns("Epsilon", "Pixels").Fit(images).Transform(images);
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Epsilon", ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, ZcaEpsilon = 0,
            Normalization = normalization, Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(copied));
        Assert.Equal("ZcaEpsilon", e.ParamName);
        Assert.StartsWith("The covariance of the sample of 200 patches of column 'Epsilon'", e.Message);
        Assert.Contains("ZCA needs ZcaEpsilon > 0 for such data.", e.Message);
        // An epsilon too small for the patches (each of one grey) names them too, and the renaming of Epsilon leaves the column as it is.
        if (normalization != SparseAe.Convolution.PatchNormalizationKind.None) return;
        var tiny = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Epsilon", ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, ZcaEpsilon = 1e-300,
            Normalization = normalization, Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(copied));
        Assert.Equal("ZcaEpsilon", tiny.ParamName);
        Assert.StartsWith("The covariance of the sample of 200 patches of column 'Epsilon' is singular", tiny.Message);
        Assert.EndsWith("; it is 1E-300. (Parameter 'ZcaEpsilon')", tiny.Message);
    }

    // Images of one grey each (a pixel column read wrongly as constants, say) give patches that are all flat. UFLDL's
    // normalisation refused them, "nothing to scale; check the images"; contrast normalisation made every patch zeros
    // and Fit trained an autoencoder on them without a word: a featurizer that learned nothing from the images.
    [Theory]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Ufldl, "so UFLDL normalisation has nothing to scale")]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Contrast, "so contrast normalisation makes every one zeros")]
    public void Images_whose_sampled_patches_are_all_flat_are_refused_by_a_normalisation_that_removes_the_mean(
        SparseAe.Convolution.PatchNormalizationKind normalization, string why)
    {
        var ml = new MLContext(seed: 1);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Image { Pixels = Enumerable.Repeat(0.1f * (i + 1), 784).ToArray() }));
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, Normalization = normalization,
            Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(images));
        Assert.Equal("input", e.ParamName);
        Assert.Equal($"The sampled patches of column 'Pixels' are all flat (no variance), {why}; check the images. (Parameter 'input')", e.Message);
    }

    // A ramp (a pixel its column / 27) has one pattern in every window: once each patch's mean is removed and it is scaled,
    // the patches differ only by the rounding of their pixels (up to 3.4e-7), and ZCA whitened that rounding to rows within
    // 1.5e-6 of 0, on which Fit trained the autoencoder without a word (its features are the same for every image). Images
    // of one grey under no normalisation gave patches that were the same vector exactly, whitened to 0 alike. The command
    // line's train --whiten zca refuses both (TrainImageInputTests); so does the featurizer now.
    [Theory]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Ufldl, "ramp", " once normalised (Normalization Ufldl), up to the rounding of their pixels (they differ by at most ")]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Contrast, "ramp", " once normalised (Normalization Contrast), up to the rounding of their pixels (they differ by at most ")]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.Contrast, "column", " once normalised (Normalization Contrast), up to the rounding of their pixels (they differ by at most ")]
    [InlineData(SparseAe.Convolution.PatchNormalizationKind.None, "grey", ", so ZCA")]
    public void Patches_that_are_one_vector_up_to_rounding_are_refused_before_ZCA(SparseAe.Convolution.PatchNormalizationKind normalization, string image, string said)
    {
        var ml = new MLContext(seed: 1);
        float Pixel(int i) => image switch { "ramp" => i % 28 / 27f, "column" => i / 28 / 27f, _ => 0.3f };
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(_ => new Image { Pixels = Enumerable.Range(0, 784).Select(Pixel).ToArray() }));
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, Normalization = normalization, ZcaEpsilon = 0.1,
            Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(images));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("The sampled patches of column 'Pixels' are all the same vector" + said, e.Message);
        Assert.EndsWith(", so ZCA, which removes their mean, would whiten every one to 0, leaving the autoencoder nothing to learn; " +
            "check the images, or set ZcaEpsilon to null (no ZCA). (Parameter 'input')", e.Message);
    }

    // The featurizer's sigmoid autoencoder is saved as a sigmoid model is, without the sparse codes' fields: its Objective
    // is the one it reads back (it said K 3 after Fit, K 8 once loaded).
    [Fact]
    public void A_sigmoid_featurizers_objective_is_the_same_after_loading()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(_ => new Image { Pixels = Enumerable.Range(0, 784).Select(_ => (float)rng.NextDouble()).ToArray() }));
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200,
            Autoencoder = new() { HiddenCount = 3, MaxIterations = 2, K = 3, L1Weight = 0.01, AuxK = 1 },
        }).Fit(images);
        Assert.Equal(SparseAe.Defaults.K, model.Objective.K);
        using var stream = new MemoryStream();
        ml.Model.Save(model, images.Schema, stream);
        stream.Position = 0;
        Assert.Equal(model.Objective, ((ConvolutionalFeaturizerTransformer)new MLContext().Model.Load(stream, out _)).Objective);
    }

    // A ContrastEpsilon so large that 1/sqrt(variance + epsilon) is below float's normal range made every patch of random
    // images zeros (1e300), and Fit blamed the images, "are all flat (no variance) ...; check the images"; at 1e80 the patches
    // were subnormal (1e-41), and Fit trained on them without a word, every image getting the same features.
    [Theory]
    [InlineData(1e300, "1E+300", "0")]
    [InlineData(1e80, "1E+80", "[0-9.]+E-4[0-9]")]
    public void A_contrast_epsilon_that_normalises_every_patch_below_floats_range_is_refused_by_name(double epsilon, string said, string largest)
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(_ => new Image { Pixels = Enumerable.Range(0, 784).Select(_ => (float)rng.NextDouble()).ToArray() }));
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200, Normalization = SparseAe.Convolution.PatchNormalizationKind.Contrast,
            ContrastEpsilon = epsilon, Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(images));
        Assert.Equal("ContrastEpsilon", e.ParamName);
        Assert.StartsWith($"ContrastEpsilon {said} is too large for the sampled patches of column 'Pixels': contrast normalisation divides each by sqrt(its variance + ContrastEpsilon), " +
            "and their largest value is then ", e.Message);
        Assert.Matches($"then {largest}, below", e.Message);
        Assert.EndsWith(", below float's smallest normal value (1.18E-38), so every patch would be 0 or lose its precision; " +
            "use a smaller ContrastEpsilon, in the pixels' units squared (0.01 suits pixels in [0, 1]). (Parameter 'ContrastEpsilon')", e.Message);
    }

    // Every sampled patch normalised to 0, and who is blamed. Pixels of 1e20: each patch's float sum of squares is
    // infinite, and Fit said "ContrastEpsilon 1E-30 is too large ...; use a smaller ContrastEpsilon", which no epsilon
    // mends. Pixels of 3e18 in 4x4 patches pass the bound 4 L^2 length > float.MaxValue but every sum stays below 3.6e37:
    // with ContrastEpsilon 1e300 the epsilon is what makes the patches 0 (a bound alone blamed the pixels).
    [Theory]
    [InlineData(1e20f, 1e-30, "input", @"^The pixels of column 'Pixels' reach (9\.\d\dE\+19|1E\+20): contrast normalisation sums the squares of each patch's centred pixels in float, " +
        @"and at this scale the sums pass float's largest value \(3\.4E\+38\), so every sampled patch would be 0; scale the images \(to \[0, 1\], say\)\. \(Parameter 'input'\)$")]
    [InlineData(3e18f, 1e300, "ContrastEpsilon", @"^ContrastEpsilon 1E\+300 is too large for the sampled patches of column 'Pixels'")]
    // Centred pixels pass float themselves at +-3e38 (a negative scale: pixels in [scale, -scale]), under either normalisation:
    // UFLDL's pstd was NaN, contrast's patches NaN, and the trainer refused NaN rows of patches the user never made.
    [InlineData(-3e38f, 0.01, "input", @"^The pixels of column 'Pixels' reach 3E\+38: UFLDL normalisation removes each patch's mean in float, " +
        @"and at this scale a centred pixel passes float's largest value \(3\.4E\+38\), so the patches cannot be normalised; scale the images \(to \[0, 1\], say\)\. \(Parameter 'input'\)$", "Ufldl")]
    [InlineData(-3e38f, 0.01, "input", @"^The pixels of column 'Pixels' reach 3E\+38: contrast normalisation removes each patch's mean in float, " +
        @"and at this scale a centred pixel passes float's largest value \(3\.4E\+38\), so the patches cannot be normalised; scale the images \(to \[0, 1\], say\)\. \(Parameter 'input'\)$")]
    public void Pixels_too_large_for_the_normalisation_in_float_are_refused_by_their_scale_not_by_the_epsilon(float scale, double epsilon, string blamed, string message,
        string normalization = "Contrast")
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(3);
        // A negative scale: pixels of both signs, in [scale, -scale], normalised as UFLDL does.
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(_ => new Image { Pixels = Enumerable.Range(0, 784)
            .Select(_ => scale < 0 ? (float)(rng.NextDouble() * 2 - 1) * -scale : (float)rng.NextDouble() * scale).ToArray() }));
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = 28, ImageWidth = 28, PatchSize = 4, Stride = 4, PatchCount = 200,
            Normalization = Enum.Parse<SparseAe.Convolution.PatchNormalizationKind>(normalization),
            ContrastEpsilon = epsilon, Autoencoder = new() { HiddenCount = 3, MaxIterations = 2 },
        }).Fit(images));
        Assert.Equal(blamed, e.ParamName);
        Assert.Matches(message, e.Message);
    }
}
