namespace SparseAe.Cli.Tests;

/// <summary>
/// Hand-made ONNX graphs for the tests, which have no ONNX library: a ModelProto (IR version 7, opset 12 of
/// the default domain unless <see cref="Opset"/> says another, and 1 of ai.onnx.ml) with float inputs and outputs (one
/// of each, or any number), written field by field. The field numbers are onnx.proto's; a shape's dimension is a long
/// (dim_value), a string (dim_param) or null (neither), and a shape of null is none declared.
/// </summary>
internal sealed class OnnxGraphWriter
{
    private readonly List<byte[]> nodes = [];
    private readonly List<byte[]> initializers = [];
    private readonly Dictionary<string, string[]> kinds = [];
    private int opset = 12;

    /// <summary>The version of the default domain's operators (Optional is of opset 15).</summary>
    public OnnxGraphWriter Opset(int version)
    {
        opset = version;
        return this;
    }

    /// <summary>Declares the input or output <paramref name="name"/> a sequence of float tensors (TypeProto's sequence_type, 4).</summary>
    public OnnxGraphWriter Sequence(string name) => Kind(name, "sequence");

    /// <summary>
    /// Declares the input or output <paramref name="name"/> of float tensors wrapped, outermost first, in any of "sequence"
    /// (TypeProto's sequence_type, 4), "map" (map_type, 5, of int64 keys) and "optional" (optional_type, 9); "sparse" is a
    /// sparse tensor (sparse_tensor_type, 8) in place of the dense one.
    /// </summary>
    public OnnxGraphWriter Kind(string name, params string[] wrappers)
    {
        kinds[name] = wrappers;
        return this;
    }

    /// <summary>NodeProto: input (1), output (2), op_type (4).</summary>
    public OnnxGraphWriter Node(string opType, string output, params string[] inputs)
    {
        nodes.Add(Message(m =>
        {
            foreach (var input in inputs) String(m, 1, input);
            String(m, 2, output);
            String(m, 4, opType);
        }));
        return this;
    }

    /// <summary>
    /// ai.onnx.ml's ZipMap, which gives a sequence of maps (int64 label to float score), as a classifier converted by
    /// skl2onnx outputs: NodeProto's domain (7) and its attribute (5) classlabels_int64s, an AttributeProto of name (1),
    /// ints (8) and type (20) INTS = 7.
    /// </summary>
    public OnnxGraphWriter ZipMap(string output, string input, params long[] labels)
    {
        nodes.Add(Message(m =>
        {
            String(m, 1, input);
            String(m, 2, output);
            String(m, 4, "ZipMap");
            Bytes(m, 5, Message(a =>
            {
                String(a, 1, "classlabels_int64s");
                foreach (var label in labels) Int(a, 8, label);
                Int(a, 20, 7);
            }));
            String(m, 7, "ai.onnx.ml");
        }));
        return this;
    }

    /// <summary>TensorProto of floats: dims (1), data_type (2) = 1, float_data (4, packed), name (8).</summary>
    public OnnxGraphWriter Floats(string name, long[] dims, float[] values)
    {
        initializers.Add(Tensor(name, dims, 1, 4, Message(m => { foreach (var v in values) m.Write(BitConverter.GetBytes(v)); })));
        return this;
    }

    /// <summary>TensorProto of int64: data_type (2) = 7, int64_data (7, packed varints).</summary>
    public OnnxGraphWriter Int64s(string name, long[] dims, long[] values)
    {
        initializers.Add(Tensor(name, dims, 7, 7, Message(m => { foreach (var v in values) Varint(m, (ulong)v); })));
        return this;
    }

    /// <summary>
    /// ModelProto: ir_version (1), graph (7) {node (1), name (2), initializer (5), input (11), output (12)},
    /// opset_import (8) {domain (1), version (2)}.
    /// </summary>
    public void Save(string path, (string Name, object?[]? Shape) input, (string Name, object?[]? Shape) output) => Save(path, [input], [output]);

    public void Save(string path, (string Name, object?[]? Shape)[] inputs, (string Name, object?[]? Shape)[] outputs)
    {
        var graph = Message(m =>
        {
            foreach (var node in nodes) Bytes(m, 1, node);
            String(m, 2, "hand-made");
            foreach (var tensor in initializers) Bytes(m, 5, tensor);
            foreach (var (name, shape) in inputs) Bytes(m, 11, ValueInfo(name, shape));
            foreach (var (name, shape) in outputs) Bytes(m, 12, ValueInfo(name, shape));
        });
        File.WriteAllBytes(path, Message(m =>
        {
            Int(m, 1, 7);
            Bytes(m, 7, graph);
            Bytes(m, 8, Message(o => { String(o, 1, ""); Int(o, 2, opset); }));
            Bytes(m, 8, Message(o => { String(o, 1, "ai.onnx.ml"); Int(o, 2, 1); }));
        }));
    }

    private static byte[] Tensor(string name, long[] dims, int dataType, int dataField, byte[] packed) => Message(m =>
    {
        Bytes(m, 1, Message(d => { foreach (var dim in dims) Varint(d, (ulong)dim); }));
        Int(m, 2, dataType);
        Bytes(m, dataField, packed);
        String(m, 8, name);
    });

    // ValueInfoProto {name (1), type (2) TypeProto {tensor_type (1) {elem_type (1) = float, shape (2)
    // TensorShapeProto {dim (1) {dim_value (1) | dim_param (2)}}}}}, or sparse_tensor_type (8) of the same fields; wrapped
    // in TypeProto {sequence_type (4) {elem_type (1)}}, {map_type (5) {key_type (1) = int64, value_type (2)}} or
    // {optional_type (9) {elem_type (1)}} of that TypeProto.
    private byte[] ValueInfo(string name, object?[]? shape) => Message(m =>
    {
        String(m, 1, name);
        var dims = shape is null ? null : Message(s =>
        {
            foreach (var dim in shape)
                Bytes(s, 1, Message(d =>
                {
                    if (dim is long value) Int(d, 1, value);
                    else if (dim is string param) String(d, 2, param);
                }));
        });
        var tensor = Message(t => { Int(t, 1, 1); if (dims is not null) Bytes(t, 2, dims); });
        var wrappers = kinds.GetValueOrDefault(name, []);
        var type = Message(t => Bytes(t, wrappers.Contains("sparse") ? 8 : 1, tensor));
        foreach (var wrapper in wrappers.Where(w => w != "sparse").Reverse())
        {
            var inner = type;
            type = wrapper switch
            {
                "sequence" => Message(t => Bytes(t, 4, Message(q => Bytes(q, 1, inner)))),
                "map" => Message(t => Bytes(t, 5, Message(q => { Int(q, 1, 7); Bytes(q, 2, inner); }))),
                "optional" => Message(t => Bytes(t, 9, Message(q => Bytes(q, 1, inner)))),
                _ => throw new ArgumentException($"unknown kind {wrapper}"),
            };
        }
        Bytes(m, 2, type);
    });

    private static byte[] Message(Action<MemoryStream> write)
    {
        var m = new MemoryStream();
        write(m);
        return m.ToArray();
    }

    private static void Varint(Stream s, ulong v)
    {
        for (; v >= 0x80; v >>= 7) s.WriteByte((byte)(v | 0x80));
        s.WriteByte((byte)v);
    }

    private static void Int(Stream s, int field, long value)
    {
        Varint(s, (ulong)(field << 3));   // wire type 0, varint; a negative value takes 10 bytes
        Varint(s, (ulong)value);
    }

    private static void Bytes(Stream s, int field, byte[] bytes)
    {
        Varint(s, (ulong)(field << 3 | 2));   // wire type 2, length-delimited
        Varint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void String(Stream s, int field, string text) => Bytes(s, field, System.Text.Encoding.UTF8.GetBytes(text));
}
