namespace SparseAe.Optimization;

/// <summary>Settings of <see cref="Lbfgs"/>; defaults follow minFunc, which UFLDL used.</summary>
internal sealed class LbfgsOptions
{
    /// <summary>Iterations (accepted steps) at most.</summary>
    public int MaxIterations { get; init; } = Defaults.MaxIterations;

    /// <summary>Correction pairs (s, y) kept.</summary>
    public int Memory { get; init; } = Defaults.LbfgsMemory;

    /// <summary>Stop when max_i |g_i| is at most this.</summary>
    public double GradientTolerance { get; init; } = Defaults.GradientTolerance;

    /// <summary>Stop when |f_k - f_{k-1}| is below this, or when max_i |step_i| is at most this.</summary>
    public double FunctionTolerance { get; init; } = Defaults.FunctionTolerance;

    /// <summary>Function evaluations one line search may make.</summary>
    public int MaxLineSearchEvaluations { get; init; } = 25;

    /// <summary>Checked once per evaluation; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Called after every accepted iteration.</summary>
    public Action<LbfgsIteration>? OnIteration { get; init; }

    internal void Validate()
    {
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, $"MaxIterations must be at least 1, but is {MaxIterations}.");
        if (Memory < 1) throw new ArgumentOutOfRangeException(nameof(Memory), Memory, $"Memory must be at least 1, but is {Memory}.");
        if (!(GradientTolerance >= 0) || double.IsInfinity(GradientTolerance)) throw new ArgumentOutOfRangeException(nameof(GradientTolerance), GradientTolerance, $"GradientTolerance must be finite and at least 0, but is {GradientTolerance}.");
        if (!(FunctionTolerance >= 0) || double.IsInfinity(FunctionTolerance)) throw new ArgumentOutOfRangeException(nameof(FunctionTolerance), FunctionTolerance, $"FunctionTolerance must be finite and at least 0, but is {FunctionTolerance}.");
        if (MaxLineSearchEvaluations < 1) throw new ArgumentOutOfRangeException(nameof(MaxLineSearchEvaluations), MaxLineSearchEvaluations, $"MaxLineSearchEvaluations must be at least 1, but is {MaxLineSearchEvaluations}.");
    }
}

/// <summary>One accepted L-BFGS iteration.</summary>
/// <param name="Iteration">1-based iteration number.</param>
/// <param name="Value">f at the new iterate.</param>
/// <param name="Evaluation">0-based index of the evaluation that produced the new iterate.</param>
/// <param name="GradientMaxAbs">max_i |g_i| at the new iterate.</param>
/// <param name="Step">The accepted step length t along the search direction.</param>
internal readonly record struct LbfgsIteration(int Iteration, double Value, int Evaluation, double GradientMaxAbs, double Step);
