using System.Text;
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
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            return new OnnxGraphFile(new InferenceSession(path, options));
        }
        catch (OnnxRuntimeException e)
        {
            // ONNX Runtime says "Protobuf parsing failed" of a model zip named .onnx: say what the file is.
            var head = new byte[2];
            using (var file = File.OpenRead(path)) head = head[..file.ReadAtLeast(head, 2, throwOnEndOfStream: false)];
            string what = head.Length == 0 ? " The file is empty."
                : head is [(byte)'P', (byte)'K'] ? " The file is a zip archive, as a saved ML.NET model is: give it a .zip name, or export it with sparseae export-onnx." : "";
            throw new UsageException($"Cannot load ONNX graph '{path}': {e.Message.ReplaceLineEndings(" ")}{what}", e);
        }
    }

    /// <summary>The graph's only input, a float tensor (N, V): its name and V.</summary>
    public (string Name, int Size) VectorInput(string path)
    {
        if (Session.InputMetadata.Count != 1)
            throw new UsageException($"featurize takes a graph with one input, but '{path}' has {Session.InputMetadata.Count}: {string.Join(", ", Inputs)}.");
        var (name, meta) = Session.InputMetadata.First();
        if (meta.ElementType != typeof(float) || meta.Dimensions.Length != 2 || meta.Dimensions[1] < 1)
            throw new UsageException($"The input '{name}' of '{path}' must be a float tensor (N, V), but is {meta.ElementType.Name} [{string.Join(", ", meta.Dimensions)}].");
        return (name, meta.Dimensions[1]);
    }

    /// <summary>
    /// The features output: <paramref name="wanted"/> if given (any float (N, H) output), else the one float
    /// output (N, H) that is not the input passed through. ML.NET's exporter names outputs after their
    /// columns ("Code.output"), so "Features.output" is the input passed through, unless the code replaced
    /// the input column: then it is the graph's only float output, and the code. Its width H is the one the
    /// file declares, null when it leaves it open (symbolic, -1 or unset): then the first batch tells it.
    /// </summary>
    public (string Name, int? Size) FeatureOutput(string path, string inputName, string? wanted)
    {
        var floats = Session.OutputMetadata
            .Where(o => o.Value.ElementType == typeof(float) && o.Value.Dimensions.Length == 2)
            .ToArray();
        if (floats.Length == 0)
            throw new UsageException($"'{path}' has no float (N, H) output; its outputs are {string.Join(", ", Outputs)}.");
        string names = string.Join(", ", floats.Select(c => c.Key));
        if (wanted is not null)
        {
            var found = floats.FirstOrDefault(c => c.Key == wanted || c.Key == wanted + ".output");
            if (found.Key is null) throw new UsageException($"--output-column '{wanted}' is not a float (N, H) output of '{path}'; it has {names}.");
            return (found.Key, DeclaredWidth(path, found.Key));
        }
        var candidates = floats.Where(o => o.Key != inputName + ".output").ToArray();
        if (candidates.Length == 0) candidates = floats;
        if (candidates.Length != 1)
            throw new UsageException($"'{path}' has {candidates.Length} float outputs besides its input ({string.Join(", ", candidates.Select(c => c.Key))}); choose one with --output-column.");
        return (candidates[0].Key, DeclaredWidth(path, candidates[0].Key));
    }

    /// <summary>
    /// The second dim_value of the output's declared shape, read from the protobuf itself: ModelProto.graph (7),
    /// GraphProto.output (12), ValueInfoProto {name (1), type (2)}, TypeProto.tensor_type (1), shape (2),
    /// TensorShapeProto.dim (1), dim_value (1). Null if there is none; the initializers are skipped, not read.
    /// Not ONNX Runtime's width: it reports -1 for a declared width its shape inference contradicts (a MatMul to
    /// 10 declared 20), and may report its own inferred width in place of the declared one.
    /// </summary>
    private static int? DeclaredWidth(string path, string output)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long graphEnd = Field(file, file.Length, 7);
            while (graphEnd >= 0 && file.Position < graphEnd)
            {
                var (number, wire) = Key(file);
                if (number != 12 || wire != 2) { Skip(file, wire, graphEnd); continue; }
                var info = Bytes(file, graphEnd);
                if (Encoding.UTF8.GetString(Parts(info, 1).LastOrDefault() ?? []) != output) continue;
                var dims = Parts(info, 2).SelectMany(t => Parts(t, 1)).SelectMany(t => Parts(t, 2)).SelectMany(s => Parts(s, 1)).ToArray();
                if (dims.Length != 2) return null;
                var dim = new MemoryStream(dims[1]);
                while (dim.Position < dim.Length)
                {
                    var (n, w) = Key(dim);
                    if (n == 1 && w == 0) return Varint(dim) is var v and >= 1 and <= int.MaxValue ? (int)v : null;
                    Skip(dim, w, dim.Length);
                }
                return null;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            // ONNX Runtime has read the file; should this reader not, the width is the first batch's.
        }
        return null;
    }

    // Moves past the fields before the first length-delimited field `number` and returns where it ends; -1 if none.
    private static long Field(Stream s, long end, int number)
    {
        while (s.Position < end)
        {
            var (n, wire) = Key(s);
            if (n == number && wire == 2) return Length(s, end) + s.Position;
            Skip(s, wire, end);
        }
        return -1;
    }

    // The payloads of the length-delimited fields `number` of a small message.
    private static IEnumerable<byte[]> Parts(byte[] message, int number)
    {
        var s = new MemoryStream(message);
        while (s.Position < s.Length)
        {
            var (n, wire) = Key(s);
            if (n == number && wire == 2) yield return Bytes(s, s.Length);
            else Skip(s, wire, s.Length);
        }
    }

    private static (int Number, int Wire) Key(Stream s)
    {
        ulong key = Varint(s);
        return ((int)Math.Min(key >> 3, int.MaxValue), (int)(key & 7));
    }

    private static ulong Varint(Stream s)
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = s.ReadByte();
            if (b < 0) throw new EndOfStreamException();
            v |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return v;
        }
        throw new InvalidDataException("A varint runs over 10 bytes.");
    }

    private static long Length(Stream s, long end)
        => Varint(s) is var n && n <= (ulong)(end - s.Position) ? (long)n : throw new InvalidDataException("A field runs past its message.");

    private static byte[] Bytes(Stream s, long end)
    {
        var bytes = new byte[Length(s, end)];
        s.ReadExactly(bytes);
        return bytes;
    }

    private static void Skip(Stream s, int wire, long end)
    {
        if (wire == 0) { Varint(s); return; }
        long by = wire switch
        {
            1 => 8,
            2 => Length(s, end),
            5 => 4,
            _ => throw new InvalidDataException($"Wire type {wire} is not skipped."),
        };
        if (by > end - s.Position) throw new InvalidDataException("A field runs past its message.");
        s.Seek(by, SeekOrigin.Current);
    }

    public void Dispose() => Session.Dispose();
}
