using System.Numerics.Tensors;

namespace SparseAe.Optimization;

/// <summary>
/// Limited-memory BFGS (Nocedal and Wright, 2nd ed., algorithm 7.5, two-loop recursion 7.4) with a strong-Wolfe
/// line search, in the manner of minFunc, the optimiser UFLDL's exercises call.
/// </summary>
/// <remarks>
/// Why not MathNet.Numerics 5.0.0's LimitedMemoryBfgsMinimizer, as the design first planned: measured
/// on the default experiment's shape (10,000 rows of 64, H = 100, memory 100, 400 iterations, the
/// same float32 objective and tolerances), it ran 401 iterations against a limit of 400 and reported
/// ExitCondition.AbsoluteGradient while max|g| was 1.4e-4, above the 1e-5 tolerance: its exit reason
/// was not true, which the component must report. It also allocates a double vector per evaluation
/// and, with the same objective, took 8.1 s against this class's 6.9 s for the same final cost
/// (0.9211 against 0.9218), measured before the kernel work of docs/performance.md.
/// This implementation returns the true exit reason and the last accepted iterate in every case,
/// and treats a non-finite trial value as a step to shrink (a saturated sigmoid makes KL infinite).
/// </remarks>
internal static class Lbfgs
{
    /// <summary>
    /// The correction pairs a run keeps: Memory, but never more than MaxIterations, as each iteration
    /// stores at most one (sized by Memory alone, Memory = int.MaxValue asked for 64 GB of bookkeeping
    /// before the first step). The same steps, bit for bit; the memory budget counts the same pairs.
    /// </summary>
    public static int StoredPairs(int memory, int maxIterations) => Math.Max(1, Math.Min(memory, maxIterations));

    /// <summary>Minimises f from x0. Never throws at a limit; throws only on a non-finite start or cancellation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static OptimizationResult Minimize(DifferentiableFunction f, ReadOnlySpan<double> x0, LbfgsOptions options)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = x0.Length;
        if (n == 0) throw new ArgumentException("x0 must not be empty.", nameof(x0));

        var x = x0.ToArray();
        var g = new double[n];
        var d = new double[n];
        var xOld = new double[n];
        var gOld = new double[n];
        var sNew = new double[n];
        var yNew = new double[n];
        int memory = StoredPairs(options.Memory, options.MaxIterations);
        // The correction pairs are kept in float: the objective is float32, so x and g carry float
        // precision anyway, and halving the pairs' memory traffic matters with 100 pairs of 13k values.
        var s = new float[memory][];
        var y = new float[memory][];
        var q = new float[n];
        var rho = new double[memory];
        var alpha = new double[memory];
        int stored = 0, newest = -1;

        options.CancellationToken.ThrowIfCancellationRequested();
        double fx = f(x, g);
        int evaluations = 1;
        if (!double.IsFinite(fx) || !AllFinite(g))
            throw new NonFiniteCostException($"The cost or its gradient at the starting point is not finite (cost {fx}).");
        if (WolfeLineSearch.MaxAbs(g) <= options.GradientTolerance)
            return new OptimizationResult(x, fx, 0, evaluations, OptimizerExitReason.GradientTolerance);

        var search = new WolfeLineSearch(f, n, options.MaxLineSearchEvaluations);
        for (int iter = 1; iter <= options.MaxIterations; iter++)
        {
            // Two-loop recursion: d = -H g, with H0 = (s'y / y'y) I, computed in float on q.
            for (int i = 0; i < n; i++) q[i] = (float)-g[i];
            for (int k = 0, idx = newest; k < stored; k++, idx = (idx - 1 + memory) % memory)
            {
                alpha[idx] = rho[idx] * TensorPrimitives.Dot(s[idx], q);
                TensorPrimitives.MultiplyAdd(y[idx], (float)-alpha[idx], q, q);
            }
            if (stored > 0)
            {
                double gamma = TensorPrimitives.Dot(s[newest], y[newest]) / (double)TensorPrimitives.Dot(y[newest], y[newest]);
                TensorPrimitives.Multiply(q, (float)gamma, q);
            }
            for (int k = 0, idx = (newest - stored + 1 + memory) % memory; k < stored; k++, idx = (idx + 1) % memory)
            {
                double beta = rho[idx] * TensorPrimitives.Dot(y[idx], q);
                TensorPrimitives.MultiplyAdd(s[idx], (float)(alpha[idx] - beta), q, q);
            }
            for (int i = 0; i < n; i++) d[i] = q[i];

            double gtd = WolfeLineSearch.Dot(g, d);
            if (!(gtd < 0))
            {
                // Not a descent direction (curvature information went stale): restart from steepest descent.
                stored = 0; newest = -1;
                for (int i = 0; i < n; i++) d[i] = -g[i];
                gtd = -WolfeLineSearch.Dot(g, g);
            }
            double t0 = stored == 0 ? Math.Min(1.0, 1.0 / SumAbs(g)) : 1.0;

            Array.Copy(x, xOld, n);
            Array.Copy(g, gOld, n);
            double fOld = fx;
            var (moved, t, fNew) = search.Search(x, fx, g, d, t0, evaluations, options.CancellationToken);
            evaluations += search.Evaluations;
            if (!moved)
                return new OptimizationResult(x, fx, iter - 1, evaluations, OptimizerExitReason.LineSearchFailed);
            fx = fNew;

            // Store the correction pair only if it keeps H positive definite (s'y > 0).
            TensorPrimitives.Subtract<double>(x, xOld, sNew);
            TensorPrimitives.Subtract<double>(g, gOld, yNew);
            double sy = WolfeLineSearch.Dot(sNew, yNew);
            if (sy > 1e-10)
            {
                newest = (newest + 1) % memory;
                s[newest] ??= new float[n];
                y[newest] ??= new float[n];
                TensorPrimitives.ConvertTruncating<double, float>(sNew, s[newest]);
                TensorPrimitives.ConvertTruncating<double, float>(yNew, y[newest]);
                rho[newest] = 1.0 / sy;
                stored = Math.Min(stored + 1, memory);
            }

            double gMax = WolfeLineSearch.MaxAbs(g);
            options.OnIteration?.Invoke(new LbfgsIteration(iter, fx, search.AcceptedEvaluation, gMax, t));
            if (gMax <= options.GradientTolerance)
                return new OptimizationResult(x, fx, iter, evaluations, OptimizerExitReason.GradientTolerance);
            if (Math.Abs(fx - fOld) < options.FunctionTolerance)
                return new OptimizationResult(x, fx, iter, evaluations, OptimizerExitReason.FunctionTolerance);
            if (t * WolfeLineSearch.MaxAbs(d) <= options.FunctionTolerance)
                return new OptimizationResult(x, fx, iter, evaluations, OptimizerExitReason.StepTolerance);
        }
        return new OptimizationResult(x, fx, options.MaxIterations, evaluations, OptimizerExitReason.MaxIterations);
    }

    private static double SumAbs(double[] a) => TensorPrimitives.SumOfMagnitudes<double>(a);

    private static bool AllFinite(double[] a)
    {
        foreach (var v in a) if (!double.IsFinite(v)) return false;
        return true;
    }
}
