using System.Numerics;
using SparseAe.Kernels;
using Xunit;

namespace SparseAe.Tests.Core;

public class MatrixKernelTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    // Every length from 0 to 3 * Vector512<float>.Count + 1 (the widest tile is two Vector512) for the
    // vectorised dimension, and odd sizes for the others (row tiles of 4 plus remainders).
    public static IEnumerable<object[]> Shapes()
    {
        int w = System.Runtime.Intrinsics.Vector512<float>.Count;
        foreach (int n in Enumerable.Range(0, 3 * w + 2))
            foreach (var (m, k) in new[] { (1, 1), (3, 5), (4, 7), (9, 2), (0, 3), (5, 0), (130, 3) })
                yield return [m, k, n];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAB_matches_naive_loops(int m, int k, int n)
    {
        var a = Random(m * k, 1); var b = Random(k * n, 2); var c0 = Random(m * n, 3);
        foreach (bool accumulate in new[] { false, true })
        {
            var c = (float[])c0.Clone();
            MatrixKernels.MultiplyAB(a, b, c, m, k, n, accumulate);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = accumulate ? c0[i * n + j] : 0;
                    for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                    Assert.Equal(s, c[i * n + j], 1e-5);
                }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAtB_matches_naive_loops(int m, int k, int n)
    {
        var a = Random(m * k, 4); var b = Random(m * n, 5); var c0 = Random(k * n, 6);
        foreach (bool accumulate in new[] { false, true })
        {
            var c = (float[])c0.Clone();
            MatrixKernels.MultiplyAtB(a, b, c, m, k, n, accumulate);
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++)
                {
                    double s = accumulate ? c0[p * n + j] : 0;
                    for (int i = 0; i < m; i++) s += (double)a[i * k + p] * b[i * n + j];
                    Assert.Equal(s, c[p * n + j], 1e-5);
                }
        }
    }

    [Fact]
    public void Transpose_swaps_indices()
    {
        var a = Random(3 * 5, 7);
        var b = new float[15];
        MatrixKernels.Transpose(a, b, 3, 5);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++) Assert.Equal(a[i * 5 + j], b[j * 3 + i]);
    }

    [Fact]
    public void Too_small_buffers_are_refused()
        => Assert.Contains("Matrix C", Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAB(new float[6], new float[6], new float[3], 2, 3, 2)).Message);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Vector_kernels_match_naive_loops(int n)
    {
        var a = Random(n, 1).Select(v => (v + 1) / 2).ToArray();
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
        Assert.Equal(x.Sum(v => (double)v * v), VectorKernels.SumOfSquares(x), 1e-4);
    }

    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 3 * System.Runtime.Intrinsics.Vector512<float>.Count + 2).Select(n => new object[] { n });
}
