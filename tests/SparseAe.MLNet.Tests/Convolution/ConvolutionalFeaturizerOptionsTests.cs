using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Convolution;

/// <summary>
/// What the featurizer options' XML docs (IntelliSense) say each option may be, against what the estimator refuses when
/// it is made: PatchSize, Stride, PoolGrid, PoolSize, ContrastEpsilon, ZcaEpsilon, SoftThreshold and PatchCount said
/// nothing of their ranges (nor the rules that tie them to the image and to each other), which a user met only as a refusal.
/// </summary>
public class ConvolutionalFeaturizerOptionsTests
{
    // The options every case starts from: 12x10 images, 4x4 patches at stride 1 (a 9x7 map of positions), a 2x2 pool grid,
    // UFLDL's normalisation, no ZCA.
    private static ConvolutionalFeaturizerOptions Base() => new()
    {
        ImageHeight = 12, ImageWidth = 10, PatchSize = 4, PatchCount = 100, Autoencoder = new() { HiddenCount = 2 },
    };

    // Each rule: the option, the rule in its summary, the rule in its refusal for this case (the same words where the rule
    // names no other value), a value just outside it, the value at its edge (accepted), and the other options of the case.
    public static TheoryData<string, string, string, object, object, string> Rules() => new()
    {
        { "ImageHeight", "in 1..65536", "must lie in 1..65536", 0, 1, "PatchSize=1;Normalization=None;PoolGrid=1" },
        { "ImageHeight", "in 1..65536", "must lie in 1..65536", 65537, 65536, "" },
        { "ImageWidth", "in 1..65536", "must lie in 1..65536", 0, 1, "PatchSize=1;Normalization=None;PoolGrid=1" },
        { "ImageWidth", "in 1..65536", "must lie in 1..65536", 65537, 65536, "" },
        // An image is one array: 65536 x 32768 = 2^31 pixels is too many.
        { "ImageHeight", "ImageHeight * ImageWidth pixels no more than one array holds (2147483591)", "65536x32768 = 2147483648 pixels is more than one array holds (2147483591)", 65536, 65535, "ImageWidth=32768;Stride=65536;PoolGrid=1" },
        { "PatchSize", "in 1..min(ImageHeight, ImageWidth)", "must lie in 1..10 for a 12x10 image", 11, 10, "PoolGrid=1" },
        { "PatchSize", "in 1..min(ImageHeight, ImageWidth)", "must lie in 1..10 for a 12x10 image", 0, 1, "Normalization=None" },
        { "PatchSize", "at least 2 with Normalization Ufldl or Contrast", "must be at least 2 with Normalization Ufldl", 1, 2, "" },
        { "PatchSize", "at least 2 with Normalization Ufldl or Contrast", "must be at least 2 with Normalization Contrast", 1, 2, "Normalization=Contrast" },
        { "PatchSize", "at most 90 with a ZcaEpsilon", "must be at most 90 with a ZcaEpsilon", 91, 90, "ImageHeight=100;ImageWidth=100;ZcaEpsilon=0.1" },
        { "Stride", "in 1..65536", "must lie in 1..65536", 0, 1, "" },
        { "Stride", "in 1..65536", "must lie in 1..65536", 65537, 65536, "PoolGrid=1" },
        // 46000x46000 images: 4x4 patches at stride 3 are a 15333x15333 map of 16 values each, 3.8e9 values; at stride 4, 2.1e9.
        { "Stride", "no more than one array holds (2147483591)", "more than one array holds (2147483591); use a larger Stride or smaller images", 3, 4, "ImageHeight=46000;ImageWidth=46000" },
        { "PoolGrid", "in 1..min(positions down, positions across)", "must lie in 1..7 (the 9x7 map of positions that 4x4 patches at stride 1 leave on a 12x10 image)", 8, 7, "" },
        { "PoolGrid", "in 1..min(positions down, positions across)", "must lie in 1..7 (the 9x7 map of positions", 0, 1, "" },
        { "PoolGrid", "unused with a PoolSize but must lie in 0..65536", "unused with a PoolSize but must lie in 0..65536", -1, 0, "PoolSize=2" },
        { "PoolSize", "null (use PoolGrid) or lie in 1..65536", "null (use PoolGrid) or lie in 1..65536", 0, 1, "" },
        { "PoolSize", "null (use PoolGrid) or lie in 1..65536", "null (use PoolGrid) or lie in 1..65536", 65537, 65536, "" },
        { "ContrastEpsilon", "finite and at least 1.1754943508222875E-38 (the smallest normal float)", "finite and at least 1.1754943508222875E-38 (the smallest normal float)", 1e-39, 1.1754943508222875E-38, "" },
        { "ContrastEpsilon", "finite and at least 1.1754943508222875E-38 (the smallest normal float)", "finite and at least 1.1754943508222875E-38 (the smallest normal float)", double.PositiveInfinity, double.MaxValue, "" },
        { "ZcaEpsilon", "null or finite and at least 0", "null or finite and at least 0", -1e-300, 0.0, "" },
        { "ZcaEpsilon", "null or finite and at least 0", "null or finite and at least 0", double.PositiveInfinity, double.MaxValue, "" },
        { "ZcaEpsilon", "above 0 (or null) with Normalization Contrast", "above 0 (or null) with Normalization Contrast", 0.0, double.Epsilon, "Normalization=Contrast" },
        { "SoftThreshold", "in 0..float.MaxValue", "must lie in 0..3.4028234663852886E+38", -1e-300, 0.0, "" },
        { "SoftThreshold", "in 0..float.MaxValue", "must lie in 0..3.4028234663852886E+38", double.NaN, (double)float.MaxValue, "" },
        { "SoftThreshold", "in 0..float.MaxValue", "must lie in 0..3.4028234663852886E+38", 1e39, (double)float.MaxValue, "" },
        { "PatchCount", "in 1..2147483591 / (PatchSize * PatchSize)", "must lie in 1..134217724 (the 4x4 patches are held in one array)", 0, 1, "" },
        { "PatchCount", "in 1..2147483591 / (PatchSize * PatchSize)", "must lie in 1..134217724 (the 4x4 patches are held in one array)", 134217725, 134217724, "Autoencoder.Optimizer=Adam" },
        // L-BFGS holds its rows in one array of at most 2147483575 / max(P*P, H padded to whole vectors) = 2147483575 / 16.
        { "PatchCount", "L-BFGS (the sigmoid's default optimizer), which holds its rows too, at most", "L-BFGS can hold at most 134217723 patches of 16 values at 2 hidden units", 134217724, 134217723, "" },
        // The 11500x11500 positions of those 46000x46000 images at stride 4: 16 hidden units' codes fit in one array, 17 do not.
        { "Autoencoder.HiddenCount", "HiddenCount must be at most 2147483591 / max(positions, pooling regions x features per hidden unit)", "must be at most 16 here", 17, 16, "ImageHeight=46000;ImageWidth=46000;Stride=4" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_option_documents_the_range_the_estimator_enforces(string option, string documented, string refused, object outside, object edge, string with)
    {
        Assert.Contains(documented, XmlDocs.Summary("SparseAe.MLNet", $"P:SparseAe.MLNet.ConvolutionalFeaturizerOptions.{option.Split('.')[0]}"), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Make(with, option, outside));
        Assert.Equal(option, refusal.ParamName);
        Assert.Contains(refused, refusal.Message, StringComparison.OrdinalIgnoreCase);
        Make(with, option, edge);
    }

    // The estimator checks its options when it is made, before Fit reads any image.
    private static void Make(string with, string option, object value)
    {
        var options = Base();
        OptionPaths.SetAll(options, with);
        OptionPaths.Set(options, option, value);
        new MLContext(seed: 1).Transforms.ConvolutionalSparseFeatures(options);
    }
}
