using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// JumpReLU (Rajamanoharan et al. 2024, arXiv 2407.14435): the float64 reference against central
/// differences where J has a derivative, and the float32 objective against the reference everywhere,
/// including the thresholds' straight-through pseudo-derivatives.
/// </summary>
public class JumpReluObjectiveTests
{
    /// <summary>
    /// The bandwidth the float objective uses (Defaults says why it is not the paper's 0.001); the float
    /// tests give the reference the same one, and the cases suit any bandwidth.
    /// </summary>
    private const double ObjectiveBandwidth = Defaults.JumpBandwidth;

    /// <summary>
    /// <see cref="SparseCodeObjectiveTests.RandomTheta"/> followed by t (H) with theta_j = exp(t_j) in [0.05, 0.5].
    /// </summary>
    private static double[] RandomJumpTheta(int v, int h, int seed)
    {
        var rng = new Random(seed + 1000);
        var t = Enumerable.Range(0, h).Select(_ => Math.Log(0.05 + 0.45 * rng.NextDouble()));
        return SparseCodeObjectiveTests.RandomTheta(v, h, seed).Concat(t).ToArray();
    }

    private static int ThresholdAt(int v, int h) => 2 * h * v + h + v;

    /// <summary>
    /// The smallest distance, over every row and latent, of z - theta from the jump (0) and from the
    /// kernel window's edges (+-eps/2): rounding smaller than this flips no step and no kernel.
    /// </summary>
    private static double JumpMargin(ReferenceSparseCode.Result r, double bandwidth)
    {
        double margin = double.PositiveInfinity;
        foreach (var z in r.PreActivations)
            for (int j = 0; j < z.Length; j++)
            {
                double u = z[j] - r.Thresholds![j];
                margin = Math.Min(margin, Math.Min(Math.Abs(u), Math.Abs(Math.Abs(u) - bandwidth / 2)));
            }
        return margin;
    }

    /// <summary>The rows whose z_j is inside latent j's kernel window, |z_j - theta_j| &lt; eps/2.</summary>
    private static int InWindow(ReferenceSparseCode.Result r, int j, double bandwidth)
        => r.PreActivations.Count(z => Math.Abs(z[j] - r.Thresholds![j]) < bandwidth / 2);

    private static ReferenceSparseCode.Result Reference(float[] theta, float[] x, int m, int v, int h, double lambda, double l0Weight, double bandwidth)
        => ReferenceSparseCode.EvaluateJumpReLU(theta.Select(f => (double)f).ToArray(), TestData.ToJagged(x, m, v), v, h, lambda, l0Weight, bandwidth);

    /// <summary>
    /// A float case whose thresholds sit on some rows' z: theta and x at random, then row 150 and the
    /// last row replaced by a copy of the row latent 0 is placed on (so that window holds three rows, in
    /// different blocks and chunks), then for six latents theta_j = z_rj -+ delta with delta about
    /// {0.1, 0.2, 0.3} eps (inside the window), the row z_rj above theta_j (active) for some and below
    /// it (inactive) for others. Latents 2, 5 and 7 keep about their random thresholds. Each theta_j
    /// (as the float t holds it) is nudged until no row's z_j is within min(5e-5, eps/20) of the jump
    /// or of a window edge, so the case suits any bandwidth the objective may use.
    /// </summary>
    private static (float[] Theta, float[] X) ThresholdsOnRows(int v, int h, int m, double bandwidth)
    {
        var theta = RandomJumpTheta(v, h, seed: 5).Select(d => (float)d).ToArray();
        var x = SparseCodeObjectiveTests.RandomInputs(m, v, seed: 6);
        int tAt = ThresholdAt(v, h);
        var placed = new Dictionary<int, double> { [0] = 0.2, [1] = -0.2, [3] = 0.1, [4] = -0.3, [6] = -0.1, [8] = 0.3 };

        // A row with z_j in [0.06, 0.6], searching from a start that differs by latent; none of the copies.
        int RowFor(ReferenceSparseCode.Result r, int j, int start, ISet<int> taken)
        {
            for (int s = 0; s < m; s++)
            {
                int i = (start + s) % m;
                if (!taken.Contains(i) && r.PreActivations[i][j] is >= 0.06 and <= 0.6) return i;
            }
            throw new InvalidOperationException($"no row puts latent {j} in [0.06, 0.6]");
        }

        var taken = new HashSet<int> { 150, m - 1 };
        int row0 = RowFor(Reference(theta, x, m, v, h, 0, 0, bandwidth), 0, 17, taken);
        foreach (int copy in new[] { 150, m - 1 }) Array.Copy(x, row0 * v, x, copy * v, v);

        var r = Reference(theta, x, m, v, h, 0, 0, bandwidth);
        taken.Add(row0);
        double required = Math.Min(5e-5, bandwidth / 20);
        for (int j = 0; j < h; j++)
        {
            IEnumerable<double> candidates;
            if (placed.TryGetValue(j, out double delta))
            {
                int row = j == 0 ? row0 : RowFor(r, j, 17 + 41 * j, taken);
                taken.Add(row);
                double z = r.PreActivations[row][j];
                candidates = new[] { 1, 0.9, 1.1, 0.8, 1.2, 0.7, 1.3 }.Select(f => z - f * delta * bandwidth);
            }
            else
            {
                double start = Math.Exp(theta[tAt + j]);
                candidates = Enumerable.Range(0, 41).Select(k => start * (1 + 0.002 * (k % 2 == 0 ? k / 2 : -(k + 1) / 2)));
            }
            float? chosen = null;
            foreach (double candidate in candidates)
            {
                float t = (float)Math.Log(candidate);
                double threshold = Math.Exp(t);
                double margin = r.PreActivations.Min(z =>
                    Math.Min(Math.Abs(z[j] - threshold), Math.Abs(Math.Abs(z[j] - threshold) - bandwidth / 2)));
                if (margin > required) { chosen = t; break; }
            }
            theta[tAt + j] = chosen ?? throw new InvalidOperationException($"no threshold for latent {j} is clear of every row at bandwidth {bandwidth}");
        }
        return (theta, x);
    }

    [Fact]
    public void Reference_gradient_matches_central_differences_away_from_the_thresholds()
    {
        const int v = 5, h = 6, m = 7;
        const double lambda = 0.3, l0Weight = 0.7;
        var theta = RandomJumpTheta(v, h, seed: 3);
        var x = TestData.ToJagged(SparseCodeObjectiveTests.RandomInputs(m, v, seed: 4), m, v);
        var r = ReferenceSparseCode.EvaluateJumpReLU(theta, x, v, h, lambda, l0Weight);
        int tAt = ThresholdAt(v, h);

        // No z within 1e-3 of its threshold: eps = 1e-5 flips no step, and every kernel window is empty.
        double margin = r.PreActivations.SelectMany(z => z.Select((value, j) => Math.Abs(value - r.Thresholds![j]))).Min();
        Assert.True(margin > 1e-3, $"precondition: a z is only {margin} from its threshold; choose other seeds");
        foreach (double threshold in r.Thresholds!) Assert.InRange(threshold, 0.05, 0.5);
        // Not ReLU in disguise: some latents fire, and some z are positive yet under their threshold.
        Assert.Contains(r.Codes, row => row.Any(c => c > 0));
        Assert.Contains(r.PreActivations, z => z.Where((value, j) => value > 0 && value <= r.Thresholds[j]).Any());
        Assert.True(r.Sparsity > 0, $"L0 term {r.Sparsity}");

        const double eps = 1e-5;
        for (int q = 0; q < theta.Length; q++)
        {
            var plus = (double[])theta.Clone(); plus[q] += eps;
            var minus = (double[])theta.Clone(); minus[q] -= eps;
            double numeric = (ReferenceSparseCode.EvaluateJumpReLU(plus, x, v, h, lambda, l0Weight).Total
                - ReferenceSparseCode.EvaluateJumpReLU(minus, x, v, h, lambda, l0Weight).Total) / (2 * eps);
            Assert.True(Math.Abs(numeric - r.Gradient[q]) <= 1e-8 + 1e-6 * Math.Abs(numeric),
                $"parameter {q} ({Describe(q, v, h)}): analytic {r.Gradient[q]}, numeric {numeric}");
        }
        // The windows are empty, so the thresholds' pseudo-derivatives are 0 like their true derivatives.
        for (int j = 0; j < h; j++) Assert.Equal(0, r.Gradient[tAt + j]);

        // The L0 term gives W1, W2, b1 and b2 nothing.
        var withoutL0 = ReferenceSparseCode.EvaluateJumpReLU(theta, x, v, h, lambda, 0);
        Assert.Equal(0, withoutL0.Sparsity);
        for (int q = 0; q < tAt; q++) Assert.Equal(withoutL0.Gradient[q], r.Gradient[q]);
    }

    [Fact]
    public void Reference_L0_threshold_gradient_is_the_change_of_the_L0_term_across_the_kernel_window()
    {
        // With the rectangle kernel, -(1/eps) sum_i K((z_i - theta)/eps) is exactly the difference quotient
        // (L0(theta + eps/2) - L0(theta - eps/2)) / eps of the L0 count: the rows it counts are those that
        // switch off as theta moves across the window. So the L0 part of dJ/dt_j (the gradient's change
        // with L0Weight) must be theta_j times that quotient of the Sparsity term.
        const int v = 13, h = 9, m = 200;
        const double l0Weight = 0.3;
        const double eps = ReferenceSparseCode.JumpBandwidth;
        var (thetaF, xf) = ThresholdsOnRows(v, h, m, eps);
        var theta = thetaF.Select(f => (double)f).ToArray();
        var x = TestData.ToJagged(xf, m, v);
        int tAt = ThresholdAt(v, h);
        var r = ReferenceSparseCode.EvaluateJumpReLU(theta, x, v, h, 0, l0Weight);
        var withoutL0 = ReferenceSparseCode.EvaluateJumpReLU(theta, x, v, h, 0, 0);
        Assert.True(JumpMargin(r, eps) > 1e-5, $"precondition: a z is {JumpMargin(r, eps)} from a jump or a window edge");

        int nonZero = 0;
        for (int j = 0; j < h; j++)
        {
            double L0At(double threshold)
            {
                var shifted = (double[])theta.Clone();
                shifted[tAt + j] = Math.Log(threshold);
                return ReferenceSparseCode.EvaluateJumpReLU(shifted, x, v, h, 0, l0Weight).Sparsity;
            }
            double thresholdJ = r.Thresholds![j];
            double quotient = (L0At(thresholdJ + eps / 2) - L0At(thresholdJ - eps / 2)) / eps;
            double l0Part = r.Gradient[tAt + j] - withoutL0.Gradient[tAt + j];
            Assert.True(Math.Abs(l0Part - thresholdJ * quotient) <= 1e-9 * Math.Max(1, Math.Abs(l0Part)),
                $"latent {j}: L0 part of dJ/dt {l0Part}, theta * difference quotient {thresholdJ * quotient}");
            Assert.Equal(-l0Weight * thresholdJ * InWindow(r, j, eps) / (m * eps), l0Part, 1e-9);
            if (l0Part != 0) nonZero++;
        }
        Assert.True(nonZero >= 6, $"only {nonZero} latents have a row in their window");
    }

    // name, lambda, L0 weight
    public static TheoryData<string, double, double> FloatCases => new()
    {
        { "reconstruction only", 0.0, 0.0 },
        { "L0 + weight decay", 1e-2, 0.05 },
        { "a heavy L0 term", 0.0, 2.0 },
    };

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void Float_objective_matches_the_float64_reference_including_the_thresholds(string name, double lambda, double l0Weight)
    {
        const int v = 13, h = 9;
        int tAt = ThresholdAt(v, h);
        // 200 rows: more than one 128-row block per chunk at 1 thread; 300 rows: three blocks, the last partial.
        foreach (var (m, threads) in new[] { (200, 1), (200, 3), (300, 1), (300, 3) })
        {
            var (theta, xf) = ThresholdsOnRows(v, h, m, ObjectiveBandwidth);
            Assert.Equal(AutoencoderParameters.CountFor(v, h, hasThresholds: true), theta.Length);
            var settings = new ObjectiveSettings(WeightDecay: lambda, Decoder: DecoderKind.Linear, Activation: ActivationKind.JumpReLU, L0Weight: l0Weight);
            var objective = new SparseAutoencoderObjective(v, h, settings, threads);
            var grad = new float[theta.Length];
            var cost = objective.Evaluate(theta, xf, m, grad);
            var r = Reference(theta, xf, m, v, h, lambda, l0Weight, ObjectiveBandwidth);
            string at = $"{name}, m {m}, {threads} threads";

            // Float rounding of z (about 1e-6 here) must flip no step and move no row across a window edge.
            double margin = JumpMargin(r, ObjectiveBandwidth);
            Assert.True(margin > 2e-5, $"{at}: precondition: a z is only {margin} from a jump or a window edge; choose other seeds");
            var windows = Enumerable.Range(0, h).Select(j => InWindow(r, j, ObjectiveBandwidth)).ToArray();
            Assert.True(windows.Count(w => w > 0) >= 6 && windows[0] >= 3, $"{at}: precondition: rows in the windows {string.Join(",", windows)}");

            Assert.Equal(r.Reconstruction, cost.Reconstruction, 1e-5 * Math.Max(1, r.Reconstruction));
            Assert.Equal(r.Decay, cost.WeightDecay, 1e-6 * Math.Max(1, r.Decay));
            Assert.True(Math.Abs(r.Sparsity - cost.Sparsity) <= 1e-6 * Math.Abs(r.Sparsity) + 1e-9,
                $"{at}: Sparsity {cost.Sparsity} vs reference {r.Sparsity}");
            Assert.Equal(r.Total, cost.Total, 1e-5 * Math.Max(1, r.Total));

            double scale = r.Gradient.Take(tAt).Max(Math.Abs);
            for (int q = 0; q < tAt; q++)
                Assert.True(Math.Abs(grad[q] - r.Gradient[q]) <= 2e-5 * scale,
                    $"{at}: gradient {q} ({Describe(q, v, h)}): {grad[q]} vs reference {r.Gradient[q]} (scale {scale})");

            // The thresholds: non-zero exactly where a row is in the window; no row is within 2e-5 of an
            // edge, so each entry sums the same rows in float and in float64, and only rounding separates them.
            double scaleT = r.Gradient.Skip(tAt).Max(Math.Abs);
            Assert.True(scaleT > 1e-3, $"{at}: threshold gradients all but zero (max {scaleT})");
            for (int j = 0; j < h; j++)
            {
                int q = tAt + j;
                Assert.Equal(windows[j] > 0, r.Gradient[q] != 0);
                if (windows[j] == 0) Assert.True(grad[q] == 0, $"{at}: {Describe(q, v, h)}: no row in its window, yet {grad[q]}");
                else Assert.True(Math.Abs(grad[q] - r.Gradient[q]) <= 2e-5 * scaleT,
                    $"{at}: gradient {q} ({Describe(q, v, h)}, {windows[j]} rows in the window): {grad[q]} vs reference {r.Gradient[q]} (scale {scaleT})");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void L0_term_is_the_weighted_mean_count_of_active_latents_and_matches_the_firing_rate(int threads)
    {
        const int v = 13, h = 9, m = 300;
        const double l0Weight = 0.25;
        var (theta, xf) = ThresholdsOnRows(v, h, m, ObjectiveBandwidth);
        var objective = new SparseAutoencoderObjective(v, h,
            new ObjectiveSettings(WeightDecay: 1e-3, Decoder: DecoderKind.Linear, Activation: ActivationKind.JumpReLU, L0Weight: l0Weight), threads);
        var cost = objective.Evaluate(theta, xf, m, new float[theta.Length]);
        var r = Reference(theta, xf, m, v, h, 1e-3, l0Weight, ObjectiveBandwidth);
        Assert.True(JumpMargin(r, ObjectiveBandwidth) > 2e-5, "precondition: no z within float rounding of its threshold");

        // Counted here from z and theta, not taken from the reference's Sparsity: z_j > theta_j strictly.
        int active = r.PreActivations.Sum(z => z.Where((value, j) => value > r.Thresholds![j]).Count());
        int positiveButBelow = r.PreActivations.Sum(z => z.Where((value, j) => value > 0 && value <= r.Thresholds![j]).Count());
        Assert.True(active > 0 && positiveButBelow > 0, $"precondition: {active} active, {positiveButBelow} positive but under the threshold");
        double expected = l0Weight * active / m;
        Assert.True(Math.Abs(cost.Sparsity - expected) <= 1e-6 * expected, $"L0 term {cost.Sparsity}, L0Weight * mean active count {expected}");

        var rate = objective.FiringRate.ToArray();
        var expectedRate = r.FiringRate();
        Assert.Equal(h, rate.Length);
        for (int j = 0; j < h; j++)
        {
            double counted = r.PreActivations.Count(z => z[j] > r.Thresholds![j]) / (double)m;
            Assert.True(Math.Abs(expectedRate[j] - counted) < 1e-15, $"latent {j}: reference rate {expectedRate[j]}, counted {counted}");
            Assert.True(Math.Abs(rate[j] - counted) < 1e-12, $"latent {j}: firing rate {rate[j]}, share of rows with z > theta {counted}");
        }
        Assert.Contains(expectedRate, share => share > 0 && share < 1);
        // The L0 term is L0Weight times the summed firing rates.
        Assert.True(Math.Abs(cost.Sparsity - l0Weight * rate.Sum()) <= 1e-6 * expected, $"L0 term {cost.Sparsity}, L0Weight * sum of rates {l0Weight * rate.Sum()}");
    }

    /// <summary>Names a theta index: W1[j, p], W2[p, j], b1[j], b2[p] or t[j].</summary>
    private static string Describe(int q, int v, int h)
    {
        if (q < h * v) return $"W1[{q / v}, {q % v}]";
        if (q < 2 * h * v) return $"W2[{(q - h * v) / h}, {(q - h * v) % h}]";
        if (q < 2 * h * v + h) return $"b1[{q - 2 * h * v}]";
        if (q < 2 * h * v + h + v) return $"b2[{q - 2 * h * v - h}]";
        return $"t[{q - 2 * h * v - h - v}]";
    }
}

/// <summary>The ObjectiveSettings rules for JumpReLU: each refusal names the option and its value.</summary>
public class JumpReluSettingsTests
{
    private static ObjectiveSettings JumpReLU(double l0Weight) =>
        new(Decoder: DecoderKind.Linear, Activation: ActivationKind.JumpReLU, L0Weight: l0Weight);

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void An_L0Weight_that_is_negative_or_not_finite_is_refused(double l0Weight)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => JumpReLU(l0Weight).Validate());
        Assert.Equal("L0Weight", ex.ParamName);
        Assert.Equal(l0Weight, ex.ActualValue);
        Assert.Contains("L0Weight", ex.Message);
        Assert.Contains($"is {l0Weight}", ex.Message);
    }

    [Fact]
    public void An_L0Weight_of_zero_is_accepted()
        => JumpReLU(0).Validate(hiddenCount: 9);
}
