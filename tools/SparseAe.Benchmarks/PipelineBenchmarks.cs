using BenchmarkDotNet.Attributes;
using SparseAe.Benchmarking;
using SparseAe.MLNet;

namespace SparseAe.Benchmarks;

/// <summary>
/// Fit of the default experiment from an in-memory IDataView, and Transform plus a cursor over 1M
/// rows (MemoryDiagnoser shows that no row allocates): the workloads of `sparseae bench --only fit
/// transform`, timed by BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private FitWorkload? _fit;
    private TransformWorkload? _transform;

    [GlobalSetup]
    public void Setup()
    {
        _fit = new FitWorkload(Defaults.Threads);
        _transform = new TransformWorkload(1_000_000);
    }

    /// <summary>10,000 rows of 64, H = 100, 400 L-BFGS iterations.</summary>
    [Benchmark]
    public SparseAutoencoderTransformer FitDefaultExperiment() => _fit!.Fit();

    /// <summary>Transform of 1M rows, every code read through one cursor.</summary>
    [Benchmark]
    public long TransformMillionRows() => _transform!.ReadAll();
}
