using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>The memory estimates against what the work allocates.</summary>
[Collection(AllocationMeasurement.Name)]
public class MemoryBudgetTests
{
    // The estimates counted the objective's matrices as 2HV floats with H unpadded, and one parameter-sized gradient a
    // thread; the objective holds three V x Hp matrices and two gradients of V x Hp a thread (Hp = H padded to whole
    // vectors: 16 for H = 2 on AVX-512). L-BFGS on 3 rows of 600,000 values with H = 2 was estimated at 0.38 GB, passed
    // the check under a 512 MB heap limit and ended in an OutOfMemoryException. Measured here on one thread, whose
    // every allocation this thread makes (AllocationMeasurement); the estimate must cover it without being loose.
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

        long allocated = AllocationMeasurement.BytesAllocatedBy(() =>
        {
            using var objective = new SparseAutoencoderObjective(v, h, settings, threads: 1);
            objective.Evaluate(p.Theta, x, rows, gradient);
        });

        double estimate = MemoryBudget.ObjectiveBytes(v, h, threads: 1, rows, settings, sparseRows: false);
        Assert.True(allocated <= estimate, $"{v}-{h}-{v}{(topK ? " TopK" : "")}: the objective allocated {allocated} bytes, the estimate counts {estimate:F0}.");
        Assert.True(allocated >= 0.75 * estimate, $"{v}-{h}-{v}{(topK ? " TopK" : "")}: the objective allocated {allocated} bytes, the estimate counts {estimate:F0}: loose.");
    }

    // Sparse rows (TokenCounts' counts, a sparse ML.NET column): the estimate counted W1's transposed gradient alone,
    // but a sigmoid decoder also densifies each block of 128 rows on each thread (512 V bytes), so 300 sparse rows of
    // 6,000 values with H = 2 allocated about 3.5 MB where the estimate counted 1.9 MB.
    [Theory]
    [InlineData(6000, 2, DecoderKind.Sigmoid)]
    [InlineData(6000, 2, DecoderKind.Linear)]
    [InlineData(784, 196, DecoderKind.Sigmoid)]
    public void The_objective_on_sparse_rows_allocates_what_the_estimate_counts(int v, int h, DecoderKind decoder)
    {
        const int rows = 300;
        var settings = new ObjectiveSettings(Decoder: decoder);
        var p = ParameterInitializer.Initialize(v, h, 3);
        var random = new Random(4);
        var starts = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            foreach (int c in Enumerable.Range(0, v).Where(_ => random.NextDouble() < 0.01)) { indices.Add(c); values.Add((float)random.NextDouble()); }
            starts[r + 1] = indices.Count;
        }
        var x = new SparseRowBatch(v, rows, starts, indices.ToArray(), values.ToArray());
        var gradient = new float[p.Theta.Length];

        long allocated = AllocationMeasurement.BytesAllocatedBy(() =>
        {
            using var objective = new SparseAutoencoderObjective(v, h, settings, threads: 1);
            objective.Evaluate(p.Theta, x, gradient);
        });

        double estimate = MemoryBudget.ObjectiveBytes(v, h, threads: 1, rows, settings, sparseRows: true);
        Assert.True(allocated <= estimate, $"{v}-{h}-{v} {decoder}, sparse rows: the objective allocated {allocated} bytes, the estimate counts {estimate:F0}.");
        Assert.True(allocated >= 0.75 * estimate, $"{v}-{h}-{v} {decoder}, sparse rows: the objective allocated {allocated} bytes, the estimate counts {estimate:F0}: loose.");
        // L-BFGS's check on sparse rows counts the same (it counted the dense path's objective).
        var trainer = new TrainerSettings { HiddenCount = h, Objective = settings, Threads = 1 };
        Assert.Equal(estimate - MemoryBudget.ObjectiveBytes(v, h, threads: 1, rows, settings, sparseRows: false),
            MemoryBudget.FullBatchBytes(v, h, rows, trainer, sparseRows: true) - MemoryBudget.FullBatchBytes(v, h, rows, trainer), 0);
    }
}
