using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using SparseAe.MLNet.Onnx;

namespace SparseAe.MLNet.MLNetInternals;

/// <summary>
/// Takes the project's transformers into ML.NET's own ONNX export (<c>MLContext.Model.ConvertToOnnx</c>).
/// The converter walks back from a pipeline's last view through <c>IDataTransform.Source</c> and asks
/// each view that is an <c>ITransformCanSaveOnnx</c> (both internal) to write its nodes; at the first
/// view that is not, it stops with only a warning and makes that view's columns, ours among them,
/// inputs of the graph: a silently wrong model. So each transformer's view is wrapped here in a view that
/// is both, and writes the transformer's graph through <see cref="OnnxGraph"/>. It says yes to
/// CanSaveOnnx whatever the options: anything that cannot be written throws NotSupportedException from
/// SaveAsOnnx, naming the transformer and the reason, rather than stop the walk and go unnoticed.
/// </summary>
internal static class OnnxExport
{
    /// <summary>
    /// <paramref name="view"/>, the rows <paramref name="model"/> computes from <paramref name="source"/>,
    /// as a view that writes itself into an ONNX graph with <paramref name="write"/>.
    /// </summary>
    public static IDataView Exportable(IDataView view, IDataView source, ICanSaveModel model, string transformerName, Action<OnnxGraph> write)
        => new ExportableView(view, source, model, transformerName, write);

    private sealed class ExportableView(IDataView view, IDataView source, ICanSaveModel model, string name, Action<OnnxGraph> write)
        : ITransformCanSaveOnnx
    {
        public IDataView Source => source;
        public DataViewSchema Schema => view.Schema;
        public bool CanShuffle => view.CanShuffle;
        public long? GetRowCount() => view.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
            => view.GetRowCursor(columnsNeeded, rand);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => view.GetRowCursorSet(columnsNeeded, n, rand);

        public void Save(ModelSaveContext ctx) => model.Save(ctx);

        public bool CanSaveOnnx(OnnxContext ctx) => true;

        public void SaveAsOnnx(OnnxContext ctx)
        {
            var graph = new ContextGraph(ctx, name, source.Schema, view.Schema);
            graph.RequireOpset(OnnxGraph.MinimumOpset, "Where and ConstantOfShape");
            write(graph);
        }
    }

    // The bytes of the constants written so far into each export's graph, by every transformer of the pipeline.
    private static readonly ConditionalWeakTable<OnnxContext, StrongBox<long>> ConstantBytes = new();

    // The bytes a new export's graph starts with, as if constants were written already: 0, except in a test, which so
    // crosses the 2 GB limit with kilobytes of constants. Built for real, 2 GB of constants (eight 8192-wide ZCAs) took
    // the test host to 5 GB of memory. An AsyncLocal: it flows with the setting test's own calls, not into tests beside it.
    private static readonly AsyncLocal<long> StartingBytes = new();

    /// <summary>Until disposed, each export begun on this flow starts its count of constants at <paramref name="bytes"/>.</summary>
    internal static IDisposable StartConstantsAt(long bytes)
    {
        long before = StartingBytes.Value;
        StartingBytes.Value = bytes;
        return new Restore(() => StartingBytes.Value = before);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private sealed class ContextGraph(OnnxContext ctx, string owner, DataViewSchema inputSchema, DataViewSchema outputSchema) : OnnxGraph
    {
        public override string Input(string columnName)
        {
            // A column of the data, or of a stage written before, has a value; one without is the output of a
            // stage ML.NET's converter stopped at, saying nothing: name the cause, which the user can act on.
            if (!ctx.ContainsColumn(columnName))
                throw new NotSupportedException($"{owner} cannot be exported to ONNX: its input column '{columnName}' has no value in the graph, "
                    + "so the stage that computes it was not written: ML.NET's converter has no ONNX form for it (a LogMeanVariance normaliser with its CDF has none). "
                    + "Export the pipeline without that stage.");
            string variable = ctx.GetVariableName(columnName);
            // A vector of several dimensions (Vector<Single, 3, 32, 32> from ExtractPixels or an ONNX model's output)
            // is a graph input of shape (N, 3, 32, 32), while the graphs here read rows of (N, d), as Transform reads the
            // vector flat: its Sub, MatMul or Gather failed to load in ONNX Runtime ("Incompatible dimensions").
            if (inputSchema.GetColumnOrNull(columnName)?.Type is VectorDataViewType { Dimensions.Length: > 1 } vector)
                variable = Reshaped(variable, "input_rows_shape", -1L, vector.Size);
            return variable;
        }

        public override string Constant(string name, ReadOnlySpan<float> values, params long[] dims)
        {
            Count(name, values.Length, sizeof(float));
            return ctx.AddInitializer(values.ToArray(), dims, $"{owner}.{name}");
        }

        public override string Constant(string name, ReadOnlySpan<long> values, params long[] dims)
        {
            Count(name, values.Length, sizeof(long));
            return ctx.AddInitializer(values.ToArray(), dims, $"{owner}.{name}");
        }

        // Before the copy: a constant that would take the graph past what one ONNX file holds is refused, naming
        // it and the sizes. (int64 values are written as varints: 8 bytes is their fixed width, our indices take at most 5.)
        private void Count(string name, int count, int width)
        {
            var total = ConstantBytes.GetValue(ctx, _ => new StrongBox<long>(StartingBytes.Value));
            long bytes = (long)count * width;
            if (total.Value + bytes > MaxFileBytes)
                throw new NotSupportedException(
                    $"{owner} cannot be exported to ONNX: its constant '{name}' ({count} values, {bytes} bytes) takes the graph's constants to {total.Value + bytes} bytes, " +
                    $"and an ONNX file holds at most {MaxFileBytes} bytes (protobuf's limit).");
            total.Value += bytes;
        }

        public override void RequireOpset(int opset, string why)
        {
            try
            {
                ctx.CheckOpSetVersion(opset, owner);
            }
            catch (ArgumentOutOfRangeException e)
            {
                // ML.NET's own check throws ArgumentOutOfRangeException; the rule is ours to state.
                throw new NotSupportedException($"{owner} cannot be exported at the requested ONNX opset: it needs opset {opset} or later ({why}). {e.Message}", e);
            }
        }

        public override string Scalar(string name, float value)
        {
            Count(name, 1, sizeof(float));
            return ctx.AddInitializer(value, $"{owner}.{name}");
        }

        public override string[] Node(string op, string[] inputs, int outputs, params OnnxAttribute[] attributes)
        {
            // Temporaries are not columns: skip = true gives a unique variable name and declares no type.
            var names = new string[outputs];
            for (int i = 0; i < outputs; i++) names[i] = ctx.AddIntermediateVariable(null, $"{owner}.{op}", skip: true);
            // "" is the default domain (ai.onnx); ML.NET's converter takes null as ai.onnx.ml.
            var node = ctx.CreateNode(op, inputs, names, ctx.GetNodeName($"{owner}.{op}"), "");
            foreach (var a in attributes)
            {
                switch (a.Value)
                {
                    case long value: node.AddAttribute(a.Name, value); break;
                    case long[] values: node.AddAttribute(a.Name, (IEnumerable<long>)values); break;
                    default: throw new ArgumentException($"Attribute {a.Name} of {op}: {a.Value.GetType().Name} values are not written.", nameof(attributes));
                }
            }
            return names;
        }

        // The rows of `variable` in the given shape (-1: the batch), the shape a constant of the graph.
        private string Reshaped(string variable, string shapeName, params long[] shape) => Node("Reshape", [variable, Constant(shapeName, shape, shape.Length)]);

        public override void Output(string columnName, string variable)
        {
            // The type Transform gives the column (the last of that name: an output may replace an input), from which
            // ML.NET declares the graph output's shape. The graphs compute rows of (N, d); a column of several
            // dimensions (ZCA keeps its input's) is declared (N, 8, 8), so the rows are given that shape.
            var type = outputSchema[columnName].Type;
            if (type is VectorDataViewType { Dimensions.Length: > 1 } vector)
                variable = Reshaped(variable, $"{columnName}_shape", [-1L, .. vector.Dimensions.Select(x => (long)x)]);
            string output = ctx.AddIntermediateVariable(type, columnName);
            ctx.CreateNode("Identity", variable, output, ctx.GetNodeName($"{owner}.Identity"), "");
        }
    }
}
