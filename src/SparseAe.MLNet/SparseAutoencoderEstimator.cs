using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.Data;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>
/// Trains a sparse autoencoder (Ng's UFLDL formulation) on a vector column and returns a
/// <see cref="SparseAutoencoderTransformer"/> that appends each row's hidden code.
/// </summary>
/// <remarks>
/// Model: h = sigmoid(W1 x + b1), y = sigmoid(W2 h + b2), W1 is (H,V), W2 is (V,H).
/// Cost over m rows: J = (1/(2m)) sum_i ||y_i - x_i||^2 + (lambda/2)(||W1||^2 + ||W2||^2)
/// + beta sum_j KL(rho || rhoHat_j), rhoHat_j = (1/m) sum_i h_ij (or beta (1/m) sum |h| with the L1
/// penalty). Biases are not decayed. The reconstruction term is UFLDL's (divided by m only, not also
/// by V as in the seed TensorFlow code). The decoder is a sigmoid, so inputs should lie in [0, 1].
/// </remarks>
public sealed class SparseAutoencoderEstimator : IEstimator<SparseAutoencoderTransformer>
{
    private readonly IHost _host;
    private readonly SparseAutoencoderOptions _options;

    internal SparseAutoencoderEstimator(IHostEnvironment env, SparseAutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();   // later changes to the caller's object do not reach this estimator
        _options.Validate();
        _host = env.Register(nameof(SparseAutoencoderEstimator));
    }

    private string InputName => _options.InputColumnName ?? _options.OutputColumnName;

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var outputs = new List<(string, SchemaShape.Column.VectorKind)> { (_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector) };
        if (_options.ReconstructionErrorColumnName is string error) outputs.Add((error, SchemaShape.Column.VectorKind.Scalar));
        return InputColumnRules.WithOutputs(inputSchema, InputName, [.. outputs]);
    }

    /// <summary>Trains on the input column of <paramref name="input"/>.</summary>
    public SparseAutoencoderTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = InputColumnRules.Find(input.Schema, InputName, expectedSize: null);
        int v = ((VectorDataViewType)column.Type).Size;
        using var channel = _host.Start("Training");
        void CheckAlive() => HostAccess.CheckAlive(_host);

        int seed = _options.Seed ?? HostAccess.NextSeed(_host);
        var settings = _options.ToTrainerSettings(seed, CheckAlive, TrainingLog.Progress(channel, _options.Progress));

        var rows = new DataViewRows(input, column, v);
        TrainingResult result;
        if (_options.Optimizer == OptimizerKind.Lbfgs)
        {
            // Sizes and memory are checked before any row is read, when the data say how many there are.
            long limit = FullBatchTrainer.MaxRows(v, _options.HiddenCount);
            string network = $"a {v}-{_options.HiddenCount}-{v} autoencoder";
            if (_options.MaximumRows > limit)
                throw new ArgumentOutOfRangeException(nameof(SparseAutoencoderOptions.MaximumRows), _options.MaximumRows,
                    $"MaximumRows is {_options.MaximumRows}, but L-BFGS can hold at most {limit} rows of {network}; lower it or use Optimizer = Adam, which streams.");
            Exception TooMany(long rowCount) => new InvalidOperationException(
                $"Column '{column.Name}' has {rowCount} rows, more than the {limit} rows of {network} that L-BFGS can hold in memory; " +
                "set MaximumRows to train on a random sample of them, or use Optimizer = Adam, which streams every row.");
            long? known = input.GetRowCount();
            if (known > limit && _options.MaximumRows is null) throw TooMany(known.Value);
            if (known is long k)
            {
                long used = Math.Min(k, _options.MaximumRows ?? k);
                MemoryBudget.Ensure(MemoryBudget.FullBatchBytes(v, _options.HiddenCount, used, settings) + 4 * used * v,
                    $"Training {network} with L-BFGS on {used} rows");
            }
            var (data, count, seen) = rows.ReadAll(CheckAlive, _options.MaximumRows ?? limit,
                _options.MaximumRows is null ? null : new Random(seed), () => TooMany(limit + 1));
            if (_options.Decoder == DecoderKind.Sigmoid) WarnIfOutsideUnitInterval(channel, data, column.Name);
            HostAccess.Info(channel, count == seen
                ? $"Training {network} with L-BFGS on {count} rows."
                : $"Training {network} with L-BFGS on a random sample of {count} of {seen} rows (MaximumRows).");
            result = FullBatchTrainer.Train(data, count, v, settings);
        }
        else
        {
            HostAccess.Info(channel, $"Training a {v}-{_options.HiddenCount}-{v} sparse autoencoder with Adam, streaming column '{column.Name}'.");
            try
            {
                result = MiniBatchTrainer.Train(rows, settings);
            }
            catch (ArgumentException e) when (e.ParamName == "source")
            {
                throw rows.NoRows();
            }
        }
        TrainingLog.Finished(channel, result.Summary, seed);
        return new SparseAutoencoderTransformer(_options.OutputColumnName, InputName, _options.ReconstructionErrorColumnName,
            result.Parameters, settings.Objective, result.Summary);
    }

    private static void WarnIfOutsideUnitInterval(IChannel channel, float[] data, string name)
    {
        float min = System.Numerics.Tensors.TensorPrimitives.Min(data), max = System.Numerics.Tensors.TensorPrimitives.Max(data);
        if (min < 0 || max > 1)
            HostAccess.Warning(channel, string.Format(CultureInfo.InvariantCulture,
                "Column '{0}' holds values in [{1:G4}, {2:G4}]; the sigmoid decoder reconstructs only [0, 1], so scale the inputs (UFLDL rescales patches to [0.1, 0.9]).",
                name, min, max));
    }
}
