using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary>
/// How a sparse autoencoder is trained: its size, its cost (rho, beta, lambda), the optimizer and its
/// limits, the seed and the threads. <see cref="SparseAutoencoderOptions"/> adds the columns of the
/// ML.NET transform; <see cref="ConvolutionalFeaturizerOptions.Autoencoder"/> trains the patch
/// autoencoder with these alone. Every default comes from <see cref="Defaults"/>; the rules are
/// <see cref="TrainerSettings.Validate"/>'s alone, applied when an estimator is made (so a bad option
/// fails before Fit reads any data) and again by <see cref="AutoencoderTraining.Run"/>, Core's entry.
/// </summary>
public class AutoencoderTrainingOptions
{
    /// <summary>H, the hidden units (the size of the code), at least 1 (and few enough that a block of rows fits in one array: the refusal names the most).</summary>
    public int HiddenCount { get; set; } = Defaults.HiddenCount;

    /// <summary>
    /// The hidden units' activation: UFLDL's sigmoid (default; rho, beta and the penalty apply to it), or
    /// a sparse code with exact zeros, ReLU (<see cref="L1Weight"/>), TopK (<see cref="K"/>,
    /// <see cref="AuxK"/>) or JumpReLU (<see cref="L0Weight"/>). The sparse codes train with a linear
    /// decoder and Adam.
    /// </summary>
    public ActivationKind Activation { get; set; } = Defaults.Activation;

    /// <summary>TopK: latents kept per row, 1..H.</summary>
    public int K { get; set; } = Defaults.K;

    /// <summary>ReLU: weight of the L1 penalty on the activations (times the decoder norms, kept at 1), finite and at least 0.</summary>
    public double L1Weight { get; set; } = Defaults.L1Weight;

    /// <summary>
    /// TopK: dead latents the AuxK term (weight 1/32, Gao et al. 2024) reconstructs the residual from;
    /// 0..H, 0 turns it off. Null, the default, takes the power of two nearest V/2, at most H.
    /// </summary>
    public int? AuxK { get; set; }

    /// <summary>JumpReLU: weight of the L0 penalty (learned thresholds, straight-through estimator), finite and at least 0.</summary>
    public double L0Weight { get; set; } = Defaults.L0Weight;

    /// <summary>
    /// Sparse codes: a latent that fired on none of the last this many training rows is dead (reported, and fed to AuxK),
    /// counted in whole mini-batches: one that fires on any row of a mini-batch counts as firing on its last row. At least 1.
    /// </summary>
    public int DeadLatentWindow { get; set; } = Defaults.DeadLatentWindow;

    /// <summary>rho, the target mean activation of each hidden unit, in (0, 1): the KL penalty's (<see cref="SparsityPenalty.KLDivergence"/>); the L1 penalty has no target.</summary>
    public double SparsityTarget { get; set; } = Defaults.SparsityTarget;

    /// <summary>beta, the weight of the sparsity penalty, finite and at least 0.</summary>
    public double SparsityWeight { get; set; } = Defaults.SparsityWeight;

    /// <summary>lambda, the weight decay on W1 and W2 (not on biases; W1 alone for the sparse codes), finite and at least 0.</summary>
    public double WeightDecay { get; set; } = Defaults.WeightDecay;

    /// <summary>KL divergence toward rho (UFLDL) or L1 on the activations.</summary>
    public SparsityPenalty Penalty { get; set; } = Defaults.Penalty;

    /// <summary>
    /// Sigmoid decoder (inputs in [0, 1], UFLDL's sparse autoencoder) or linear decoder (any range, e.g.
    /// ZCA-whitened). Null, the default, takes the activation's: sigmoid for the sigmoid, linear for the
    /// sparse codes (which need it).
    /// </summary>
    public DecoderKind? Decoder { get; set; }

    /// <summary>
    /// L-BFGS over all rows in memory, or streaming mini-batch Adam. Null, the default, takes the
    /// activation's: L-BFGS for the sigmoid, Adam for the sparse codes (which need it).
    /// </summary>
    public OptimizerKind? Optimizer { get; set; }

    /// <summary>L-BFGS iterations at most, at least 1.</summary>
    public int MaxIterations { get; set; } = Defaults.MaxIterations;

    /// <summary>L-BFGS correction pairs kept, at least 1 (each is two copies of the parameters; the memory check counts min(this, MaxIterations)).</summary>
    public int LbfgsMemory { get; set; } = Defaults.LbfgsMemory;

    /// <summary>
    /// L-BFGS and its whole-batch memory: train on a uniform random sample of at most this many rows,
    /// drawn with the seed in one pass over the view (as ML.NET's whitening takes
    /// <c>maximumNumberOfRows</c>). Null, the default, trains on every row, and a view with more rows
    /// than L-BFGS can hold (<see cref="AutoencoderTraining.MaxLbfgsRows"/>) is refused before
    /// any row is read when it says how many rows it has (GetRowCount), else once the read passes the limit.
    /// Otherwise at least 1. Adam streams every row and ignores this.
    /// </summary>
    public long? MaximumRows { get; set; }

    /// <summary>L-BFGS stops when the largest gradient component is at most this (exit GradientTolerance; minFunc's optTol); finite and at least 0.</summary>
    public double GradientTolerance { get; set; } = Defaults.GradientTolerance;

    /// <summary>
    /// L-BFGS stops when the cost changes by less than this in one iteration (exit FunctionTolerance), or when
    /// no parameter moved by more than this in one (exit StepTolerance): both are minFunc's progTol. Finite and at least 0.
    /// </summary>
    public double FunctionTolerance { get; set; } = Defaults.FunctionTolerance;

    /// <summary>Adam: passes over the data, at least 1.</summary>
    public int Epochs { get; set; } = Defaults.Epochs;

    /// <summary>Adam: rows per mini-batch, at least 1.</summary>
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Adam: step size, within float's normal range (at least 1.1754943508222875E-38 and at most 3.4028235E+38: the steps are floats).</summary>
    public double LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>
    /// Adam: rows held by the streaming shuffle (never more than the view's row count when it knows it;
    /// dense rows are allocated as they arrive, 1,024 rows and then doubling, so a view that does not say
    /// how many rows it has costs what its rows need; kept for every epoch). A view that can shuffle itself (<c>CanShuffle</c>) is also read in its own
    /// seeded random order, so rows stored in class order mix beyond the pool. At least 1.
    /// </summary>
    public int ShufflePoolRows { get; set; } = Defaults.ShufflePoolRows;

    /// <summary>
    /// Seed of the initial weights, the Adam shuffle and (in the convolutional featurizer) the patch
    /// sampling. Null, the default, takes a seed from the MLContext when the estimator is fitted, as
    /// ML.NET's own trainers do: <c>new MLContext(seed: 1)</c> then trains the same model in every
    /// process, and <c>new MLContext()</c> a different one each time. Each Fit takes the next seed, so a
    /// second Fit of the same estimator trains another model. At least 0: System.Random draws the same
    /// numbers for -s as for s, so a negative seed is refused rather than training the model of its absolute value.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Worker threads, in 0..65535; 0 means one per logical processor this process may use. For a seed and a thread count, training gives the same bits
    /// in every process on the same kind of CPU (other vector widths round differently); with 0 the count
    /// is <see cref="Environment.ProcessorCount"/>, the logical processors this process may use (hyperthreads
    /// count; a CPU affinity, a container's CPU limit or DOTNET_PROCESSOR_COUNT lowers it), so another such
    /// count, even on the same machine, trains other bits. Threads beyond both the
    /// cores and the batch's shares of 32 rows (L-BFGS: every row is the batch) are not started: they
    /// would change no bit.
    /// </summary>
    public int Threads { get; set; } = Defaults.Threads;

    /// <summary>Called after every L-BFGS iteration and every Adam epoch.</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>Cancels training (Fit throws OperationCanceledException); MLContext.CancelExecution works too.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>A copy of the same type: an estimator keeps its own, so later changes to this object do not reach it.</summary>
    internal AutoencoderTrainingOptions Clone() => (AutoencoderTrainingOptions)MemberwiseClone();

    /// <param name="seed">The resolved seed: <see cref="Seed"/>, or one drawn from the MLContext.</param>
    /// <param name="checkCancellation">MLContext.CancelExecution's check, if any.</param>
    /// <param name="channel">Where progress, information and warnings go (mlContext.Log), if anywhere.</param>
    internal TrainerSettings ToTrainerSettings(int seed, Action? checkCancellation, Microsoft.ML.Runtime.IChannel? channel) => new()
    {
        HiddenCount = HiddenCount,
        Objective = new Objective.ObjectiveSettings(SparsityTarget, SparsityWeight, WeightDecay, Penalty,
            Decoder ?? Defaults.DecoderFor(Activation), Activation, K, L1Weight, AuxK, DeadLatentWindow, L0Weight),
        Optimizer = Optimizer ?? Defaults.OptimizerFor(Activation),
        MaxIterations = MaxIterations,
        LbfgsMemory = LbfgsMemory,
        GradientTolerance = GradientTolerance,
        MaximumRows = MaximumRows,
        FunctionTolerance = FunctionTolerance,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        ShufflePoolRows = ShufflePoolRows,
        Seed = seed,
        Threads = Threads,
        Progress = channel is null ? Progress : TrainingLog.Progress(channel, Progress),
        Info = channel is null ? null : m => MLNetInternals.HostAccess.Info(channel, m),
        Warning = channel is null ? null : m => MLNetInternals.HostAccess.Warning(channel, m),
        CancellationToken = CancellationToken,
        CheckCancellation = checkCancellation,
    };

    /// <summary>Throws ArgumentOutOfRangeException naming the first training option out of range.</summary>
    internal virtual void Validate() => ToTrainerSettings(Seed ?? Defaults.Seed, null, null).Validate();
}
