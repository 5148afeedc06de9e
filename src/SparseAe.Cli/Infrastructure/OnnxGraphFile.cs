using Microsoft.ML.OnnxRuntime;

namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// An ONNX graph opened in ONNX Runtime for featurizing: its one float input (N, V) and the float output
/// that holds the features. A file ONNX Runtime cannot load is a usage error (one line, exit 2), and ONNX
/// Runtime's own log is quiet: what it says of a graph arrives in the exception the user sees.
/// </summary>
internal sealed class OnnxGraphFile : IDisposable
{
    private OnnxGraphFile(InferenceSession session) => Session = session;

    public InferenceSession Session { get; }

    public IReadOnlyList<string> Inputs => Session.InputMetadata.Keys.ToArray();
    public IReadOnlyList<string> Outputs => Session.OutputMetadata.Keys.ToArray();

    public static OnnxGraphFile Open(string path)
    {
        CliFiles.RequireInput(path, "ONNX file");
        return Open(path, options => new InferenceSession(path, options), () =>
        {
            var head = new byte[2];
            using var file = File.OpenRead(path);
            return head[..file.ReadAtLeast(head, 2, throwOnEndOfStream: false)];
        });
    }

    /// <summary>
    /// A graph held in memory, named <paramref name="path"/> in messages: one just exported there, which is
    /// not read back (a device or a pipe such as /dev/stdout cannot be).
    /// </summary>
    public static OnnxGraphFile Open(byte[] graph, string path)
        => Open(path, options => new InferenceSession(graph, options), () => graph[..Math.Min(2, graph.Length)]);

    private static OnnxGraphFile Open(string path, Func<SessionOptions, InferenceSession> load, Func<byte[]> firstTwoBytes)
    {
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            return new OnnxGraphFile(load(options));
        }
        catch (OnnxRuntimeException e)
        {
            // ONNX Runtime says "Protobuf parsing failed" of a model zip named .onnx: say what the file is.
            var head = firstTwoBytes();
            string what = head.Length == 0 ? " The file is empty."
                : head is [(byte)'P', (byte)'K'] ? " The file is a zip archive, as a saved ML.NET model is: give it a .zip name, or export it with sparseae export-onnx." : "";
            throw new UsageException($"Cannot load ONNX graph '{path}': {e.Message.ReplaceLineEndings(" ")}{what}", e);
        }
    }

    /// <summary>
    /// The graph's only input, a float tensor (N, V), or (N, d1, d2, ...) for a vector column of several dimensions
    /// (Vector&lt;Single, 8, 8&gt;: ML.NET's converter declares it so, and our graphs read it flat): its name, V (the
    /// product of the d's), the shape of one row, (V) or (d1, d2, ...), in which each row is fed, and N where the graph
    /// fixes it (torch.onnx.export without dynamic axes: (1, V)), null where it is open.
    /// </summary>
    public (string Name, int Size, long[] RowShape, int? Batch) VectorInput(string path)
    {
        if (Session.InputMetadata.Count == 0)
        {
            // An input that has an initializer is one ONNX Runtime takes as a constant (an overridable initializer): the
            // list of inputs was empty ("has 0: ; featurize the model zip instead"), which said neither why nor the truth.
            var constants = Session.OverridableInitializerMetadata.Keys.ToArray();
            throw new UsageException($"featurize takes a graph with one input, but '{path}' has none" + (constants.Length == 0 ? ""
                : constants.Length == 1 ? $" (its declared input {constants[0]} has an initializer, which ONNX Runtime takes as a constant)"
                : $" (its declared inputs {string.Join(", ", constants)} have initializers, which ONNX Runtime takes as constants)")
                + ", so there is nothing to feed the CSV's rows to.");
        }
        if (Session.InputMetadata.Count > 1)
            // A graph export-onnx wrote already takes only what its pipeline reads (a classifier's label): exporting it
            // again would give the same graph. One ML.NET's converter wrote was given a view of more columns than its
            // pipeline reads, and export-onnx gives only those. Of another's (PyTorch's, a hand-made one) no zip is known.
            throw new UsageException($"featurize takes a graph with one input, but '{path}' has {Session.InputMetadata.Count}: {Listed(Session.InputMetadata)}; " +
                (WrittenByExportOnnx
                    ? "sparseae export-onnx declared only the columns its pipeline reads, so the pipeline reads them all: featurize the model zip instead, which runs the model only as far as its code" +
                      (ZipCodes is { } codes ? "; it " + ModelFiles.ChooseCode(codes) : ".")
                    : ConvertedByMLNet
                    ? "featurize the model zip instead, or export it with sparseae export-onnx, which declares only the columns the pipeline reads."
                    : "featurize feeds the CSV's rows to that one, and ONNX Runtime runs a graph only with a value for each input: " +
                      "give a graph that takes only the input its features are computed from."));
        var (name, meta) = Session.InputMetadata.First();
        var row = IsFloatTensor(meta) ? meta.Dimensions.Skip(1).Select(d => (long)d).ToArray() : [];
        long size = row.Aggregate(1L, (p, d) => d < 1 ? -1 : Math.Min(p * d, (long)int.MaxValue + 1));
        if (!IsFloatTensor(meta) || meta.Dimensions.Length < 2 || size < 1 || size > int.MaxValue)
            throw new UsageException($"The input '{name}' of '{path}' must be a float tensor (N, V), or (N, d1, d2, ...) for a vector of several dimensions, " +
                $"each size after N known and their product at most {int.MaxValue}, but is {TypeAndShape(meta)}.");
        return (name, (int)size, row, meta.Dimensions[0] >= 1 ? meta.Dimensions[0] : null);
    }

    /// <summary>
    /// The features output: <paramref name="wanted"/> if given (any float (N, H) output), else the one the graph's
    /// metadata names (<see cref="FeaturesKey"/>, which export-onnx writes), else the one float
    /// output (N, H) that is not the input passed through. ML.NET's exporter names outputs after their
    /// columns ("Code.output"), so "Features.output" is the input passed through, unless the code replaced
    /// the input column: then it is the graph's only float output, and the code. Its width H is ONNX Runtime's,
    /// null when it is open (symbolic, unset, or a declared width that ONNX Runtime's inference contradicts,
    /// which it reports as -1): then the first batch tells it.
    /// </summary>
    public (string Name, int? Size) FeatureOutput(string path, string inputName, string? wanted)
    {
        var floats = Session.OutputMetadata
            .Where(o => IsFloatTensor(o.Value) && o.Value.Dimensions.Length == 2)
            .ToArray();
        if (floats.Length == 0)
            throw new UsageException($"'{path}' has no float (N, H) output; its outputs are {Listed(Session.OutputMetadata)}.");
        string names = string.Join(", ", floats.Select(c => c.Key));
        if (wanted is not null)
        {
            var found = floats.FirstOrDefault(c => c.Key == wanted || c.Key == wanted + ".output");
            if (found.Key is null) throw new UsageException($"--output-column '{wanted}' is not a float (N, H) output of '{path}'; it has {names}.");
            return (found.Key, Width(found.Value));
        }
        var candidates = floats.Where(o => o.Key != inputName + ".output").ToArray();
        if (NamedFeatures(floats, candidates, path) is { } named) return (named, Width(floats.First(o => o.Key == named).Value));
        if (candidates.Length == 0) candidates = floats;
        if (candidates.Length != 1)
            throw new UsageException($"'{path}' has {candidates.Length} float outputs besides its input ({string.Join(", ", candidates.Select(c => c.Key))}); choose one with --output-column.");
        return (candidates[0].Key, Width(candidates[0].Value));
    }

    /// <summary>
    /// An input's or output's type and shape as the messages say them: "Single [batch, 16]", a size the graph leaves open
    /// said by the name it gives it (torch.onnx.export's dynamic_axes, a dim_param), and "?" where it gives none (ML.NET's
    /// converter writes -1, which ONNX Runtime reports for every open size: "[-1, 16]" read as a size of -1). ONNX Runtime
    /// gives no dimensions both for a scalar and for a tensor whose shape the graph does not declare (nor its shape
    /// inference tell), and the words say so. What is no tensor is named by its kind and what it holds ("a sequence
    /// of Single [N, 4]", "a map from Int64 to ..."), which ONNX Runtime gives as its element's metadata: its own
    /// ElementType and Dimensions throw for it.
    /// </summary>
    private static string TypeAndShape(NodeMetadata meta) => meta.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR or OnnxValueType.ONNX_TYPE_SPARSETENSOR => (meta.OnnxValueType == OnnxValueType.ONNX_TYPE_SPARSETENSOR ? "a sparse tensor of " : "")
            + (meta.Dimensions.Length == 0 ? $"{meta.ElementType.Name}, a scalar or of unknown shape"
                : $"{meta.ElementType.Name} [{string.Join(", ", meta.Dimensions.Select((_, i) => Dimension(meta, i)))}]"),
        OnnxValueType.ONNX_TYPE_SEQUENCE => "a sequence of " + TypeAndShape(meta.AsSequenceMetadata().ElementMeta),
        OnnxValueType.ONNX_TYPE_MAP => $"a map from {meta.AsMapMetadata().KeyDataType} to {TypeAndShape(meta.AsMapMetadata().ValueMetadata)}",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "an optional " + TypeAndShape(meta.AsOptionalMetadata().ElementMeta),
        var other => other.ToString(),
    };

    // Size i of a tensor: its number, or the name the graph gives an open one, "?" where it gives none.
    private static string Dimension(NodeMetadata meta, int i)
        => meta.Dimensions[i] >= 0 ? meta.Dimensions[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
            : meta.SymbolicDimensions[i] is { Length: > 0 } name ? name : "?";

    // Inputs or outputs as a refusal lists them, each with its type and shape: "A (Single [batch, 4]), B (Single [1, 4])".
    private static string Listed(IEnumerable<KeyValuePair<string, NodeMetadata>> nodes) => string.Join(", ", nodes.Select(o => $"{o.Key} ({TypeAndShape(o.Value)})"));

    // Whether the input or output is a dense tensor of floats, as featurize feeds and writes; asked of anything else,
    // ONNX Runtime's ElementType throws ("OnnxValueType must either be a tensor or sparse tensor": a sequence output
    // stopped featurize as an internal error).
    private static bool IsFloatTensor(NodeMetadata meta) => meta.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR && meta.ElementType == typeof(float);

    private static int? Width(NodeMetadata output) => output.Dimensions[1] >= 1 ? output.Dimensions[1] : null;

    /// <summary>
    /// The graph's metadata key (ModelProto.metadata_props) under which export-onnx names the output that holds the
    /// model's code: a ZCA model's graph has two float outputs besides its input (White.output, Code.output), and
    /// featurize asked for --output-column where the zip wrote the code.
    /// </summary>
    public const string FeaturesKey = "sparseae.features";

    /// <summary>
    /// The graph's metadata key under which export-onnx marks every graph it writes (value <see cref="ExporterName"/>):
    /// <see cref="FeaturesKey"/> alone is no mark, as export-onnx writes none where featurize of the zip would not choose a
    /// code (two autoencoders), and such a graph of ours was taken for a foreign one.
    /// </summary>
    public const string ExporterKey = "sparseae.exporter";

    public const string ExporterName = "sparseae export-onnx";

    /// <summary>
    /// The graph's metadata key under which export-onnx lists, as a JSON array, the codes of a model zip that holds several
    /// (<see cref="ModelFiles.CodeNames"/>), where it names no <see cref="FeaturesKey"/>: featurize of the zip asks for one.
    /// </summary>
    public const string CodesKey = "sparseae.codes";

    // The codes export-onnx listed, or null: none listed (one code, or a graph written before the list), or a list unread.
    private string[]? ZipCodes
    {
        get
        {
            if (!Session.ModelMetadata.CustomMetadataMap.TryGetValue(CodesKey, out var json)) return null;
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize<string[]>(json) is { Length: > 1 } codes ? codes : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Whether sparseae export-onnx wrote the graph: it carries <see cref="ExporterKey"/>, or, written before that mark,
    /// <see cref="FeaturesKey"/>, which only export-onnx writes.
    /// </summary>
    public bool WrittenByExportOnnx
        => Session.ModelMetadata.CustomMetadataMap.TryGetValue(ExporterKey, out var exporter) && exporter == ExporterName
            || Session.ModelMetadata.CustomMetadataMap.ContainsKey(FeaturesKey);

    /// <summary>
    /// Whether ML.NET's converter (MLContext.Model.ConvertToOnnx) wrote the graph: its producer_name is "ML.NET". Such a
    /// graph was converted from a model that can be saved as a zip, which export-onnx and featurize take.
    /// </summary>
    private bool ConvertedByMLNet => Session.ModelMetadata.ProducerName == "ML.NET";

    /// <summary>
    /// The output that the graph's metadata names as the features, or null when it names none. One that is not a float
    /// (N, H) output is refused: the guess that follows would take another, even the input passed through, which is not
    /// offered either (<paramref name="others"/>: the float (N, H) outputs besides it).
    /// </summary>
    private string? NamedFeatures(KeyValuePair<string, NodeMetadata>[] floats, KeyValuePair<string, NodeMetadata>[] others, string path)
    {
        if (!Session.ModelMetadata.CustomMetadataMap.TryGetValue(FeaturesKey, out var named)) return null;
        if (floats.Any(o => o.Key == named)) return named;
        string what = Session.OutputMetadata.TryGetValue(named, out var meta)
            ? $"that output is {TypeAndShape(meta)}" : $"it has no such output (its outputs are {Listed(Session.OutputMetadata)})";
        throw new UsageException($"'{path}' names {named} as its features (metadata {FeaturesKey}), but {what}, not a float (N, H) output" + (others.Length > 0
            ? $"; its float (N, H) outputs besides its input are {string.Join(", ", others.Select(o => o.Key))}: choose one with --output-column."
            : $", and its only other float (N, H) output is its input passed through ({floats[0].Key}); featurize writes only a code of floats."));
    }

    /// <summary>
    /// <paramref name="model"/>, a serialized ONNX ModelProto, with one more metadata_props entry, <paramref name="key"/> =
    /// <paramref name="value"/>. A message's fields may come in any order and a repeated field's entries add up
    /// (the protobuf encoding: https://protobuf.dev/programming-guides/encoding/#optional), so the entry is appended:
    /// field 14 of ModelProto (onnx.proto), a StringStringEntryProto of key (field 1) and value (field 2).
    /// </summary>
    public static byte[] WithMetadata(byte[] model, string key, string value)
    {
        var entry = new MemoryStream();
        WriteString(entry, 1, key);
        WriteString(entry, 2, value);
        var result = new MemoryStream(model.Length + (int)entry.Length + 8);
        result.Write(model);
        WriteField(result, 14, entry.ToArray());
        return result.ToArray();

        static void WriteString(Stream s, int field, string text) => WriteField(s, field, System.Text.Encoding.UTF8.GetBytes(text));

        // A length-delimited field: its tag (field number, wire type 2) and its length as varints, then its bytes.
        static void WriteField(Stream s, int field, byte[] bytes)
        {
            WriteVarint(s, (uint)(field << 3 | 2));
            WriteVarint(s, (uint)bytes.Length);
            s.Write(bytes);
        }

        static void WriteVarint(Stream s, uint v)
        {
            for (; v >= 0x80; v >>= 7) s.WriteByte((byte)(v | 0x80));
            s.WriteByte((byte)v);
        }
    }

    public void Dispose() => Session.Dispose();
}
