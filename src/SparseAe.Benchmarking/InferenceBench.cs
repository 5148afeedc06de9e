using System.Globalization;
using SparseAe.MLNet;
using SparseAe.Model;
using SparseAe.Threading;

namespace SparseAe.Benchmarking;

/// <summary>Encoder throughput (one row at a time, and batches) and Transform plus a cursor in ML.NET.</summary>
internal static class InferenceBench
{
    public static IEnumerable<string> Run(int maxThreads, BenchClock clock)
    {
        const int v = 64, h = 100, rows = 10_000;
        var x = BenchData.Rows(rows, v, 4);
        var encoder = new AutoencoderEncoder(ParameterInitializer.Initialize(v, h, 1));
        var code = new float[h];
        double perRow = clock.Rate(() =>
        {
            for (int i = 0; i < rows; i++) encoder.Encode(x.AsSpan(i * v, v), code);
            return rows;
        });
        yield return $"encode-row V=64 H=100 threads=1 rows/s={BenchData.Rate(perRow)}";

        var codes = new float[rows * h];
        foreach (int threads in BenchMachine.ThreadCounts(maxThreads))
        {
            using var pool = new WorkerPool(threads);
            double batch = clock.Rate(() =>
            {
                pool.Run(threads, t =>
                {
                    int start = rows * t / threads, end = rows * (t + 1) / threads;
                    encoder.EncodeBatch(x.AsSpan(start * v, (end - start) * v), end - start, codes.AsSpan(start * h, (end - start) * h));
                });
                return rows;
            });
            yield return $"encode-batch V=64 H=100 B={rows} threads={threads} rows/s={BenchData.Rate(batch)}";
        }
    }

    /// <summary>
    /// Transform of 1M rows read through a cursor (<see cref="TransformWorkload"/>): rows per second and bytes allocated per row;
    /// then of a model with a reconstruction-error column, each row's code and error read.
    /// </summary>
    public static IEnumerable<string> Transform(BenchClock clock)
    {
        yield return Transform(clock, new TransformWorkload(1_000_000), "transform+cursor");
        yield return Transform(clock, new TransformWorkload(1_000_000, new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", ReconstructionErrorColumnName = "Error", MaxIterations = 3,
        }), "transform+cursor code+error");
    }

    /// <summary>The line of one workload: its rows per second and the bytes allocated per row read, over all the clock's passes.</summary>
    internal static string Transform(BenchClock clock, TransformWorkload workload, string name)
    {
        long allocated = 0, passes = 0;
        double rate = clock.Rate(() =>
        {
            allocated += workload.ReadAll();
            passes++;
            return workload.Rows;
        });
        return string.Format(CultureInfo.InvariantCulture, "{0} rows={1} rows/s={2} allocated-bytes/row={3:F4}",
            name, workload.Rows, BenchData.Rate(rate), (double)allocated / (passes * workload.Rows));
    }
}
