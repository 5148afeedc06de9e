using System.Diagnostics;
using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;

namespace SparseAe.Training;

/// <summary>
/// Trains on the whole data set in memory with L-BFGS, the UFLDL way (train.m + minFunc). Reached only
/// through <see cref="AutoencoderTraining.Run"/>, which validates the settings, checks sizes and memory
/// and reads the rows.
/// </summary>
internal static class FullBatchTrainer
{
    /// <summary>
    /// The most rows L-BFGS can train on at V inputs and H hidden units: it evaluates every row at once,
    /// <see cref="SparseAutoencoderObjective.MaxRows"/>.
    /// </summary>
    public static long MaxRows(int visibleCount, int hiddenCount) => SparseAutoencoderObjective.MaxRows(visibleCount, hiddenCount);

    /// <summary>
    /// Trains on X, (rows, V) row-major: 1..<see cref="MaxRows"/> rows of finite values, settings validated.
    /// rowName names row r of X in messages (by default "training row r"): a MaximumRows sample's rows are not the source's.
    /// </summary>
    public static TrainingResult Train(ReadOnlyMemory<float> x, int rows, int visibleCount, TrainerSettings settings, Func<int, string>? rowName = null)
    {
        Debug.Assert(x.Length >= (long)rows * visibleCount);
        return Train(x, null, rows, visibleCount, settings, rowName);
    }

    /// <summary>
    /// Trains on sparse rows (1..<see cref="MaxRows"/> of them, finite: the batch checks the values, the
    /// caller the count), held as their nonzeros: every
    /// evaluation's encoder product and dJ/dW1 touch only those (<see cref="SparseAutoencoderObjective"/>).
    /// </summary>
    public static TrainingResult Train(SparseRowBatch x, TrainerSettings settings, Func<int, string>? rowName = null) => Train(default, x, x.Rows, x.VisibleCount, settings, rowName);

    private static TrainingResult Train(ReadOnlyMemory<float> x, SparseRowBatch? sparseX, int rows, int visibleCount, TrainerSettings settings, Func<int, string>? rowName)
    {
        Debug.Assert(rows >= 1 && rows <= MaxRows(visibleCount, settings.HiddenCount));
        var clock = Stopwatch.StartNew();
        int threads = SparseAutoencoderObjective.ThreadsFor(settings.Threads, rows);
        using var objective = new SparseAutoencoderObjective(visibleCount, settings.HiddenCount, settings.Objective, threads);
        var start = ParameterInitializer.Initialize(visibleCount, settings.HiddenCount, settings.Seed);
        int n = start.Theta.Length;
        var thetaF = new float[n];
        var gradF = new float[n];
        var history = new List<CostBreakdown>();
        // Breakdowns of this iteration's evaluations, so the accepted point's terms can be recorded.
        var recent = new Dictionary<int, CostBreakdown>();
        int evaluation = 0;

        CostBreakdown Evaluate(float[] theta) => sparseX is null ? objective.Evaluate(theta, x, rows, gradF) : objective.Evaluate(theta, sparseX, gradF);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        double Function(ReadOnlySpan<double> theta, Span<double> grad)
        {
            settings.ThrowIfCancelled();
            for (int i = 0; i < n; i++) thetaF[i] = (float)theta[i];
            var cost = Evaluate(thetaF);
            for (int i = 0; i < n; i++) grad[i] = gradF[i];
            if (evaluation == 0) history.Add(cost);   // the starting point opens the history
            recent[evaluation++] = cost;
            return cost.Total;
        }

        var options = new LbfgsOptions
        {
            MaxIterations = settings.MaxIterations,
            Memory = settings.LbfgsMemory,
            GradientTolerance = settings.GradientTolerance,
            FunctionTolerance = settings.FunctionTolerance,
            CancellationToken = settings.CancellationToken,
            OnIteration = it =>
            {
                var cost = recent[it.Evaluation];
                recent.Clear();
                history.Add(cost);
                settings.Progress?.Invoke(new TrainingProgress(it.Iteration, 0, cost, clock.Elapsed));
            },
        };
        var x0 = Array.ConvertAll(start.Theta, v => (double)v);
        OptimizationResult result;
        try
        {
            result = Lbfgs.Minimize(Function, x0, options);
        }
        catch (NonFiniteCostException e)
        {
            CostBreakdown? last = recent.TryGetValue(evaluation - 1, out var c) ? c : null;
            var name = rowName ?? (r => $"training row {r}");
            var decoder = settings.Objective.Decoder;
            if ((sparseX is null ? RowReading.SquareOverflow(x.Span[..(rows * visibleCount)], visibleCount, name, decoder) : RowReading.SquareOverflow(sparseX, name, decoder)) is { } row)
                throw new NonFiniteCostException($"{e.Message} To find why: {row}.");
            throw new NonFiniteCostException($"{e.Message} To find why, {RowReading.NonFiniteAdvice(last, settings.Objective, rows)}.");
        }

        var final = new AutoencoderParameters(visibleCount, settings.HiddenCount, Array.ConvertAll(result.Point, v => (float)v));
        // One more evaluation at the returned point gives its exact terms and rhoHat.
        var finalCost = Evaluate(final.Theta);
        if (VectorKernels.IndexOfNonFinite(final.Theta) >= 0 || !finalCost.IsFinite)
            throw new NonFiniteCostException($"Training ended on non-finite parameters or cost ({finalCost.Total}); no model is returned.");
        // Steps are accepted only where the cost falls, so a run that ends at its starting cost took none that counted: the
        // model is its random starting weights. Rows of 1e9 (a cost near 1e18, rounded in float to about 1e11) hid the gain of
        // every step, and L-BFGS returned them as LineSearchFailed after 0 iterations, or FunctionTolerance after 1, without a word.
        if (result.ExitReason != OptimizerExitReason.GradientTolerance && !(finalCost.Total < history[0].Total))
            settings.Warning?.Invoke(NoDescent(history[0], result, settings.Objective));
        var summary = new TrainingSummary(OptimizerKind.Lbfgs, result.Iterations, 0, result.ExitReason, finalCost,
            objective.MeanActivation.ToArray(), clock.Elapsed, rows, history);
        return new TrainingResult(final, summary);
    }

    // What to change when L-BFGS could not lower the cost: the term that makes it large, the inputs' reconstruction error
    // or a penalty, since the rounding of a large cost is what hides a step's gain.
    private static string NoDescent(CostBreakdown start, OptimizationResult result, ObjectiveSettings objective)
    {
        string advice = start.Reconstruction >= start.WeightDecay + start.Sparsity
            ? RowReading.InputScaleAdvice(objective.Decoder)
            : $"lower {RowReading.PenaltyWeights(objective)}";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"L-BFGS did not lower the cost from its starting point, J {start.Total:G4} (reconstruction {start.Reconstruction:G4}, weight decay {start.WeightDecay:G4}, " +
            $"sparsity {start.Sparsity:G4}), and stopped at iteration {result.Iterations} ({result.ExitReason}): the model is untrained, at or a step unseen by the cost from its random starting weights. " +
            $"Float's rounding of a cost this large can hide what a step gains; {advice}.");
    }
}
