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
        var csv = new Option<string>("--csv") { Description = "Input vectors, one row each, as the model takes them: a model that sparseae train fitted on image patches encodes patches prepared as its own were (whitened, normalised; --save-rows writes those), not raw pixels.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the features CSV.", DefaultValueFactory = _ => "features.csv" };
        var column = new Option<string?>("--output-column") { Description = "What to write when the model has several: a graph output (e.g. Code.output), or in a model zip the code column of an autoencoder or convolutional featurizer (e.g. Code)." };
        var command = new Command("featurize", "Write the hidden code of every CSV row.") { model, csv, output, column };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            string modelPath = r.GetValue(model)!;
            CliFiles.CheckOutputs([("--model", modelPath), ("--csv", r.GetValue(csv))], ("--out", r.GetValue(output)));
            bool onnx = modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
            // The rows stream from the CSV to --out's temporary file, so a long run stops at Ctrl+C with --out as it was.
            using var ctrlC = new CtrlC("stopping at the next row (Ctrl+C again to stop at once)");
            if (onnx)
                OnnxFeaturize.Run(modelPath, r.GetValue(csv)!, r.GetValue(output)!, r.GetValue(column), Console.Out, ctrlC.Token);
            else
                Run(modelPath, r.GetValue(csv)!, r.GetValue(output)!, Console.Out, ctrlC.Token, r.GetValue(column));
        }));
        return command;
    }

    /// <summary>
    /// The CSV's rows through the model, one at a time, into the features CSV: memory holds the model and a
    /// row, whatever the number of rows. A bad line found on the way (line 90,000 not a number) stops the
    /// run with --out as it was, since the features go to a temporary file renamed over it at the end.
    /// </summary>
    internal static void Run(string modelPath, string csvPath, string outPath, TextWriter log, CancellationToken cancel = default, string? outputColumn = null)
    {
        var ml = new MLContext();
        var model = ModelFiles.Load(ml, modelPath, out var inputSchema);
        var (features, after, featureInput, outputName) = ModelFiles.FeatureStage(model, modelPath, outputColumn, inputSchema);
        var source = CliFiles.OpenCsv(csvPath);
        // The CSV's rows go into the pipeline's input column ("Features" when saved by `train`): the one float vector of
        // the input schema the zip records, else the one column the stages up to the code read (ModelFiles.ColumnsRead),
        // else the column its first transform reads. A model saved without that schema: the column its first transform
        // reads, if it is ours and says so.
        var inputName = inputSchema is null ? FirstInputColumn(model) ?? throw new UsageException($"{ModelFiles.WithoutInputSchema(modelPath)}, and its first transform, " +
                $"{ModelFiles.Flatten(model).First().GetType().Name.Split('`')[0]}, is not SparseAe's, so the input column the CSV's rows go into is unknown; save the model with the schema of its input data.")
            : OneVectorColumn(inputSchema) ?? NeededColumn(inputSchema, features, modelPath, outputName) ?? FirstInputColumn(model) ?? featureInput;
        // A model that starts from text (token counts) cannot take a CSV of numbers; said so, not as "Input column 'Text'
        // must be text ..., but is Vector<Single, 2>", which reads as a fault of the CSV.
        if (inputSchema is null ? ModelFiles.Flatten(model).First() is TokenCountsTransformer : inputSchema.GetColumnOrNull(inputName)?.Type is TextDataViewType)
            throw new UsageException($"Model '{modelPath}' reads text (its input column '{inputName}' holds a string per row); featurize feeds models rows of numbers " +
                "from a CSV, so it cannot featurize this one: load it with MLContext.Model.Load and call Transform on your texts.");
        // The input column's type as the saved schema records it, when the model reads it from that schema: not from one
        // it does not fit (its input made outside it, the raw data's schema saved), whose Features may be wider or Doubles.
        var recordedType = inputSchema is not null && ModelFiles.ColumnsRead(features, inputSchema).Any(c => c.Name == inputName)
            ? inputSchema[inputName].Type : null;
        // The width the saved schema records, checked here: ML.NET's fitted normalizer (NormalizeMinMax("Features") first)
        // takes a vector of any size at Transform and fails only on reading a row, in an exception that names nothing.
        if (recordedType is VectorDataViewType { Size: > 0 and var width } && width != source.VectorSize)
            throw RowsOfAnotherWidth(csvPath, source.VectorSize, "model", $"input column '{inputName}'", width);
        var view = ml.Data.LoadFromRowSource(source, inputName);
        // The rows as the Doubles the saved schema records: ML.NET's fitted normalizer of Doubles takes the CSV's Single vector
        // at Transform and fails on reading a row ("Invalid TValue: 'VBuffer`1[System.Double]'"). Only Double: ML.NET converts
        // no Single to an integer type, and a model that reads integers through ConvertType takes the Singles as they are.
        if (recordedType is VectorDataViewType { ItemType: NumberDataViewType recordedItem } && recordedItem.RawType == typeof(double))
            view = ml.Transforms.Conversion.ConvertType(inputName, inputName, DataKind.Double).Fit(view).Transform(view);
        IDataView transformed;
        try
        {
            transformed = features.Transform(view);
        }
        // ML.NET's schema refusals, as ModelFiles.ColumnsRead counts them: a value-to-key map fitted on Int32 throws
        // InvalidOperationException ("Could not apply a map over type 'Int32' to column 'K' since it has type 'Single'").
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // An input column of keys (or booleans, dates, integers) the model reads takes no CSV's numbers, whatever the CSV:
            // featurize feeds Singles (Doubles where the schema records them), and ML.NET converts no Single to the others.
            if (recordedType is { } recorded && !((recorded is VectorDataViewType v ? v.ItemType : recorded) is NumberDataViewType n && (n.RawType == typeof(float) || n.RawType == typeof(double))))
                throw new UsageException($"Model '{modelPath}' reads its input column '{inputName}' as {recorded}; featurize feeds models rows of numbers from a CSV " +
                    $"as a vector of Single, which this model refuses (ML.NET: {Messages.OneLine(e).TrimEnd('.')}), so it cannot featurize this one: " +
                    "load it with MLContext.Model.Load and call Transform on your data.", e);
            throw new UsageException($"'{csvPath}' does not fit the model: {Messages.OneLine(e)}", e);
        }
        // What follows the autoencoder runs as far as the CSV's column feeds it, as the whole model ran before and as
        // its ONNX graph does (a NormalizeMinMax of the code rescales the features); from the first transformer that
        // needs a column the CSV lacks (a classifier's label) on, none does. Columns are computed only when read.
        foreach (var next in after)
        {
            try
            {
                transformed = next.Transform(transformed);
            }
            catch (ArgumentOutOfRangeException)
            {
                break;
            }
        }
        var column = transformed.Schema[outputName];
        // H: the autoencoder's hidden units, or the featurizer's pooled maps (hidden units x pool cells). What follows may
        // have replaced the code with another type (a ConvertType to double), which the float getter below cannot read.
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: > 0 } || item.RawType != typeof(float))
            throw new UsageException($"Model '{modelPath}': its code '{outputName}' is {column.Type} once the transforms after its autoencoder have run, " +
                "and featurize writes only a code that is a vector of floats (Single) of known size.");
        int h = ((VectorDataViewType)column.Type).Size;
        WriteFeatures(outPath, csvPath, h, log, csv =>
        {
            using var cursor = transformed.GetRowCursor([column]);
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> code = default;
            var row = new float[h];
            while (cursor.MoveNext())
            {
                cancel.ThrowIfCancellationRequested();
                getter(ref code);
                code.CopyTo(row);
                csv.WriteRow(row);
            }
        });
    }

    /// <summary>
    /// The refusal of a CSV whose rows are not as wide as the input they go into, for a model zip and an ONNX graph alike:
    /// <paramref name="file"/> is what featurize runs ("model", "graph"), <paramref name="input"/> its input as that file
    /// names it ("input column 'Features'", "input 'Features'"), <paramref name="width"/> the values a row of it takes.
    /// </summary>
    internal static UsageException RowsOfAnotherWidth(string csvPath, int rowWidth, string file, string input, int width)
        => new($"'{csvPath}' does not fit the {file}: its rows have {rowWidth} values, but the {file}'s {input} takes {width}.");

    /// <summary>
    /// The features CSV, h0..h{H-1}, the same from a zip and from an ONNX graph: <paramref name="writeRows"/>
    /// writes the rows as they come, into a temporary file that replaces <paramref name="outPath"/> only when
    /// it returns (a device or pipe, --out /dev/stdout, is written straight to).
    /// </summary>
    internal static void WriteFeatures(string outPath, string csvPath, int h, TextWriter log, Action<FeatureRows> writeRows)
    {
        var header = Enumerable.Range(0, h).Select(j => $"h{j}").ToArray();
        long rows = 0;
        CliFiles.Write("--out", outPath, () => AtomicFile.WriteText(outPath, w =>
        {
            var csv = new FeatureRows(new VectorCsvWriter(w, h, header), csvPath, outPath);
            try
            {
                writeRows(csv);
            }
            // A device or pipe has had the rows as they came (the writer's buffer goes out as it is closed): "cancelled: nothing
            // was written" followed thousands of rows on standard output.
            catch (OperationCanceledException e) when (csv.ToDevice)
            {
                throw new CancelledAfterOutput($"the features of the first {csv.Rows} rows were written to --out '{outPath}', a device or pipe, which takes them as they come", e);
            }
            rows = csv.Rows;
        }));
        // Features sent to a pipe (--out /dev/stdout) are data: the note goes to standard error, not after them.
        CliFiles.NoteFor(outPath, log).WriteLine($"wrote {outPath}: {rows} rows of {h} features");
    }

    private static string? OneVectorColumn(DataViewSchema? schema)
    {
        var vectors = schema?.Where(c => !c.IsHidden && c.Type is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float)).ToArray();
        return vectors is { Length: 1 } ? vectors[0].Name : null;
    }

    // The one column of the input schema that the features are computed from (of a schema with other vectors, or a
    // text). Of several, the CSV's one column cannot feed them all (a Concatenate of two vectors before the autoencoder,
    // or a label's key mapping, which the code is not computed from but the stages up to it read): said with their names.
    private static string? NeededColumn(DataViewSchema schema, ITransformer features, string modelPath, string outputName)
    {
        var needed = ModelFiles.ColumnsRead(features, schema).Select(c => c.Name).ToArray();
        if (needed.Length > 1)
            throw new UsageException($"Model '{modelPath}' reads {needed.Length} of its input columns up to its code '{outputName}', " +
                $"{string.Join(", ", needed[..^1].Select(n => $"'{n}'"))} and '{needed[^1]}'; featurize feeds a CSV's rows as one column, " +
                "so it cannot featurize this model: load it with MLContext.Model.Load and call Transform on your data.");
        return needed.Length == 1 ? needed[0] : null;
    }

    private static string? FirstInputColumn(ITransformer model)
    {
        return ModelFiles.Flatten(model).FirstOrDefault() is VectorColumnTransformer vt ? vt.InputColumnName : null;
    }
}

/// <summary>
/// The features CSV's rows, each checked finite: the CSV's values are (its reader refuses the others), so a NaN or an
/// infinity is the model's float arithmetic overflowing on values far beyond its training rows' scale (3e38: inf - inf),
/// written before with exit 0 into a file that train --csv refuses.
/// </summary>
internal sealed class FeatureRows(VectorCsvWriter csv, string csvPath, string outPath)
{
    /// <summary>Rows written so far.</summary>
    public long Rows => csv.Rows;

    /// <summary>Whether --out is a device or pipe, which has each row as it comes, rather than a file replaced at the end.</summary>
    public bool ToDevice { get; } = AtomicFile.IsDeviceOrPipe(Path.GetFullPath(outPath));

    /// <summary>Writes <paramref name="features"/>, one row's, or refuses them naming the row and the value.</summary>
    public void WriteRow(ReadOnlySpan<float> features)
    {
        if (SparseAe.Kernels.VectorKernels.IndexOfNonFinite(features) is var j and >= 0)
            throw new UsageException($"row {csv.Rows + 1} of '{csvPath}' gives the feature h{j} = {features[j].ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
                "though its values are finite: the model's float arithmetic overflowed on them, which values far beyond the scale of its training rows do; " +
                "give rows prepared as those were (sparseae train --save-rows writes them). " +
                (ToDevice ? $"The features of the rows before it went to --out '{outPath}'." : $"--out '{outPath}' is left as it was."));
        csv.WriteRow(features);
    }
}
