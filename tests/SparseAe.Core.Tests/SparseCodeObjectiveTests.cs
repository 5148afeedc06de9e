using SparseAe.Objective;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// The sparse codes (ReLU with L1, TopK with AuxK): the float64 reference against central differences,
/// then the float32 objective against the reference.
/// </summary>
public class SparseCodeObjectiveTests
{
    /// <summary>The dead-latent window the float tests use: dead where rows-since-fired &gt;= 10.</summary>
    private const int Window = 10;

    // name, activation, lambda, L1 weight, K, AuxK, dead latents (of H = 6)
    public static TheoryData<string, ActivationKind, double, double, int, int, int[]> ReferenceCases => new()
    {
        { "ReLU, reconstruction only", ActivationKind.ReLU, 0.0, 0.0, 0, 0, [] },
        { "ReLU + L1 + weight decay", ActivationKind.ReLU, 0.3, 0.7, 0, 0, [] },
        { "TopK 3 of 6, no dead latents", ActivationKind.TopK, 1e-2, 0.0, 3, 2, [] },
        { "TopK 3 of 6, 3 dead latents, AuxK 2", ActivationKind.TopK, 1e-2, 0.0, 3, 2, [0, 2, 5] },
        { "TopK 3 of 6, 2 dead latents, AuxK 2", ActivationKind.TopK, 0.0, 0.0, 3, 2, [1, 4] },
        { "TopK 3 of 6, 1 dead latent, AuxK 2", ActivationKind.TopK, 0.0, 0.0, 3, 2, [3] },
    };

    // name, activation, lambda, L1 weight, K, AuxK, dead latents (of H = 9, padded inside the objective)
    public static TheoryData<string, ActivationKind, double, double, int, int, int[]> FloatCases => new()
    {
        { "ReLU, reconstruction only", ActivationKind.ReLU, 0.0, 0.0, 8, 0, [] },
        { "ReLU + L1 + weight decay", ActivationKind.ReLU, 1e-2, 0.5, 8, 0, [] },
        { "ReLU ignores dead latents", ActivationKind.ReLU, 1e-2, 0.5, 8, 4, [1, 8] },
        { "TopK 3 of 9, no dead latents", ActivationKind.TopK, 1e-2, 0.0, 3, 2, [] },
        { "TopK 3 of 9, 3 dead latents, AuxK 2", ActivationKind.TopK, 1e-2, 0.0, 3, 2, [1, 4, 8] },
        { "TopK 3 of 9, 2 dead latents, AuxK 4", ActivationKind.TopK, 1e-2, 0.0, 3, 4, [0, 8] },
        { "TopK 3 of 9, 6 dead latents, AuxK 4", ActivationKind.TopK, 0.0, 0.0, 3, 4, [0, 2, 3, 5, 7, 8] },
        { "TopK 3 of 9, dead latents, AuxK 0", ActivationKind.TopK, 1e-2, 0.0, 3, 0, [1, 4, 8] },
        { "TopK 9 of 9, every latent dead", ActivationKind.TopK, 0.0, 0.0, 9, 9, [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    };

    /// <summary>
    /// theta with W1 in [-0.8, 0.8], W2 column j in [-s_j, s_j] with s_j = 0.4 + 0.5 j (norms far from
    /// 1, so the normalisation's chain rule matters), and biases in [-0.5, 0.5].
    /// </summary>
    internal static double[] RandomTheta(int v, int h, int seed)
    {
        var rng = new Random(seed);
        var theta = new double[2 * h * v + h + v];
        for (int q = 0; q < h * v; q++) theta[q] = (rng.NextDouble() * 2 - 1) * 0.8;
        for (int p = 0; p < v; p++)
            for (int j = 0; j < h; j++) theta[h * v + p * h + j] = (rng.NextDouble() * 2 - 1) * (0.4 + 0.5 * j);
        for (int q = 2 * h * v; q < theta.Length; q++) theta[q] = rng.NextDouble() - 0.5;
        return theta;
    }

    /// <summary>Rows in [-2, 2], as whitened inputs are of any sign; (rows, v) row-major.</summary>
    internal static float[] RandomInputs(int rows, int v, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * v];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
        return x;
    }

    private static bool[] DeadMask(int h, int[] deadLatents)
    {
        var dead = new bool[h];
        foreach (int j in deadLatents) dead[j] = true;
        return dead;
    }

    /// <summary>
    /// Rows since each latent fired: dead ones at the window or beyond (the first exactly at it), live
    /// ones just under it or at 0, so the "&gt;= window" boundary is exercised.
    /// </summary>
    private static long[] RowsSinceFired(int h, int[] deadLatents)
    {
        var rows = new long[h];
        for (int j = 0; j < h; j++)
            rows[j] = deadLatents.Contains(j) ? Window + 3L * Array.IndexOf(deadLatents, j) : (j % 2 == 0 ? Window - 1 : 0);
        return rows;
    }

    /// <summary>
    /// How far the evaluation is from a kink, over every row: the smallest |z| and, for TopK, the gap
    /// between the K-th and (K+1)-th largest z and between the AuxK-th and (AuxK+1)-th largest dead z.
    /// A perturbation (or float rounding) smaller than this leaves every selection and every ReLU as is.
    /// </summary>
    private static double KinkMargin(ReferenceSparseCode.Result r, ActivationKind activation, int k, int auxK, bool[] dead)
    {
        double margin = double.PositiveInfinity;
        foreach (var z in r.PreActivations)
        {
            foreach (double value in z) margin = Math.Min(margin, Math.Abs(value));
            if (activation != ActivationKind.TopK) continue;
            var sorted = z.OrderByDescending(s => s).ToArray();
            if (k < sorted.Length) margin = Math.Min(margin, sorted[k - 1] - sorted[k]);
            var deadSorted = z.Where((_, j) => dead[j]).OrderByDescending(s => s).ToArray();
            if (auxK > 0 && auxK < deadSorted.Length) margin = Math.Min(margin, deadSorted[auxK - 1] - deadSorted[auxK]);
        }
        return margin;
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Reference_gradient_matches_central_differences(string name, ActivationKind activation, double lambda, double l1Weight, int k, int auxK, int[] deadLatents)
    {
        const int v = 5, h = 6, m = 7;
        var theta = RandomTheta(v, h, seed: 3);
        var x = TestData.ToJagged(RandomInputs(m, v, seed: 4), m, v);
        var dead = DeadMask(h, deadLatents);
        var r = ReferenceSparseCode.Evaluate(theta, x, v, h, activation, lambda, l1Weight, k, auxK, dead);

        // The seeds keep every z and every selection gap well clear of a kink, so eps = 1e-5 cannot cross one.
        double margin = KinkMargin(r, activation, k, auxK, dead);
        Assert.True(margin > 1e-3, $"{name}: precondition: a kink is only {margin} away; choose other seeds");
        // Every case has live codes (and the AuxK cases a non-zero a), so the terms are exercised.
        Assert.Contains(r.Codes, row => row.Any(c => c > 0));
        bool auxTerm = activation == ActivationKind.TopK && auxK > 0 && deadLatents.Length > 0;
        Assert.Equal(auxTerm, r.AuxCodes.Any(row => row.Any(a => a > 0)));
        if (!auxTerm && activation == ActivationKind.TopK) Assert.Equal(0, r.Sparsity);

        // The AuxK term's residual is a stop-gradient: differentiate with it frozen at this theta's.
        const double eps = 1e-5;
        double fullDerivativeGap = 0;
        for (int q = 0; q < theta.Length; q++)
        {
            var plus = (double[])theta.Clone(); plus[q] += eps;
            var minus = (double[])theta.Clone(); minus[q] -= eps;
            double numeric = (ReferenceSparseCode.Evaluate(plus, x, v, h, activation, lambda, l1Weight, k, auxK, dead, r.Residuals).Total
                - ReferenceSparseCode.Evaluate(minus, x, v, h, activation, lambda, l1Weight, k, auxK, dead, r.Residuals).Total) / (2 * eps);
            Assert.True(Math.Abs(numeric - r.Gradient[q]) <= 1e-8 + 1e-6 * Math.Abs(numeric),
                $"{name}: parameter {q}: analytic {r.Gradient[q]}, numeric {numeric}");

            // The plain derivative of J (residual not frozen) differs wherever the AuxK term is on.
            double full = (ReferenceSparseCode.Evaluate(plus, x, v, h, activation, lambda, l1Weight, k, auxK, dead).Total
                - ReferenceSparseCode.Evaluate(minus, x, v, h, activation, lambda, l1Weight, k, auxK, dead).Total) / (2 * eps);
            fullDerivativeGap = Math.Max(fullDerivativeGap, Math.Abs(full - numeric));
        }
        if (auxTerm) Assert.True(fullDerivativeGap > 1e-4, $"{name}: the stop-gradient changes the gradient by only {fullDerivativeGap}");
        else Assert.True(fullDerivativeGap < 1e-8, $"{name}: no AuxK term, yet frozen and live residuals differ by {fullDerivativeGap}");
    }

    [Fact]
    public void Reference_cost_does_not_depend_on_the_scale_of_a_decoder_column()
    {
        // d_j = W2[:, j] / ||W2[:, j]||: scaling a column leaves J as is, so dJ/dW2[:, j] is orthogonal to it.
        const int v = 5, h = 6, m = 7;
        var theta = RandomTheta(v, h, seed: 3);
        var x = TestData.ToJagged(RandomInputs(m, v, seed: 4), m, v);
        var dead = DeadMask(h, [0, 2, 5]);
        foreach (var activation in new[] { ActivationKind.ReLU, ActivationKind.TopK })
        {
            var r = ReferenceSparseCode.Evaluate(theta, x, v, h, activation, 0.1, 0.7, 3, 2, dead);
            var scaled = (double[])theta.Clone();
            for (int p = 0; p < v; p++) scaled[h * v + p * h + 4] *= 3.7;
            Assert.Equal(r.Total, ReferenceSparseCode.Evaluate(scaled, x, v, h, activation, 0.1, 0.7, 3, 2, dead).Total, 1e-12);
            for (int j = 0; j < h; j++)
            {
                double dot = 0, gradNorm = 0;
                for (int p = 0; p < v; p++)
                {
                    dot += r.Gradient[h * v + p * h + j] * theta[h * v + p * h + j];
                    gradNorm += r.Gradient[h * v + p * h + j] * r.Gradient[h * v + p * h + j];
                }
                Assert.True(Math.Abs(dot) < 1e-12, $"{activation}: column {j}: gradient . column = {dot}");
                // A column gets a gradient exactly when its latent is used (h or a positive) on some row.
                bool used = r.Codes.Any(row => row[j] > 0) || r.AuxCodes.Any(row => row[j] > 0);
                Assert.True(used == gradNorm > 0, $"{activation}: column {j}: used {used}, gradient norm^2 {gradNorm}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void Float_objective_matches_the_float64_reference(string name, ActivationKind activation, double lambda, double l1Weight, int k, int auxK, int[] deadLatents)
        // 200 rows: more than one 128-row block per chunk at 1 thread; 300 rows: three blocks, the last partial.
        => AssertMatchesReference(name, 13, activation, lambda, l1Weight, k, auxK, deadLatents, [(200, 1), (200, 3), (300, 1), (300, 3)]);

    // TopK's decoder runs in tiles of 2,048 columns (SparseCodeState.DecodeTile) over the block's rows
    // grouped by latent: V = 2,085 gives two tiles, the second partial.
    [Theory]
    [InlineData("TopK 3 of 9 over two decoder tiles", 0, new int[0])]
    [InlineData("TopK 3 of 9 over two decoder tiles, 3 dead latents, AuxK 2", 2, new[] { 1, 4, 8 })]
    public void Float_objective_matches_the_float64_reference_across_decoder_tiles(string name, int auxK, int[] deadLatents)
        => AssertMatchesReference(name, 2085, ActivationKind.TopK, 1e-2, 0.0, 3, auxK, deadLatents, [(150, 1), (150, 2)]);

    // V = 2,085 and H = 40 make 83,400 weights, past ParallelRanges.MinimumLength: on 2 threads the
    // weights' loads, the decoder's normalisation, the folded bias and the gradient's projection are
    // split between the threads (V's columns at 1,040, the latents at 16).
    [Theory]
    [InlineData("ReLU, 40 latents, whole-matrix passes split", ActivationKind.ReLU, 0.2, 0, new int[0])]
    [InlineData("TopK 3 of 40, whole-matrix passes split, 3 dead latents, AuxK 2", ActivationKind.TopK, 0.0, 2, new[] { 1, 17, 30 })]
    public void Float_objective_matches_the_float64_reference_with_its_passes_over_whole_matrices_split(string name, ActivationKind activation,
        double l1Weight, int auxK, int[] deadLatents)
        => AssertMatchesReference(name, 2085, activation, 1e-2, l1Weight, 3, auxK, deadLatents, [(150, 2), (150, 1)], h: 40);

    private static void AssertMatchesReference(string name, int v, ActivationKind activation, double lambda, double l1Weight, int k, int auxK, int[] deadLatents,
        (int Rows, int Threads)[] runs, int h = 9)
    {
        var dead = DeadMask(h, deadLatents);
        var theta = RandomTheta(v, h, seed: 5).Select(d => (float)d).ToArray();
        var references = new Dictionary<int, ReferenceSparseCode.Result>();   // by m: the runs differ only in threads
        foreach (var (m, threads) in runs)
        {
            var xf = RandomInputs(m, v, seed: 6);
            var settings = new ObjectiveSettings(WeightDecay: lambda, Decoder: DecoderKind.Linear, Activation: activation,
                K: k, L1Weight: l1Weight, AuxK: auxK, DeadLatentWindow: Window);
            var objective = new SparseAutoencoderObjective(v, h, settings, threads);
            objective.SetRowsSinceFired(RowsSinceFired(h, deadLatents));
            var grad = new float[theta.Length];
            var cost = objective.Evaluate(theta, xf, m, grad);
            if (!references.TryGetValue(m, out var r))
                references[m] = r = ReferenceSparseCode.Evaluate(theta.Select(f => (double)f).ToArray(), TestData.ToJagged(xf, m, v),
                    v, h, activation, lambda, l1Weight, k, auxK, dead);
            string at = $"{name}, m {m}, {threads} threads";

            // Float rounding of z (about 1e-6 here) must not flip a TopK selection.
            double margin = KinkMargin(r, activation, k, auxK, dead);
            Assert.True(margin > 2e-5, $"{at}: precondition: a kink is only {margin} away; choose other seeds");
            if (activation == ActivationKind.TopK && auxK > 0 && deadLatents.Length > 0) Assert.True(r.Sparsity > 1e-4, $"{at}: AuxK term {r.Sparsity}");

            Assert.Equal(r.Reconstruction, cost.Reconstruction, 1e-5 * Math.Max(1, r.Reconstruction));
            Assert.Equal(r.Decay, cost.WeightDecay, 1e-6 * Math.Max(1, r.Decay));
            Assert.Equal(r.Sparsity, cost.Sparsity, 1e-5 * Math.Max(1, r.Sparsity));
            Assert.True(Math.Abs(r.Sparsity - cost.Sparsity) <= 1e-5 * Math.Abs(r.Sparsity) + 1e-9,
                $"{at}: Sparsity {cost.Sparsity} vs reference {r.Sparsity} (relative {(cost.Sparsity - r.Sparsity) / r.Sparsity})");
            Assert.Equal(r.Total, cost.Total, 1e-5 * Math.Max(1, r.Total));
            double scale = r.Gradient.Max(Math.Abs);
            Close.Elementwise(grad, r.Gradient, 2e-5 * scale, 0,
                q => $"{at}: gradient {q} ({Describe(q, v, h)}): {grad[q]} vs reference {r.Gradient[q]} (scale {scale})");
        }
    }

    /// <summary>Names a theta index: W1[j, p], W2[p, j], b1[j] or b2[p].</summary>
    private static string Describe(int q, int v, int h)
    {
        if (q < h * v) return $"W1[{q / v}, {q % v}]";
        if (q < 2 * h * v) return $"W2[{(q - h * v) / h}, {(q - h * v) % h}]";
        if (q < 2 * h * v + h) return $"b1[{q - 2 * h * v}]";
        return $"b2[{q - 2 * h * v - h}]";
    }

    [Theory]
    [InlineData(ActivationKind.ReLU, 1)]
    [InlineData(ActivationKind.ReLU, 3)]
    [InlineData(ActivationKind.TopK, 1)]
    [InlineData(ActivationKind.TopK, 3)]
    public void Firing_rate_is_the_share_of_rows_with_a_positive_code(ActivationKind activation, int threads)
    {
        const int v = 13, h = 9, m = 300;
        int[] deadLatents = [1, 4, 8];
        var dead = DeadMask(h, deadLatents);
        var theta = RandomTheta(v, h, seed: 5).Select(d => (float)d).ToArray();
        var xf = RandomInputs(m, v, seed: 6);
        var settings = new ObjectiveSettings(WeightDecay: 1e-3, Decoder: DecoderKind.Linear, Activation: activation,
            K: 3, L1Weight: 0.2, AuxK: 2, DeadLatentWindow: Window);
        var objective = new SparseAutoencoderObjective(v, h, settings, threads);
        objective.SetRowsSinceFired(RowsSinceFired(h, deadLatents));
        objective.Evaluate(theta, xf, m, new float[theta.Length]);
        var r = ReferenceSparseCode.Evaluate(theta.Select(f => (double)f).ToArray(), TestData.ToJagged(xf, m, v),
            v, h, activation, 1e-3, 0.2, 3, 2, dead);
        Assert.True(KinkMargin(r, activation, 3, 2, dead) > 2e-5, "precondition: no z within float rounding of 0 or of a TopK boundary");

        var expected = r.FiringRate();
        var actual = objective.FiringRate.ToArray();
        Assert.Equal(h, actual.Length);
        for (int j = 0; j < h; j++) Assert.True(Math.Abs(expected[j] - actual[j]) < 1e-12, $"latent {j}: firing rate {actual[j]}, reference {expected[j]}");
        // Not a trivial answer: some latents fire on some rows but not all.
        Assert.Contains(expected, rate => rate > 0 && rate < 1);
    }

    [Fact]
    public void Evaluate_does_not_change_the_dead_latents()
    {
        // Only CountFiring moves the rows-since-fired counts, so repeated evaluations (a gradient check,
        // a line search) see the same dead set and give the same answer.
        const int v = 13, h = 9, m = 200;
        var theta = RandomTheta(v, h, seed: 5).Select(d => (float)d).ToArray();
        var xf = RandomInputs(m, v, seed: 6);
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(Decoder: DecoderKind.Linear,
            Activation: ActivationKind.TopK, K: 3, AuxK: 2, DeadLatentWindow: Window), threads: 2);
        objective.SetRowsSinceFired(RowsSinceFired(h, [1, 4, 8]));
        var g1 = new float[theta.Length];
        var g2 = new float[theta.Length];
        var c1 = objective.Evaluate(theta, xf, m, g1);
        var c2 = objective.Evaluate(theta, xf, m, g2);
        Assert.True(c1.Sparsity > 0);
        Assert.Equal(c1, c2);
        Assert.Equal(g1, g2);
    }

    // Mutation audit: counting a latent dead only beyond the window (r > window), capping the window at
    // DeadLatentWindow before that many rows were counted (or not counting the rows at all), and adding 1
    // a mini-batch instead of its rows each passed every Core test (the trainer's test uses a window of 1
    // row and 100-row batches, where all of them agree). DeadLatentCount (the DeadFraction of every run's
    // metrics) then misses latents silent on every row seen. A latent whose z is -1 on every row (W1 = 0,
    // b1 = -1) must be dead after 4 rows of a window of 8 (silent on all rows counted) and after 8 (exactly the window).
    [Fact]
    public void A_latent_silent_on_every_row_counted_is_dead_before_the_window_is_full_and_at_its_end()
    {
        const int v = 3, h = 2, m = 4;
        var theta = new float[2 * h * v + h + v];   // W1 = 0: z = b1 on every row
        theta[2 * h * v] = 1f;                      // latent 0 fires on every row
        theta[2 * h * v + 1] = -1f;                 // latent 1 on none
        for (int q = h * v; q < 2 * h * v; q++) theta[q] = 0.5f;
        var x = RandomInputs(m, v, seed: 3);
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.ReLU,
            DeadLatentWindow: 2 * m), threads: 1);
        var gradient = new float[theta.Length];
        Assert.Equal(0, objective.DeadLatentCount);   // no rows counted yet
        objective.Evaluate(theta, x, m, gradient);
        objective.CountFiring();
        Assert.Equal(1, objective.DeadLatentCount);   // 4 rows counted, fewer than the window: silent on all of them
        objective.Evaluate(theta, x, m, gradient);
        objective.CountFiring();
        Assert.Equal(1, objective.DeadLatentCount);   // 8 rows: silent on exactly the window
    }

    // Mutation audit: keeping a selected latent whose z is exactly 0 (value < 0 in place of !(value > 0))
    // passed every Core test, yet such a latent has h = max(0, z) = 0 and must not count as active: its
    // firing rate (L0, FiringRate) went up and it could never become dead, so AuxK never revived it. z = 0
    // on every latent is what an empty sparse row meets with zero biases. W1 = 0, b1 = (1, 0, -1), K = 2:
    // latents 0 and 1 are selected, only latent 0 is active.
    [Fact]
    public void A_TopK_latent_selected_at_a_z_of_exactly_0_is_not_active()
    {
        const int v = 3, h = 3, m = 4;
        var theta = new float[2 * h * v + h + v];
        theta[2 * h * v] = 1f;
        theta[2 * h * v + 2] = -1f;
        for (int q = h * v; q < 2 * h * v; q++) theta[q] = 0.5f;
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK,
            K: 2, AuxK: 1), threads: 1);
        objective.Evaluate(theta, RandomInputs(m, v, seed: 3), m, new float[theta.Length]);
        Assert.Equal([1.0, 0.0, 0.0], objective.FiringRate.ToArray());
    }

    [Theory]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void A_decoder_column_of_zeros_decodes_to_nothing_and_gives_no_NaN(ActivationKind activation)
    {
        // d_j = W2[:, j] / ||W2[:, j]|| is 0/0 at a column of zeros: the cost (ReLU, JumpReLU) or the gradient (TopK)
        // was NaN. The column is taken as it is, as AutoencoderParameters.NormalizeDecoderColumns leaves it.
        const int v = 13, h = 9, m = 200, zero = 2;
        var settings = new ObjectiveSettings(WeightDecay: 0, Decoder: DecoderKind.Linear, Activation: activation, K: 3, AuxK: 2, DeadLatentWindow: Window);
        var theta = RandomTheta(v, h, seed: 5).Select(d => (float)d).Concat(new float[settings.HasThresholds ? h : 0]).ToArray();
        for (int p = 0; p < v; p++) theta[h * v + p * h + zero] = 0;
        var xf = RandomInputs(m, v, seed: 6);
        var objective = new SparseAutoencoderObjective(v, h, settings);
        objective.SetRowsSinceFired(RowsSinceFired(h, [zero, 4]));
        var grad = new float[theta.Length];
        var cost = objective.Evaluate(theta, xf, m, grad);
        Assert.True(cost.IsFinite, $"{activation}: {cost}");
        Assert.Equal(-1, Array.FindIndex(grad, g => !float.IsFinite(g)));
        if (activation != ActivationKind.ReLU) return;
        // ReLU: latent 2's code, whatever it is, adds nothing to the reconstruction.
        for (int p = 0; p < v; p++) theta[zero * v + p] *= 3;
        Assert.Equal(cost.Reconstruction, objective.Evaluate(theta, xf, m, grad).Reconstruction, 1e-12);
    }
}

/// <summary>The ObjectiveSettings rules for the sparse codes: each refusal names the option and its value.</summary>
public class SparseCodeSettingsTests
{
    private static void AssertRefused(Action validate, string option, object value, string? alsoNamed = null)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(validate);
        Assert.Equal(option, ex.ParamName);
        Assert.Equal(value, ex.ActualValue);
        Assert.Contains(option, ex.Message);
        Assert.Contains($"is {value}", ex.Message);
        if (alsoNamed is not null) Assert.Contains(alsoNamed, ex.Message);
    }

    private static ObjectiveSettings TopK(int k = 3, int? auxK = 2) =>
        new(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK, K: k, AuxK: auxK);

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_K_below_1_is_refused(int k)
        => AssertRefused(() => TopK(k).Validate(), "K", k);

    [Fact]
    public void A_K_above_H_is_refused()
        => AssertRefused(() => TopK(10).Validate(hiddenCount: 9), "K", 10, alsoNamed: "9");

    [Fact]
    public void A_negative_AuxK_is_refused()
        => AssertRefused(() => TopK(auxK: -1).Validate(), "AuxK", -1);

    [Fact]
    public void An_AuxK_above_H_is_refused()
        => AssertRefused(() => TopK(auxK: 10).Validate(hiddenCount: 9), "AuxK", 10, alsoNamed: "9");

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void An_L1Weight_that_is_negative_or_not_finite_is_refused(double l1Weight)
        => AssertRefused(() => new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.ReLU, L1Weight: l1Weight).Validate(), "L1Weight", l1Weight);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_DeadLatentWindow_below_1_is_refused(int window)
        => AssertRefused(() => (TopK() with { DeadLatentWindow = window }).Validate(), "DeadLatentWindow", window);

    [Theory]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    public void A_sparse_code_with_the_sigmoid_decoder_is_refused(ActivationKind activation)
        => AssertRefused(() => new ObjectiveSettings(Decoder: DecoderKind.Sigmoid, Activation: activation, K: 3, AuxK: 2).Validate(),
            "Decoder", DecoderKind.Sigmoid, alsoNamed: activation.ToString());

    [Fact]
    public void The_objective_refuses_a_K_above_H()
    {
        // The objective knows H, so it applies the rules that need it.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseAutoencoderObjective(13, 9, TopK(10)));
        Assert.Equal("K", ex.ParamName);
    }

    [Fact]
    public void Settings_at_the_edges_of_the_rules_are_accepted()
    {
        TopK(k: 9, auxK: 9).Validate(hiddenCount: 9);                    // K = AuxK = H
        TopK(k: 1, auxK: 0).Validate(hiddenCount: 9);                     // AuxK 0: no AuxK term
        TopK(auxK: null).Validate(hiddenCount: 9);                        // AuxK from V
        (TopK() with { DeadLatentWindow = 1 }).Validate(hiddenCount: 9);
        new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.ReLU, L1Weight: 0).Validate(hiddenCount: 9);
        new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.Sigmoid).Validate(hiddenCount: 9);
    }
}
