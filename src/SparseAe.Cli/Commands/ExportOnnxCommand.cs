using System.CommandLine;
using Microsoft.ML;
using SparseAe.Cli.Infrastructure;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Persistence;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae export-onnx --model model.zip --out model.onnx</c>: the whole saved pipeline as an ONNX
/// graph, through ML.NET's own exporter (ConvertToOnnx), written all or nothing.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model zip saved by sparseae train or MLContext.Model.Save.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the ONNX graph.", DefaultValueFactory = _ => "model.onnx" };
        var command = new Command("export-onnx", "Export a saved model as an ONNX graph (standard operators at ML.NET's default opset, 12; the graph is valid from opset 9, a TopK code from 11).") { model, output };
        command.SetAction(r => CommandRunner.Run(() => Run(r.GetValue(model)!, r.GetValue(output)!, Console.Out)));
        return command;
    }

    internal static void Run(string modelPath, string outPath, TextWriter log)
    {
        CliFiles.CheckOutputs([("--model", modelPath)], ("--out", outPath));
        var ml = new MLContext();
        var model = ModelFiles.Load(ml, modelPath, out var inputSchema);
        // The exporter needs only the input schema, which the zip records; no rows are read.
        var input = HostAccess.EmptyView(ml, inputSchema);
        using var memory = new MemoryStream();
        try
        {
            ml.Model.ConvertToOnnx(model, input, memory);
        }
        catch (Exception e) when (Messages.Chain(e).OfType<NotSupportedException>().FirstOrDefault() is { } unsupported)
        {
            throw new UsageException($"Model '{modelPath}' cannot be exported to ONNX: {unsupported.Message}", e);
        }
        // Opened from memory, not read back from --out, which may be a device or a pipe (/dev/stdout).
        byte[] bytes = memory.ToArray();
        using var graph = OnnxGraphFile.Open(bytes, outPath);
        AtomicFile.WriteBytes(outPath, bytes);
        CliFiles.NoteFor(outPath, log).WriteLine($"wrote {outPath}: inputs {string.Join(", ", graph.Inputs)}; outputs {string.Join(", ", graph.Outputs)}");
    }
}
