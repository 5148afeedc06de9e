using SparseAe.Optimization;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>L-BFGS's exits, each on a function small enough to follow by hand.</summary>
public class LbfgsTests
{
    [Fact]
    public void A_cost_that_moves_by_less_than_FunctionTolerance_stops_it_for_that_reason()
    {
        // f = (x - 3)^2 from 0: g = -6, the first trial step is 1/|g|_1 along -g, to x = 1 (f = 4, g = -4,
        // |phi'| / |phi'(0)| = 2/3: taken). The cost moved by 5 < 10 and the step by 1 <= 10: both parts of
        // FunctionTolerance hold, and the cost's is the one checked first (and the one documented).
        // Without that check every test still passed: the step's part stopped it, naming StepTolerance.
        var result = Lbfgs.Minimize((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) * (x[0] - 3); }, new[] { 0.0 },
            new LbfgsOptions { FunctionTolerance = 10, GradientTolerance = 0 });
        Assert.Equal(OptimizerExitReason.FunctionTolerance, result.ExitReason);
        Assert.Equal(1, result.Iterations);
        Assert.Equal(1.0, result.Point[0], 1e-12);
        Assert.Equal(4.0, result.Value, 1e-12);
    }

    [Fact]
    public void A_step_of_at_most_FunctionTolerance_stops_it_measured_as_the_step_taken_not_the_direction()
    {
        // The same first iteration: the step taken is t |d| = (1/6) 6 = 1, the direction's own size 6, and the cost moves by
        // 5. With FunctionTolerance 2 the cost's part does not hold and the step's does: it stops at x = 1 as StepTolerance.
        // Measured as the direction (6), the step's part did not hold either, and it went on, as it does at FunctionTolerance 0.5.
        DifferentiableFunction f = (x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) * (x[0] - 3); };
        var result = Lbfgs.Minimize(f, new[] { 0.0 }, new LbfgsOptions { FunctionTolerance = 2, GradientTolerance = 0 });
        Assert.Equal(OptimizerExitReason.StepTolerance, result.ExitReason);
        Assert.Equal(1, result.Iterations);
        Assert.Equal(1.0, result.Point[0], 1e-12);
        var further = Lbfgs.Minimize(f, new[] { 0.0 }, new LbfgsOptions { FunctionTolerance = 0.5, GradientTolerance = 0 });
        Assert.True(further.Iterations > 1, $"{further.Iterations} iterations, exit {further.ExitReason}");
    }

    [Fact]
    public void A_line_search_that_fails_counts_no_iteration_for_itself()
    {
        // f = 1e-6 x with a gradient of 1 (see OptimizerTests): the first line search finds no step, so no
        // iteration was completed ("Iterations completed", OptimizationResult); counting the failed one made
        // a run that never moved report 1.
        var result = Lbfgs.Minimize((x, g) => { g[0] = 1; return 1e-6 * x[0]; }, new[] { 0.0 }, new LbfgsOptions());
        Assert.Equal(OptimizerExitReason.LineSearchFailed, result.ExitReason);
        Assert.Equal(0, result.Iterations);
        Assert.Equal(0.0, result.Point[0]);
    }
}
