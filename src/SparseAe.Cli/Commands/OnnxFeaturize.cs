using Microsoft.ML.OnnxRuntime;
using SparseAe.Cli.Infrastructure;
using SparseAe.Training;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae featurize --model model.onnx</c>: the CSV's rows through the graph in ONNX Runtime, in
/// batches read from the file as they are needed, so memory holds one batch whatever the number of rows.
/// </summary>
internal static class OnnxFeaturize
{
    // Rows per Run call: large enough that ONNX Runtime's per-call cost vanishes, small enough for any cache.
    private const int BatchRows = 4096;
    // And of wide rows fewer, the batch's floats at most 64 MB in and out: 4,096 rows of an image input (N, 3, 224, 224)
    // were 2.4 GB, allocated whatever the CSV's rows, which under a 256 MB heap ended in an out-of-memory error for 3 rows.
    private const long OpenBatchFloats = 1 << 24;

    // Rows of a batch the graph leaves open, for V inputs and H outputs a row. An output width the graph leaves open too (H 0)
    // is learned from a first batch of one row: a first batch sized by the inputs alone, 4,096 rows of 64, had ONNX Runtime
    // allocate whatever the rows turned out to be, 16 GB of native memory for rows of 2^20 features.
    internal static int OpenBatchRows(int v, int h) => h == 0 ? 1 : (int)Math.Clamp(OpenBatchFloats / Math.Max(v, h), 1, BatchRows);

    internal static void Run(string modelPath, string csvPath, string outPath, string? outputColumn, TextWriter log, CancellationToken cancel = default)
    {
        using var graph = OnnxGraphFile.Open(modelPath);
        var (inputName, v, rowShape, fixedBatch) = graph.VectorInput(modelPath);
        var (outputName, declared) = graph.FeatureOutput(modelPath, inputName, outputColumn);
        if (fixedBatch is int fixedRows)
        {
            RequireBatchFits(modelPath, (long)fixedRows * v, $"its input '{inputName}' fixes the batch at {fixedRows} rows of {v} values");
            if (declared is int width)
                RequireBatchFits(modelPath, (long)fixedRows * width, $"its output '{outputName}' gives {fixedRows} rows of {width} features (its width in the graph)");
        }
        var source = CliFiles.OpenCsv(csvPath);
        if (source.VectorSize != v)
            throw FeaturizeCommand.RowsOfAnotherWidth(csvPath, source.VectorSize, "graph", $"input '{inputName}'", v);
        using var rows = source.OpenPass(0);
        using var options = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        // A graph of a fixed batch size takes batches of that size, the last filled up with zeros.
        var batch = new float[(long)(fixedBatch ?? OpenBatchRows(v, declared ?? 0)) * v];
        long first = 0;   // the batch's first row, 0-based
        int n = Fill(rows, batch, v);
        var outputs = n > 0 ? RunBatch(graph, options, inputName, outputName, batch, n, v, rowShape, fixedBatch, first, modelPath, csvPath) : null;
        // A width the graph leaves open is the first batch's; every batch, the first too, must then hold one
        // row of that width for each of its rows. The features go to a temporary file that replaces --out only
        // after the last batch, so a refusal leaves --out as it was.
        int h = declared ?? 0;
        try
        {
            if (outputs is not null)
            {
                var features = Features(outputs[0], n, fixedBatch, ref h, declared, first, outputName, modelPath);
                // The input's own output is taken when it is the graph's only float one, for a code that replaced the input
                // column; it is also the input passed through where the code is of another type (a ConvertType to double after
                // the autoencoder, in a graph without export-onnx's metadata), and its features were the CSV's rows.
                if (outputColumn is null && outputName == inputName + ".output" && h == v && features.SequenceEqual(batch.AsSpan(0, n * v)))
                    throw new UsageException($"The only float (N, H) output of '{modelPath}', {outputName}, gives the CSV's rows back unchanged: it is the input " +
                        "passed through, not features (the code is of another type, or the graph has none); featurize writes a code of floats.");
            }
            else if (h == 0)
                throw new UsageException($"'{csvPath}' holds no rows, and the output '{outputName}' of '{modelPath}' leaves its width open, so there is no header to write; give at least one row.");
            FeaturizeCommand.WriteFeatures(outPath, csvPath, h, log, csv =>
            {
                while (outputs is not null)
                {
                    var features = Features(outputs[0], n, fixedBatch, ref h, declared, first, outputName, modelPath);
                    for (int r = 0; r < n; r++) csv.WriteRow(features.Slice(r * h, h));
                    outputs.Dispose();
                    outputs = null;
                    cancel.ThrowIfCancellationRequested();
                    first += n;
                    // The width is known from the first batch on: an open batch grows to the rows that width allows.
                    if (fixedBatch is null && batch.Length / v < OpenBatchRows(v, h)) batch = new float[(long)OpenBatchRows(v, h) * v];
                    n = Fill(rows, batch, v);
                    if (n > 0) outputs = RunBatch(graph, options, inputName, outputName, batch, n, v, rowShape, fixedBatch, first, modelPath, csvPath);
                }
            });
        }
        finally
        {
            outputs?.Dispose();
        }
    }

    // ONNX Runtime's .NET API hands a tensor's data over as one Span<byte>, whose length is an int: of a fixed batch's output past
    // it, GetTensorDataAsSpan threw a bare "Specified argument was out of the range of valid values." after the run. A batch
    // of the graph's fixed size is fed whole, whatever the CSV's rows, so one past it is refused before it is allocated.
    private const long MaxBatchFloats = int.MaxValue / sizeof(float);

    private static void RequireBatchFits(string modelPath, long floats, string what)
    {
        if (floats > MaxBatchFloats)
            throw new UsageException($"A batch of '{modelPath}' must hold at most {MaxBatchFloats} floats (2 GB, as much as ONNX Runtime's .NET API hands over as one block), but {what}: {floats}.");
    }

    // The batch's features, [n, h] row-major (of a fixed batch size's rows, the first n); a width the graph leaves open (h 0)
    // is taken from the first batch.
    private static ReadOnlySpan<float> Features(OrtValue output, int n, int? fixedBatch, ref int h, int? declared, long first, string outputName, string modelPath)
    {
        long[] shape = output.GetTensorTypeAndShape().Shape;
        int run = fixedBatch ?? n;
        if (h == 0 && shape is [var m, > 0 and <= int.MaxValue] && m == run) h = (int)shape[1];
        if (shape is not [var got, var width] || got != run || width != h)
            throw new UsageException($"The output '{outputName}' of '{modelPath}' must have the shape [{run}, {(h == 0 ? "H" : h)}] for rows {first + 1} to {first + n} " +
                $"({(declared is not null ? "its width in the graph" : h == 0 ? "a row of features for each row" : "the width of its first batch")}), but ONNX Runtime gave [{string.Join(", ", shape)}].");
        return output.GetTensorDataAsSpan<float>()[..(n * h)];
    }

    // Up to a batch of rows of the CSV into batch; how many.
    private static int Fill(IRowReader rows, float[] batch, int v)
    {
        int n = 0;
        while (n < batch.Length / v && rows.TryReadRow(batch.AsSpan(n * v, v))) n++;
        return n;
    }

    private static IDisposableReadOnlyCollection<OrtValue> RunBatch(OnnxGraphFile graph, RunOptions options, string inputName, string outputName,
        float[] batch, int n, int v, long[] rowShape, int? fixedBatch, long first, string modelPath, string csvPath)
    {
        // Each row in the input's shape: (n, V), or (n, 8, 8) for a graph over a vector of several dimensions; a batch of
        // a fixed size is filled up with zeros.
        int run = fixedBatch ?? n;
        batch.AsSpan(n * v, (run - n) * v).Clear();
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AsMemory(0, run * v), [run, .. rowShape]);
        try
        {
            return graph.Session.Run(options, [inputName], [input], [outputName]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new UsageException($"ONNX Runtime could not run '{modelPath}' on rows {first + 1} to {first + n} of '{csvPath}': {e.Message.ReplaceLineEndings(" ").Trim()}", e);
        }
    }
}
