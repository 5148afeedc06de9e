namespace SparseAe.Kernels;

/// <summary>The rule of a sparse row that <see cref="SparseRowFault"/> reports broken.</summary>
internal enum SparseRowRule
{
    /// <summary>As many indices as values (A = indices, B = values).</summary>
    OneIndexPerValue,
    /// <summary>No more nonzeros than the row's length (A = nonzeros).</summary>
    AtMostLength,
    /// <summary>Every index in [0, length) (A = position k, B = the index).</summary>
    InRange,
    /// <summary>Indices strictly ascending (A = position k, B = the index, Previous = the one before).</summary>
    Ascending,
}

/// <summary>
/// A sparse row's broken rule with its values, found by <see cref="VectorKernels.FindSparseRowFault"/>.
/// A value, so finding no fault allocates nothing; the message is formatted only in <see cref="ToException"/>.
/// </summary>
internal readonly record struct SparseRowFault(SparseRowRule Rule, int Length, int A, int B, int Previous = 0)
{
    /// <summary>The exception for this fault, naming <paramref name="what"/> (the row), the rule and the values.</summary>
    public Exception ToException(string what) => Rule switch
    {
        SparseRowRule.OneIndexPerValue => new ArgumentException($"{what} has {A} indices but {B} values; a sparse row needs one index per value."),
        SparseRowRule.AtMostLength => new ArgumentException($"{what} has {A} nonzeros, more than its {Length} values."),
        SparseRowRule.InRange => new ArgumentOutOfRangeException("indices", B, $"{what}: index {A} is {B}; indices must lie in [0, {Length})."),
        _ => new ArgumentException($"{what}: index {A} is {B} after {Previous}; indices must be strictly ascending.", "indices"),
    };
}
