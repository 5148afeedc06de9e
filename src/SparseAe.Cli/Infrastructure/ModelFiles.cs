using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Model;

namespace SparseAe.Cli.Infrastructure;

/// <summary>Loads a saved model zip and finds the autoencoder in it.</summary>
internal static class ModelFiles
{
    public static ITransformer Load(MLContext ml, string path) => Load(ml, path, out _);

    /// <summary>The model and the input schema the zip records: null for one saved without it (MLContext.Model.Save takes null).</summary>
    public static ITransformer Load(MLContext ml, string path, out DataViewSchema? inputSchema)
    {
        CliFiles.RequireInput(path, "Model file");
        // One stream for the check and the load: a file replaced between two opens would reach ML.NET unchecked.
        using var opened = File.OpenRead(path);
        using var file = CliFiles.Seekable(opened, "Model file", path);
        // Before ML.NET opens it: Model.Load makes a folder in TEMP (ml_dotnet_...) first, and leaves it behind
        // when the file is no zip.
        if (NotAWholeZip(path, file) is { } notAZip) throw new UsageException($"Cannot load model '{path}': {notAZip}");
        try
        {
            return ml.Model.Load(file, out inputSchema);
        }
        // ML.NET creates the transformers by reflection, so our loader's InvalidDataException (a CRC that
        // does not match, a truncated block) arrives inside a TargetInvocationException: the innermost names it.
        // ML.NET's own refusals are InvalidOperationException ("Could not load legacy format model") and
        // FormatException; ours, InvalidDataException only (fuzzed: tools/SparseAe.Fuzz). A damaged assembly name
        // in the zip's key (its culture, say) makes .NET's AssemblyName throw ArgumentException (CultureNotFoundException).
        // Microsoft.ML.Tokenizers' own words, "Please reference the package ... in your project", ask what a user of the
        // command cannot do: a model of token counts over an encoding whose data this program does not carry (p50k's).
        catch (Exception e) when (Messages.Chain(e).OfType<SparseAe.MLNet.Text.TokenizerDataMissingException>().FirstOrDefault() is { } missing)
        {
            throw new UsageException($"Cannot load model '{path}': its token counts use the tokenizer encoding '{missing.Encoding}', whose data (NuGet package " +
                $"{missing.Package}) this program does not carry; load the model with MLContext.Model.Load in an application that references that package.", e);
        }
        catch (Exception e) when (Messages.Innermost(e) is FormatException or InvalidDataException or InvalidOperationException or IOException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"Cannot load model '{path}': {Reason(Messages.Innermost(e), file)}", e);
        }
    }

    /// <summary>
    /// The visible columns of <paramref name="schema"/> that <paramref name="transformer"/> reads: each one without
    /// which it refuses the schema (its GetOutputSchema throws). Worked out from the schema alone, no rows read. None when
    /// it refuses the whole schema (a model saved with a schema it does not fit: its input made outside it), which then
    /// tells nothing of what it reads; each column was counted read, so featurize refused a model that reads one of them.
    /// </summary>
    public static DataViewSchema.Column[] ColumnsRead(ITransformer transformer, DataViewSchema schema)
    {
        var columns = schema.Where(c => !c.IsHidden).ToArray();
        if (!Accepts(transformer, columns))
            return [];
        return columns.Where(c => !Accepts(transformer, columns.Where(o => o.Index != c.Index))).ToArray();
    }

    private static bool Accepts(ITransformer transformer, IEnumerable<DataViewSchema.Column> columns)
        => OutputSchemaOrNull(transformer, SchemaOf(columns)) is not null;

    /// <summary>Why <paramref name="transformer"/> refuses <paramref name="schema"/> (ML.NET's schema check, one line), or null when it takes it.</summary>
    public static string? Refusal(ITransformer transformer, DataViewSchema schema) => OutputSchema(transformer, schema).Refusal;

    // The transformer's output schema for input, or null where it refuses input (a column missing or of the wrong type:
    // ML.NET's schema checks throw ArgumentException or InvalidOperationException).
    private static DataViewSchema? OutputSchemaOrNull(ITransformer transformer, DataViewSchema input) => OutputSchema(transformer, input).Output;

    // The one schema check behind both: the output schema, or why the transformer refuses input.
    private static (DataViewSchema? Output, string? Refusal) OutputSchema(ITransformer transformer, DataViewSchema input)
    {
        try
        {
            return (transformer.GetOutputSchema(input), null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return (null, Messages.OneLine(e));
        }
    }

    /// <summary>The schema of only <paramref name="columns"/>, with their types and annotations.</summary>
    public static DataViewSchema SchemaOf(IEnumerable<DataViewSchema.Column> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var c in columns) builder.AddColumn(c.Name, c.Type, c.Annotations);
        return builder.ToSchema();
    }

    /// <summary>The start of a refusal of a model saved without its input schema, for a command that needs it.</summary>
    public static string WithoutInputSchema(string path) => $"Model '{path}' was saved without its input schema (MLContext.Model.Save with null for it)";

    // ML.NET decodes its own entries with a FormatException of few words ("Corrupt model file", or .NET's
    // default "One of the identified items was in an invalid format."); our blocks say what is wrong.
    // An assembly that does not load, inside Model.Load, is one the model names: the CLI's own are loaded.
    private static string Reason(Exception innermost, Stream file) => innermost switch
    {
        // ML.NET found no loader for the part's signature in the assembly the part names (one it did load).
        FormatException when UnknownComponent(innermost, file) is { } unknown => unknown,
        FileNotFoundException or FileLoadException when EarlierThanNamed(innermost) is ({ } named, { } ours) =>
            $"it was saved by {named.Name} {named.Version}, a later version than this program's {ours}, and a model loads only with " +
            $"the version that saved it or a later one; use a {named.Name} of version {named.Version} or later.",
        FormatException => $"the zip does not hold a model ML.NET can decode: an entry is missing, cut short or damaged (ML.NET: {innermost.Message.TrimEnd('.')}).",
        FileNotFoundException or FileLoadException =>
            $"it names a component in an assembly that cannot be loaded, so the zip is damaged or the model needs a package this program lacks ({innermost.Message.Trim().TrimEnd('.')}).",
        ArgumentException => $"the zip does not hold a model ML.NET can decode: an entry is damaged ({Messages.OneLine(innermost).TrimEnd('.')}).",
        // A zip of something else (a folder of text files) says only ML.NET's "Repository doesn't contain entry DataLoaderModel/Model.key".
        InvalidOperationException when innermost.Message.StartsWith("Repository doesn't contain entry", StringComparison.Ordinal) =>
            $"the zip holds no saved ML.NET model: it lacks an entry every saved model has (ML.NET: {innermost.Message.Trim().TrimEnd('.')}); give a zip saved by sparseae train or MLContext.Model.Save.",
        _ => innermost.Message,
    };

    // "Couldn't load model: 'TransformerChain/Transform_1'" names the part whose loader ML.NET did not find; its
    // entry's header names the component and the assembly that was to load it. Null when that cannot be read. Read from the
    // stream the model was loaded from, not the path opened again: a pipe (--model /dev/stdin) is spent, and read as no zip.
    private static string? UnknownComponent(Exception failure, Stream file)
    {
        const string Prefix = "Couldn't load model: '";
        if (!failure.Message.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        int end = failure.Message.IndexOf('\'', Prefix.Length);
        if (end < 0) return null;
        string part = failure.Message[Prefix.Length..end];
        (string Signature, string? AssemblyName)? loader;
        // Asked while a refusal is being worded: a zip that does not read again (damaged, or replaced meanwhile) leaves
        // the plain refusal, never an exception in its place.
        try
        {
            file.Position = 0;
            using var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
            var entry = zip.GetEntry($"{part.Replace('\\', '/')}/Model.key");
            if (entry is null) return null;
            using var stream = entry.Open();
            loader = SparseAe.MLNet.MLNetInternals.ModelPersistence.EntryLoader(stream);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
        if (loader is not (var signature, var assemblyName) || NamedAndOurs(assemblyName) is not var (named, ours)) return null;
        return $"its part '{part}' names the component '{signature}' of {named.Name} {named.Version}, which this program's {ours.Name} {ours.Version} " +
            "does not have: the model was saved by a later build that added that component, or the part is damaged.";
    }

    // A saved entry names the assembly that loads it, version and all (ML.NET's Assembly.Load of that name), and .NET binds
    // a name to the same version or a later one: a model saved by a later build than this program's fails as if its
    // assembly were missing. The name and this program's version of it when so; else nulls.
    private static (System.Reflection.AssemblyName? Named, Version? Ours) EarlierThanNamed(Exception failure)
    {
        string? fileName = failure switch { FileNotFoundException f => f.FileName, FileLoadException f => f.FileName, _ => null };
        return NamedAndOurs(fileName) is ({ Version: { } version } named, { Version: { } ours }) && ours < version ? (named, ours) : (null, null);
    }

    // The assembly a saved entry names, and this program's assembly of that simple name, whatever its version; null for a
    // damaged name (its culture, say) or an assembly this program does not have.
    private static (System.Reflection.AssemblyName Named, System.Reflection.AssemblyName Ours)? NamedAndOurs(string? assemblyName)
    {
        if (assemblyName is null) return null;
        try
        {
            var named = new System.Reflection.AssemblyName(assemblyName);
            return named.Name is null ? null : (named, System.Reflection.Assembly.Load(new System.Reflection.AssemblyName(named.Name)).GetName());
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary>Whether the (seekable) file starts as a zip archive does: "PK" (a file header, or an empty archive's end record).</summary>
    public static bool StartsAsZip(Stream file) => SparseAe.Persistence.ZipEntryCheck.StartsAsZip(Head(file));

    /// <summary>Whether the (seekable) file, open from <paramref name="path"/>, is named or starts as an ONNX graph does.</summary>
    public static bool LooksLikeOnnxGraph(string path, Stream file) => IsOnnxGraph(path, Head(file));

    // A graph by its name, or by its first field: an ONNX ModelProto starts with its ir_version (tag 08, a small varint),
    // so a graph saved or renamed as model.bin or model.zip, which featurize does not run as a graph, is named too. From 3
    // (ONNX 1.0) on: a TensorFlow saved_model.pb starts the same way with its schema version, 1.
    private static bool IsOnnxGraph(string path, byte[] head) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || head is [0x08, >= 3 and < 0x80, ..];

    // The first 4 bytes of a file open already, or all of a shorter one, read from its start; the stream is left there.
    private static byte[] Head(Stream file)
    {
        var head = new byte[4];
        file.Position = 0;
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return head[..read];
    }

    // ML.NET's words for a file that is not a zip at all ("Invalid argument", "End of Central Directory record
    // could not be found") do not say so; nor do .NET's for a zip whose end is missing (a copy cut short): its list
    // of entries is at the end. Every entry's CRC-32, which neither .NET nor ML.NET checks, is checked too: ML.NET's
    // Model.Load never returned on a damaged Schema entry. The same check as ModelCatalog.LoadVerified's.
    private static string? NotAWholeZip(string path, Stream file)
    {
        if (SparseAe.Persistence.ZipEntryCheck.Problem(file) is not { } problem) return null;
        // The hint is worded from the file the check read, not from the path opened again.
        var head = Head(file);
        return head.Length > 0 && !SparseAe.Persistence.ZipEntryCheck.StartsAsZip(head) && IsOnnxGraph(path, head)
            ? $"{problem} This looks like an ONNX graph: featurize runs a graph when its name ends in .onnx, and other commands need the model zip it was exported from."
            : problem;
    }

    /// <summary>
    /// The weights of the model's sparse autoencoder or convolutional featurizer (a chain or a single transformer; of
    /// several, the one whose code <paramref name="column"/> names): for the featurizer, those of the patch autoencoder it holds.
    /// </summary>
    public static AutoencoderWeights Weights(ITransformer model, string path, string? column)
    {
        var (transformers, last) = FeatureTransformer(model, path, column);
        return transformers[last] switch
        {
            SparseAutoencoderTransformer ae => ae.Weights,
            ConvolutionalFeaturizerTransformer conv => new AutoencoderWeights(conv.Featurizer.Parameters),
            var other => throw new System.Diagnostics.UnreachableException($"FeatureTransformer found a {other.GetType().Name}."),
        };
    }

    /// <summary>
    /// What featurize runs: the model's transformers up to its sparse autoencoder or convolutional featurizer (of several,
    /// the one whose code <paramref name="column"/> names)
    /// (the featurizer holds its patch autoencoder inside), and that transformer's input and output columns; and
    /// the transformers that follow it (<c>After</c>), which featurize runs only as far as the CSV's column feeds
    /// them: a classifier and its label's key mapping need columns the CSV does not have ("Could not find input
    /// column 'Label'"), but a rescaling of the code in place (NormalizeMinMax) is part of the features, as in the
    /// model's ONNX graph.
    /// </summary>
    public static (ITransformer Features, ITransformer[] After, string Input, string Output) FeatureStage(ITransformer model, string path, string? column,
        DataViewSchema? inputSchema = null)
    {
        var (transformers, last) = FeatureTransformer(model, path, column);
        var (input, output) = transformers[last] switch
        {
            SparseAutoencoderTransformer ae => (ae.InputColumnName, ae.OutputColumnName),
            ConvolutionalFeaturizerTransformer conv => (conv.InputColumnName, conv.OutputColumnName),
            var other => throw new System.Diagnostics.UnreachableException($"FeatureTransformer found a {other.GetType().Name}."),
        };
        var kept = inputSchema is null ? transformers[..(last + 1)] : Feeding(transformers, last, output, inputSchema);
        var stage = kept.Length == 1 ? kept[0] : new TransformerChain<ITransformer>(kept);
        return (stage, transformers[(last + 1)..], input, output);
    }

    // The transformers up to the last'th (the autoencoder) that its code is computed from, the rest left out: ML.NET's
    // usual pipeline maps the label to a key first (MapValueToKey("Label"), for the classifier after the code), and
    // featurize, which feeds the CSV's rows as one column, refused it for the label it does not have. Walking back from
    // the model's end, a transformer is kept when a column it adds (or replaces) is needed: the code, then what the
    // kept ones read (ColumnsRead). What follows the autoencoder is not kept here (featurize runs it as far as the CSV
    // feeds it), but what replaces the code counts: a Concatenate of the code and a normalized copy of the features needs
    // that copy's normalizer. The stage whole when that cannot be told (a schema it does not fit).
    private static ITransformer[] Feeding(ITransformer[] transformers, int last, string code, DataViewSchema inputSchema)
    {
        var stage = transformers[..(last + 1)];
        var schemas = new List<DataViewSchema> { inputSchema };
        // The stage's schemas, each transformer's input and output, then what follows as far as its schemas can be told.
        foreach (var t in transformers)
        {
            if (OutputSchemaOrNull(t, schemas[^1]) is not { } output) break;
            schemas.Add(output);
        }
        if (schemas.Count <= last + 1) return stage;
        var read = ColumnsRead(stage[^1], schemas[last]).Select(c => c.Name).ToArray();
        if (read.Length == 0) return stage;
        var needed = new HashSet<string> { code };
        for (int i = schemas.Count - 2; i > last; i--)
            Need(transformers[i], schemas[i], schemas[i + 1], needed);
        needed.ExceptWith(Added(schemas[last], schemas[last + 1]));
        needed.UnionWith(read);
        var kept = new List<ITransformer> { stage[^1] };
        for (int i = last - 1; i >= 0; i--)
            if (Need(stage[i], schemas[i], schemas[i + 1], needed)) kept.Add(stage[i]);
        kept.Reverse();
        return [.. kept];
    }

    // Whether the transformer adds (or replaces) a needed column; if so, the columns it reads are needed in its place.
    private static bool Need(ITransformer transformer, DataViewSchema input, DataViewSchema output, HashSet<string> needed)
    {
        var added = Added(input, output);
        if (!added.Overlaps(needed)) return false;
        needed.ExceptWith(added);
        needed.UnionWith(ColumnsRead(transformer, input).Select(c => c.Name));
        return true;
    }

    // The names of the columns a transformer adds or replaces: those its output holds more columns of, hidden or not, than
    // its input, since a replaced column stays, hidden. Not "the columns past its input's": ML.NET (and OutputColumns) put
    // a replacing column right after the one it hides, so NormalizeMinMax("Features") in place was left out, and the
    // code written was that of the raw features, when other columns followed Features.
    private static HashSet<string> Added(DataViewSchema input, DataViewSchema output)
    {
        var before = input.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.Count());
        return output.GroupBy(c => c.Name).Where(g => g.Count() > before.GetValueOrDefault(g.Key)).Select(g => g.Key).ToHashSet();
    }

    // The model's transformers in order (chains flattened) and the index of its sparse autoencoder or convolutional
    // featurizer, the one whose filters show draws and whose code featurize writes: the only one, or the one whose code
    // is the column --output-column names (the last of that name, the one the model's output holds). Of two, neither
    // is taken without being named: stacked, the last is the deeper code; side by side, neither is more the model's.
    private static (ITransformer[] Transformers, int Index) FeatureTransformer(ITransformer model, string path, string? column)
    {
        var transformers = Flatten(model).ToArray();
        var codes = RequireCodes(transformers, path);
        string names = Names(codes.Select(c => c.Code).ToArray());
        if (column is not null)
        {
            // As the code's output is named in the model's ONNX graph ("Code.output") too, so one name serves both.
            int named = Array.FindLastIndex(codes, c => c.Code == column || c.Code + ".output" == column);
            if (named < 0)
                throw new UsageException($"--output-column '{column}' is not the code of a sparse autoencoder or convolutional featurizer in '{path}'; its code{(codes.Length == 1 ? " is" : "s are")} {names}.");
            return (transformers, codes[named].Index);
        }
        if (codes.Length > 1)
            throw new UsageException($"Model '{path}' {ChooseCode(codes.Select(c => c.Code).ToArray())}");
        return (transformers, codes[0].Index);
    }

    /// <summary>
    /// The refusal of a model that holds no sparse autoencoder or convolutional featurizer, which featurize, show and
    /// export-onnx say alike: export-onnx wrote the graph of a PCA alone, and featurize of that graph wrote its projection
    /// as the features of a model whose zip featurize refuses.
    /// </summary>
    public static void RequireCode(ITransformer model, string path) => RequireCodes(Flatten(model).ToArray(), path);

    // The model's codes (Codes), none refused: said with what the model holds (a ZCA alone, token counts, ML.NET's
    // transforms), which the message left to guess.
    private static (int Index, string Code)[] RequireCodes(ITransformer[] transformers, string path)
    {
        var codes = Codes(transformers);
        if (codes.Length == 0)
            throw new UsageException($"Model '{path}' holds no sparse autoencoder or convolutional featurizer; it holds " +
                $"{(transformers.Length == 0 ? "no transform" : string.Join(", ", transformers.Select(t => t.GetType().Name.Split('`')[0])))}.");
        return codes;
    }

    // The code columns of the transformers that are sparse autoencoders or convolutional featurizers, with their indexes.
    // Of codes of one name, the last: it hides the others, so ML.NET's Transform and the model's graph give only it, and
    // asking to choose between 'Code' and 'Code' offered a choice that --output-column could not make.
    private static (int Index, string Code)[] Codes(ITransformer[] transformers)
        => transformers.Select((t, i) => (Index: i, Code: t switch
        {
            SparseAutoencoderTransformer ae => ae.OutputColumnName,
            ConvolutionalFeaturizerTransformer conv => conv.OutputColumnName,
            _ => null,
        })).Where(c => c.Code is not null).Select(c => (c.Index, Code: c.Code!))
        .GroupBy(c => c.Code).Select(g => g.Last()).OrderBy(c => c.Index).ToArray();

    /// <summary>
    /// The code columns of the model's sparse autoencoders and convolutional featurizers, in order: those --output-column
    /// chooses from. export-onnx records them in the graph of a model that holds several, so that featurize's refusal of
    /// that graph can say which to choose in the zip (<see cref="ChooseCode"/>).
    /// </summary>
    public static string[] CodeNames(ITransformer model) => Codes(Flatten(model).ToArray()).Select(c => c.Code).ToArray();

    /// <summary>What featurize and show of a zip that holds several codes say, after "Model 'x.zip' " or "it ".</summary>
    public static string ChooseCode(IReadOnlyList<string> codes)
        => $"holds {codes.Count} sparse autoencoders or convolutional featurizers, whose codes are {Names(codes)}; choose one with --output-column.";

    private static string Names(IReadOnlyList<string> codes)
        => codes.Count == 1 ? $"'{codes[0]}'" : $"{string.Join(", ", codes.Take(codes.Count - 1).Select(c => $"'{c}'"))} and '{codes[^1]}'";

    /// <summary>The transformers of a model in order, chains within chains opened.</summary>
    public static IEnumerable<ITransformer> Flatten(ITransformer t)
    {
        if (t is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
                foreach (var x in Flatten(inner)) yield return x;
        }
        else yield return t;
    }
}
