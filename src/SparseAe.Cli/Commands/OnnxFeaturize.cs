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
        var (outputName, h) = graph.FeatureOutput(modelPath, inputName, outputColumn);
        var (data, rows, columns) = CliFiles.ReadCsv(csvPath);
        if (columns != v)
            throw new UsageException($"'{csvPath}' does not fit the graph: its rows have {columns} values, but the input '{inputName}' takes {v}.");
        var codes = new float[(long)rows * h];
        using var options = new RunOptions();
        for (int r0 = 0; r0 < rows; r0 += BatchRows)
        {
            int n = Math.Min(BatchRows, rows - r0);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                data.AsMemory(r0 * v, n * v), [n, v]);
            using var outputs = graph.Session.Run(options, [inputName], [input], [outputName]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(codes.AsSpan(r0 * h, n * h));
        }
        FeaturizeCommand.Write(outPath, codes, rows, h, log);
    }
}
