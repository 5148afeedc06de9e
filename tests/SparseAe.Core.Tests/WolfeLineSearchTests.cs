using SparseAe.Optimization;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// The line search's acceptance rule, one trial at a time: on f(x) = x^2 from x = 1 along d = -1,
/// phi(a) = (1 - a)^2 and |phi'(a)| / |phi'(0)| = 1 - a, so the first trial step t0 meets the strong
/// Wolfe curvature condition with c2 = 0.9 (Nocedal and Wright's value for quasi-Newton methods) exactly
/// when t0 >= 0.1. A trial that meets it must be taken at once: each further trial is one more pass over
/// the whole batch, and a stricter c2 (0.1 is the value for conjugate gradients) cost L-BFGS extra
/// evaluations on every iteration while every test of the optimiser still passed.
/// </summary>
public class WolfeLineSearchTests
{
    private static double Square(ReadOnlySpan<double> x, Span<double> g)
    {
        g[0] = 2 * x[0];
        return x[0] * x[0];
    }

    [Theory]
    [InlineData(0.15)]   // |phi'| / |phi'(0)| = 0.85
    [InlineData(0.5)]
    [InlineData(1.0)]    // the minimum
    public void A_first_trial_that_meets_the_curvature_condition_of_0_9_is_taken_at_once(double t0)
    {
        var search = new WolfeLineSearch(Square, 1, 20);
        var x = new[] { 1.0 };
        var g = new[] { 2.0 };
        var (moved, step, value) = search.Search(x, 1.0, g, new[] { -1.0 }, t0, 1, CancellationToken.None);
        Assert.True(moved);
        Assert.Equal(1, search.Evaluations);
        Assert.Equal(t0, step);
        Assert.Equal(1 - t0, x[0], 1e-15);
        Assert.Equal((1 - t0) * (1 - t0), value, 1e-15);
        Assert.Equal(2 * (1 - t0), g[0], 1e-15);
    }

    [Fact]
    public void A_first_trial_short_of_the_curvature_condition_is_not_taken()
    {
        // t0 = 0.05: |phi'| / |phi'(0)| = 0.95 > 0.9, though the cost fell; the search extrapolates
        // (to 10 t0 = 0.5, the cubic's minimiser 1 lying beyond it) and takes that trial.
        var search = new WolfeLineSearch(Square, 1, 20);
        var x = new[] { 1.0 };
        var g = new[] { 2.0 };
        var (moved, step, _) = search.Search(x, 1.0, g, new[] { -1.0 }, 0.05, 1, CancellationToken.None);
        Assert.True(moved);
        Assert.Equal(2, search.Evaluations);
        Assert.Equal(0.5, step, 1e-12);
        Assert.Equal(0.5, x[0], 1e-12);
    }

    [Fact]
    public void A_trial_where_the_cost_is_not_finite_is_halved_toward_the_last_good_step()
    {
        // f = (x - 0.3)^2, NaN beyond x = 0.6, from x = 0 along d = 1 with t0 = 1: the trial at 1 is NaN,
        // so the next is 0.5 (half way back to 0), where phi = 0.04 and |phi'| = 0.4 <= 0.9 * 0.6: taken.
        // A gentler shrink (0.9) spent four more whole-batch evaluations on NaN before a finite trial.
        int evaluations = 0;
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            evaluations++;
            if (x[0] > 0.6) { g[0] = double.NaN; return double.NaN; }
            g[0] = 2 * (x[0] - 0.3);
            return (x[0] - 0.3) * (x[0] - 0.3);
        }
        var search = new WolfeLineSearch(F, 1, 20);
        var x = new[] { 0.0 };
        var g = new[] { -0.6 };
        var (moved, step, value) = search.Search(x, 0.09, g, new[] { 1.0 }, 1.0, 1, CancellationToken.None);
        Assert.True(moved);
        Assert.Equal(2, search.Evaluations);
        Assert.Equal(2, evaluations);
        Assert.Equal(0.5, step);
        Assert.Equal(0.5, x[0], 1e-15);
        Assert.Equal(0.04, value, 1e-15);
    }

    [Fact]
    public void A_trial_above_the_previous_one_brackets_the_step_though_it_meets_both_conditions()
    {
        // phi(a) = -a up to 0.5, then the cubic that rises to phi(1) = -0.05 with phi'(1) = -0.5. The trial at
        // 0.1 (phi' = -1) is extrapolated to 1, which meets sufficient decrease and |phi'| <= 0.9 |phi'(0)|
        // but lies above phi(0.1) = -0.1: the minimum lies between them, and taking 1 (as the search did
        // without its fa >= fPrev test, every test passing) would move to a worse point than one already seen.
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double a = x[0];
            if (a <= 0.5) { g[0] = -1; return -a; }
            double t = a - 0.5;
            g[0] = -1 + 2 * 10.4 * t - 3 * 13.2 * t * t;
            return -0.5 - t + 10.4 * t * t - 13.2 * t * t * t;
        }
        var search = new WolfeLineSearch(F, 1, 20);
        var x = new[] { 0.0 };
        var g = new[] { -1.0 };
        var (moved, step, value) = search.Search(x, 0.0, g, new[] { 1.0 }, 0.1, 1, CancellationToken.None);
        Assert.True(moved);
        Assert.True(value <= -0.1, $"the search took a = {step}, phi = {value}, above phi(0.1) = -0.1");
        Assert.InRange(step, 0.1, 1.0);
        Assert.Equal(step, x[0], 1e-15);
        Assert.Equal(value, F(x, new double[1]), 1e-15);
    }

    [Fact]
    public void A_search_out_of_evaluations_keeps_the_lowest_point_of_sufficient_decrease()
    {
        // phi = -a below 0.95, 10 beyond, with a slope reported as -1 everywhere, so no trial meets the
        // curvature condition: t0 = 1 fails sufficient decrease, and the zoom's trials between 0 and 1 each
        // lie lower than the last until the evaluations run out. The search keeps the lowest of them; it kept
        // the first one found (every test passing) when its fallback was not updated to a lower point.
        var seen = new List<(double A, double F)>();
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            g[0] = -1;
            double f = x[0] < 0.95 ? -x[0] : 10;
            seen.Add((x[0], f));
            return f;
        }
        var search = new WolfeLineSearch(F, 1, 5);
        var x = new[] { 0.0 };
        var g = new[] { -1.0 };
        var (moved, step, value) = search.Search(x, 0.0, g, new[] { 1.0 }, 1.0, 1, CancellationToken.None);
        Assert.True(moved);
        Assert.Equal(5, seen.Count);
        var decreasing = seen.Where(p => p.F <= -1e-4 * p.A).ToList();
        Assert.True(decreasing.Count >= 2, $"trials {string.Join(", ", seen)}");
        Assert.Equal(decreasing.Min(p => p.F), value);
        Assert.Equal(step, x[0]);
    }

    // phi(a) = -a lowers the cost at every step but never meets the curvature condition (phi' = -1 everywhere), so each
    // trial (1, then 10 and 100) only extends the step. Out of evaluations, the search keeps the last point of sufficient
    // decrease, the lowest it saw; a search that then failed left L-BFGS where it was, as LineSearchFailed.
    [Fact]
    public void A_search_out_of_evaluations_takes_its_best_point_of_sufficient_decrease()
    {
        var search = new WolfeLineSearch((x, g) => { g[0] = -1; return -x[0]; }, 1, 3);
        var x = new[] { 0.0 };
        var g = new[] { -1.0 };
        var (moved, step, value) = search.Search(x, 0, g, [1.0], 1, 1, CancellationToken.None);
        Assert.True(moved);
        Assert.Equal(3, search.Evaluations);
        Assert.Equal(100, step);
        Assert.Equal(100, x[0]);
        Assert.Equal(-100, value);
    }
}
