using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Training;

namespace SparseAe.Benchmarks;

/// <summary>
/// Adam epochs streamed from an ML.NET binary file (.idv) on disk against the same rows in memory
/// (1M rows of 64 here; `sparseae bench --only streaming` runs the 10M-row figure with peak memory).
/// </summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private const int Rows = 1_000_000;
    private readonly MLContext _ml = new(seed: 1);
    private string _path = "";
    private IDataView? _memory;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(4);
        var x = new float[Rows * 64];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.1 + 0.8 * rng.NextDouble());
        _memory = _ml.Data.LoadFromRowSource(new ArrayRowSource(x, Rows, 64), "Features", Rows);
        _path = Path.Combine(Path.GetTempPath(), $"sparseae-bdn-{Environment.ProcessId}.idv");
        using var file = File.Create(_path);
        _ml.Data.SaveAsBinary(_memory, file);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    private SparseAutoencoderEstimator Adam() => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = "Features", Optimizer = OptimizerKind.Adam, Epochs = 2, BatchSize = 1024,
    });

    [Benchmark(Baseline = true)]
    public SparseAutoencoderTransformer FromMemory() => Adam().Fit(_memory!);

    [Benchmark]
    public SparseAutoencoderTransformer FromIdvFile() => Adam().Fit(_ml.Data.LoadFromBinary(_path));
}
