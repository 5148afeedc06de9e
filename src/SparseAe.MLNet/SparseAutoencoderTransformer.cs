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
        Objective = objective;
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
        var columns = new List<ComputedColumn<RowCode>>
        {
            Encoder.Activation == ActivationKind.Sigmoid
                ? new(OutputColumnName, codeType, row => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => OutputColumns.Write(row.Code, ref dst)))
                : new(OutputColumnName, codeType, row => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => SparseCodeColumn.Write(row.Code, ref dst)),
                    SparseCodeColumn.SlotNames(Encoder.HiddenCount)),
        };
        if (ReconstructionErrorColumnName is string errorName)
        {
            columns.Add(new(errorName, NumberDataViewType.Single, row =>
            {
                var scratch = new float[Encoder.VisibleCount];
                return (ValueGetter<float>)((ref float dst) =>
                {
                    var code = row.Code;
                    dst = Encoder.ReconstructionError(row.Input.Read(), code, scratch);
                });
            }));
        }
        return OutputColumns.OverVector(inputSchema, paramName, InputColumnName, Encoder.VisibleCount, "the size the autoencoder was trained on",
            input => new RowCode(Encoder, input), columns);
    }

    /// <summary>
    /// The code of the current row, computed once a row for the code and the error columns of a cursor (<see cref="OncePerRow"/>):
    /// a sparse row through its nonzeros only (nnz x H work, not V x H).
    /// </summary>
    private sealed class RowCode(AutoencoderEncoder encoder, InputVector input) : OncePerRow
    {
        private readonly float[] _code = new float[encoder.HiddenCount];

        /// <summary>The reader of the row's input, which it reads once a row too.</summary>
        public InputVector Input => input;

        public override long Position => input.Position;

        public ReadOnlySpan<float> Code
        {
            get
            {
                Update();
                return _code;
            }
        }

        protected override void Work()
        {
            var row = input.ReadStored();
            if (row.IsSparse) encoder.EncodeSparse(row.Indices, row.Values, _code);
            else encoder.Encode(row.Values, _code);
        }
    }

    private protected override void WriteOnnx(Onnx.OnnxGraph graph) => Onnx.AutoencoderGraph.Write(graph, this);

    private protected override void SaveModel(ModelSaveContext ctx) => ModelPersistence.Save(ctx, this);

    // ML.NET's loader finds this by reflection (LoadableClass in MLNetInternals/ModelPersistence.cs).
    private static SparseAutoencoderTransformer Create(Microsoft.ML.Runtime.IHostEnvironment env, ModelLoadContext ctx)
        => ModelPersistence.LoadAutoencoder(env, ctx);
}
