using BenchmarkDotNet.Attributes;
using SparseAe.Benchmarking;
using SparseAe.Objective;

namespace SparseAe.Benchmarks;

/// <summary>Cost and gradient of a 64-100-64 autoencoder on a batch (64,000 FLOPs per row).</summary>
[MemoryDiagnoser]
public class ObjectiveBenchmarks
{
    [Params(256, 1024, 10_000)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    private TrainingStep? _step;

    [GlobalSetup]
    public void Setup() => _step = new TrainingStep(64, 100, Batch, Threads);

    [GlobalCleanup]
    public void Cleanup() => _step?.Dispose();

    /// <summary>Cost and gradient only; `sparseae bench` times them with the Adam update (<see cref="TrainingStep.Run"/>).</summary>
    [Benchmark]
    public CostBreakdown Evaluate() => _step!.Evaluate();
}
