using SparseAe.Persistence;
using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Cli.Infrastructure;
using SparseAe.Data.Csv;
using SparseAe.MLNet;
using SparseAe.Training;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae featurize --model model.zip --csv in.csv --out features.csv</c>: the hidden code of each
/// row (or a convolutional featurizer's features), by ML.NET's Transform; with <c>--model model.onnx</c>
/// (from <c>sparseae export-onnx</c>) by the graph in ONNX Runtime, so that both can be compared from the shell.
/// </summary>
internal static class FeaturizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model zip saved by sparseae train or MLContext.Model.Save, or an ONNX graph (.onnx) from sparseae export-onnx.", Required = true };
        var csv = new Option<string>("--csv") { Description = "Input vectors, one row each.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the features CSV.", DefaultValueFactory = _ => "features.csv" };
        var column = new Option<string?>("--output-column") { Description = "ONNX only: the graph output to write, when it has several (e.g. Code.output)." };
        var command = new Command("featurize", "Write the hidden code of every CSV row.") { model, csv, output, column };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            string modelPath = r.GetValue(model)!;
            CliFiles.CheckOutputs([("--model", modelPath), ("--csv", r.GetValue(csv))], ("--out", r.GetValue(output)));
            if (modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                OnnxFeaturize.Run(modelPath, r.GetValue(csv)!, r.GetValue(output)!, r.GetValue(column), Console.Out);
            else if (r.GetValue(column) is { } name)
                throw new UsageException($"--output-column '{name}' picks an output of an ONNX graph; from a model zip featurize writes its autoencoder's code, so leave the option out or give an .onnx model.");
            else
                Run(modelPath, r.GetValue(csv)!, r.GetValue(output)!, Console.Out);
        }));
        return command;
    }

    internal static void Run(string modelPath, string csvPath, string outPath, TextWriter log)
    {
        var ml = new MLContext();
        var model = ModelFiles.Load(ml, modelPath, out var inputSchema);
        var (featureInput, outputName) = ModelFiles.FeatureColumns(model, modelPath);
        var (data, rows, columns) = CliFiles.ReadCsv(csvPath);
        // The CSV's rows go into the pipeline's input column ("Features" when saved by `train`): the one
        // float vector of the input schema the zip records, else the column its first transform reads.
        var inputName = OneVectorColumn(inputSchema) ?? FirstInputColumn(model) ?? featureInput;
        var view = ml.Data.LoadFromRowSource(new ArrayRowSource(data, rows, columns), inputName, rows);
        IDataView transformed;
        try
        {
            transformed = model.Transform(view);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UsageException($"'{csvPath}' does not fit the model: {Messages.OneLine(e)}", e);
        }
        // H: the autoencoder's hidden units, or the featurizer's pooled maps (hidden units x pool cells).
        int h = ((VectorDataViewType)transformed.Schema[outputName].Type).Size, r = 0;
        var codes = NewCodes(rows, h, modelPath);
        foreach (var code in transformed.GetColumn<float[]>(outputName))
        {
            code.CopyTo(codes, (long)r * h);
            r++;
        }
        Write(outPath, codes, rows, h, log);
    }

    /// <summary>The array for <paramref name="rows"/> rows of <paramref name="h"/> features, or a usage error when one array cannot hold them.</summary>
    internal static float[] NewCodes(int rows, int h, string modelPath)
    {
        if ((long)rows * h > Array.MaxLength)
            throw new UsageException($"{rows} rows of {h} features from '{modelPath}' are {(long)rows * h} values, more than one array holds ({Array.MaxLength}).");
        try
        {
            return new float[rows * h];
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            throw new UsageException($"{rows} rows of {h} features from '{modelPath}' are {(long)rows * h} values ({(long)rows * h * 4 / 1e9:0.0} GB), " +
                "more than this process can allocate; featurize fewer rows at a time.", e);
        }
    }

    /// <summary>The features CSV, h0..h{H-1}, the same from a zip and from an ONNX graph.</summary>
    internal static void Write(string outPath, float[] codes, int rows, int h, TextWriter log)
    {
        var header = Enumerable.Range(0, h).Select(j => $"h{j}").ToArray();
        AtomicFile.WriteText(outPath, w => VectorCsv.Write(w, codes, rows, h, header));
        // Features sent to a pipe (--out /dev/stdout) are data: the note goes to standard error, not after them.
        CliFiles.NoteFor(outPath, log).WriteLine($"wrote {outPath}: {rows} rows of {h} features");
    }

    private static string? OneVectorColumn(DataViewSchema? schema)
    {
        var vectors = schema?.Where(c => !c.IsHidden && c.Type is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float)).ToArray();
        return vectors is { Length: 1 } ? vectors[0].Name : null;
    }

    private static string? FirstInputColumn(ITransformer model)
    {
        var first = model is IEnumerable<ITransformer> chain ? chain.FirstOrDefault() : model;
        return first is VectorColumnTransformer vt ? vt.InputColumnName : null;
    }
}
