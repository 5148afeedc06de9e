namespace SparseAe.Visualization;

/// <summary>The y axis of a <see cref="TrainingCurve"/>.</summary>
public enum CurveYScale
{
    /// <summary>
    /// Logarithmic when it can be and helps: every drawn value is positive (a term that is 0 at every iteration,
    /// such as weight decay with lambda = 0, is listed in the legend but not drawn) and the values span more than
    /// two decades, as J and its terms usually do (reconstruction ~10, sparsity ~0.1, weight decay ~0.001).
    /// Linear otherwise.
    /// </summary>
    Auto = 0,

    /// <summary>Linear.</summary>
    Linear = 1,

    /// <summary>Logarithmic; a drawn term that is 0 or negative at some iteration is refused with an ArgumentException.</summary>
    Log = 2,
}
