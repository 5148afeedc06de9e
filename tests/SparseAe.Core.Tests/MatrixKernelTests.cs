using SparseAe.Kernels;
using Xunit;

namespace SparseAe.Core.Tests;

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
        // and two or three widest panels, with narrower widths and plain floats after them
        foreach (int n in Enumerable.Range(0, 3 * w + 2).Concat([6 * w - 1, 6 * w, 6 * w + 1, 6 * w + 3 * w / 4 + 3, 9 * w]))
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

    [Theory]
    [InlineData(70, 45, 70)]
    [InlineData(33, 97, 40)]
    [InlineData(4096, 64, 4112)]
    public void Transpose_swaps_indices_across_its_tiles(int m, int n, int ldb)
    {
        var a = Random(m * n, 9);
        var b = new float[n * ldb];
        MatrixKernels.Transpose(a, b, m, n, ldb);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) Assert.Equal(a[i * n + j], b[j * ldb + i]);
        for (int j = 0; j < n; j++)
            for (int i = m; i < ldb; i++) Assert.Equal(0f, b[j * ldb + i]);   // the padding is never written
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
    [MemberData(nameof(Shapes))]
    public void A_product_with_a_bias_adds_it_to_every_row(int m, int k, int n)
    {
        var a = Random(m * k, 7); var b = Random(k * n, 8); var bias = Random(n, 9);
        var c = Random(m * n, 10);   // overwritten, never read
        MatrixKernels.MultiplyAB(a, k, b, n, c, n, m, k, n, accumulate: false, bias);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = bias[j];
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                Assert.Equal(s, c[i * n + j], 1e-5);
            }
    }

    // Row strides larger than the column counts (the objective's padded hidden layer): the padding
    // between rows is neither read into the result nor written.
    [Theory]
    [InlineData(130, 64, 100, 3)]
    [InlineData(7, 5, 37, 11)]
    [InlineData(1, 9, 16, 16)]
    public void Strided_products_match_naive_loops_and_leave_the_padding_alone(int m, int k, int n, int pad)
    {
        int lda = k + pad, ldb = n + pad, ldc = n + pad;
        var a = Random(m * lda, 11); var b = Random(k * ldb, 12); var bias = Random(n, 13);
        var c = Enumerable.Repeat(float.NaN, m * ldc).ToArray();
        MatrixKernels.MultiplyAB(a, lda, b, ldb, c, ldc, m, k, n, accumulate: false, bias);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = bias[j];
                for (int p = 0; p < k; p++) s += (double)a[i * lda + p] * b[p * ldb + j];
                Assert.Equal(s, c[i * ldc + j], 1e-5);
            }
            for (int j = n; j < ldc; j++) Assert.True(float.IsNaN(c[i * ldc + j]), $"padding ({i}, {j}) was written");
        }

        // C (k x n, stride ldc) = A^T B with A (m x k, stride lda), B (m x n, stride ldb).
        var bt = Random(m * ldb, 14);
        var ct = Enumerable.Repeat(float.NaN, k * ldc).ToArray();
        MatrixKernels.MultiplyAtB(a, lda, bt, ldb, ct, ldc, m, k, n, accumulate: false);
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = 0; i < m; i++) s += (double)a[i * lda + p] * bt[i * ldb + j];
                Assert.Equal(s, ct[p * ldc + j], 1e-5);
            }
            for (int j = n; j < ldc; j++) Assert.True(float.IsNaN(ct[p * ldc + j]), $"padding ({p}, {j}) was written");
        }
    }

    [Fact]
    public void Strided_transpose_writes_only_the_columns_it_owns()
    {
        var a = Random(3 * 5, 15);
        var b = Enumerable.Repeat(-1f, 5 * 4).ToArray();
        MatrixKernels.Transpose(a, b, 3, 5, ldb: 4);
        for (int j = 0; j < 5; j++)
        {
            for (int i = 0; i < 3; i++) Assert.Equal(a[i * 5 + j], b[j * 4 + i]);
            Assert.Equal(-1f, b[j * 4 + 3]);
        }
    }

    [Fact]
    public void Empty_products_write_zeros_or_nothing()
    {
        var c = new float[6];
        MatrixKernels.MultiplyAtB(new float[0], 2, new float[0], 0, new float[0], 3, 0, 2, 0, accumulate: false);   // K x 0: nothing to write
        MatrixKernels.MultiplyAtB(new float[0], 2, new float[0], 3, c, 3, 0, 2, 3, accumulate: false);   // no rows: C = 0
        Assert.All(c, v => Assert.Equal(0f, v));
        Assert.Contains("bias row needs 3 values but has 2", Assert.Throws<ArgumentException>(() =>
            MatrixKernels.MultiplyAB(new float[4], 2, new float[6], 3, new float[6], 3, 2, 2, 3, false, new float[2])).Message);
    }

    // The tiles of C += A B start from C, so a bias given with it was dropped without a word (no caller combines them).
    [Fact]
    public void A_bias_with_an_accumulating_product_is_refused_not_dropped()
    {
        var c = new float[6];
        var e = Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAB(new float[4], 2, new float[6], 3, c, 3, 2, 2, 3, true, new float[3] { 1, 2, 3 }));
        Assert.Equal("rowBias", e.ParamName);
        Assert.StartsWith("A bias row is added only where C = A B is written (accumulate false)", e.Message);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_stride_shorter_than_a_row_is_refused()
        => Assert.Contains("row stride 3", Assert.Throws<ArgumentException>(() =>
            MatrixKernels.MultiplyAB(new float[20], 3, new float[20], 4, new float[20], 4, 2, 4, 4, false, default)).Message);

    [Fact]
    public void An_output_that_overlaps_an_input_is_refused()
    {
        // Written while the inputs are read, such an output read its own partial sums without a word.
        var buffer = new float[40];
        var b = new float[16];
        var e = Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAB(buffer.AsSpan(0, 16), b, buffer.AsSpan(8, 16), 4, 4, 4));
        Assert.Equal("c", e.ParamName);
        Assert.StartsWith("The output matrix overlaps the first input; a product or transpose needs its output in memory of its own.", e.Message);
        Assert.Contains("overlaps the second input", Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAtB(b, buffer.AsSpan(0, 16), buffer.AsSpan(12, 16), 4, 4, 4)).Message);
        Assert.Contains("overlaps the first input", Assert.Throws<ArgumentException>(() => MatrixKernels.Transpose(buffer.AsSpan(0, 16), buffer.AsSpan(0, 16), 4, 4)).Message);
        // Neighbouring slices of one buffer are apart.
        MatrixKernels.MultiplyAB(buffer.AsSpan(0, 16), b, buffer.AsSpan(16, 16), 4, 4, 4);
    }
}
