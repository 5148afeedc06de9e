using System.Globalization;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

public class ObjectiveTests
{
    // Configurations that switch on one cost term at a time, then all of them.
    public static TheoryData<string, double, double, bool> Terms => new()
    {
        { "reconstruction only", 0.0, 0.0, false },
        { "reconstruction + weight decay", 0.0, 0.3, false },
        { "reconstruction + KL sparsity", 3.0, 0.0, false },
        { "reconstruction + L1 sparsity", 3.0, 0.0, true },
        { "all terms, KL", 3.0, 1e-2, false },
    };

    [Theory]
    [MemberData(nameof(Terms))]
    public void Reference_gradient_matches_central_differences(string name, double beta, double lambda, bool l1)
    {
        const int v = 5, h = 4, m = 7;
        var theta = ParameterInitializer.Initialize(v, h, seed: 3).Theta.Select(f => (double)f).ToArray();
        var rng = new Random(9);
        for (int k = 2 * v * h; k < theta.Length; k++) theta[k] = rng.NextDouble() - 0.5;   // non-zero biases
        var x = TestData.ToJagged(TestData.RandomRows(m, v, 4), m, v);
        var r = ReferenceAutoencoder.Evaluate(theta, x, v, h, 0.1, beta, lambda, l1);
        const double eps = 1e-5;
        for (int k = 0; k < theta.Length; k++)
        {
            var plus = (double[])theta.Clone(); plus[k] += eps;
            var minus = (double[])theta.Clone(); minus[k] -= eps;
            double numeric = (ReferenceAutoencoder.Evaluate(plus, x, v, h, 0.1, beta, lambda, l1).Total
                - ReferenceAutoencoder.Evaluate(minus, x, v, h, 0.1, beta, lambda, l1).Total) / (2 * eps);
            Assert.True(Math.Abs(numeric - r.Gradient[k]) <= 1e-8 + 1e-6 * Math.Abs(numeric),
                $"{name}: parameter {k}: analytic {r.Gradient[k]}, numeric {numeric}");
        }
    }

    [Theory]
    [MemberData(nameof(Terms))]
    public void Float_objective_matches_the_float64_reference(string name, double beta, double lambda, bool l1)
    {
        foreach (int threads in new[] { 1, 3 })
        {
            const int v = 13, h = 9, m = 200;
            var p = ParameterInitializer.Initialize(v, h, seed: 5);
            var rng = new Random(2);
            for (int k = 2 * v * h; k < p.Theta.Length; k++) p.Theta[k] = (float)(rng.NextDouble() - 0.5);
            var xf = TestData.RandomRows(m, v, 6);
            var settings = new ObjectiveSettings(0.1, beta, lambda, l1 ? SparsityPenalty.L1 : SparsityPenalty.KLDivergence);
            var objective = new SparseAutoencoderObjective(v, h, settings, threads);
            var grad = new float[p.Theta.Length];
            var cost = objective.Evaluate(p.Theta, xf, m, grad);
            var r = ReferenceAutoencoder.Evaluate(p.Theta.Select(f => (double)f).ToArray(), TestData.ToJagged(xf, m, v), v, h, 0.1, beta, lambda, l1);

            Assert.Equal(r.Reconstruction, cost.Reconstruction, 1e-5 * Math.Max(1, r.Reconstruction));
            Assert.Equal(r.Decay, cost.WeightDecay, 1e-6 * Math.Max(1, r.Decay));
            Assert.Equal(r.Sparsity, cost.Sparsity, 1e-5 * Math.Max(1, r.Sparsity));
            Assert.Equal(r.Total, cost.Total, 1e-5 * Math.Max(1, r.Total));
            double scale = r.Gradient.Max(Math.Abs);
            Close.Elementwise(grad, r.Gradient, 2e-5 * scale, 0, k => $"{name}, {threads} threads: gradient {k}: {grad[k]} vs {r.Gradient[k]}");
        }
    }

    [Theory]
    [MemberData(nameof(Terms))]
    public void Float_objective_gradient_matches_directional_differences(string name, double beta, double lambda, bool l1)
    {
        const int v = 8, h = 6, m = 50;
        var p = ParameterInitializer.Initialize(v, h, seed: 8);
        var x = TestData.RandomRows(m, v, 1);
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(0.1, beta, lambda, l1 ? SparsityPenalty.L1 : SparsityPenalty.KLDivergence));
        var grad = new float[p.Theta.Length];
        objective.Evaluate(p.Theta, x, m, grad);
        var rng = new Random(11);
        for (int trial = 0; trial < 5; trial++)
        {
            var d = Enumerable.Range(0, grad.Length).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            const float eps = 1e-2f;
            var plus = p.Theta.Zip(d, (a, b) => a + eps * b).ToArray();
            var minus = p.Theta.Zip(d, (a, b) => a - eps * b).ToArray();
            var scratch = new float[grad.Length];
            double costPlus = objective.Evaluate(plus, x, m, scratch).Total;
            double numeric = (costPlus - objective.Evaluate(minus, x, m, scratch).Total) / (2 * eps);
            double analytic = grad.Zip(d, (a, b) => (double)a * b).Sum();
            // Each float32 cost carries at least one rounding of its own size (unit roundoff 6e-8, more
            // without FMA, where every multiply-add rounds twice); the difference of two, over 2 eps,
            // is the noise floor of the numeric derivative.
            double noise = 2 * 6e-8 * Math.Abs(costPlus) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic) <= 1e-3 * Math.Max(1e-2, Math.Abs(analytic)) + noise, $"{name}: numeric {numeric}, analytic {analytic}, noise bound {noise}");
        }
    }

    [Fact]
    public void Linear_decoder_gradient_matches_central_differences_and_the_float_objective()
    {
        const int v = 6, h = 4, m = 40;
        var p = ParameterInitializer.Initialize(v, h, 9);
        var rng = new Random(3);
        // Inputs of any sign, as ZCA-whitened patches are.
        var xf = Enumerable.Range(0, m * v).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var x = TestData.ToJagged(xf, m, v);
        var theta = p.Theta.Select(f => (double)f).ToArray();
        var r = ReferenceAutoencoder.Evaluate(theta, x, v, h, 0.1, 3, 1e-3, l1: false, linear: true);
        const double eps = 1e-5;
        for (int k = 0; k < theta.Length; k++)
        {
            var plus = (double[])theta.Clone(); plus[k] += eps;
            var minus = (double[])theta.Clone(); minus[k] -= eps;
            double numeric = (ReferenceAutoencoder.Evaluate(plus, x, v, h, 0.1, 3, 1e-3, false, true).Total
                - ReferenceAutoencoder.Evaluate(minus, x, v, h, 0.1, 3, 1e-3, false, true).Total) / (2 * eps);
            Assert.True(Math.Abs(numeric - r.Gradient[k]) <= 1e-8 + 1e-6 * Math.Abs(numeric), $"parameter {k}: analytic {r.Gradient[k]}, numeric {numeric}");
        }
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(0.1, 3, 1e-3, SparsityPenalty.KLDivergence, DecoderKind.Linear), threads: 2);
        var grad = new float[p.Theta.Length];
        var cost = objective.Evaluate(p.Theta, xf, m, grad);
        Assert.Equal(r.Total, cost.Total, 1e-5 * Math.Abs(r.Total));
        double scale = r.Gradient.Max(Math.Abs);
        Close.Elementwise(grad, r.Gradient, 2e-5 * scale, 0, k => $"gradient {k}: {grad[k]} vs {r.Gradient[k]}");
    }

    [Fact]
    public void Golden_values_at_zero_weights_match_the_closed_form()
    {
        // With W = 0 and b = 0: h = 0.5, y = 0.5 for every row, so J and dJ have closed forms.
        const int v = 2, h = 1;
        double rho = 0.2, beta = 3, lambda = 0.5;
        float[] x = [0.1f, 0.7f];
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(rho, beta, lambda));
        var theta = new float[AutoencoderParameters.CountFor(v, h)];
        var grad = new float[theta.Length];
        var cost = objective.Evaluate(theta, x, 1, grad);

        double x0 = 0.1f, x1 = 0.7f;
        double recon = 0.5 * ((0.5 - x0) * (0.5 - x0) + (0.5 - x1) * (0.5 - x1));
        double kl = rho * Math.Log(rho / 0.5) + (1 - rho) * Math.Log((1 - rho) / 0.5);
        Assert.Equal(recon, cost.Reconstruction, 1e-7);
        Assert.Equal(0, cost.WeightDecay);
        Assert.Equal(beta * kl, cost.Sparsity, 1e-6);
        Assert.Equal(recon + beta * kl, cost.Total, 1e-6);

        // delta3_i = (0.5 - x_i) * 0.25; s = beta (-rho/0.5 + (1-rho)/0.5); delta2 = s * 0.25 (W2 = 0).
        double d30 = (0.5 - x0) * 0.25, d31 = (0.5 - x1) * 0.25;
        double s = beta * (-rho / 0.5 + (1 - rho) / 0.5), d2 = s * 0.25;
        double[] expected = [d2 * x0, d2 * x1, d30 * 0.5, d31 * 0.5, d2, d30, d31];   // W1 | W2 | b1 | b2
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], grad[k], 1e-6);
    }

    [Fact]
    public void A_weight_given_as_minus_zero_is_zero_so_no_cost_term_or_log_line_says_minus_0()
    {
        // -0.0 passes "at least 0", and was kept: lambda = -0 made the weight-decay term -0, which the Trace
        // log and the training curve printed as "weight decay -0" (the CLI already read "-0" as 0).
        var settings = new ObjectiveSettings(SparsityWeight: -0.0, WeightDecay: -0.0, L1Weight: -0.0, L0Weight: -0.0);
        var changed = new ObjectiveSettings() with { SparsityWeight = -0.0, WeightDecay = -0.0, L1Weight = -0.0, L0Weight = -0.0 };
        foreach (var s in new[] { settings, changed })
        {
            Assert.Equal("0 0 0 0", string.Join(' ', new[] { s.SparsityWeight, s.WeightDecay, s.L1Weight, s.L0Weight }.Select(w => w.ToString(CultureInfo.InvariantCulture))));
            Assert.Equal(new ObjectiveSettings(SparsityWeight: 0, WeightDecay: 0, L1Weight: 0, L0Weight: 0), s);
        }

        const int v = 4, h = 3;
        var p = ParameterInitializer.Initialize(v, h, 1);
        var cost = new SparseAutoencoderObjective(v, h, settings).Evaluate(p.Theta, TestData.RandomRows(5, v, 2), 5, new float[p.Theta.Length]);
        Assert.Equal("0 0", string.Join(' ', new[] { cost.WeightDecay, cost.Sparsity }.Select(t => t.ToString(CultureInfo.InvariantCulture))));
    }

    // A unit whose sigmoid saturates on every row has a mean activation of exactly 1 in float, where KL toward rho
    // is infinite; with beta = 0 the term was 0 x infinity = NaN, and training a plain autoencoder (SparsityWeight 0)
    // on such inputs was refused as "cost NaN". A term weighted 0 adds 0.
    [Fact]
    public void A_KL_weight_of_0_adds_no_term_where_a_units_mean_activation_rounds_to_1()
    {
        const int v = 4, h = 3, m = 5;
        var p = ParameterInitializer.Initialize(v, h, 1);
        p.Theta.AsSpan(0, h * v).Fill(50f);   // z = 50 sum(x) + b1 > 17 on every row: sigmoid(z) is exactly 1f
        var x = TestData.RandomRows(m, v, 2).Select(e => 0.5f + e).ToArray();
        foreach (var beta in new[] { 0.0, 3.0 })
        {
            var settings = new ObjectiveSettings(SparsityWeight: beta);
            var g1 = new float[p.Theta.Length];
            var g2 = new float[p.Theta.Length];
            var fast = new SparseAutoencoderObjective(v, h, settings).Evaluate(p.Theta, x, m, g1);
            var reference = new ScalarReferenceObjective(v, h, settings).Evaluate(p.Theta, x, m, g2);
            if (beta == 0)
            {
                Assert.Equal(0, fast.Sparsity);
                Assert.Equal(0, reference.Sparsity);
                Assert.True(fast.IsFinite && reference.IsFinite, $"cost {fast.Total} and {reference.Total}");
                Assert.All(g1, g => Assert.True(float.IsFinite(g)));
                Assert.All(g2, g => Assert.True(float.IsFinite(g)));
            }
            else
            {
                // With a weight the term is infinite, as KL is: refused by the trainers, naming the saturation (TrainerDivergenceTests).
                Assert.Equal(double.PositiveInfinity, fast.Sparsity);
                Assert.Equal(double.PositiveInfinity, reference.Sparsity);
            }
        }
    }

    [Fact]
    public void Same_inputs_and_threads_give_bit_identical_results()
    {
        const int v = 64, h = 100, m = 1000;
        var p = ParameterInitializer.Initialize(v, h, 1);
        var x = TestData.RandomRows(m, v, 2);
        var g1 = new float[p.Theta.Length];
        var g2 = new float[p.Theta.Length];
        var c1 = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(), threads: 2).Evaluate(p.Theta, x, m, g1);
        var c2 = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(), threads: 2).Evaluate(p.Theta, x, m, g2);
        Assert.Equal(c1, c2);
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void Bad_settings_and_shapes_are_refused_with_their_names()
    {
        Assert.Contains("SparsityTarget", Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectiveSettings(SparsityTarget: 1.0).Validate()).Message);
        Assert.Contains("SparsityTarget", Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectiveSettings(SparsityTarget: 0).Validate()).Message);
        Assert.Contains("SparsityWeight", Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectiveSettings(SparsityWeight: -1).Validate()).Message);
        Assert.Contains("WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectiveSettings(WeightDecay: double.NaN).Validate()).Message);
        Assert.Contains("Decoder must be Sigmoid or Linear, but is 7", Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectiveSettings(Decoder: (DecoderKind)7).Validate()).Message);
        var objective = new SparseAutoencoderObjective(3, 2, new ObjectiveSettings());
        var theta = new float[AutoencoderParameters.CountFor(3, 2)];
        Assert.Contains("at least 1 row", Assert.Throws<ArgumentOutOfRangeException>(() => objective.Evaluate(theta, new float[3], 0, new float[theta.Length])).Message);
        Assert.Contains("theta must hold", Assert.Throws<ArgumentException>(() => objective.Evaluate(new float[5], new float[3], 1, new float[theta.Length])).Message);
    }

    // The trainers keep to the rows one evaluation holds, but the public Evaluate did not check them: 21,000,000 rows of a
    // 1-100-1 autoencoder failed in an allocation ("length must lie in [0, 2147483575], but is 2184000000", parameter
    // 'length'), and 600,000 rows of TopK at K = 4096 in "Arithmetic operation resulted in an overflow.".
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_batch_of_more_rows_than_one_evaluation_holds_is_refused_naming_rows(bool topK)
    {
        int h = topK ? 4096 : 100;
        var settings = topK ? new ObjectiveSettings(Activation: ActivationKind.TopK, Decoder: DecoderKind.Linear, K: 4096) : new ObjectiveSettings();
        using var objective = new SparseAutoencoderObjective(1, h, settings);
        var theta = new float[AutoencoderParameters.CountFor(1, h)];
        long most = (Array.MaxLength - 16L) / SparseAe.Kernels.RowMatrixKernels.PaddedWidth(h);   // H padded to the widest vectors: 112 with AVX-512
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => objective.Evaluate(theta, new float[1], (int)most + 1, new float[theta.Length]));
        Assert.Equal("rows", e.ParamName);
        Assert.StartsWith($"The batch must have at most {most} rows for a 1-{h}-1 autoencoder (its activations, rows x max(V, H padded to whole vectors) floats, are single arrays), but has {most + 1}; evaluate it in smaller batches.", e.Message);
    }

    // H = 20 million at V = 2 needs 80 million parameters, within one array, but the objective's blocks of
    // 128 rows of hidden units do not fit one: an allocation failed, naming its 'length'. V = 20 million
    // passed too (and allocated 3 GB of weight copies) where a block of its inputs cannot be held.
    [Theory]
    [InlineData(2, 20_000_000, "hiddenCount", "hidden units")]
    [InlineData(20_000_000, 1, "visibleCount", "20000000 inputs")]
    public void An_autoencoder_too_wide_for_its_blocks_of_rows_is_refused_by_its_size(int v, int h, string name, string what)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SparseAutoencoderObjective(v, h, new ObjectiveSettings()));
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"A {v}-{h}-{v} autoencoder is too wide to train", e.Message);
        Assert.Contains(what, e.Message);
        Assert.Contains($"at most {(Array.MaxLength - 16L) / 128} inputs", e.Message);
        // The widest that fits: a block of 128 rows of 16,777,215 values (the objective only, at one row).
        Assert.Equal(128, SparseAutoencoderObjective.MaxRows(16_777_215, 1));
        Assert.Equal(127, SparseAutoencoderObjective.MaxRows(16_777_216, 1));
    }

    // Dispose was documented as optional (the workers are background threads), but a worker's loop holds
    // its pool, so an objective left undisposed kept its threads, asleep, until the process ended: 50
    // objectives of 2 threads that had evaluated once left 51 more threads in the process after a GC.
    [Fact]
    public void An_objective_left_undisposed_releases_its_worker_threads_once_collected()
    {
        var pool = EvaluateOnTwoThreadsAndDrop();
        // Two collections suffice (the objective's, whose finalizer stops the workers; then the pool's), but collections
        // run beside other test classes here: more rounds cost nothing once it is gone, and a held pool is never collected.
        for (int i = 0; i < 10 && pool.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(pool.IsAlive, "the worker pool of a collected objective is still held by its threads");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference EvaluateOnTwoThreadsAndDrop()
    {
        const int v = 8, h = 4, m = 64;
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(), threads: 2);
        var theta = ParameterInitializer.Initialize(v, h, seed: 1).Theta;
        objective.Evaluate(theta, TestData.RandomRows(m, v, 1), m, new float[theta.Length]);
        return new WeakReference(objective.Pool!);
    }

    // After Dispose, an objective that had evaluated on 2 threads threw an ObjectDisposedException naming
    // the internal WorkerPool, while one that had not started a new pool whose threads nothing would stop,
    // and one of 1 thread went on evaluating: the same call worked or not by its history.
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void Evaluate_after_Dispose_is_refused_naming_the_objective(int threads, bool evaluatedBefore)
    {
        const int v = 8, h = 4, m = 64;
        var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(), threads);
        var theta = ParameterInitializer.Initialize(v, h, seed: 1).Theta;
        var x = TestData.RandomRows(m, v, 1);
        if (evaluatedBefore) objective.Evaluate(theta, x, m, new float[theta.Length]);
        objective.Dispose();
        objective.Dispose();   // twice is allowed
        var e = Assert.Throws<ObjectDisposedException>(() => objective.Evaluate(theta, x, m, new float[theta.Length]));
        Assert.Equal(typeof(SparseAutoencoderObjective).FullName, e.ObjectName);
    }
}
