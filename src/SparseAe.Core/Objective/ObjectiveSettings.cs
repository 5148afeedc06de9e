namespace SparseAe.Objective;

/// <summary>The hyper-parameters of the sparse autoencoder's cost.</summary>
/// <param name="SparsityTarget">rho: the target mean activation of each hidden unit, in (0, 1).</param>
/// <param name="SparsityWeight">beta: weight of the sparsity penalty, at least 0.</param>
/// <param name="WeightDecay">lambda: weight decay on W1 and W2, at least 0.</param>
/// <param name="Penalty">KL divergence toward rho (UFLDL) or L1 on the activations.</param>
/// <param name="Decoder">Sigmoid output (UFLDL's sparse autoencoder; inputs in [0, 1]) or linear
/// output (UFLDL's "linear decoder", for inputs of any range such as ZCA-whitened patches).</param>
public sealed record ObjectiveSettings(
    double SparsityTarget = Defaults.SparsityTarget,
    double SparsityWeight = Defaults.SparsityWeight,
    double WeightDecay = Defaults.WeightDecay,
    SparsityPenalty Penalty = Defaults.Penalty,
    DecoderKind Decoder = Defaults.Decoder)
{
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
    }
}

/// <summary>The cost J and its three terms: J = Reconstruction + WeightDecay + Sparsity.</summary>
public readonly record struct CostBreakdown(double Total, double Reconstruction, double WeightDecay, double Sparsity)
{
    /// <summary>True when every term is a finite number.</summary>
    public bool IsFinite => double.IsFinite(Total) && double.IsFinite(Reconstruction) && double.IsFinite(WeightDecay) && double.IsFinite(Sparsity);
}
