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
