using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using SparseAe.Cli.Infrastructure;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Persistence;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae export-onnx --model model.zip --out model.onnx</c>: the whole saved pipeline as an ONNX
/// graph, through ML.NET's own exporter (ConvertToOnnx), written all or nothing; of a model that holds a sparse
/// autoencoder or convolutional featurizer, as featurize and show take.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model zip saved by sparseae train or MLContext.Model.Save.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the ONNX graph.", DefaultValueFactory = _ => "model.onnx" };
        var command = new Command("export-onnx", "Export a saved model that holds a sparse autoencoder or convolutional featurizer as an ONNX graph (standard operators at ML.NET's default opset, 12; the graph is valid from opset 9, a TopK code from 11).") { model, output };
        command.SetAction(r => CommandRunner.Run(() => Run(r.GetValue(model)!, r.GetValue(output)!, Console.Out)));
        return command;
    }

    internal static void Run(string modelPath, string outPath, TextWriter log)
    {
        CliFiles.CheckOutputs([("--model", modelPath)], ("--out", outPath));
        var ml = new MLContext();
        var model = ModelFiles.Load(ml, modelPath, out var inputSchema);
        // The graph is the model's features for featurize, which refuses a zip without a code (a PCA alone): its graph
        // was featurized all the same, its projection written as the features.
        ModelFiles.RequireCode(model, modelPath);
        if (inputSchema is null)
            throw new UsageException($"{ModelFiles.WithoutInputSchema(modelPath)}, and ML.NET's ONNX converter declares the graph's inputs from it; save the model with the schema of its input data.");
        // The exporter needs only the input schema, which the zip records; no rows are read. It declares every column given
        // as a graph input, read or not: a model saved with its training data's schema asked ONNX Runtime for the Label it
        // only passed on, and featurize refused the graph ("takes a graph with one input, but ... has 2"). So only the
        // columns the pipeline reads are given (all of them when it reads none, or refuses the whole schema: nothing to choose).
        var read = ModelFiles.ColumnsRead(model, inputSchema);
        // A model saved with a schema it does not fit (its input made outside it: the raw data's schema saved) has no input the
        // graph could declare; the converter's Transform then failed in ML.NET's words alone ("Input column 'Pixels' was not
        // found; the data have columns: 'Features', 'Extra'."), naming neither the model nor its saved schema.
        if (read.Length == 0 && ModelFiles.Refusal(model, inputSchema) is { } refusal)
            throw new UsageException($"Model '{modelPath}' was saved with an input schema it does not fit ({refusal.TrimEnd('.')}); the graph's inputs are declared "
                + "from that schema, so this model cannot be exported: save it with the schema of the data its first transform reads "
                + "(featurize --model of the zip feeds the CSV's rows to that transform all the same).");
        var input = HostAccess.EmptyView(ml, read.Length > 0 ? ModelFiles.SchemaOf(read) : inputSchema);
        using var memory = new MemoryStream();
        try
        {
            ml.Model.ConvertToOnnx(model, input, memory);
        }
        catch (Exception e) when (InputWithoutOnnx(ml, input) is { } column)
        {
            throw new UsageException($"Model '{modelPath}' cannot be exported to ONNX: its input {column}, which ONNX has no type for "
                + $"(ML.NET's converter: \"{Messages.OneLine(Messages.Innermost(e))}\"); the pipeline reads it, so the graph would have to take it: export a pipeline that does not.", e);
        }
        catch (Exception e) when (StageWithoutOnnx(ml, model, input) is { } stage)
        {
            throw new UsageException($"Model '{modelPath}' cannot be exported to ONNX: its {stage} has no ONNX form in ML.NET's converter. "
                + "Export the pipeline without it (ML.NET's own transforms say which of their options have one).", e);
        }
        catch (Exception e) when (Messages.Chain(e).OfType<NotSupportedException>().FirstOrDefault() is { } unsupported)
        {
            // The refusal names the transformer and says "cannot be exported to ONNX" itself.
            throw new UsageException($"Model '{modelPath}': {unsupported.Message}", e);
        }
        // Opened from memory, not read back from --out, which may be a device or a pipe (/dev/stdout).
        byte[] bytes = memory.ToArray();
        OnnxGraphFile graph;
        try
        {
            graph = OnnxGraphFile.Open(bytes, outPath);
        }
        // ML.NET's converter writes some stages as graphs ONNX Runtime refuses (a normalizer of Doubles: a Scaler whose
        // output it declares double, where ONNX's gives float); "Cannot load ONNX graph 'x.onnx'" named a file never written.
        catch (UsageException e) when (e.InnerException is OnnxRuntimeException refused)
        {
            string reason = refused.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
            throw new UsageException($"Model '{modelPath}' cannot be exported to ONNX: ML.NET's converter wrote "
                + $"{(StageWithoutOnnx(ml, model, input, Loads) is { } stage ? $"its {stage}" : "it")}, as a graph that ONNX Runtime refuses "
                + $"(ONNX Runtime: {reason}); export the pipeline without it.", e);
        }
        using var _ = graph;
        // The output that featurize of the zip writes, named in the graph's metadata, so that featurize of the graph writes
        // it too where the graph has other float outputs (a ZCA model's White.output). None for a model whose zip
        // featurize itself asks which (two autoencoders). The entry changes no input or output.
        if (CodeOutput(model, modelPath) is { } code && graph.Outputs.Contains(code))
            bytes = OnnxGraphFile.WithMetadata(bytes, OnnxGraphFile.FeaturesKey, code);
        // Of several, the codes featurize of the zip chooses from, so that the refusal of a graph that takes more than the
        // CSV's column can say how to featurize the zip: without them it said only "featurize the model zip", which then asked which.
        else if (ModelFiles.CodeNames(model) is { Length: > 1 } codes)
            bytes = OnnxGraphFile.WithMetadata(bytes, OnnxGraphFile.CodesKey, System.Text.Json.JsonSerializer.Serialize(codes));
        // Every graph says who wrote it, features named or not, so that featurize's advice on a graph it refuses fits ours.
        bytes = OnnxGraphFile.WithMetadata(bytes, OnnxGraphFile.ExporterKey, OnnxGraphFile.ExporterName);
        CliFiles.Write("--out", outPath, () => AtomicFile.WriteBytes(outPath, bytes));
        CliFiles.NoteFor(outPath, log).WriteLine($"wrote {outPath}: inputs {string.Join(", ", graph.Inputs)}; outputs {string.Join(", ", graph.Outputs)}");
    }

    // The graph output of the code that featurize of the zip writes ("Code.output": ML.NET's converter names an output
    // after its column), or null when featurize of the zip would not choose one.
    private static string? CodeOutput(ITransformer model, string modelPath)
    {
        try
        {
            return ModelFiles.FeatureStage(model, modelPath, null).Output + ".output";
        }
        catch (UsageException)
        {
            return null;
        }
    }

    // ML.NET's converter declares every column it is given as a graph input (here those the pipeline reads), and has no
    // ONNX type for a date, a time or a row id, alone or in a vector ("Unsupported type: System.DateTime", naming no
    // column): the prefix search below blamed the first stage. The columns the converter cannot declare alone, when an
    // empty pipeline over the input fails so; null otherwise.
    private static string? InputWithoutOnnx(MLContext ml, IDataView input)
    {
        if (Declares(ml, input.Schema))
            return null;
        var columns = input.Schema.Where(c => !c.IsHidden && !Declares(ml, OneColumn(c)))
            .Select(c => $"column '{c.Name}' is {(c.Type is VectorDataViewType v ? "a vector of " + v.ItemType.RawType.Name : c.Type.RawType.Name)}").ToList();
        return columns.Count == 0 ? null : string.Join(", and ", columns);
    }

    private static bool Declares(MLContext ml, DataViewSchema schema)
    {
        try
        {
            ml.Model.ConvertToOnnx(new TransformerChain<ITransformer>(), HostAccess.EmptyView(ml, schema), Stream.Null);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static DataViewSchema OneColumn(DataViewSchema.Column column)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(column.Name, column.Type, column.Annotations);
        return builder.ToSchema();
    }

    // ML.NET's converter stops at a stage it cannot write (a LogMeanVariance normaliser with its CDF) with no word of
    // which: "The targeted pipeline can not be fully converted" (InvalidOperationException), or, before one of ours,
    // our "input column has no value in the graph". The first prefix of the pipeline that fails so names the stage
    // ("stage 2 of 3, NormalizingTransformer (columns CodeL)"); null when the first failure is another (ours name themselves).
    // With loads, a prefix that converts but whose graph loads() refuses (ONNX Runtime) names the stage too.
    private static string? StageWithoutOnnx(MLContext ml, ITransformer model, IDataView input, Func<byte[], bool>? loads = null)
    {
        var stages = ModelFiles.Flatten(model).ToArray();
        var schema = input.Schema;
        for (int i = 0; i < stages.Length; i++)
        {
            string Stage()
            {
                var output = stages[i].GetOutputSchema(schema);
                var columns = output.Where(c => !c.IsHidden && (schema.GetColumnOrNull(c.Name) is not { } before || before.Index != c.Index)).Select(c => c.Name);
                string name = stages[i].GetType().Name.Split('`')[0];
                return $"stage {i + 1} of {stages.Length}, {name} (columns {string.Join(", ", columns)})";
            }
            using var prefix = new MemoryStream();
            try
            {
                ml.Model.ConvertToOnnx(new TransformerChain<ITransformer>(stages[..(i + 1)]), input, prefix);
            }
            catch (InvalidOperationException e) when (!Messages.Chain(e).OfType<NotSupportedException>().Any())
            {
                return Stage();
            }
            catch (Exception)
            {
                return null;
            }
            if (loads is not null && !loads(prefix.ToArray()))
                return Stage();
            schema = stages[i].GetOutputSchema(schema);
        }
        return null;
    }

    // Whether ONNX Runtime loads the graph.
    private static bool Loads(byte[] graph)
    {
        try
        {
            using var _ = OnnxGraphFile.Open(graph, "");
            return true;
        }
        catch (UsageException)
        {
            return false;
        }
    }
}
