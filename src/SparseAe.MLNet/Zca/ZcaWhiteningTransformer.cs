using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet.Mapping;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Whitening;

namespace SparseAe.MLNet;

/// <summary>
/// A fitted ZCA whitening: appends y = W (x - mu) of each row's input vector (same size and
/// dimensions as the input). Saved and loaded with <c>MLContext.Model</c> like the autoencoder.
/// </summary>
public sealed class ZcaWhiteningTransformer : VectorColumnTransformer
{
    /// <summary>The loader signature stored in saved models. Never change it: saved zips name it.</summary>
    internal const string LoaderSignature = "SparseAeZcaWhiteningXf";

    internal ZcaWhiteningTransformer(string outputColumnName, string inputColumnName, ZcaWhitening whitening, long trainingRows)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Whitening = whitening;
        TrainingRows = trainingRows;
    }

    /// <summary>The whitened column's name.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input vector column's name.</summary>
    public override string InputColumnName { get; }

    /// <summary>The fitted mean and matrix (read-only).</summary>
    public ZcaWhitening Whitening { get; }

    /// <summary>Rows the whitening was estimated from.</summary>
    public long TrainingRows { get; }

    private protected override OutputColumns MakeColumns(DataViewSchema inputSchema, string paramName)
    {
        int d = Whitening.Dimension;
        // The whitened vector keeps the input's dimensions (Vector<Single, 8, 8> stays 8 x 8), as ML.NET's own
        // VectorWhiten does: a pipeline that reshapes or reads the vector as an image after ZCA sees the shape it gave.
        // No slot names: each whitened value mixes every input value.
        var type = inputSchema.GetColumnOrNull(InputColumnName)?.Type is VectorDataViewType { ItemType: NumberDataViewType, Size: var size } input && size == d
            ? new VectorDataViewType(NumberDataViewType.Single, input.Dimensions)
            : new VectorDataViewType(NumberDataViewType.Single, d);
        var column = new ComputedColumn<InputVector>(OutputColumnName, type, input =>
        {
            var y = new float[d];
            var scratch = new float[d];
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
            {
                Whitening.Apply(input.Read(), y, scratch);
                OutputColumns.Write(y, ref dst);
            });
        });
        return new OutputColumns(inputSchema, paramName, InputColumnName, d, "the size the whitening was fitted on", [column]);
    }

    private protected override void WriteOnnx(Onnx.OnnxGraph graph) => Onnx.WhiteningGraph.Write(graph, this);

    private protected override void SaveModel(ModelSaveContext ctx) => ModelPersistence.Save(ctx, this);

    // ML.NET's loader finds this by reflection (LoadableClass in MLNetInternals/ModelPersistence.cs).
    private static ZcaWhiteningTransformer Create(Microsoft.ML.Runtime.IHostEnvironment env, ModelLoadContext ctx)
        => ModelPersistence.LoadZca(env, ctx);
}
