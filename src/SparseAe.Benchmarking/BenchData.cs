using SparseAe.Data.Images;
using SparseAe.Data.Patches;

namespace SparseAe.Benchmarking;

internal static class BenchData
{
    /// <summary>Rows of the default experiment: 10,000 patches of 8x8.</summary>
    public const int DefaultRows = 10_000, DefaultDimension = PatchSampler.DefaultPatchSize * PatchSampler.DefaultPatchSize;

    /// <summary>Rows of values in [0.1, 0.9], like UFLDL-normalised patches.</summary>
    public static float[] Rows(int rows, int v, int seed)
    {
        var rng = new Random(seed);
        var x = new float[(long)rows * v];
        for (long i = 0; i < x.Length; i++) x[i] = (float)(0.1 + 0.8 * rng.NextDouble());
        return x;
    }

    /// <summary>
    /// The default experiment's rows (<see cref="DefaultRows"/> x <see cref="DefaultDimension"/>), as
    /// <c>sparseae train</c> prepares them without data options: the embedded photographs halved
    /// (2 x 2 box) and Olshausen-whitened, 8x8 patches sampled with the default seed, UFLDL-normalised.
    /// </summary>
    public static float[] DefaultExperiment()
    {
        var images = EmbeddedImages.LoadAll().Select(i => OlshausenWhitening.Whiten(ImageResampling.Downsample(i, 2))).ToArray();
        var rows = PatchSampler.Sample(images, PatchSampler.DefaultPatchSize, DefaultRows, Defaults.Seed);
        PatchNormalization.Ufldl(rows, DefaultRows, DefaultDimension);
        return rows;
    }

    public static string Rate(double perSecond) => perSecond.ToString("0.000e0", System.Globalization.CultureInfo.InvariantCulture);
}
