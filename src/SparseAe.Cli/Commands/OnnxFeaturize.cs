using Microsoft.ML.OnnxRuntime;
using SparseAe.Cli.Infrastructure;
using SparseAe.Data.Csv;

namespace SparseAe.Cli.Commands;

/// <summary><c>sparseae featurize --model model.onnx</c>: the CSV's rows through the graph in ONNX Runtime, in batches.</summary>
internal static class OnnxFeaturize
{
    // Rows per Run call: large enough that ONNX Runtime's per-call cost vanishes, small enough for any cache.
    private const int BatchRows = 4096;

    internal static void Run(string modelPath, string csvPath, string outPath, string? outputColumn, TextWriter log)
    {
        using var graph = OnnxGraphFile.Open(modelPath);
        var (inputName, v) = graph.VectorInput(modelPath);
        var (outputName, declared) = graph.FeatureOutput(modelPath, inputName, outputColumn);
        var (data, rows, columns) = CliFiles.ReadCsv(csvPath);
        if (columns != v)
            throw new UsageException($"'{csvPath}' does not fit the graph: its rows have {columns} values, but the input '{inputName}' takes {v}.");
        // A width the graph leaves open is the first batch's; every batch, the first too, must then hold
        // one row of that width for each of its rows. The features are written only after the last batch,
        // so a refusal leaves --out as it was.
        int h = declared ?? 0;
        float[]? codes = null;
        using var options = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        for (int r0 = 0; r0 < rows; r0 += BatchRows)
        {
            int n = Math.Min(BatchRows, rows - r0);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                data.AsMemory(r0 * v, n * v), [n, v]);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = graph.Session.Run(options, [inputName], [input], [outputName]);
            }
            catch (OnnxRuntimeException e)
            {
                throw new UsageException($"ONNX Runtime could not run '{modelPath}' on rows {r0 + 1} to {r0 + n} of '{csvPath}': {e.Message.ReplaceLineEndings(" ").Trim()}", e);
            }
            using (outputs)
            {
                long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
                if (h == 0 && shape is [var m, > 0 and <= int.MaxValue] && m == n) h = (int)shape[1];
                if (shape is not [var got, var width] || got != n || width != h)
                    throw new UsageException($"The output '{outputName}' of '{modelPath}' must have the shape [{n}, {(h == 0 ? "H" : h)}] for rows {r0 + 1} to {r0 + n} " +
                        $"({(declared is not null ? "its width in the graph" : h == 0 ? "a row of features for each row" : "the width of its first batch")}), but ONNX Runtime gave [{string.Join(", ", shape)}].");
                codes ??= FeaturizeCommand.NewCodes(rows, h, modelPath);
                outputs[0].GetTensorDataAsSpan<float>().CopyTo(codes.AsSpan(r0 * h, n * h));
            }
        }
        FeaturizeCommand.Write(outPath, codes ?? [], rows, h, log);
    }
}
