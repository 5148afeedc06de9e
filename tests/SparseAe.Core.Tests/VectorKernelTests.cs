using SparseAe.Kernels;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// The element-wise and row/column kernels against naive loops, for every length from 0 to three
/// 512-bit vectors and one more, so that each width's loop, its hand-over to the next narrower width
/// and the plain-float tail all run (CI runs these tests again with AVX-512, AVX2 and all hardware
/// intrinsics switched off, so every path of the CPU is checked).
/// </summary>
public class VectorKernelTests
{
    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 3 * 16 + 2).Concat(FourVectorBlocks).Select(n => new object[] { n });

    // A 512-bit four-vector block is 64 floats, past the lengths above: one block, and one with 1, 2 or 3 whole vectors
    // after it (Sigmoid's last step over copies of the last vector) and with a plain-float tail.
    public static readonly int[] FourVectorBlocks = [63, 64, 65, 80, 96, 112, 113, 127, 128, 129];

    private static float[] Random(int n, int seed, double low = -1, double high = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(low + (high - low) * rng.NextDouble())).ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Element_wise_kernels_match_naive_loops(int n)
    {
        var a = Random(n, 1, 0, 1);
        var x = Random(n, 2);
        var d = Random(n, 3);
        var dExpected = d.Select((v, i) => v * a[i] * (1 - a[i])).ToArray();
        VectorKernels.MultiplySigmoidDerivative(d, a);
        for (int i = 0; i < n; i++) Assert.Equal(dExpected[i], d[i], 1e-6);

        var y = (float[])a.Clone();
        double sq = 0;
        var expected = new float[n];
        for (int i = 0; i < n; i++) { double e = a[i] - x[i]; sq += e * e; expected[i] = (float)(e * a[i] * (1 - a[i])); }
        Assert.Equal(sq, VectorKernels.OutputDelta(y, x), 1e-4);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], y[i], 1e-6);

        var linear = (float[])a.Clone();
        Assert.Equal(sq, VectorKernels.OutputDeltaLinear(linear, x), 1e-4);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] - x[i], linear[i], 1e-6);

        Assert.Equal(x.Sum(v => (double)v * v), VectorKernels.SumOfSquares(x), 1e-4);

        var z = Random(n, 4, -20, 20);
        var s = new float[n];
        VectorKernels.Sigmoid(z, s);
        for (int i = 0; i < n; i++) Assert.Equal(1 / (1 + Math.Exp(-z[i])), s[i], 1e-6);
    }

    // Relative error against float64 over the range where the result is a normal float; beyond it the
    // result stays near e^-87.3 (1.2e-38) instead of reaching 0, an absolute error below 1e-37.
    [Theory]
    [MemberData(nameof(Lengths))]
    public void The_step_kernels_of_the_sparse_codes_match_naive_loops(int n)
    {
        // Values around 0 and around the thresholds, with exact zeros, ties and a NaN mixed in.
        var z = Random(n, 4);
        var theta = Random(n, 5, 0, 0.5);
        for (int i = 0; i < n; i += 5) z[i] = 0;
        for (int i = 2; i < n; i += 7) z[i] = theta[i];
        if (n > 3) z[3] = float.NaN;
        var d = Random(n, 6);

        var step = new float[n];
        VectorKernels.Step(z, step);
        Assert.Equal(z.Select(v => v > 0 ? 1f : 0f), step);

        var masked = (float[])d.Clone();
        VectorKernels.MultiplyStep(masked, z);
        Assert.Equal(d.Select((v, i) => z[i] > 0 ? v : 0f), masked);

        var kept = new float[n];
        VectorKernels.KeepAbove(z, theta, kept);
        Assert.Equal(z.Select((v, i) => v > theta[i] ? v : 0f), kept);
        VectorKernels.KeepAbove(z, theta, z);   // in place
        Assert.Equal(kept, z);
    }

    [Fact]
    public void Sigmoid_is_accurate_to_float_precision()
    {
        var x = Enumerable.Range(0, 400_001).Select(i => -100f + i * 0.0005f).ToArray();
        var y = new float[x.Length];
        VectorKernels.Sigmoid(x, y);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            if (x[i] > -87) worst = Math.Max(worst, Math.Abs(y[i] - exact) / exact);
            else Assert.True(Math.Abs(y[i] - exact) < 1e-37, $"sigmoid({x[i]}) = {y[i]}, exact {exact}");
        }
        Assert.True(worst < 4e-7, $"largest relative error {worst:E2}");
    }

    [Fact]
    public void Sigmoid_of_special_values()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e30f, -1e30f, float.Epsilon];
        var y = new float[x.Length];
        VectorKernels.Sigmoid(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(1f, y[1]);
        Assert.InRange(y[2], 0f, 1e-37f);
        Assert.Equal(0.5f, y[3]);
        Assert.Equal(0.5f, y[4]);
        Assert.Equal(1f, y[5]);
        Assert.InRange(y[6], 0f, 1e-37f);
        Assert.Equal(0.5f, y[7]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Column_sums_and_row_additions_match_naive_loops(int cols)
    {
        foreach (int rows in new[] { 0, 1, 3, 4, 7, 257, 600 })
        {
            var x = Random(rows * cols, 5);
            var sums = Enumerable.Repeat(0.25, cols).ToArray();
            VectorKernels.AddColumnSums(x, rows, cols, sums);
            for (int j = 0; j < cols; j++)
            {
                double expected = 0.25;
                for (int i = 0; i < rows; i++) expected += x[i * cols + j];
                Assert.Equal(expected, sums[j], 1e-4);
            }

            var row = Random(cols, 6);
            var m = (float[])x.Clone();
            VectorKernels.AddToEachRow(m, rows, cols, row);
            for (int i = 0; i < rows * cols; i++) Assert.Equal(x[i] + row[i % Math.Max(cols, 1)], m[i], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void The_first_non_finite_value_is_found_at_every_position(int n)
    {
        var x = Random(n, 7);
        Assert.Equal(-1, VectorKernels.IndexOfNonFinite(x));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            for (int at = 0; at < n; at++)
            {
                var y = (float[])x.Clone();
                y[at] = bad;
                if (at + 1 < n) y[n - 1] = float.NaN;   // a later one must not be reported instead
                Assert.Equal(at, VectorKernels.IndexOfNonFinite(y));
            }
    }

    // A wide block's squared error (128 rows of 2,085 outputs, as a V = 2,085 model's) against a sum in
    // double: on the scalar path one float accumulator over all of it was 2.8e-5 off, relatively.
    [Fact]
    public void A_long_blocks_squared_error_keeps_float_rounding_small()
    {
        const int n = 128 * 2085;
        var a = Random(n, 4, 0, 1);
        var x = Random(n, 5);
        double sq = 0;
        for (int i = 0; i < n; i++) { double e = a[i] - x[i]; sq += e * e; }
        double linear = VectorKernels.OutputDeltaLinear((float[])a.Clone(), x);
        double sigmoid = VectorKernels.OutputDelta((float[])a.Clone(), x);
        Assert.True(Math.Abs(linear - sq) <= 2e-6 * sq, $"linear: {linear} against {sq} (relative {(linear - sq) / sq})");
        Assert.True(Math.Abs(sigmoid - sq) <= 2e-6 * sq, $"sigmoid: {sigmoid} against {sq} (relative {(sigmoid - sq) / sq})");
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Contains("x has 3, y has 2", Assert.Throws<ArgumentException>(() => VectorKernels.Sigmoid(new float[3], new float[2])).Message);
        Assert.Contains("needs 12 values and 3 sums", Assert.Throws<ArgumentException>(() => VectorKernels.AddColumnSums(new float[6], 4, 3, new double[3])).Message);
    }

    // z = x W + bias over W (V, N) with N padded to whole vectors: narrow outputs (split steps) and
    // passes of 7-13 vectors.
    [Theory]
    [InlineData(64, 100)]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(9, 200)]
    [InlineData(0, 20)]
    public void The_one_row_product_matches_naive_loops(int v, int h) => CheckOneRowProduct(v, h);

    // Every vector count from 1 to 40 at this run's widest vector: every pass size and split.
    [Fact]
    public void The_one_row_product_matches_naive_loops_for_every_vector_count()
    {
        for (int vectors = 1; vectors <= 40; vectors++) CheckOneRowProduct(13, vectors * RowMatrixKernels.PaddedWidth(1));
    }

    private static void CheckOneRowProduct(int v, int h)
    {
        int n = RowMatrixKernels.PaddedWidth(h);
        var x = Random(v, 8);
        var w = Random(v * n, 9);
        var bias = Random(n, 10);
        var z = new float[n];
        RowMatrixKernels.MultiplyAdd(x, w, bias, z);
        for (int j = 0; j < n; j++)
        {
            double s = bias[j];
            for (int t = 0; t < v; t++) s += (double)x[t] * w[t * n + j];
            Assert.Equal(s, z[j], 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Soft_threshold_pooling_matches_naive_loops(int n)
    {
        var z = Random(n, 11, -2, 2);
        var positive = Random(n, 12);
        var negative = Random(n, 13);
        var expectedPositive = positive.Select((p, i) => p + Math.Max(0f, z[i] - 0.25f)).ToArray();
        var expectedNegative = negative.Select((q, i) => q + Math.Max(0f, -z[i] - 0.25f)).ToArray();
        VectorKernels.AddSoftThreshold(z, 0.25f, positive, negative);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(expectedPositive[i], positive[i], 1e-6);
            Assert.Equal(expectedNegative[i], negative[i], 1e-6);
        }
    }
}
