using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Data.Images;
using SparseAe.Data.Patches;
using SparseAe.MLNet;
using SparseAe.Training;

namespace SparseAe.Benchmarks;

/// <summary>
/// Fit of the default experiment from an in-memory IDataView, and Transform plus a cursor over 1M
/// rows (MemoryDiagnoser shows that no row allocates).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private readonly MLContext _ml = new(seed: 1);
    private IDataView? _patches, _million;
    private SparseAutoencoderTransformer? _model;

    [GlobalSetup]
    public void Setup()
    {
        var images = EmbeddedImages.LoadAll().Select(i => OlshausenWhitening.Whiten(ImageResampling.Downsample(i, 2))).ToArray();
        var rows = PatchSampler.Sample(images, 8, 10_000, 1);
        PatchNormalization.Ufldl(rows, 10_000, 64);
        _patches = _ml.Data.LoadFromRowSource(new ArrayRowSource(rows, 10_000, 64), "Features", 10_000);
        var rng = new Random(3);
        var million = new float[1_000_000 * 64];
        for (int i = 0; i < million.Length; i++) million[i] = (float)rng.NextDouble();
        _million = _ml.Data.LoadFromRowSource(new ArrayRowSource(million, 1_000_000, 64), "Features", 1_000_000);
        _model = _ml.Transforms.SparseAutoencoder("Code", "Features", maxIterations: 5).Fit(_patches);
    }

    /// <summary>10,000 rows of 64, H = 100, 400 L-BFGS iterations.</summary>
    [Benchmark]
    public SparseAutoencoderTransformer FitDefaultExperiment() => _ml.Transforms.SparseAutoencoder("Code", "Features").Fit(_patches!);

    /// <summary>Transform of 1M rows, every code read through one cursor.</summary>
    [Benchmark]
    public long TransformMillionRows()
    {
        var output = _model!.Transform(_million!);
        var column = output.Schema["Code"];
        using var cursor = output.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        long rows = 0;
        while (cursor.MoveNext()) { getter(ref buffer); rows++; }
        return rows;
    }
}
