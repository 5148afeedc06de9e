using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Training;

namespace SparseAe.Benchmarking;

/// <summary>
/// Fit of the default experiment (10,000 rows of 64 floats from the embedded photographs, H = 100,
/// 400 L-BFGS iterations) from an in-memory IDataView, cursoring included: the first Fit in the
/// process (JIT included) and the median of the next three.
/// </summary>
internal static class FitBench
{
    public static IEnumerable<string> Run(int threads)
    {
        const int rows = BenchData.DefaultRows, v = BenchData.DefaultDimension;
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromRowSource(new ArrayRowSource(BenchData.DefaultExperiment(), rows, v), "Features", rows);
        double Fit()
        {
            var clock = Stopwatch.StartNew();
            var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", Threads = threads }).Fit(view);
            if (model.Summary.Iterations != Defaults.MaxIterations) throw new InvalidOperationException($"expected {Defaults.MaxIterations} iterations, ran {model.Summary.Iterations}");
            return clock.Elapsed.TotalSeconds;
        }
        double first = Fit();
        var next = new[] { Fit(), Fit(), Fit() }.Order().ToArray();
        yield return string.Format(CultureInfo.InvariantCulture,
            "fit default rows=10000 V=64 H=100 iterations=400 threads={0} first-seconds={1:F2} median-seconds={2:F2}", threads, first, next[1]);
    }
}
