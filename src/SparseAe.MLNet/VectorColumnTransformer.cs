using Microsoft.ML;
using Microsoft.ML.Data;

using SparseAe.MLNet.Mapping;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.MLNet.Onnx;

namespace SparseAe.MLNet;

/// <summary>
/// The ITransformer plumbing shared by the project's transformers, which each add columns computed
/// from one input column (a vector; text for TokenCounts), row by row: Transform returns a lazy view, GetRowToRowMapper
/// serves PredictionEngine and chains, and the view writes the transformer into an ONNX graph when
/// <c>MLContext.Model.ConvertToOnnx</c> exports a pipeline (docs/onnx.md).
/// </summary>
public abstract class VectorColumnTransformer : ITransformer
{
    private protected VectorColumnTransformer() { }

    /// <summary>The input column's name.</summary>
    public abstract string InputColumnName { get; }

    /// <summary>
    /// The columns over <paramref name="inputSchema"/>; a schema that breaks the input column's rules is refused
    /// as <paramref name="paramName"/>, the public method's parameter (ML.NET's names: inputSchema, or Transform's input).
    /// </summary>
    private protected abstract OutputColumns MakeColumns(DataViewSchema inputSchema, string paramName);

    /// <summary>Always true: the transform maps each row on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return MakeColumns(inputSchema, nameof(inputSchema)).OutputSchema;
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return OnnxExport.Exportable(new MappedDataView(input, MakeColumns(input.Schema, nameof(input))), input, this, GetType().Name, WriteOnnx);
    }

    /// <summary>Writes this transformer's columns as ONNX nodes (see the graphs in the Onnx folder).</summary>
    private protected abstract void WriteOnnx(OnnxGraph graph);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new VectorRowMapper(MakeColumns(inputSchema, nameof(inputSchema)));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => SaveModel(ctx);

    private protected abstract void SaveModel(ModelSaveContext ctx);
}
