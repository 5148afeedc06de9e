using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using SparseAe.Benchmarking;
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
        _memory = _ml.Data.LoadFromRowSource(new ArrayRowSource(BenchData.Rows(Rows, 64, 4), Rows, 64), "Features", Rows);
        _path = Path.Combine(Path.GetTempPath(), $"sparseae-bdn-{Environment.ProcessId}.idv");
        StreamingBench.WriteIdv(_ml, _memory, _path);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    private SparseAutoencoderEstimator Adam() => _ml.Transforms.SparseAutoencoder(StreamingBench.AdamOptions(Defaults.Threads));

    [Benchmark(Baseline = true)]
    public SparseAutoencoderTransformer FromMemory() => Adam().Fit(_memory!);

    [Benchmark]
    public SparseAutoencoderTransformer FromIdvFile() => Adam().Fit(_ml.Data.LoadFromBinary(_path));
}
