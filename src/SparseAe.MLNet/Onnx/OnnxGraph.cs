using Microsoft.ML.Data;

namespace SparseAe.MLNet.Onnx;

/// <summary>
/// The ONNX graph a transformer writes itself into during <c>MLContext.Model.ConvertToOnnx</c>: a small
/// surface over ML.NET's internal OnnxContext (implemented in MLNetInternals/OnnxExport.cs), so that the
/// graphs themselves are written without ML.NET internals. Only operators of the default domain
/// (ai.onnx) are used, in forms that exist from opset 9 on (Where, ConstantOfShape) and did not change
/// in later opsets (no Reduce*, no Clip, no Squeeze, whose axes or bounds became inputs): the same graph
/// is valid at every opset ML.NET writes (9 to 12; 12 by default). A TopK code needs opset 11 for
/// ScatterElements (its TopK, with K as an input, needs 10).
/// </summary>
internal abstract class OnnxGraph
{
    /// <summary>The opset every graph here needs: 9 (Where, ConstantOfShape).</summary>
    public const int MinimumOpset = 9;

    /// <summary>
    /// The most bytes an ONNX file holds: protobuf's limit on one message, 2^31 - 1. Google.Protobuf writes a
    /// larger model without a word (a 2.4 GB graph of nine 8192-wide ZCAs), which python's onnx cannot
    /// parse, so the graphs' constants are counted against it as they are added.
    /// </summary>
    public const long MaxFileBytes = int.MaxValue;

    /// <summary>Throws NotSupportedException, naming the transformer and <paramref name="why"/>, when the export's opset is below <paramref name="opset"/>.</summary>
    public abstract void RequireOpset(int opset, string why);

    /// <summary>
    /// The variable holding an input column. Call it for every input before <see cref="Output"/>:
    /// an output column may replace an input column of the same name.
    /// </summary>
    public abstract string Input(string columnName);

    /// <summary>A float tensor of the given shape, row-major, stored in the graph.</summary>
    public abstract string Constant(string name, ReadOnlySpan<float> values, params long[] dims);

    /// <summary>An int64 tensor of the given shape (indices, shapes, K).</summary>
    public abstract string Constant(string name, ReadOnlySpan<long> values, params long[] dims);

    /// <summary>A scalar float, broadcast against any tensor.</summary>
    public abstract string Scalar(string name, float value);

    /// <summary>A node of the default domain with one output, a fresh variable; returns its name.</summary>
    public string Node(string op, string[] inputs, params OnnxAttribute[] attributes) => Node(op, inputs, 1, attributes)[0];

    /// <summary>A node of the default domain with <paramref name="outputs"/> fresh output variables.</summary>
    public abstract string[] Node(string op, string[] inputs, int outputs, params OnnxAttribute[] attributes);

    /// <summary>
    /// Makes <paramref name="variable"/>, rows of (N, size) for a vector column or (N, 1) for a single value, the
    /// value of the output column (which ML.NET then exposes as a graph output), with the type that column has in
    /// the transformer's output schema: a vector of several dimensions is given its shape here.
    /// </summary>
    public abstract void Output(string columnName, string variable);

    /// <summary>Shorthands for the binary operators.</summary>
    public string Add(string a, string b) => Node("Add", [a, b]);
    public string Sub(string a, string b) => Node("Sub", [a, b]);
    public string Mul(string a, string b) => Node("Mul", [a, b]);
    public string Div(string a, string b) => Node("Div", [a, b]);
    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    /// <summary>
    /// (..., 1): the sum of each row of <paramref name="x"/> (..., <paramref name="n"/>), as a product with a column of ones
    /// (ReduceSum's axes became an input at opset 13; a product holds at every opset), the ones a constant named <paramref name="name"/>.
    /// </summary>
    public string RowSums(string x, int n, string name = "ones") => MatMul(x, Constant(name, Enumerable.Repeat(1f, n).ToArray(), n, 1));
}

/// <summary>A node attribute: an int64, a float, or a list of int64.</summary>
internal sealed record OnnxAttribute(string Name, object Value)
{
    public static OnnxAttribute Int(string name, long value) => new(name, value);
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, values);
}
