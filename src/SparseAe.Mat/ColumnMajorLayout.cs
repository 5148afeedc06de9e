namespace SparseAe.Mat;

/// <summary>
/// The one place where MATLAB's column-major element order meets row-major (C) order.
/// </summary>
/// <remarks>
/// <para>
/// MATLAB stores an array with dimensions <c>[d0, d1, ..., dn]</c> in column-major order: the
/// <em>first</em> subscript varies fastest, so element <c>(i0, i1, ..., in)</c> (zero-based) sits at
/// linear index <c>i0 + d0*(i1 + d1*(i2 + ...))</c>. All readers in this namespace hand data out in
/// exactly that order and never reorder it: <see cref="MatVariable.ToDoubleArray"/> is column-major.
/// </para>
/// <para>
/// Row-major (C) order, used by .NET multidimensional arrays, NumPy's default and most image code, lets
/// the <em>last</em> subscript vary fastest. Conversion between the two happens only in
/// <see cref="ToRowMajor{T}"/> and <see cref="ToColumnMajor{T}"/>, with the dimensions kept in MATLAB
/// order on both sides: a MATLAB 64x500 matrix (64 rows) becomes a row-major array whose element
/// <c>[r, c]</c> is at <c>r*500 + c</c>.
/// </para>
/// <para>
/// Version 7.3 files are HDF5, whose datasets are row-major; MATLAB writes them with the dimensions
/// reversed, which makes the bytes already column-major for the MATLAB dimensions. The 7.3 reader
/// reverses the dimensions back and keeps the data as it is.
/// </para>
/// </remarks>
public static class ColumnMajorLayout
{
    /// <summary>The number of elements of an array with these dimensions (1 for no dimensions).</summary>
    /// <exception cref="ArgumentException">A dimension is negative or the product overflows a 64-bit count.</exception>
    public static long ElementCount(IReadOnlyList<int> dimensions) => ElementCount(dimensions, owner: null);

    /// <summary><see cref="ElementCount(IReadOnlyList{int})"/>, its refusals naming whose dimensions they are, e.g. "variable 'W1'".</summary>
    internal static long ElementCount(IReadOnlyList<int> dimensions, string? owner)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        string of = owner is null ? "" : $" of {owner}";
        long count = 1;
        for (int k = 0; k < dimensions.Count; k++)
        {
            if (dimensions[k] < 0)
                throw new ArgumentException($"Dimension {k}{of} is {dimensions[k]}; dimensions must be zero or positive.", nameof(dimensions));
            try { count = checked(count * dimensions[k]); }
            catch (OverflowException)
            {
                throw new ArgumentException($"The dimensions [{string.Join(", ", dimensions)}]{of} describe more than {long.MaxValue} elements.", nameof(dimensions));
            }
        }
        return count;
    }

    /// <summary>
    /// <see cref="ElementCount(IReadOnlyList{int})"/> for dimensions read from a file, which may be absurd: the product stops at
    /// <see cref="long.MaxValue"/> instead of overflowing, so it can be compared with what the file holds.
    /// </summary>
    internal static long ElementCountSaturating(IReadOnlyList<int> dimensions)
    {
        long count = 1;
        foreach (int d in dimensions)
        {
            if (d <= 0) return d == 0 ? 0 : -1;
            count = count > long.MaxValue / d ? long.MaxValue : count * d;
        }
        return count;
    }

    /// <summary>
    /// The column-major linear index of the element at zero-based <paramref name="subscripts"/>,
    /// given in MATLAB order (row, column, page, ...).
    /// </summary>
    /// <exception cref="ArgumentException">The subscript count differs from the dimension count, or the dimensions are
    /// refused as by <see cref="ElementCount(IReadOnlyList{int})"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A subscript lies outside its dimension.</exception>
    public static long LinearIndex(IReadOnlyList<int> dimensions, ReadOnlySpan<int> subscripts)
    {
        ElementCount(dimensions);   // its rules: a negative dimension let every subscript through, a huge product wrapped the index
        if (subscripts.Length != dimensions.Count)
            throw new ArgumentException(
                $"Got {subscripts.Length} subscripts for an array with {dimensions.Count} dimensions [{string.Join(", ", dimensions)}]; give one per dimension.",
                nameof(subscripts));

        long index = 0, stride = 1;
        for (int k = 0; k < subscripts.Length; k++)
        {
            if ((uint)subscripts[k] >= (uint)dimensions[k])
                throw new ArgumentOutOfRangeException(nameof(subscripts),
                    $"Subscript {k} is {subscripts[k]} but dimension {k} has size {dimensions[k]}; subscripts are zero-based.");
            index += subscripts[k] * stride;
            stride *= dimensions[k];
        }
        return index;
    }

    /// <summary>Reorders MATLAB column-major data into row-major (C) order; dimensions stay in MATLAB order.</summary>
    public static T[] ToRowMajor<T>(T[] columnMajor, IReadOnlyList<int> dimensions) =>
        Reorder(columnMajor, dimensions, toRowMajor: true);

    /// <summary>Reorders row-major (C) data into MATLAB column-major order; dimensions are in MATLAB order.</summary>
    public static T[] ToColumnMajor<T>(T[] rowMajor, IReadOnlyList<int> dimensions) =>
        Reorder(rowMajor, dimensions, toRowMajor: false);

    private static T[] Reorder<T>(T[] source, IReadOnlyList<int> dimensions, bool toRowMajor)
    {
        ArgumentNullException.ThrowIfNull(source);
        long count = ElementCount(dimensions);
        if (count != source.Length)
            throw new ArgumentException(
                $"The data has {source.Length} elements but the dimensions [{string.Join(", ", dimensions)}] describe {count}.",
                nameof(source));

        int rank = dimensions.Count;
        var result = new T[source.Length];
        if (source.Length == 0) return result;

        var columnMajorStride = new long[rank];
        long stride = 1;
        for (int k = 0; k < rank; k++) { columnMajorStride[k] = stride; stride *= dimensions[k]; }

        // Walk the elements in row-major order (last subscript fastest, like an odometer) while keeping
        // the matching column-major index up to date incrementally.
        var subscript = new int[rank];
        long columnMajorIndex = 0;
        for (long rowMajorIndex = 0; rowMajorIndex < source.Length; rowMajorIndex++)
        {
            if (toRowMajor) result[rowMajorIndex] = source[columnMajorIndex];
            else result[columnMajorIndex] = source[rowMajorIndex];

            for (int k = rank - 1; k >= 0; k--)
            {
                if (++subscript[k] < dimensions[k]) { columnMajorIndex += columnMajorStride[k]; break; }
                columnMajorIndex -= (long)(subscript[k] - 1) * columnMajorStride[k];
                subscript[k] = 0;
            }
        }
        return result;
    }
}
