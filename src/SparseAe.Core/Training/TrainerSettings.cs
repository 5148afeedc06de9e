using SparseAe.Objective;

namespace SparseAe.Training;

/// <summary>Everything that decides how an autoencoder is trained. Defaults come from <see cref="Defaults"/>.</summary>
public sealed class TrainerSettings
{
    /// <summary>H, the hidden units (the size of the code), at least 1 (and few enough that a block of rows fits in one array: <see cref="AutoencoderTraining.Run"/>'s refusal names the most).</summary>
    public int HiddenCount { get; init; } = Defaults.HiddenCount;

    /// <summary>The cost: rho, beta, lambda, the penalty and the decoder; not null, and held to <see cref="ObjectiveSettings.Validate(int)"/> with <see cref="HiddenCount"/>.</summary>
    public ObjectiveSettings Objective { get; init; } = new();

    /// <summary>L-BFGS over every row in memory, or Adam over streamed mini-batches: Lbfgs or Adam, and Adam with a sparse-code Activation (every one but Sigmoid).</summary>
    public OptimizerKind Optimizer { get; init; } = Defaults.Optimizer;

    /// <summary>L-BFGS iterations at most, at least 1.</summary>
    public int MaxIterations { get; init; } = Defaults.MaxIterations;
    /// <summary>L-BFGS correction pairs kept, at least 1 (each is two copies of the parameters).</summary>
    public int LbfgsMemory { get; init; } = Defaults.LbfgsMemory;

    /// <summary>L-BFGS stops when the largest gradient component is at most this (exit GradientTolerance; minFunc's optTol); finite and at least 0.</summary>
    public double GradientTolerance { get; init; } = Defaults.GradientTolerance;

    /// <summary>
    /// L-BFGS stops when the cost changes by less than this in one iteration (exit FunctionTolerance), or when
    /// no parameter moved by more than this in one (exit StepTolerance): both are minFunc's progTol. Finite and at least 0.
    /// </summary>
    public double FunctionTolerance { get; init; } = Defaults.FunctionTolerance;

    /// <summary>L-BFGS: train on a seeded uniform random sample of at most this many rows; null, every row. Null (every row) or at least 1,
    /// and at most the rows L-BFGS can hold (<see cref="AutoencoderTraining.MaxLbfgsRows"/>; Run refuses more).</summary>
    public long? MaximumRows { get; init; }

    /// <summary>Adam: passes over the data, at least 1.</summary>
    public int Epochs { get; init; } = Defaults.Epochs;
    /// <summary>Adam: rows per mini-batch, at least 1.</summary>
    public int BatchSize { get; init; } = Defaults.BatchSize;

    /// <summary>Adam: step size, within float's normal range (at least 1.1754943508222875E-38 and at most 3.4028235E+38: the steps are floats).</summary>
    public double LearningRate { get; init; } = Defaults.LearningRate;

    /// <summary>Adam: rows held by the streaming shuffle (never more than the source's row count when it knows it), at least 1.</summary>
    public int ShufflePoolRows { get; init; } = Defaults.ShufflePoolRows;

    /// <summary>Seed of the initial weights, Adam's shuffle and the MaximumRows sample; at least 0 (System.Random takes -s as s).</summary>
    public int Seed { get; init; } = Defaults.Seed;

    /// <summary>
    /// Worker threads, in 0..65535; 0 = one per logical processor this process may use (Environment.ProcessorCount). Results are deterministic for a given seed and thread count.
    /// Threads beyond both the cores and the batch's shares of 32 rows are not started (they would change no bit).
    /// </summary>
    public int Threads { get; init; } = Defaults.Threads;

    /// <summary>Stops training (Run throws OperationCanceledException) between evaluations.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Called before every cost evaluation (L-BFGS) and every mini-batch (Adam); throw
    /// OperationCanceledException from it to stop. Lets a host add its own cancellation signal.
    /// </summary>
    public Action? CheckCancellation { get; init; }

    /// <summary>Throws if either cancellation signal is set.</summary>
    internal void ThrowIfCancelled()
    {
        CancellationToken.ThrowIfCancellationRequested();
        CheckCancellation?.Invoke();
    }

    /// <summary>
    /// Called after every L-BFGS iteration (Iteration 1, 2, ...; Epoch 0) and after every Adam epoch (Iteration: the Adam
    /// steps so far; Epoch 1, 2, ...), on the thread that called Run. An exception it throws ends the training and comes out of Run.
    /// </summary>
    public Action<TrainingProgress>? Progress { get; init; }

    /// <summary>Receives what the training does (the rows, the optimizer), once per training.</summary>
    public Action<string>? Info { get; init; }

    /// <summary>
    /// Receives warnings: inputs outside what the sigmoid decoder reconstructs, an Adam run whose cost over its last
    /// epoch ended more than 100 times above its cost at the starting point (diverged; the model is still returned), an Adam
    /// LearningRate too small for float to move most weights (said at the first update), and an
    /// L-BFGS run that did not lower the cost from its starting point (the model is at or near its random starting weights; still returned).
    /// </summary>
    public Action<string>? Warning { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range (<see cref="ArgumentNullException"/>
    /// for a null <see cref="Objective"/>).
    /// </summary>
    public void Validate()
    {
        if (HiddenCount < 1) throw Bad(nameof(HiddenCount), HiddenCount, "at least 1");
        ArgumentNullException.ThrowIfNull(Objective, nameof(Objective));
        // Both of the sigmoid's defaults left under a sparse code: said at once, not one refusal after the other. Only
        // for an activation that exists (IsSparseCode holds for any other than the sigmoid): Objective.Validate names the rest.
        if (Objective.IsSparseCode && Enum.IsDefined(Objective.Activation) && Objective.Decoder != DecoderKind.Linear && Optimizer != OptimizerKind.Adam)
            throw new ArgumentOutOfRangeException(nameof(ObjectiveSettings.Activation), Objective.Activation,
                $"Activation {Objective.Activation} needs Decoder Linear and Optimizer Adam, but Decoder is {Objective.Decoder} and Optimizer is {Optimizer}.");
        Objective.Validate(HiddenCount);
        if (!Enum.IsDefined(Optimizer)) throw Bad(nameof(Optimizer), Optimizer, "Lbfgs or Adam");
        if (Objective.IsSparseCode && Optimizer != OptimizerKind.Adam)
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer,
                $"Optimizer must be Adam with Activation {Objective.Activation} (its cost is not smooth, and its dead latents are counted across mini-batches), but is {Optimizer}.");
        if (MaxIterations < 1) throw Bad(nameof(MaxIterations), MaxIterations, "at least 1");
        if (LbfgsMemory < 1) throw Bad(nameof(LbfgsMemory), LbfgsMemory, "at least 1");
        if (!(GradientTolerance >= 0) || double.IsInfinity(GradientTolerance)) throw Bad(nameof(GradientTolerance), GradientTolerance, "finite and at least 0");
        if (MaximumRows is < 1) throw Bad(nameof(MaximumRows), MaximumRows, "null (every row) or at least 1");
        if (!(FunctionTolerance >= 0) || double.IsInfinity(FunctionTolerance)) throw Bad(nameof(FunctionTolerance), FunctionTolerance, "finite and at least 0");
        if (Epochs < 1) throw Bad(nameof(Epochs), Epochs, "at least 1");
        if (BatchSize < 1) throw Bad(nameof(BatchSize), BatchSize, "at least 1");
        Optimization.Adam.CheckLearningRate(LearningRate, nameof(LearningRate));
        if (ShufflePoolRows < 1) throw Bad(nameof(ShufflePoolRows), ShufflePoolRows, "at least 1");
        CheckSeed(Seed, nameof(Seed));
        CheckThreads(Threads, nameof(Threads));
    }

    /// <summary>
    /// The rule of every thread count a user gives, as refusals and the command line's help say it (train and bench
    /// said it in two wordings, each written where it was checked).
    /// </summary>
    internal static string ThreadsRule { get; } = $"in 0..{Defaults.MaxThreads} (0 means one per logical processor this process may use)";

    /// <exception cref="ArgumentOutOfRangeException">The thread count breaks <see cref="ThreadsRule"/>.</exception>
    internal static void CheckThreads(int threads, string paramName)
    {
        if (threads is < 0 or > Defaults.MaxThreads) throw Bad(paramName, threads, ThreadsRule);
    }

    /// <summary>
    /// The rule of every seed a user gives (training, ZCA's sample, patch sampling): at least 0. System.Random draws
    /// the same numbers for -s as for s, so seed -7 silently trained seed 7's model.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative.</exception>
    internal static void CheckSeed(int seed, string paramName)
    {
        if (seed < 0) throw Bad(paramName, seed, "at least 0 (System.Random draws the same numbers for -s as for s)");
    }

    private static ArgumentOutOfRangeException Bad(string name, object value, string rule)
        => new(name, value, $"{name} must be {rule}, but is {value}.");
}
