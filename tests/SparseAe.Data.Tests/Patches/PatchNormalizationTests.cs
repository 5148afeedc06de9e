using SparseAe.Data.Patches;

namespace SparseAe.Data.Tests.Patches;

public class PatchNormalizationTests
{
    /// <summary>UFLDL's normalizeData written out plainly in double, as the reference.</summary>
    private static (double[] Result, double Pstd) Reference(float[] patches, int count, int dimension)
    {
        var x = patches.Select(v => (double)v).ToArray();
        for (int i = 0; i < count; i++)
        {
            double mean = 0;
            for (int j = 0; j < dimension; j++) mean += x[i * dimension + j];
            mean /= dimension;
            for (int j = 0; j < dimension; j++) x[i * dimension + j] -= mean;
        }
        double all = x.Average();
        double pstd = 3 * Math.Sqrt(x.Sum(v => (v - all) * (v - all)) / (x.Length - 1));
        var result = x.Select(v => (Math.Clamp(v, -pstd, pstd) / pstd + 1) * 0.4 + 0.1).ToArray();
        return (result, pstd);
    }

    private static float[] Random(int n, int seed, double scale = 1)
    {
        var random = new Random(seed);
        // u^7 for u uniform in [-1, 1]: heavy tails (3 std = 0.77 of the range), so some values are clipped.
        return Enumerable.Range(0, n).Select(_ => (float)(scale * Math.Pow(random.NextDouble() * 2 - 1, 7) + 0.3)).ToArray();
    }

    [Fact]
    public void Matches_UFLDLs_normalize_data()
    {
        const int count = 500, dimension = 64;
        float[] patches = Random(count * dimension, 1, scale: 2);
        var (expected, expectedPstd) = Reference(patches, count, dimension);

        double pstd = PatchNormalization.Ufldl(patches, count, dimension);

        Assert.Equal(expectedPstd, pstd, expectedPstd * 1e-6);
        for (int i = 0; i < patches.Length; i++) Assert.Equal(expected[i], patches[i], 1e-6);
        Assert.All(patches, v => Assert.InRange(v, 0.1f, 0.9f));
        Assert.Contains(patches, v => v == 0.9f);   // something was clipped at +pstd
        Assert.Contains(patches, v => v == 0.1f);   // and at -pstd
    }

    [Fact]
    public void Standardize_removes_each_patchs_mean_and_scales_all_values_to_unit_variance()
    {
        const int count = 300, dimension = 16;
        float[] patches = Random(count * dimension, 2, scale: 3);
        var original = (float[])patches.Clone();
        double deviation = PatchNormalization.Standardize(patches, count, dimension);
        for (int i = 0; i < count; i++)
        {
            var before = original.AsSpan(i * dimension, dimension).ToArray().Select(v => (double)v).ToArray();
            double mean = before.Average();
            for (int j = 0; j < dimension; j++) Assert.Equal((before[j] - mean) / deviation, patches[i * dimension + j], 1e-5);
        }
        double all = patches.Average(v => (double)v);
        Assert.Equal(0, all, 1e-6);
        Assert.Equal(1, Math.Sqrt(patches.Sum(v => (v - all) * (v - all)) / (patches.Length - 1)), 1e-5);   // MATLAB's std(x(:))
        Assert.Contains(patches, v => Math.Abs(v) > 3);   // no clip, unlike UFLDL's
        float[] flat = [2, 2, 2, 5, 5, 5];
        Assert.Equal(0, PatchNormalization.Standardize(flat, 2, 3));
        Assert.All(flat, v => Assert.Equal(0f, v));
        Assert.Contains("every value must be finite", Assert.Throws<ArgumentException>(() => PatchNormalization.Standardize([1, float.NaN], 1, 2)).Message);
    }

    [Fact]
    public void Each_patch_loses_its_own_mean()
    {
        // Two patches that differ only by an offset normalise identically.
        float[] patches = [1, 2, 3, 4, 101, 102, 103, 104];
        PatchNormalization.Ufldl(patches, 2, 4);
        Assert.Equal(patches[..4], patches[4..]);
        Assert.Equal(0.5, patches[..4].Average(v => (double)v), 1e-6);
    }

    [Fact]
    public void Constant_data_become_one_half_without_NaN()
    {
        float[] patches = [0.3f, 0.3f, 0.3f, 0.3f, 7, 7, 7, 7];
        double pstd = PatchNormalization.Ufldl(patches, 2, 4);
        Assert.Equal(0, pstd);
        Assert.All(patches, v => Assert.Equal(0.5f, v));

        float[] single = [42];
        Assert.Equal(0, PatchNormalization.Ufldl(single, 1, 1));
        Assert.Equal(0.5f, single[0]);
    }

    [Fact]
    public void Apply_with_the_returned_deviation_reproduces_UFLDL()
    {
        float[] patches = Random(64 * 30, 5);
        float[] copy = (float[])patches.Clone();
        double pstd = PatchNormalization.Ufldl(patches, 30, 64);
        PatchNormalization.ApplyUfldl(copy, 30, 64, pstd);
        Assert.Equal(patches, copy);
    }

    [Fact]
    public void Apply_with_zero_deviation_gives_one_half()
    {
        float[] patches = [1, 5, -3, 2];
        PatchNormalization.ApplyUfldl(patches, 1, 4, 0);
        Assert.All(patches, v => Assert.Equal(0.5f, v));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Apply_refuses_a_bad_deviation(double pstd)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PatchNormalization.ApplyUfldl(new float[4], 1, 4, pstd));
        Assert.Contains("pstd", error.Message);
    }

    [Fact]
    public void Shape_errors_name_the_rule_and_values()
    {
        var error = Assert.Throws<ArgumentException>(() => PatchNormalization.Ufldl(new float[10], 2, 4));
        Assert.Contains("2*4 = 8", error.Message);
        Assert.Contains("holds 10", error.Message);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => PatchNormalization.Ufldl(new float[4], 0, 4)).ParamName);
        Assert.Equal("dimension", Assert.Throws<ArgumentOutOfRangeException>(() => PatchNormalization.Ufldl(new float[4], 4, 0)).ParamName);
    }

    [Fact]
    public void Non_finite_value_is_named_by_patch_and_element()
    {
        float[] patches = new float[12];
        patches[9] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => PatchNormalization.Ufldl(patches, 3, 4));
        Assert.Contains("Patch 2", error.Message);
        Assert.Contains("element 1", error.Message);
    }

    // Finite values whose distance from their patch's mean passes float: the centred value (each difference in double,
    // rounded to float) was infinite, the deviation NaN, and Ufldl returned NaN with every value NaN; Standardize left
    // -infinity in the patches. Each is refused before any value changes, naming the patch, the element, the value and the mean.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_value_whose_distance_from_its_patchs_mean_passes_float_is_refused_by_name(bool standardize)
    {
        float[] patches = [0.5f, 0.25f, 0.75f, 0.5f, float.MaxValue, float.MaxValue, -float.MaxValue, 0f];
        float[] before = [.. patches];
        var e = Assert.Throws<ArgumentException>(() => { if (standardize) PatchNormalization.Standardize(patches, 2, 4); else PatchNormalization.Ufldl(patches, 2, 4); });
        Assert.Equal("patches", e.ParamName);
        Assert.Equal("Patch 1 holds -3.4028235E+38 at element 2, beyond float's range from the patch's mean (8.5070587E+37): every value must lie within " +
            "3.4028235E+38 of its patch's mean, since the normalisation removes the mean in float; scale the values down. (Parameter 'patches')", e.Message);
        Assert.Equal(before, patches);
        // Values as large whose distance from the mean fits are normalised.
        float[] fits = [3e38f, 3e38f, 2e38f, 2e38f];
        Assert.True(double.IsFinite(PatchNormalization.Ufldl(fits, 1, 4)));
        Assert.All(fits, v => Assert.InRange(v, 0.1f, 0.9f));
        Assert.Throws<ArgumentException>(() => PatchNormalization.ApplyUfldl([3e38f, 3e38f, 3e38f, -3e38f], 1, 4, 1));
    }

    [Fact]
    public void The_command_line_and_the_featurizer_normalise_to_the_same_bits()
    {
        // One UFLDL normalisation (Core's UfldlNormalization) behind both call sites: the command
        // line's PatchNormalization.Ufldl and the featurizer's training (Normalize), and the
        // featurizer's Transform (PatchPreprocessor with the pstd training returned).
        const int count = 300, dimension = 64;
        float[] patches = Random(count * dimension, 7, scale: 2);
        var cli = (float[])patches.Clone();
        double cliPstd = PatchNormalization.Ufldl(cli, count, dimension);

        var training = (float[])patches.Clone();
        double pstd = SparseAe.Convolution.UfldlNormalization.Normalize(training, count, dimension);
        var transform = (float[])patches.Clone();
        new SparseAe.Convolution.PatchPreprocessor(SparseAe.Convolution.PatchNormalizationKind.Ufldl, pstd, null).Apply(transform, count, dimension);

        Assert.Equal(cliPstd, pstd);
        Assert.Equal(cli, training);
        Assert.Equal(cli, transform);
    }
}
