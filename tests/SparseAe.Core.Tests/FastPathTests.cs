using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>The fast paths against their plain twins: the objective against the scalar reference, the encoders against each other.</summary>
public class FastPathTests
{
    [Theory]
    [InlineData(64, 100, 300, 1, false, false)]
    [InlineData(64, 100, 1000, 2, false, false)]   // 6,400 weights a matrix: the loads' transposes on two workers
    [InlineData(64, 100, 40, 2, false, false)]     // the same with the rows in one chunk
    [InlineData(7, 3, 5, 1, true, false)]
    [InlineData(33, 65, 130, 2, true, false)]      // 2,145 weights: loaded on one
    [InlineData(64, 100, 500, 2, false, true)]
    [InlineData(300, 230, 70, 2, false, true)]   // 69,000 weights a matrix: loaded on two workers
    public void The_fast_objective_matches_the_scalar_reference(int v, int h, int rows, int threads, bool l1, bool linear)
    {
        var p = ParameterInitializer.Initialize(v, h, 3);
        var x = TestData.RandomRows(rows, v, 4);
        var settings = new ObjectiveSettings(0.05, 3, 1e-3, l1 ? SparsityPenalty.L1 : SparsityPenalty.KLDivergence,
            linear ? DecoderKind.Linear : DecoderKind.Sigmoid);
        var g1 = new float[p.Theta.Length];
        var g2 = new float[p.Theta.Length];
        using var fast = new SparseAutoencoderObjective(v, h, settings, threads);
        var c1 = fast.Evaluate(p.Theta, x, rows, g1);
        var c2 = new ScalarReferenceObjective(v, h, settings).Evaluate(p.Theta, x, rows, g2);
        Assert.Equal(c2.Total, c1.Total, 1e-5 * Math.Abs(c2.Total));
        Assert.Equal(c2.Reconstruction, c1.Reconstruction, 1e-5 * Math.Abs(c2.Reconstruction));
        Assert.Equal(c2.Sparsity, c1.Sparsity, 1e-4 * Math.Max(1e-3, Math.Abs(c2.Sparsity)));
        float scale = g2.Max(Math.Abs);
        Close.Elementwise(g1, g2, 1e-4f * scale, 0, k => $"gradient {k}: {g1[k]} vs {g2[k]}");
    }

    [Theory]
    [InlineData(64, 100)]
    [InlineData(5, 1)]
    [InlineData(17, 130)]
    public void Row_and_batch_encoders_match_the_formula(int v, int h)
    {
        var p = ParameterInitializer.Initialize(v, h, 5);
        for (int j = 0; j < h; j++) p.B1[j] = 0.01f * j;
        var encoder = new AutoencoderEncoder(p);
        const int rows = 9;
        var x = TestData.RandomRows(rows, v, 6);
        var batch = new float[rows * h];
        encoder.EncodeBatch(x, rows, batch);
        var code = new float[h];
        for (int r = 0; r < rows; r++)
        {
            encoder.Encode(x.AsSpan(r * v, v), code);
            for (int j = 0; j < h; j++)
            {
                double z = p.B1[j];
                for (int i = 0; i < v; i++) z += (double)p.W1[j * v + i] * x[r * v + i];
                double expected = 1 / (1 + Math.Exp(-z));
                Assert.Equal(expected, code[j], 1e-5);
                Assert.Equal(expected, batch[r * h + j], 1e-5);
            }
        }
    }

    // The sparse codes' inference encoder against their formula, h = f(W1 (x - b2) + b1), in double: the other tests of
    // Encode for these activations compare it with EncodeSparse, the ML.NET transform or the ONNX graph, which share its
    // folded bias and activation, so dropping the pre-encoder bias b2 (or TopK's ReLU) passed every core test.
    [Theory]
    [InlineData(ActivationKind.ReLU, 64, 100, 0)]
    [InlineData(ActivationKind.TopK, 64, 100, 8)]
    [InlineData(ActivationKind.TopK, 17, 130, 1)]
    [InlineData(ActivationKind.TopK, 5, 9, 9)]      // K = H: every latent, negative ones at 0
    [InlineData(ActivationKind.JumpReLU, 64, 100, 0)]
    [InlineData(ActivationKind.JumpReLU, 17, 1100, 0)]   // wider than the stack's 1,024 pre-activations
    public void Sparse_code_encoders_match_the_formula(ActivationKind activation, int v, int h, int k)
    {
        var rng = new Random(v + h + k);
        var p = ParameterInitializer.InitializeSparseCode(v, h, 5, TestData.RandomRows(8, v, 7), activation == ActivationKind.JumpReLU);
        for (int i = 0; i < v; i++) p.B2[i] = (float)(rng.NextDouble() - 0.5);
        for (int j = 0; j < h; j++) p.B1[j] = (float)(0.2 * (rng.NextDouble() - 0.5));
        const int rows = 9;
        var x = TestData.RandomRows(rows, v, 6);
        var zs = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            var z = zs[r] = new double[h];
            for (int j = 0; j < h; j++)
            {
                z[j] = p.B1[j];
                for (int i = 0; i < v; i++) z[j] += (double)p.W1[j * v + i] * (x[r * v + i] - p.B2[i]);
            }
        }
        // JumpReLU: thresholds between 0.02 and 0.12, each clear of its latent's z on every row.
        if (activation == ActivationKind.JumpReLU)
            for (int j = 0; j < h; j++)
                p.LogThresholds[j] = Enumerable.Range(0, 100).Select(_ => MathF.Log((float)(0.02 + 0.1 * rng.NextDouble())))
                    .First(t => zs.All(z => Math.Abs(z[j] - MathF.Exp(t)) > 1e-4));
        var encoder = new AutoencoderEncoder(p, DecoderKind.Linear, activation, k: Math.Max(k, 1));
        var batch = new float[rows * h];
        encoder.EncodeBatch(x, rows, batch);
        var code = new float[h];
        int active = 0, negativeKept = 0;
        for (int r = 0; r < rows; r++)
        {
            var z = zs[r];
            var expected = new double[h];
            switch (activation)
            {
                case ActivationKind.ReLU:
                    for (int j = 0; j < h; j++) expected[j] = Math.Max(0, z[j]);
                    break;
                case ActivationKind.JumpReLU:
                    for (int j = 0; j < h; j++)
                    {
                        double threshold = MathF.Exp(p.LogThresholds[j]);
                        Assert.True(Math.Abs(z[j] - threshold) > 1e-4, $"precondition: row {r}, latent {j}: z {z[j]} at its threshold {threshold}");
                        expected[j] = z[j] > threshold ? z[j] : 0;
                    }
                    break;
                default:
                    var order = Enumerable.Range(0, h).OrderByDescending(j => z[j]).ToArray();
                    if (k < h) Assert.True(z[order[k - 1]] - z[order[k]] > 1e-4, $"precondition: row {r}: the K-th and (K+1)-th z tie");
                    foreach (int j in order.Take(k)) { expected[j] = Math.Max(0, z[j]); if (z[j] < 0) negativeKept++; }
                    break;
            }
            encoder.Encode(x.AsSpan(r * v, v), code);
            for (int j = 0; j < h; j++)
            {
                Assert.True(Math.Abs(expected[j] - code[j]) <= 1e-5 * Math.Max(1, Math.Abs(z[j])), $"{activation}, row {r}, latent {j}: Encode {code[j]}, formula {expected[j]} (z {z[j]})");
                Assert.True(Math.Abs(expected[j] - batch[r * h + j]) <= 1e-5 * Math.Max(1, Math.Abs(z[j])), $"{activation}, row {r}, latent {j}: EncodeBatch {batch[r * h + j]}, formula {expected[j]}");
                if (expected[j] > 0) active++;
            }
        }
        // Every activation's interesting branch is taken: latents on and off (TopK with K = H: some of its K negative).
        Assert.InRange(active, 1, rows * h - 1);
        if (activation == ActivationKind.TopK && k == h) Assert.True(negativeKept > 0, "no negative z among TopK's K = H");
    }

    [Fact]
    public void Outputs_that_overlap_their_inputs_are_refused()
    {
        var encoder = new AutoencoderEncoder(ParameterInitializer.Initialize(4, 6, 5));
        // Codes wider than the rows, written in place, overwrote rows not yet encoded.
        var buffer = new float[3 * 6];
        var e = Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(buffer.AsSpan(0, 12), 3, buffer));
        Assert.Equal("codes", e.ParamName);
        Assert.StartsWith("codes overlaps x; a batch's codes need memory of their own.", e.Message);
        var row = new float[4 + 6];
        e = Assert.Throws<ArgumentException>(() => encoder.ReconstructionError(row.AsSpan(0, 4), row.AsSpan(4, 6), row.AsSpan(2, 4)));
        Assert.Equal("scratch", e.ParamName);
    }

    [Fact]
    public void Buffers_of_the_wrong_size_are_named()
    {
        var encoder = new AutoencoderEncoder(ParameterInitializer.Initialize(4, 6, 5));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(new float[7], 2, new float[12])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(new float[8], 2, new float[11])).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeBatch(new float[8], -1, new float[12])).ParamName);
        Assert.Equal("code", Assert.Throws<ArgumentException>(() => encoder.ReconstructionError(new float[4], new float[5], new float[4])).ParamName);
        Assert.Equal("scratch", Assert.Throws<ArgumentException>(() => encoder.ReconstructionError(new float[4], new float[6], new float[3])).ParamName);
    }
}
