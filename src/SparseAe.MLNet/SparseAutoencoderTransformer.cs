using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet.Mapping;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>
/// A trained sparse autoencoder in an ML.NET pipeline: appends the code of each row's input vector x as a
/// vector column, h = sigmoid(W1 x + b1) by default, or for a sparse code (ReLU, TopK, JumpReLU) h = f(W1 (x - b2) + b1),
/// the decoder bias taken off the input first, f the activation (W1, b1, b2: <see cref="Weights"/>), and, optionally,
/// the row's reconstruction error.
/// A sparse code (ReLU, TopK, JumpReLU) is a sparse vector of H slots named latent_0 .. latent_{H-1} that
/// stores only its nonzero latents, so ML.NET's trainers take it without densifying it.
/// Save and load it with <c>MLContext.Model</c>; use it through Transform or a PredictionEngine.
/// </summary>
/// <remarks>
/// <c>MLContext.Model.ConvertToOnnx</c> exports it with every activation, the code and the
/// reconstruction-error columns, as standard ONNX operators (opset 9 or later, a TopK code 11; docs/onnx.md).
/// </remarks>
public sealed class SparseAutoencoderTransformer : VectorColumnTransformer
{
    /// <summary>The loader signature stored in saved models. Never change it: saved zips name it.</summary>
    internal const string LoaderSignature = "SparseAutoencoderXf";

    internal SparseAutoencoderTransformer(string outputColumnName, string inputColumnName, string? reconstructionErrorColumnName,
        AutoencoderParameters parameters, ObjectiveSettings objective, TrainingSummary summary)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        ReconstructionErrorColumnName = reconstructionErrorColumnName;
        Encoder = new AutoencoderEncoder(parameters, objective.Decoder, objective.Activation, objective.K);
        Weights = new AutoencoderWeights(parameters);
        Objective = objective.WithUnusedAtDefaults();   // what a saved model reads back
        Summary = summary;
    }

    /// <summary>The code column's name.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input vector column's name.</summary>
    public override string InputColumnName { get; }

    /// <summary>The reconstruction-error column's name, or null when there is none.</summary>
    public string? ReconstructionErrorColumnName { get; }

    /// <summary>The learned parameters, read-only.</summary>
    public AutoencoderWeights Weights { get; }

    /// <summary>rho, beta, lambda and the penalty the model was trained with.</summary>
    public ObjectiveSettings Objective { get; }

    /// <summary>What training did: iterations, exit reason, final cost and terms, mean activations, time, cost history.</summary>
    public TrainingSummary Summary { get; }

    internal AutoencoderEncoder Encoder { get; }

    private protected override OutputColumns MakeColumns(DataViewSchema inputSchema, string paramName)
    {
        var codeType = new VectorDataViewType(NumberDataViewType.Single, Encoder.HiddenCount);
        const string sizeRule = "the size the autoencoder was trained on";
        var slotNames = Encoder.Activation == ActivationKind.Sigmoid ? null : SparseCodeColumn.SlotNames(Encoder.HiddenCount);
        if (ReconstructionErrorColumnName is not string errorName)
        {
            // The code alone: encoded straight into the destination's storage (the sigmoid's; the sparse codes' into the
            // getter's buffer, then their nonzeros), with nothing to share (a shared code cost 8% of Transform's rate here).
            var alone = new ComputedColumn<InputVector>(OutputColumnName, codeType, slotNames is null
                ? input => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                {
                    var editor = VBufferEditor.Create(ref dst, Encoder.HiddenCount);
                    Encode(input.ReadStored(), editor.Values);
                    dst = editor.Commit();
                })
                : input =>
                {
                    var code = new float[Encoder.HiddenCount];
                    return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
                    {
                        Encode(input.ReadStored(), code);
                        SparseCodeColumn.Write(code, ref dst);
                    });
                }, slotNames);
            return new OutputColumns(inputSchema, paramName, InputColumnName, Encoder.VisibleCount, sizeRule, [alone]);
        }

        // The code and the error: the getters of a cursor share the row's code (RowCode), encoded once a row.
        var columns = new ComputedColumn<RowCode>[]
        {
            new(OutputColumnName, codeType, row => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
            {
                if (slotNames is null) OutputColumns.Write(row.Code, ref dst);
                else SparseCodeColumn.Write(row.Code, ref dst);
            }), slotNames),
            new(errorName, NumberDataViewType.Single, row =>
            {
                var scratch = new float[Encoder.VisibleCount];
                return (ValueGetter<float>)((ref float dst) =>
                {
                    var code = row.Code;
                    dst = Encoder.ReconstructionError(row.Input, code, scratch);
                });
            }),
        };
        return OutputColumns.OverVector(inputSchema, paramName, InputColumnName, Encoder.VisibleCount, sizeRule, input => new RowCode(this, input), columns);
    }

    // The code of a row as stored: a sparse row through its nonzeros only (nnz x H work, not V x H).
    private void Encode(StoredRow row, Span<float> code)
    {
        if (row.IsSparse) Encoder.EncodeSparse(row.Indices, row.Values, code);
        else Encoder.Encode(row.Values, code);
    }

    /// <summary>
    /// The code of the current row, computed once a row for the code and the error columns of a cursor (<see cref="OncePerRow"/>),
    /// and the row it was computed from.
    /// </summary>
    private sealed class RowCode(SparseAutoencoderTransformer transformer, InputVector input) : OncePerRow
    {
        private readonly float[] _code = new float[transformer.Encoder.HiddenCount];

        public override long Position => input.Position;

        public ReadOnlySpan<float> Code
        {
            get
            {
                Update();
                return _code;
            }
        }

        /// <summary>The row's input as V dense floats, read once a row with its code.</summary>
        public ReadOnlySpan<float> Input
        {
            get
            {
                Update();
                return input.Last();
            }
        }

        protected override void Work() => transformer.Encode(input.ReadStored(), _code);
    }

    private protected override void WriteOnnx(Onnx.OnnxGraph graph) => Onnx.AutoencoderGraph.Write(graph, this);

    private protected override void SaveModel(ModelSaveContext ctx) => ModelPersistence.Save(ctx, this);

    // ML.NET's loader finds this by reflection (LoadableClass in MLNetInternals/ModelPersistence.cs).
    private static SparseAutoencoderTransformer Create(Microsoft.ML.Runtime.IHostEnvironment env, ModelLoadContext ctx)
        => ModelPersistence.LoadAutoencoder(env, ctx);
}
