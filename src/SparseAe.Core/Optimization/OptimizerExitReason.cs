namespace SparseAe.Optimization;

/// <summary>Why an optimiser stopped. Reaching a limit is a normal exit, not an exception.</summary>
public enum OptimizerExitReason
{
    /// <summary>The iteration limit was reached.</summary>
    MaxIterations = 0,

    /// <summary>The largest gradient component was at most the gradient tolerance: a stationary point.</summary>
    GradientTolerance = 1,

    /// <summary>The cost changed by less than the function tolerance in one iteration.</summary>
    FunctionTolerance = 2,

    /// <summary>No parameter moved by more than the function tolerance in one iteration (L-BFGS has no separate step tolerance).</summary>
    StepTolerance = 3,

    /// <summary>
    /// The line search found no step with sufficient decrease along the search direction (the Armijo
    /// condition of the strong Wolfe conditions: the cost falls by at least 1e-4 of what the gradient
    /// promises for the step) within its evaluations, though a step may lower the cost by less. The last point is kept.
    /// </summary>
    LineSearchFailed = 4,

    /// <summary>Adam completed all its epochs.</summary>
    EpochsCompleted = 5,
}

/// <summary>The outcome of a minimisation.</summary>
/// <param name="Point">The best point found (the last accepted iterate).</param>
/// <param name="Value">The function value there.</param>
/// <param name="Iterations">Iterations completed.</param>
/// <param name="Evaluations">Function and gradient evaluations made.</param>
/// <param name="ExitReason">Why it stopped.</param>
internal sealed record OptimizationResult(double[] Point, double Value, int Iterations, int Evaluations, OptimizerExitReason ExitReason);

/// <summary>f(x) and its gradient: returns f and writes df/dx into <c>gradient</c>.</summary>
internal delegate double DifferentiableFunction(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Thrown when the cost becomes NaN or infinite and the optimiser cannot step back to a finite one.</summary>
public sealed class NonFiniteCostException(string message) : InvalidOperationException(message);
