using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using SparseAe.MLNet;

namespace SparseAe.Benchmarking;

/// <summary>
/// The exported graph against our own inference, in one process on the same rows: the 64-100 sigmoid
/// model of <see cref="TransformWorkload"/> exported with ML.NET's ConvertToOnnx, run by ONNX Runtime
/// in batches (as <c>sparseae featurize --model x.onnx</c>, Spark's and Ray's batch UDFs do), one row at
/// a time, and through ML.NET's ApplyOnnxModel with a cursor (what an ML.NET pipeline gets).
/// </summary>
internal static class OnnxBench
{
    private const int V = 64, H = 100, Rows = 100_000, Batch = 4096;

    public static IEnumerable<string> Run(int maxThreads, BenchClock clock)
    {
        var workload = new TransformWorkload(Rows);
        var graph = workload.ExportOnnx();
        var x = BenchData.Rows(Rows, V, 5);
        foreach (int threads in BenchMachine.ThreadCounts(maxThreads))
        {
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(graph, options);
            double batched = clock.Rate(() => RunBatches(session, x, Batch));
            yield return Line($"onnx-runtime batch={Batch} threads={threads}", batched);
            if (threads == 1) yield return Line("onnx-runtime batch=1 threads=1", clock.Rate(() => RunBatches(session, x.AsMemory(0, 10_000 * V), 1)));
        }
        var ml = new MLContext(seed: 1);
        var path = Path.Combine(Path.GetTempPath(), $"sparseae-bench-{Environment.ProcessId}.onnx");
        try
        {
            // In the try: a write cut short (a full disk) leaves no part of the file behind.
            File.WriteAllBytes(path, graph);
            var view = ml.Data.LoadFromRowSource(new Training.ArrayRowSource(x.AsMemory(0, 20_000 * V), 20_000, V), "Features", 20_000);
            // ApplyOnnxModel names the graph's outputs after their columns (output "Code.output" is column "Code"). One thread, as
            // the line says: without a thread count ONNX Runtime takes one thread a physical core.
            var applied = ml.Transforms.ApplyOnnxModel(new Microsoft.ML.Transforms.Onnx.OnnxOptions
            {
                ModelFile = path, InputColumns = ["Features"], OutputColumns = ["Code.output"], IntraOpNumThreads = 1, InterOpNumThreads = 1,
            }).Fit(view).Transform(view);
            double viaMLNet = clock.Rate(() =>
            {
                var column = applied.Schema["Code"];
                using var cursor = applied.GetRowCursor([column]);
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> buffer = default;
                long n = 0;
                while (cursor.MoveNext()) { getter(ref buffer); n++; }
                return n;
            });
            yield return Line("onnx-apply-onnx-model+cursor threads=1", viaMLNet);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // All rows of x through the graph in batches of `batch` rows; returns the rows done.
    private static long RunBatches(InferenceSession session, ReadOnlyMemory<float> x, int batch)
    {
        int rows = x.Length / V;
        using var runOptions = new RunOptions();
        var data = System.Runtime.InteropServices.MemoryMarshal.AsMemory(x);
        for (int r0 = 0; r0 < rows; r0 += batch)
        {
            int n = Math.Min(batch, rows - r0);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.Slice(r0 * V, n * V), [n, V]);
            using var outputs = session.Run(runOptions, ["Features"], [input], ["Code.output"]);
            if (outputs[0].GetTensorDataAsSpan<float>().Length != n * H) throw new InvalidOperationException("unexpected output size");
        }
        return rows;
    }

    private static string Line(string what, double rate)
        => string.Format(CultureInfo.InvariantCulture, "{0} V={1} H={2} rows/s={3}", what, V, H, BenchData.Rate(rate));
}
