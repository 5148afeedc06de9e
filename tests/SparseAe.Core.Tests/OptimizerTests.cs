using SparseAe.Optimization;
using SparseAe.Threading;
using Xunit;

namespace SparseAe.Core.Tests;

public class OptimizerTests
{
    // Rosenbrock in n dimensions: sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0 at (1, ..., 1).
    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        double f = 0;
        g.Clear();
        for (int i = 0; i + 1 < x.Length; i++)
        {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void Lbfgs_finds_the_Rosenbrock_minimum(int n)
    {
        var x0 = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        var result = Lbfgs.Minimize(Rosenbrock, x0, new LbfgsOptions { MaxIterations = 1000, Memory = 10, GradientTolerance = 1e-9, FunctionTolerance = 0 });
        Assert.Equal(OptimizerExitReason.GradientTolerance, result.ExitReason);
        Assert.All(result.Point, v => Assert.Equal(1.0, v, 1e-6));
        Assert.True(result.Value < 1e-12, $"f = {result.Value}");
    }

    [Fact]
    public void A_memory_beyond_the_iterations_takes_the_same_steps_without_allocating_it()
    {
        // Memory = int.MaxValue once asked for 64 GB of bookkeeping (OutOfMemoryException) before the first step.
        var x0 = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? -1.2 : 1.0).ToArray();
        var bounded = Lbfgs.Minimize(Rosenbrock, x0, new LbfgsOptions { MaxIterations = 40, Memory = 40 });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var huge = Lbfgs.Minimize(Rosenbrock, x0, new LbfgsOptions { MaxIterations = 40, Memory = int.MaxValue });
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "more than 1 MB allocated for 40 iterations of 10 values");
        Assert.Equal(bounded.Point, huge.Point);
        Assert.Equal((bounded.Iterations, bounded.Evaluations), (huge.Iterations, huge.Evaluations));
        // The pairs are really kept: a memory of 5 takes other steps.
        Assert.NotEqual(bounded.Point, Lbfgs.Minimize(Rosenbrock, x0, new LbfgsOptions { MaxIterations = 40, Memory = 5 }).Point);
    }

    [Fact]
    public void FunctionTolerance_also_stops_Lbfgs_when_the_largest_step_is_at_most_it()
    {
        // Rosenbrock times 1e8: near the minimum the steps are small while the cost still moves by far more
        // than the tolerance, so only the step part of FunctionTolerance (minFunc's progTol) can stop it.
        const double scale = 1e8, tolerance = 1e-3;
        double Scaled(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = Rosenbrock(x, g);
            for (int i = 0; i < g.Length; i++) g[i] *= scale;
            return scale * f;
        }
        var values = new List<double>();
        var result = Lbfgs.Minimize(Scaled, new[] { -1.2, 1.0 }, new LbfgsOptions
        {
            MaxIterations = 1000, GradientTolerance = 0, FunctionTolerance = tolerance, OnIteration = it => values.Add(it.Value),
        });
        Assert.Equal(OptimizerExitReason.StepTolerance, result.ExitReason);
        Assert.True(Math.Abs(values[^1] - values[^2]) >= tolerance, $"the cost moved by {Math.Abs(values[^1] - values[^2])} in the last iteration");
        var untilTheLimit = Lbfgs.Minimize(Scaled, new[] { -1.2, 1.0 }, new LbfgsOptions { MaxIterations = result.Iterations + 1, GradientTolerance = 0, FunctionTolerance = 0 });
        Assert.Equal(result.Iterations + 1, untilTheLimit.Iterations);
    }

    [Fact]
    public void Lbfgs_stops_at_a_gradient_of_at_most_the_tolerance()
    {
        // f = x^2 / 2 at x = 0.25: the gradient is 0.25, equal to the tolerance, not below it, and that stops it.
        var result = Lbfgs.Minimize((x, g) => { g[0] = x[0]; return x[0] * x[0] / 2; }, new[] { 0.25 }, new LbfgsOptions { GradientTolerance = 0.25 });
        Assert.Equal(OptimizerExitReason.GradientTolerance, result.ExitReason);
        Assert.Equal(0, result.Iterations);
    }

    [Fact]
    public void Lbfgs_reports_a_line_search_without_sufficient_decrease_although_every_step_lowers_the_cost()
    {
        // f = 1e-6 x, but the gradient says 1: every step along -g lowers the cost, by 1e-6 t, never by the
        // 1e-4 t the Armijo condition asks of the promised decrease t |g|^2. The search fails on that, not on "no lower cost".
        static double Overstated(ReadOnlySpan<double> x, Span<double> g) { g[0] = 1; return 1e-6 * x[0]; }
        var result = Lbfgs.Minimize(Overstated, new[] { 0.0 }, new LbfgsOptions());
        Assert.Equal(OptimizerExitReason.LineSearchFailed, result.ExitReason);
        Assert.Equal(0.0, result.Point[0]);
        Assert.True(Overstated(new[] { -1e-3 }, new double[1]) < result.Value);
    }

    // The exit reasons' documentation (what IntelliSense shows, and README's list points to) says what the code does.
    [Fact]
    public void The_exit_reasons_are_documented_as_the_optimiser_decides_them()
    {
        var docs = System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, "SparseAe.Core.xml"));
        string Summary(string member) => docs.Descendants("member").Single(m => (string?)m.Attribute("name") == member).Element("summary")!.Value;
        string gradient = Summary("F:SparseAe.Optimization.OptimizerExitReason.GradientTolerance");
        Assert.Contains("at most the gradient tolerance", gradient);
        Assert.DoesNotContain("below", gradient);
        string lineSearch = Summary("F:SparseAe.Optimization.OptimizerExitReason.LineSearchFailed");
        Assert.Contains("sufficient decrease", lineSearch);
        Assert.DoesNotContain("no point with a lower cost", lineSearch);
        foreach (var option in new[] { "P:SparseAe.Training.TrainerSettings.GradientTolerance", "F:SparseAe.Defaults.GradientTolerance" })
            Assert.Contains("is at most this", Summary(option));
    }

    [Fact]
    public void Lbfgs_stops_at_the_iteration_limit_without_throwing_and_reports_it()
    {
        int calls = 0;
        var result = Lbfgs.Minimize(Rosenbrock, new[] { -1.2, 1.0 }, new LbfgsOptions
        {
            MaxIterations = 5, OnIteration = _ => calls++,
        });
        Assert.Equal(OptimizerExitReason.MaxIterations, result.ExitReason);
        Assert.Equal(5, result.Iterations);
        Assert.Equal(5, calls);
        Assert.True(result.Value < Rosenbrock(new[] { -1.2, 1.0 }, new double[2]));
    }

    [Fact]
    public void Lbfgs_steps_back_from_non_finite_trial_points()
    {
        // f = (x - 3)^2, but NaN beyond x = 3.5: the first long step lands there and must be shrunk.
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            if (x[0] > 3.5) { g[0] = double.NaN; return double.NaN; }
            g[0] = 2 * (x[0] - 3);
            return (x[0] - 3) * (x[0] - 3);
        }
        var result = Lbfgs.Minimize(F, new[] { -100.0 }, new LbfgsOptions { MaxIterations = 100 });
        Assert.Equal(3.0, result.Point[0], 1e-4);
        Assert.True(double.IsFinite(result.Value));
    }

    [Fact]
    public void Lbfgs_refuses_a_non_finite_start()
    {
        var e = Assert.Throws<NonFiniteCostException>(() => Lbfgs.Minimize((x, g) => double.NaN, new[] { 0.0 }, new LbfgsOptions()));
        Assert.Contains("starting point", e.Message);
    }

    [Fact]
    public void Lbfgs_honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Lbfgs.Minimize(Rosenbrock, new[] { 0.0, 0.0 }, new LbfgsOptions { CancellationToken = cts.Token }));
    }

    [Fact]
    public void Lbfgs_options_are_validated()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Lbfgs.Minimize(Rosenbrock, new[] { 0.0, 0.0 }, new LbfgsOptions { MaxIterations = 0 }));
        Assert.Contains("MaxIterations must be at least 1, but is 0", e.Message);
    }

    [Fact]
    public void Adam_approaches_the_Rosenbrock_minimum()
    {
        float[] x = [-1.2f, 1.0f];
        var g = new double[2];
        var gf = new float[2];
        var adam = new Adam(2, learningRate: 0.02);
        for (int step = 0; step < 20000; step++)
        {
            Rosenbrock(new[] { (double)x[0], x[1] }, g);
            gf[0] = (float)g[0]; gf[1] = (float)g[1];
            adam.Step(x, gf);
        }
        Assert.Equal(1.0, x[0], 0.02);
        Assert.Equal(1.0, x[1], 0.04);
    }

    [Fact]
    public void Adam_matches_the_paper_update_for_one_step()
    {
        // After one step from m = v = 0: m = (1-b1) g, v = (1-b2) g^2, step = lr sqrt(1-b2)/(1-b1) m/(sqrt(v)+eps) = lr * sign(g) (approx).
        float[] theta = [1f, -2f];
        var adam = new Adam(2, learningRate: 0.1);
        adam.Step(theta, new[] { 4f, -0.5f });
        Assert.Equal(0.9f, theta[0], 1e-5f);
        Assert.Equal(-1.9f, theta[1], 1e-5f);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(2, 0)).Message);
    }

    // LargestStep bounds every step: a gradient growing by b2/b1 (11%) a step takes Adam past Kingma and Ba's
    // lr (1 - b1) / sqrt(1 - b2) = 3.16 lr, which bounds only a lone gradient, and stays within 7.27 lr.
    [Fact]
    public void Adams_largest_step_bounds_a_growing_gradients_steps()
    {
        const double b1 = 0.9, b2 = 0.999, r = b1 * b1 / b2;
        var adam = new Adam(1, learningRate: 1);
        Assert.Equal(0.1 / Math.Sqrt(0.001 * (1 - r)), adam.LargestStep, 12);
        Assert.Equal(7.2703, adam.LargestStep, 4);
        float[] theta = [0f];
        double largest = 0;
        for (int t = 1; t <= 300; t++)
        {
            float before = theta[0];
            adam.Step(theta, [(float)Math.Pow(b2 / b1, t)]);
            largest = Math.Max(largest, Math.Abs((double)theta[0] - before));
        }
        Assert.InRange(largest, 3.6, adam.LargestStep);   // 3.70 by the same update in double
        // With b1^2 at least b2 nothing bounds m / sqrt(v). With b1 = 0 a lone gradient after t steps of 0 takes
        // lr sqrt((1 - b2^t) / (1 - b2)), which tends to lr / sqrt(1 - b2).
        Assert.Equal(double.PositiveInfinity, new Adam(1, 1, beta1: 0.9, beta2: 0.8).LargestStep);
        Assert.Equal(0.5 / Math.Sqrt(0.001), new Adam(1, 0.5, beta1: 0).LargestStep, 12);
    }

    // A parameter no step can change: the largest step under half its float spacing, either way. 0 is not counted (any step moves it).
    [Fact]
    public void Adam_counts_the_nonzero_parameters_no_step_can_change()
    {
        var adam = new Adam(5, learningRate: 1e-9);   // largest step 7.27e-9
        // 1 and -1: half spacing 2^-24 = 5.96e-8 down and up, 2^-25 down from 1: all above the step. 1e-3: 5.8e-11, below it.
        Assert.Equal((3L, 2L), adam.CountUnmovable([1f, -1f, 0f, 1e-3f, 0f]));
        // 0.1: half spacing 3.7e-9 is below 7.27e-9: movable; 0.5 (down 1.49e-8) is not.
        Assert.Equal((2L, 1L), adam.CountUnmovable([0.1f, 0.5f, 0f, 0f, 0f]));
    }

    // A parameter that one direction moves is movable. At 1, a step of 2^-24 is a whole spacing down (1 - 2^-24 is a
    // float) and half a spacing up (1 + 2^-24 rounds back to 1): counting "either way unchanged" would warn of it.
    [Fact]
    public void Adam_counts_a_parameter_that_a_step_moves_one_way_only_as_movable()
    {
        var adam = new Adam(1, 1.0 / (1 << 25), beta1: 0, beta2: 0.75);   // largest step lr / sqrt(1 - 0.75) = 2^-24
        Assert.Equal(Math.Pow(2, -24), adam.LargestStep);
        Assert.Equal((1L, 0L), adam.CountUnmovable([1f]));
        Assert.Equal((1L, 1L), adam.CountUnmovable([2f]));   // 2^-24 is under half of 2's spacing both ways
    }

    // The step count is an int (the model saves it as one): past it, t wrapped to -2^31, b^t became infinite and the
    // step size NaN, so every weight turned NaN and the run ended in "the cost became NaN ... try a smaller LearningRate".
    [Fact]
    public void Adam_refuses_a_step_beyond_the_most_it_counts_and_leaves_theta_alone()
    {
        float[] theta = [1f, -2f];
        var adam = new Adam(2, learningRate: 0.1) { Steps = int.MaxValue - 1 };
        adam.Step(theta, new[] { 4f, -0.5f });
        Assert.Equal(int.MaxValue, adam.Steps);
        Assert.True(float.IsFinite(theta[0]) && float.IsFinite(theta[1]));
        float[] before = [.. theta];
        var e = Assert.Throws<InvalidOperationException>(() => adam.Step(theta, new[] { 4f, -0.5f }));
        Assert.Equal("Adam has taken 2147483647 steps, the most it counts (a model saves its step count as an int32); " +
            "train with a larger BatchSize or fewer Epochs.", e.Message);
        Assert.Equal(before, theta);
        Assert.Equal(int.MaxValue, adam.Steps);
    }

    // Every length up to three 512-bit vectors and one more, so the vector loops of each width and the
    // plain-float tail all run: three steps against the paper's update in double.
    [Theory]
    [MemberData(nameof(VectorKernelTests.Lengths), MemberType = typeof(VectorKernelTests))]
    public void Adam_steps_match_the_paper_update_at_every_length(int n)
    {
        if (n == 0) return;   // Adam needs at least one parameter
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var rng = new Random(n);
        var theta = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var expected = theta.Select(v => (double)v).ToArray();
        var m = new double[n]; var v2 = new double[n];
        var adam = new Adam(n, lr, b1, b2, eps);
        for (int t = 1; t <= 3; t++)
        {
            var g = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            adam.Step(theta, g);
            double step = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < n; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v2[i] = b2 * v2[i] + (1 - b2) * g[i] * g[i];
                expected[i] -= step * m[i] / (Math.Sqrt(v2[i]) + eps);
            }
        }
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], theta[i], 1e-5);
    }

    // Found inside the step's loop, at every vector width and in the tail, and when the pool splits the elements: the
    // trainer asks only this before it looks for the parameter (a pass over v of its own on every mini-batch cost more).
    [Theory]
    [MemberData(nameof(VectorKernelTests.Lengths), MemberType = typeof(VectorKernelTests))]
    public void Adam_says_when_a_step_made_a_second_moment_infinite_at_every_length(int n)
    {
        if (n == 0) return;
        foreach (int at in new[] { 0, n / 2, n - 1 })
        {
            var adam = new Adam(n, 0.01);
            var g = new float[n];
            adam.Step(new float[n], g);
            Assert.False(adam.MomentOverflowed);
            g[at] = 1.9e19f;   // its square passes float.MaxValue, 3.4e38
            adam.Step(new float[n], g);
            Assert.True(adam.MomentOverflowed, $"n = {n}, at {at}");
            Assert.Equal(at, adam.IndexOfInfiniteMoment(null));
        }
        var near = new Adam(n, 0.01);
        near.Step(new float[n], Enumerable.Repeat(1.8e19f, n).ToArray());
        Assert.False(near.MomentOverflowed);
    }

    [Fact]
    public void Adam_split_between_threads_says_when_a_step_made_a_second_moment_infinite()
    {
        int n = ParallelRanges.MinimumLength * 4;
        using var pool = new WorkerPool(2);
        var adam = new Adam(n, 0.01);
        var g = new float[n];
        adam.Step(new float[n], g, pool);
        Assert.False(adam.MomentOverflowed);
        g[n - 3] = -1.9e19f;
        adam.Step(new float[n], g, pool);
        Assert.True(adam.MomentOverflowed);
        Assert.Equal(n - 3, adam.IndexOfInfiniteMoment(pool));
    }
}
