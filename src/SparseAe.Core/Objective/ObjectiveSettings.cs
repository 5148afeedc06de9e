namespace SparseAe.Objective;

/// <summary>The hyper-parameters of the sparse autoencoder's cost.</summary>
/// <param name="SparsityTarget">rho: the target mean activation of each hidden unit, in (0, 1).</param>
/// <param name="SparsityWeight">beta: weight of the sparsity penalty, finite and at least 0.</param>
/// <param name="WeightDecay">lambda: weight decay on W1 and W2 (on W1 alone for the sparse codes, whose decoder columns have norm 1), finite and at least 0.</param>
/// <param name="Penalty">KL divergence toward rho (UFLDL) or L1 on the activations.</param>
/// <param name="Decoder">Sigmoid output (UFLDL's sparse autoencoder; inputs in [0, 1]) or linear
/// output (UFLDL's "linear decoder", for inputs of any range such as ZCA-whitened patches). The sparse
/// codes (every activation but the sigmoid) need the linear decoder.</param>
/// <param name="Activation">The hidden units' activation: UFLDL's sigmoid (rho, beta and the penalty
/// apply to it alone), ReLU (L1 weight), TopK (K, AuxK, the dead-latent window) or JumpReLU (L0 weight).</param>
/// <param name="K">TopK: latents kept per row, in 1..H.</param>
/// <param name="L1Weight">ReLU: weight of the L1 penalty on the activations, finite and at least 0.</param>
/// <param name="AuxK">TopK: dead latents that the AuxK term reconstructs the residual from, in 0..H (0: no
/// AuxK term); null, the power of two nearest V/2, at most H (<see cref="Defaults.AuxKFor"/>).</param>
/// <param name="DeadLatentWindow">Sparse codes: a latent that fired on none of the last this many
/// training rows is dead, counted in whole mini-batches (one that fires on any row of a mini-batch counts as firing
/// on its last); at least 1.</param>
/// <param name="L0Weight">JumpReLU: weight of the L0 penalty, finite and at least 0.</param>
public sealed record ObjectiveSettings(
    double SparsityTarget = Defaults.SparsityTarget,
    double SparsityWeight = Defaults.SparsityWeight,
    double WeightDecay = Defaults.WeightDecay,
    SparsityPenalty Penalty = Defaults.Penalty,
    DecoderKind Decoder = Defaults.Decoder,
    ActivationKind Activation = Defaults.Activation,
    int K = Defaults.K,
    double L1Weight = Defaults.L1Weight,
    int? AuxK = null,
    int DeadLatentWindow = Defaults.DeadLatentWindow,
    double L0Weight = Defaults.L0Weight)
{
    // The weights are at least 0, and -0.0 passes that rule: kept, it made its cost term -0, which the Trace log
    // and the curve printed as "-0". So -0.0 is stored as 0, at construction and in a `with`.
    /// <summary>beta: weight of the sparsity penalty, finite and at least 0.</summary>
    public double SparsityWeight { get; init => field = PlusZero(value); } = PlusZero(SparsityWeight);
    /// <summary>lambda: weight decay on W1 and W2 (on W1 alone for the sparse codes), finite and at least 0.</summary>
    public double WeightDecay { get; init => field = PlusZero(value); } = PlusZero(WeightDecay);
    /// <summary>ReLU: weight of the L1 penalty on the activations, finite and at least 0.</summary>
    public double L1Weight { get; init => field = PlusZero(value); } = PlusZero(L1Weight);
    /// <summary>JumpReLU: weight of the L0 penalty, finite and at least 0.</summary>
    public double L0Weight { get; init => field = PlusZero(value); } = PlusZero(L0Weight);

    private static double PlusZero(double value) => value == 0 ? 0 : value;   // true for -0.0 too

    /// <summary>True for JumpReLU, whose parameters include a threshold per latent.</summary>
    public bool HasThresholds => Activation == ActivationKind.JumpReLU;

    /// <summary>True for the sparse codes (ReLU, TopK, JumpReLU): linear decoder with unit-norm columns, pre-encoder bias.</summary>
    public bool IsSparseCode => Activation != ActivationKind.Sigmoid;

    /// <summary>
    /// These settings as a model keeps them: a sigmoid model's sparse-code fields (K, L1Weight, AuxK, DeadLatentWindow,
    /// L0Weight), which it never uses, at their defaults. It is saved without them (ModelFormat's version 2), so they
    /// read back as defaults: a sigmoid model fitted with K 6 said K 6, and K 8 once loaded. A sparse code's model keeps
    /// every field, the sigmoid's too (every version saves them).
    /// </summary>
    internal ObjectiveSettings WithUnusedAtDefaults() => IsSparseCode ? this : this with
    {
        K = Defaults.K, L1Weight = Defaults.L1Weight, AuxK = null, DeadLatentWindow = Defaults.DeadLatentWindow, L0Weight = Defaults.L0Weight,
    };

    /// <summary>The AuxK in force for a V-H-V network: <see cref="AuxK"/>, or <see cref="Defaults.AuxKFor"/> where it is null.</summary>
    public int AuxKFor(int visibleCount, int hiddenCount) => AuxK ?? Defaults.AuxKFor(visibleCount, hiddenCount);

    /// <summary>
    /// <see cref="Validate()"/>, and the rules that need H: K and AuxK at most H.
    /// </summary>
    public void Validate(int hiddenCount)
    {
        Validate();
        if (Activation != ActivationKind.TopK) return;
        if (K > hiddenCount)
            throw new ArgumentOutOfRangeException(nameof(K), K, $"K (latents kept per row) must lie in 1..H = 1..{hiddenCount}, but is {K}.");
        if (AuxK > hiddenCount)
            throw new ArgumentOutOfRangeException(nameof(AuxK), AuxK, $"AuxK must lie in 0..H = 0..{hiddenCount} (0 turns the AuxK term off), but is {AuxK}.");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!(SparsityTarget > 0 && SparsityTarget < 1))
            throw new ArgumentOutOfRangeException(nameof(SparsityTarget), SparsityTarget,
                $"SparsityTarget (rho) must lie strictly between 0 and 1, but is {SparsityTarget}.");
        if (!(SparsityWeight >= 0) || double.IsInfinity(SparsityWeight))
            throw new ArgumentOutOfRangeException(nameof(SparsityWeight), SparsityWeight,
                $"SparsityWeight (beta) must be finite and at least 0, but is {SparsityWeight}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay,
                $"WeightDecay (lambda) must be finite and at least 0, but is {WeightDecay}.");
        if (!Enum.IsDefined(Penalty))
            throw new ArgumentOutOfRangeException(nameof(Penalty), Penalty,
                $"Penalty must be KLDivergence or L1, but is {(int)Penalty}.");
        if (!Enum.IsDefined(Decoder))
            throw new ArgumentOutOfRangeException(nameof(Decoder), Decoder,
                $"Decoder must be Sigmoid or Linear, but is {(int)Decoder}.");
        if (!Enum.IsDefined(Activation))
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation,
                $"Activation must be Sigmoid, ReLU, TopK or JumpReLU, but is {(int)Activation}.");
        if (K < 1)
            throw new ArgumentOutOfRangeException(nameof(K), K, $"K (latents kept per row) must be at least 1, but is {K}.");
        if (!(L1Weight >= 0) || double.IsInfinity(L1Weight))
            throw new ArgumentOutOfRangeException(nameof(L1Weight), L1Weight, $"L1Weight must be finite and at least 0, but is {L1Weight}.");
        if (!(L0Weight >= 0) || double.IsInfinity(L0Weight))
            throw new ArgumentOutOfRangeException(nameof(L0Weight), L0Weight, $"L0Weight must be finite and at least 0, but is {L0Weight}.");
        // The rule first, then how to have the default: "must be null (...) or at least 0" read as "must be null",
        // and null is nothing a command-line flag can be given (--aux-k is left out instead).
        if (AuxK < 0)
            throw new ArgumentOutOfRangeException(nameof(AuxK), AuxK,
                $"AuxK must be at least 0 (0 turns the AuxK term off), but is {AuxK}; leave it unset for the default, the power of two nearest V/2, at most H.");
        if (DeadLatentWindow < 1)
            throw new ArgumentOutOfRangeException(nameof(DeadLatentWindow), DeadLatentWindow, $"DeadLatentWindow (rows) must be at least 1, but is {DeadLatentWindow}.");
        if (IsSparseCode && Decoder != DecoderKind.Linear)
            throw new ArgumentOutOfRangeException(nameof(Decoder), Decoder,
                $"Decoder must be Linear with Activation {Activation} (a sparse code's latents add up linearly), but is {Decoder}.");
    }
}

/// <summary>The cost J and its three terms: J = Reconstruction + WeightDecay + Sparsity.</summary>
public readonly record struct CostBreakdown(double Total, double Reconstruction, double WeightDecay, double Sparsity)
{
    /// <summary>True when every term is a finite number.</summary>
    public bool IsFinite => double.IsFinite(Total) && double.IsFinite(Reconstruction) && double.IsFinite(WeightDecay) && double.IsFinite(Sparsity);
}
