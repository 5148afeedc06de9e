using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Objective;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// Sparse input rows (indices and values of the nonzeros): the sparse row product against a naive
/// loop, and the encoder's sparse path against its dense path on the densified rows.
/// </summary>
/// <remarks>
/// The two paths add the same products in a different order (the dense path also adds the zeros'
/// products, which are exact zeros), so they agree to float rounding, not bit for bit: the tests hold
/// them to 1e-6 relative to the row's scale (its largest |code| value, at least 1).
/// </remarks>
public class SparseInputTests
{
    // A sparse row of V values: nnz distinct ascending indices, values small counts 1..5 (as token counts).
    internal static (int[] Indices, float[] Values) RandomSparseRow(Random rng, int v, int nnz)
    {
        var indices = Enumerable.Range(0, v).OrderBy(_ => rng.Next()).Take(Math.Min(nnz, v)).Order().ToArray();
        var values = indices.Select(_ => (float)rng.Next(1, 6)).ToArray();
        return (indices, values);
    }

    internal static float[] Densify(int[] indices, float[] values, int v)
    {
        var x = new float[v];
        for (int k = 0; k < indices.Length; k++) x[indices[k]] = values[k];
        return x;
    }

    // Every output length from 0 to three 512-bit vectors and two more (each width's four-vector block,
    // its one-vector loop and the plain-float tail), and row strides beyond N.
    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 3 * 16 + 3).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void The_sparse_row_product_matches_a_naive_loop(int n)
    {
        var rng = new Random(n + 1);
        int rows = 40, stride = n + 3;
        var w = Enumerable.Range(0, rows * stride).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var bias = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        foreach (int nnz in new[] { 0, 1, 7, 15, rows })
        {
            var (indices, values) = RandomSparseRow(rng, rows, nnz);
            var z = new float[n];
            VectorKernels.SparseRowProduct(indices, values, w, stride, bias, z);
            for (int j = 0; j < n; j++)
            {
                double expected = bias[j], scale = Math.Abs(bias[j]);
                for (int k = 0; k < indices.Length; k++)
                {
                    expected += (double)values[k] * w[indices[k] * stride + j];
                    scale += Math.Abs(values[k] * w[indices[k] * stride + j]);
                }
                Assert.True(Math.Abs(z[j] - expected) <= 1e-6 * Math.Max(1, scale), $"n {n}, nnz {nnz}, column {j}: {z[j]} vs {expected}");
            }
        }
    }

    [Theory]
    [InlineData(ActivationKind.Sigmoid, 300, 70)]
    [InlineData(ActivationKind.ReLU, 300, 70)]
    [InlineData(ActivationKind.TopK, 300, 70)]
    [InlineData(ActivationKind.JumpReLU, 300, 70)]
    [InlineData(ActivationKind.ReLU, 40, 1)]
    [InlineData(ActivationKind.TopK, 1000, 130)]
    [InlineData(ActivationKind.Sigmoid, 64, 1100)]   // wider than the stack's 1,024 pre-activations
    public void EncodeSparse_equals_Encode_of_the_densified_row(ActivationKind activation, int v, int h)
    {
        var encoder = MakeEncoder(activation, v, h, seed: 3);
        var rng = new Random(v + h);
        var sparseCode = new float[h];
        var denseCode = new float[h];
        foreach (int nnz in new[] { 0, 1, 2, 15, 33, v })
        {
            for (int trial = 0; trial < 3; trial++)
            {
                var (indices, values) = RandomSparseRow(rng, v, nnz);
                encoder.EncodeSparse(indices, values, sparseCode);
                encoder.Encode(Densify(indices, values, v), denseCode);
                double scale = Math.Max(1, denseCode.Max(Math.Abs));
                for (int j = 0; j < h; j++)
                    Assert.True(Math.Abs(sparseCode[j] - denseCode[j]) <= 1e-6 * scale,
                        $"{activation}, nnz {nnz}, unit {j}: sparse {sparseCode[j]}, dense {denseCode[j]}");
            }
        }
    }

    internal static AutoencoderEncoder MakeEncoder(ActivationKind activation, int v, int h, int seed)
    {
        if (activation == ActivationKind.Sigmoid)
        {
            var p = ParameterInitializer.Initialize(v, h, seed);
            for (int j = 0; j < h; j++) p.B1[j] = 0.01f * j;
            return new AutoencoderEncoder(p);
        }
        var rng = new Random(seed);
        var first = Enumerable.Range(0, 8 * v).Select(_ => (float)rng.Next(0, 3)).ToArray();
        bool jump = activation == ActivationKind.JumpReLU;
        var sp = ParameterInitializer.InitializeSparseCode(v, h, seed, first, jump);
        if (jump) for (int j = 0; j < h; j++) sp.LogThresholds[j] = MathF.Log(0.05f);
        return new AutoencoderEncoder(sp, DecoderKind.Linear, activation, k: Math.Min(h, 8));
    }

    [Fact]
    public void Bad_sparse_rows_are_refused_naming_the_rule_and_the_value()
    {
        var encoder = MakeEncoder(ActivationKind.ReLU, 10, 4, seed: 1);
        var code = new float[4];
        var e1 = Assert.Throws<ArgumentException>(() => encoder.EncodeSparse([1, 2], [1f], code));
        Assert.Contains("2 indices but 1 values", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeSparse([3, 10], [1f, 1f], code));
        Assert.Contains("index 1 is 10; indices must lie in [0, 10)", e2.Message);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeSparse([-1], [1f], code));
        Assert.Contains("is -1", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => encoder.EncodeSparse([4, 4], [1f, 1f], code));
        Assert.Contains("index 1 is 4 after 4; indices must be strictly ascending", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => encoder.EncodeSparse([1], [1f], new float[3]));
        Assert.Contains("must have 4 values, but has 3", e5.Message);
    }
}
