using System.Globalization;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>
/// What the estimators write to <c>mlContext.Log</c> while training: every L-BFGS iteration or Adam
/// epoch at Trace (ML.NET's trainers log their iterations there), the outcome at Info.
/// </summary>
internal static class TrainingLog
{
    /// <summary>A progress callback that logs each step at Trace and then calls the user's own.</summary>
    public static Action<TrainingProgress> Progress(IChannel channel, Action<TrainingProgress>? user) => p =>
    {
        HostAccess.Trace(channel, string.Format(CultureInfo.InvariantCulture,
            "iteration {0}{1}: J {2:G6} (reconstruction {3:G6}, weight decay {4:G6}, sparsity {5:G6}), {6:F1} s",
            p.Iteration, p.Epoch > 0 ? $", epoch {p.Epoch}" : "", p.Cost.Total, p.Cost.Reconstruction, p.Cost.WeightDecay,
            p.Cost.Sparsity, p.Elapsed.TotalSeconds));
        user?.Invoke(p);
    };

    /// <summary>The outcome of a training, at Info.</summary>
    // Adam's length is its epochs, as the options set it; its Iterations are steps (mini-batches): "EpochsCompleted after 3
    // iterations" said 3 epochs' steps as if they were L-BFGS iterations.
    public static void Finished(IChannel channel, TrainingSummary s, int seed) =>
        HostAccess.Info(channel, string.Format(CultureInfo.InvariantCulture,
            "Finished: {0} after {1}, J {2:G6}, mean activation {3:G4}, seed {4}, {5:F2} s.",
            s.ExitReason, s.Optimizer == OptimizerKind.Adam ? $"{s.Epochs} epochs ({s.Iterations} steps)" : $"{s.Iterations} iterations",
            s.FinalCost.Total, s.MeanActivation.Average(), seed, s.Elapsed.TotalSeconds));
}
