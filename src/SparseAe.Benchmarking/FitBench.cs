using System.Diagnostics;
using System.Globalization;

namespace SparseAe.Benchmarking;

/// <summary>
/// Fit of the default experiment (10,000 rows of 64 floats from the embedded photographs, H = 100,
/// 400 L-BFGS iterations) from an in-memory IDataView, cursoring included (<see cref="FitWorkload"/>):
/// the first Fit in the process and the median of the next three. The first includes the JIT compiling of
/// what the run's earlier parts did not compile: a cold start only with <c>--only fit</c> (measured: a cold
/// Fit compiled 1,422 methods, one after a transform workload 663).
/// </summary>
internal static class FitBench
{
    public static IEnumerable<string> Run(int threads)
    {
        var workload = new FitWorkload(threads);
        double Fit()
        {
            var clock = Stopwatch.StartNew();
            workload.Fit();
            return clock.Elapsed.TotalSeconds;
        }
        double first = Fit();
        double median = BenchClock.Median([Fit(), Fit(), Fit()]);
        yield return string.Format(CultureInfo.InvariantCulture,
            "fit default rows=10000 V=64 H=100 iterations=400 threads={0} first-seconds={1:F2} median-seconds={2:F2}", threads, first, median);
    }
}
