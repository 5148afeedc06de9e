using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>The memory estimates against what the work allocates.</summary>
public class MemoryBudgetTests
{
    // The estimates counted the objective's matrices as 2HV floats with H unpadded, and one parameter-sized gradient a
    // thread; the objective holds three V x Hp matrices and two gradients of V x Hp a thread (Hp = H padded to whole
    // vectors: 16 for H = 2 on AVX-512). L-BFGS on 3 rows of 600,000 values with H = 2 was estimated at 0.38 GB, passed
    // the check under a 512 MB heap limit and ended in an OutOfMemoryException. Measured here on one thread, whose
    // every allocation this thread makes; the estimate must cover it without being loose.
    [Theory]
    [InlineData(6000, 2, false)]
    [InlineData(6000, 2, true)]
    [InlineData(64, 100, false)]
    [InlineData(784, 196, true)]
    public void The_objective_allocates_what_the_estimate_counts(int v, int h, bool topK)
    {
        const int rows = 300;
        var settings = topK ? new ObjectiveSettings(Activation: ActivationKind.TopK, K: 1, Decoder: DecoderKind.Linear) : new ObjectiveSettings();
        var p = ParameterInitializer.Initialize(v, h, 3);
        var x = TestData.RandomRows(rows, v, 4);
        var gradient = new float[p.Theta.Length];

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var objective = new SparseAutoencoderObjective(v, h, settings, threads: 1))
            objective.Evaluate(p.Theta, x, rows, gradient);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        double estimate = MemoryBudget.ObjectiveBytes(v, h, threads: 1, rows, settings, sparseRows: false);
        Assert.True(allocated <= estimate, $"{v}-{h}-{v}{(topK ? " TopK" : "")}: the objective allocated {allocated} bytes, the estimate counts {estimate:F0}.");
        Assert.True(allocated >= 0.75 * estimate, $"{v}-{h}-{v}{(topK ? " TopK" : "")}: the objective allocated {allocated} bytes, the estimate counts {estimate:F0}: loose.");
    }
}
