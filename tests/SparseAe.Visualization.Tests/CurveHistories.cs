using SparseAe.Objective;

namespace SparseAe.Visualization.Tests;

/// <summary>Made-up cost histories shaped like a real training run.</summary>
internal static class CurveHistories
{
    /// <summary>Reconstruction ~20 -> 1.5, sparsity ~3 -> 0.05, weight decay 0.002 -> 0.012: four decades in all.</summary>
    public static List<CostBreakdown> Typical(int iterations = 400, bool zeroDecay = false)
    {
        var history = new List<CostBreakdown>();
        for (int i = 0; i <= iterations; i++)
        {
            double reconstruction = 20 * Math.Exp(-i / 40.0) + 1.5;
            double decay = zeroDecay ? 0 : 0.002 + 0.01 * (1 - Math.Exp(-i / 80.0));
            double sparsity = 3 * Math.Exp(-i / 25.0) + 0.05;
            history.Add(new CostBreakdown(reconstruction + decay + sparsity, reconstruction, decay, sparsity));
        }
        return history;
    }
}
