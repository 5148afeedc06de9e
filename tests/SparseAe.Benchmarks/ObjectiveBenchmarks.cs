using BenchmarkDotNet.Attributes;
using SparseAe.Model;
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

    private SparseAutoencoderObjective? _objective;
    private float[] _theta = [], _x = [], _gradient = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _x = Enumerable.Range(0, Batch * 64).Select(_ => (float)(0.1 + 0.8 * rng.NextDouble())).ToArray();
        _theta = ParameterInitializer.Initialize(64, 100, 1).Theta;
        _gradient = new float[_theta.Length];
        _objective = new SparseAutoencoderObjective(64, 100, new ObjectiveSettings(), Threads);
    }

    [GlobalCleanup]
    public void Cleanup() => _objective?.Dispose();

    [Benchmark]
    public CostBreakdown Evaluate() => _objective!.Evaluate(_theta, _x, Batch, _gradient);
}
