using SparseAe.Objective;
using SparseAe.Optimization;

namespace SparseAe.Training;

/// <summary>Progress reported while training.</summary>
/// <param name="Iteration">L-BFGS iteration, or Adam step (mini-batches so far).</param>
/// <param name="Epoch">Adam epochs completed (0 for L-BFGS).</param>
/// <param name="Cost">J and its terms at this point (Adam: mean over the epoch's batches, each weighted by its rows, so a
/// smaller last batch counts for its rows alone).</param>
/// <param name="Elapsed">Time since training started.</param>
public readonly record struct TrainingProgress(int Iteration, int Epoch, CostBreakdown Cost, TimeSpan Elapsed);

/// <summary>What a training run did and where it ended.</summary>
public sealed class TrainingSummary
{
    /// <summary>A summary; <paramref name="meanActivation"/> and <paramref name="costHistory"/> are copied.</summary>
    public TrainingSummary(OptimizerKind optimizer, int iterations, int epochs, OptimizerExitReason exitReason, CostBreakdown finalCost,
        double[] meanActivation, TimeSpan elapsed, long trainingRows, IReadOnlyList<CostBreakdown> costHistory, SparseCodeMetrics? codeMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(meanActivation);
        ArgumentNullException.ThrowIfNull(costHistory);
        CodeMetrics = codeMetrics;
        Optimizer = optimizer;
        Iterations = iterations;
        Epochs = epochs;
        ExitReason = exitReason;
        FinalCost = finalCost;
        MeanActivation = Array.AsReadOnly((double[])meanActivation.Clone());
        Elapsed = elapsed;
        TrainingRows = trainingRows;
        CostHistory = costHistory.ToArray().AsReadOnly();
    }

    /// <summary>L-BFGS (whole batch) or Adam (mini-batches).</summary>
    public OptimizerKind Optimizer { get; }

    /// <summary>L-BFGS iterations, or Adam steps (mini-batches).</summary>
    public int Iterations { get; }

    /// <summary>Adam epochs completed; 0 for L-BFGS.</summary>
    public int Epochs { get; }

    /// <summary>Why the optimizer stopped.</summary>
    public OptimizerExitReason ExitReason { get; }

    /// <summary>
    /// J and its terms where the training ended. L-BFGS: at the returned parameters, over the whole training set (the last
    /// entry of <see cref="CostHistory"/>). Adam: the mean over the last epoch's mini-batches, each weighted by its rows and
    /// evaluated just before its update, so not the cost at the returned parameters (after the last update; the sparsity term
    /// is each mini-batch's own).
    /// </summary>
    public CostBreakdown FinalCost { get; }

    /// <summary>rhoHat: the mean activation of each hidden unit, measured like <see cref="FinalCost"/>.</summary>
    public IReadOnlyList<double> MeanActivation { get; }

    /// <summary>Wall-clock time of the training.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Rows in the training set (Adam: rows per epoch).</summary>
    public long TrainingRows { get; }

    /// <summary>J and its terms after each L-BFGS iteration (the first entry is the starting point), or per Adam epoch.</summary>
    public IReadOnlyList<CostBreakdown> CostHistory { get; }

    /// <summary>The sparse codes' metrics (ReLU, TopK, JumpReLU), measured like <see cref="FinalCost"/>; null for the sigmoid.</summary>
    public SparseCodeMetrics? CodeMetrics { get; }
}

/// <summary>
/// How sparse and how good a sparse code is, in the terms of today's sparse-autoencoder work (Gao et al.
/// 2024, SAELens): measured over the last epoch's mini-batches, each before its update.
/// </summary>
/// <param name="Fvu">
/// Fraction of variance unexplained: sum_i ||x_i - y_i||^2 / sum_i ||x_i - mean x||^2, at least 0 and finite.
/// Rows without variance (one row, identical rows) leave nothing to explain: the FVU is then 0 for an
/// exact reconstruction and 1 otherwise, scikit-learn's convention for R^2 = 1 - FVU (r2_score).
/// </param>
/// <param name="DeadFraction">Share of the latents that fired on none of the last DeadLatentWindow training rows (on none of
/// the rows trained, when there were fewer), counted in whole mini-batches: a latent that fired on any row of a
/// mini-batch counts as firing on its last row.</param>
/// <param name="FiringRate">Each latent's share of the rows on which it was active (h &gt; 0).</param>
public sealed record SparseCodeMetrics(double Fvu, double DeadFraction, IReadOnlyList<double> FiringRate)
{
    /// <summary>Each latent's share of the rows on which it was active: a read-only copy of what was given.</summary>
    // The trainer's and the model reader's own arrays were kept: cast back from IReadOnlyList, a caller could change a
    // model's firing rates, and the model then saved them (TrainingSummary copies its lists for the same reason).
    public IReadOnlyList<double> FiringRate { get; init => field = Copy(value); } = Copy(FiringRate);

    private static IReadOnlyList<double> Copy(IReadOnlyList<double> rates)
    {
        ArgumentNullException.ThrowIfNull(rates, nameof(FiringRate));
        return rates.ToArray().AsReadOnly();
    }

    /// <summary>L0: the mean number of active latents per row (the sum of the firing rates).</summary>
    public double L0 => FiringRate.Sum();

    /// <summary>Share of the latents active on more than 10% of the rows ("dense" latents).</summary>
    public double DenseFraction => FiringRate.Count == 0 ? 0 : (double)FiringRate.Count(r => r > 0.1) / FiringRate.Count;

    /// <summary>
    /// The FVU from running sums over <paramref name="rows"/> rows taken about any shift s: the squared
    /// error, sum_i ||x_i - s||^2 and sum_i (x_i - s) (a V-vector), with sum_i ||x_i - mean||^2 =
    /// sum_i ||x_i - s||^2 - ||sum_i (x_i - s)||^2 / rows. The trainer shifts dense rows by one of them, so
    /// that identical rows give exactly 0 (one row, constant rows) rather than a rounding residue of either
    /// sign, which made the FVU infinite, NaN or negative and the model unsaveable. Where the difference is
    /// not positive the rows count as having no variance. A ratio too large for a double is capped at
    /// double.MaxValue.
    /// </summary>
    internal static double FractionOfVarianceUnexplained(double squaredError, double shiftedSquares, ReadOnlySpan<double> shiftedSums, long rows)
    {
        double meanSquares = 0;
        foreach (double s in shiftedSums) meanSquares += s * s / rows;
        double variance = shiftedSquares - meanSquares;
        if (!(variance > 0)) return squaredError == 0 ? 0 : 1;
        return Math.Min(squaredError / variance, double.MaxValue);
    }
}

/// <summary>The trained parameters and the summary of the run that produced them.</summary>
public sealed record TrainingResult(Model.AutoencoderParameters Parameters, TrainingSummary Summary);
