using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
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

    // Every output length from 0 to three 512-bit vectors and two more (each width's one-vector loop and the plain-float
    // tail), lengths that hold a 512-bit four-vector block, and row strides beyond N.
    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 3 * 16 + 3).Concat(VectorKernelTests.FourVectorBlocks).Select(n => new object[] { n });

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

/// <summary>
/// The objective on a mini-batch of sparse rows (CSR) against the same rows stored dense: the same cost
/// and gradient to 1e-5 relative (the sparse path adds the nonzero products only, in another order),
/// and a directional finite-difference check of the sparse path.
/// </summary>
public class SparseInputObjectiveTests
{
    internal static (SparseRowBatch Sparse, float[] Dense) RandomBatch(int rows, int v, int maxNonzeros, int seed)
    {
        var rng = new Random(seed);
        var starts = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            var (idx, val) = SparseInputTests.RandomSparseRow(rng, v, r % 17 == 0 ? 0 : rng.Next(1, maxNonzeros + 1));
            indices.AddRange(idx);
            values.AddRange(val);
            starts[r + 1] = indices.Count;
        }
        var batch = new SparseRowBatch(v, rows, starts, indices.ToArray(), values.ToArray());
        var dense = new float[rows * v];
        batch.CopyTo(0, rows, dense);
        return (batch, dense);
    }

    private static (ObjectiveSettings Settings, float[] Theta) Problem(ActivationKind activation, int v, int h, float[] firstRows, int seed)
    {
        if (activation == ActivationKind.Sigmoid)
            return (new ObjectiveSettings(), ParameterInitializer.Initialize(v, h, seed).Theta);
        bool jump = activation == ActivationKind.JumpReLU;
        var p = ParameterInitializer.InitializeSparseCode(v, h, seed, firstRows, jump);
        if (jump) for (int j = 0; j < h; j++) p.LogThresholds[j] = MathF.Log(0.05f);
        return (new ObjectiveSettings(WeightDecay: 1e-3, Decoder: DecoderKind.Linear, Activation: activation, K: 6, L1Weight: 0.1, AuxK: 4, DeadLatentWindow: 100), p.Theta);
    }

    [Theory]
    [InlineData(ActivationKind.TopK, 1, false)]
    [InlineData(ActivationKind.TopK, 2, false)]
    [InlineData(ActivationKind.TopK, 1, true)]    // with dead latents: the AuxK term's products too
    [InlineData(ActivationKind.TopK, 2, true)]
    [InlineData(ActivationKind.ReLU, 1, false)]
    [InlineData(ActivationKind.ReLU, 2, false)]
    [InlineData(ActivationKind.JumpReLU, 2, false)]
    [InlineData(ActivationKind.Sigmoid, 1, false)]
    [InlineData(ActivationKind.Sigmoid, 2, false)]
    public void A_sparse_batch_gives_the_cost_and_gradient_of_the_same_rows_stored_dense(ActivationKind activation, int threads, bool dead)
    {
        const int v = 300, h = 37, rows = 300;   // 300 rows: three 128-row blocks at 1 thread, the last partial
        var (sparse, dense) = RandomBatch(rows, v, 15, seed: 11);
        var (settings, theta) = Problem(activation, v, h, dense, seed: 4);
        using var a = new SparseAutoencoderObjective(v, h, settings, threads);
        using var b = new SparseAutoencoderObjective(v, h, settings, threads);
        if (dead)
        {
            var since = Enumerable.Range(0, h).Select(j => j % 3 == 0 ? 1000L : 0L).ToArray();
            a.SetRowsSinceFired(since);
            b.SetRowsSinceFired(since);
        }
        var gDense = new float[theta.Length];
        var gSparse = new float[theta.Length];
        var cDense = a.Evaluate(theta, dense, rows, gDense);
        var cSparse = b.Evaluate(theta, sparse, gSparse);
        string at = $"{activation}, {threads} threads, dead {dead}";
        foreach (var (x, y, term) in new[] { (cDense.Total, cSparse.Total, "total"), (cDense.Reconstruction, cSparse.Reconstruction, "reconstruction"),
            (cDense.Sparsity, cSparse.Sparsity, "sparsity"), (cDense.WeightDecay, cSparse.WeightDecay, "decay") })
            // Float32 sums in another order: on the plain-float path (DOTNET_EnableHWIntrinsic=0, no FMA) the ReLU
            // and JumpReLU totals differed by 1.2e-5 relative (38.39609 against 38.39656), so 1e-4.
            Assert.True(Math.Abs(x - y) <= 1e-4 * Math.Abs(x) + 1e-9, $"{at}: {term} dense {x}, sparse {y}");
        if (dead && activation == ActivationKind.TopK) Assert.True(cDense.Sparsity > 0, $"{at}: the AuxK term is {cDense.Sparsity}");
        float scale = gDense.Max(Math.Abs);
        Close.Elementwise(gSparse, gDense, 1e-5f * scale, 0, q => $"{at}: gradient {q}: dense {gDense[q]}, sparse {gSparse[q]} (scale {scale})");
        Assert.Equal(a.MeanActivation.ToArray(), b.MeanActivation.ToArray(), (p, q) => Math.Abs(p - q) <= 1e-5 * Math.Max(1, Math.Abs(p)));
    }

    // Along random directions u: (J(theta + eps u) - J(theta - eps u)) / (2 eps) against g . u, in float
    // (eps = 1e-3, so the float rounding of J stays well below the tolerance; no AuxK term, whose residual
    // is held constant and so is not J's derivative).
    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    public void The_sparse_path_gradient_matches_finite_differences(ActivationKind activation)
    {
        const int v = 12, h = 8, rows = 9;
        var (sparse, dense) = RandomBatch(rows, v, 4, seed: 2);
        var (settings, theta) = Problem(activation, v, h, dense, seed: 5);
        using var objective = new SparseAutoencoderObjective(v, h, settings);
        var g = new float[theta.Length];
        objective.Evaluate(theta, sparse, g);
        var scratch = new float[theta.Length];
        var rng = new Random(9);
        const float eps = 1e-3f;
        for (int trial = 0; trial < 5; trial++)
        {
            var u = Enumerable.Range(0, theta.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var plus = theta.Select((t, q) => t + eps * u[q]).ToArray();
            var minus = theta.Select((t, q) => t - eps * u[q]).ToArray();
            double numeric = (objective.Evaluate(plus, sparse, scratch).Total - objective.Evaluate(minus, sparse, scratch).Total) / (2 * eps);
            double analytic = g.Select((gq, q) => (double)gq * u[q]).Sum();
            Assert.True(Math.Abs(numeric - analytic) <= 1e-2 * Math.Abs(analytic) + 1e-3, $"{activation}, direction {trial}: analytic {analytic}, numeric {numeric}");
        }
    }

    [Fact]
    public void Checking_a_sparse_batch_allocates_nothing_a_row()
    {
        // Each row's rule check was given its name as a formatted string, refused or not.
        const int rows = 10_000;
        var starts = Enumerable.Range(0, rows + 1).Select(r => 2 * r).ToArray();
        var indices = Enumerable.Range(0, 2 * rows).Select(q => q % 2 == 0 ? 1 : 3).ToArray();
        var values = Enumerable.Repeat(0.5f, 2 * rows).ToArray();
        _ = new SparseRowBatch(5, rows, starts, indices, values);   // compiles the constructor
        long bytes = AllocationMeasurement.BytesAllocatedBy(() => _ = new SparseRowBatch(5, rows, starts, indices, values));
        Assert.True(bytes < 1024, $"Checking {rows} sparse rows allocated {bytes} bytes.");
    }

    [Fact]
    public void A_bad_sparse_batch_is_refused_naming_the_row_and_the_value()
    {
        Assert.Contains("Training row 1: index 1 is 2 after 3; indices must be strictly ascending",
            Assert.ThrowsAny<ArgumentException>(() => new SparseRowBatch(5, 2, [0, 1, 3], [0, 3, 2], [1f, 1f, 1f])).Message);
        Assert.Contains("Training row 0 holds NaN at index 4; every value must be finite",
            Assert.Throws<ArgumentException>(() => new SparseRowBatch(5, 1, [0, 1], [4], [float.NaN])).Message);
        Assert.Contains("rowStarts must not decrease",
            Assert.Throws<ArgumentException>(() => new SparseRowBatch(5, 2, [0, 2, 1], [0, 1], [1f, 1f])).Message);
        // A decrease after an offset beyond the arrays was met as a bare ArgumentOutOfRangeException from the slice.
        Assert.Equal("rowStarts must not decrease, but rowStarts[2] = 1 follows 3. (Parameter 'rowStarts')",
            Assert.Throws<ArgumentException>(() => new SparseRowBatch(5, 2, [0, 3, 1], [0, 1], [1f, 1f])).Message);
        using var objective = new SparseAutoencoderObjective(6, 2, new ObjectiveSettings());
        var theta = ParameterInitializer.Initialize(6, 2, 1).Theta;
        Assert.Contains("must have V = 6 values, but have 5",
            Assert.Throws<ArgumentException>(() => objective.Evaluate(theta, new SparseRowBatch(5, 1, [0, 0], [], []), new float[theta.Length])).Message);
    }

    // The product reads row i of W from i * stride to i * stride + N: a row whose end passes W is refused before anything
    // is read (the loop reads without bounds checks).
    [Fact]
    public void The_sparse_row_product_refuses_a_row_whose_end_passes_W()
    {
        var e = Assert.Throws<ArgumentException>(() => VectorKernels.SparseRowProduct([1], [1f], new float[3], 2, new float[2], new float[2]));
        Assert.Equal("w", e.ParamName);
        Assert.StartsWith("W holds 3 values, but row 1 of stride 2 needs 4.", e.Message);
        var z = new float[2];
        VectorKernels.SparseRowProduct([1], [1f], new float[] { 0, 0, 5, 6 }, 2, new float[2], z);   // the row fits: read
        Assert.Equal([5f, 6f], z);
    }
}
