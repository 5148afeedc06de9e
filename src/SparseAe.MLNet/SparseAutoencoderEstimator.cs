using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.DataViews;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>
/// Trains a sparse autoencoder (Ng's UFLDL formulation) on a vector column and returns a
/// <see cref="SparseAutoencoderTransformer"/> that appends each row's hidden code.
/// </summary>
/// <remarks>
/// The default model (Activation Sigmoid, Decoder Sigmoid): h = sigmoid(W1 x + b1), y = sigmoid(W2 h + b2),
/// W1 is (H,V), W2 is (V,H).
/// Cost over m rows: J = (1/(2m)) sum_i ||y_i - x_i||^2 + (lambda/2)(||W1||^2 + ||W2||^2)
/// + beta sum_j KL(rho || rhoHat_j), rhoHat_j = (1/m) sum_i h_ij (or beta (1/m) sum |h| with the L1
/// penalty). Biases are not decayed. The reconstruction term is UFLDL's (divided by m only, not also
/// by V as in the seed TensorFlow code). A sigmoid decoder reconstructs only [0, 1], so its inputs should
/// lie there (Fit warns otherwise); Decoder Linear reconstructs any range. The sparse codes (Activation
/// ReLU, TopK, JumpReLU) have a linear decoder with unit-norm columns and their own penalties
/// (docs/sparse-codes.md).
/// </remarks>
public sealed class SparseAutoencoderEstimator : IEstimator<SparseAutoencoderTransformer>
{
    private readonly IHost _host;
    private readonly SparseAutoencoderOptions _options;

    internal SparseAutoencoderEstimator(IHostEnvironment env, SparseAutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        _options = (SparseAutoencoderOptions)options.Clone();   // later changes to the caller's object do not reach this estimator
        _options.Validate();
        _host = env.Register(nameof(SparseAutoencoderEstimator));
    }

    private string InputName => _options.InputColumnName ?? _options.OutputColumnName;

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        // A sparse code's column names its latents (SlotNames), as the transformer's does; the sigmoid's does not.
        var outputs = new List<OutputShape> { new(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, SlotNames: _options.Activation != ActivationKind.Sigmoid) };
        if (_options.ReconstructionErrorColumnName is string error) outputs.Add(new(error, SchemaShape.Column.VectorKind.Scalar));
        return InputColumnRules.WithOutputs(inputSchema, InputName, [.. outputs]);
    }

    /// <summary>Trains on the input column of <paramref name="input"/>.</summary>
    public SparseAutoencoderTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = InputColumnRules.Find(input.Schema, nameof(input), InputName, expectedSize: null);
        int v = ((VectorDataViewType)column.Type).Size;
        using var channel = _host.Start("Training");
        int seed = _options.Seed ?? HostAccess.NextSeed(_host);
        var settings = _options.ToTrainerSettings(seed, () => HostAccess.CheckAlive(_host), channel);
        var result = AutoencoderTraining.Run(new DataViewRows(input, column, v), settings);
        TrainingLog.Finished(channel, result.Summary, seed);
        return new SparseAutoencoderTransformer(_options.OutputColumnName, InputName, _options.ReconstructionErrorColumnName,
            result.Parameters, settings.Objective, result.Summary);
    }
}
