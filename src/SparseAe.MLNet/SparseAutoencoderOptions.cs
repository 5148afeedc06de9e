using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>Options of <see cref="SparseAutoencoderEstimator"/>. Every default comes from <see cref="Defaults"/>.</summary>
public sealed class SparseAutoencoderOptions
{
    /// <summary>Name of the output column: a vector of <c>HiddenCount</c> Single values, the code h.</summary>
    public string OutputColumnName { get; set; } = "Code";

    /// <summary>Name of the input column, a known-size vector of Single; null means <see cref="OutputColumnName"/>.</summary>
    public string? InputColumnName { get; set; }

    /// <summary>Optional Single column with each row's mean squared reconstruction error (1/V)||y - x||^2; null for none.</summary>
    public string? ReconstructionErrorColumnName { get; set; }

    /// <summary>H, the hidden units (the size of the code).</summary>
    public int HiddenCount { get; set; } = Defaults.HiddenCount;

    /// <summary>rho, the target mean activation of each hidden unit, in (0, 1).</summary>
    public double SparsityTarget { get; set; } = Defaults.SparsityTarget;

    /// <summary>beta, the weight of the sparsity penalty, at least 0.</summary>
    public double SparsityWeight { get; set; } = Defaults.SparsityWeight;

    /// <summary>lambda, the weight decay on W1 and W2 (not on biases), at least 0.</summary>
    public double WeightDecay { get; set; } = Defaults.WeightDecay;

    /// <summary>KL divergence toward rho (UFLDL) or L1 on the activations.</summary>
    public SparsityPenalty Penalty { get; set; } = Defaults.Penalty;

    /// <summary>Sigmoid decoder (inputs in [0, 1], UFLDL's sparse autoencoder) or linear decoder (any range, e.g. ZCA-whitened).</summary>
    public DecoderKind Decoder { get; set; } = Defaults.Decoder;

    /// <summary>L-BFGS over all rows in memory (default), or streaming mini-batch Adam.</summary>
    public OptimizerKind Optimizer { get; set; } = Defaults.Optimizer;

    /// <summary>L-BFGS iterations at most.</summary>
    public int MaxIterations { get; set; } = Defaults.MaxIterations;

    /// <summary>L-BFGS correction pairs kept.</summary>
    public int LbfgsMemory { get; set; } = Defaults.LbfgsMemory;

    /// <summary>Adam: passes over the data.</summary>
    public int Epochs { get; set; } = Defaults.Epochs;

    /// <summary>Adam: rows per mini-batch.</summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Adam: step size.</summary>
    public double LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>Adam: rows held by the streaming shuffle.</summary>
    public int ShufflePoolRows { get; set; } = Defaults.ShufflePoolRows;

    /// <summary>Seed of the initial weights and the shuffle.</summary>
    public int Seed { get; set; } = Defaults.Seed;

    /// <summary>Worker threads; 0 means one per core. Results are deterministic per seed and thread count.</summary>
    public int Threads { get; set; } = Defaults.Threads;

    /// <summary>Called after every L-BFGS iteration and every Adam epoch.</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>Cancels training (Fit throws OperationCanceledException); MLContext.CancelExecution works too.</summary>
    public CancellationToken CancellationToken { get; set; }

    internal TrainerSettings ToTrainerSettings(Action? checkCancellation, Action<TrainingProgress>? progress) => new()
    {
        HiddenCount = HiddenCount,
        Objective = new Objective.ObjectiveSettings(SparsityTarget, SparsityWeight, WeightDecay, Penalty, Decoder),
        Optimizer = Optimizer,
        MaxIterations = MaxIterations,
        LbfgsMemory = LbfgsMemory,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        ShufflePoolRows = ShufflePoolRows,
        Seed = Seed,
        Threads = Threads,
        Progress = progress,
        CancellationToken = CancellationToken,
        CheckCancellation = checkCancellation,
    };

    /// <summary>Throws ArgumentException naming the first option out of range.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputColumnName))
            throw new ArgumentException($"OutputColumnName must be a non-empty column name, but is '{OutputColumnName}'.", nameof(OutputColumnName));
        if (InputColumnName is not null && string.IsNullOrWhiteSpace(InputColumnName))
            throw new ArgumentException($"InputColumnName must be null or a non-empty column name, but is '{InputColumnName}'.", nameof(InputColumnName));
        if (ReconstructionErrorColumnName is not null &&
            (string.IsNullOrWhiteSpace(ReconstructionErrorColumnName) || ReconstructionErrorColumnName == OutputColumnName))
            throw new ArgumentException(
                $"ReconstructionErrorColumnName must be null or a non-empty name different from OutputColumnName ('{OutputColumnName}'), but is '{ReconstructionErrorColumnName}'.",
                nameof(ReconstructionErrorColumnName));
        ToTrainerSettings(null, null).Validate();
    }
}
