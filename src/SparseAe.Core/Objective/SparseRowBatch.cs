using SparseAe.Kernels;

namespace SparseAe.Objective;

/// <summary>
/// A mini-batch of sparse rows in compressed sparse row form (CSR): row r of V values has its nonzeros
/// x[r, Indices[k]] = Values[k] for k in [RowStarts[r], RowStarts[r + 1]), indices strictly ascending
/// within [0, V); every other value is 0. What <see cref="SparseAutoencoderObjective.Evaluate(ReadOnlyMemory{float}, SparseRowBatch, Memory{float})"/>
/// takes when the rows are sparse (a gloss: ~15 tokens among 8,192).
/// </summary>
internal sealed class SparseRowBatch
{
    private readonly int[] _rowStarts, _indices;
    private readonly float[] _values;

    /// <summary>Wraps the arrays (not copied) after checking every rule, naming the row and the value.</summary>
    /// <param name="visibleCount">V, values per row.</param>
    /// <param name="rows">m, the rows.</param>
    /// <param name="rowStarts">m + 1 (or more) offsets into indices and values, from 0, not decreasing.</param>
    /// <param name="indices">The nonzeros' columns, ascending within each row, in [0, V).</param>
    /// <param name="values">The nonzeros' values, finite (the training rule).</param>
    /// <param name="row">Names row r in a message, where the batch's rows are not the source's in order (a
    /// shuffled mini-batch names its rows as the dense one does); "Training row r" when null.</param>
    /// <param name="paramName">The parameter a non-finite value is refused as: the trainer's, whose dense check
    /// names its own (AutoencoderTraining.Run's "rows"); this constructor's "values" when not given.</param>
    public SparseRowBatch(int visibleCount, int rows, int[] rowStarts, int[] indices, float[] values, Func<int, string>? row = null,
        string paramName = "values")
    {
        ArgumentNullException.ThrowIfNull(rowStarts);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (visibleCount < 1) throw new ArgumentOutOfRangeException(nameof(visibleCount), visibleCount, $"visibleCount must be at least 1, but is {visibleCount}.");
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 0, but is {rows}.");
        if (rowStarts.Length < rows + 1)
            throw new ArgumentException($"rowStarts must hold rows + 1 = {rows + 1} offsets, but holds {rowStarts.Length}.", nameof(rowStarts));
        if (rowStarts[0] != 0) throw new ArgumentException($"rowStarts[0] must be 0, but is {rowStarts[0]}.", nameof(rowStarts));
        // Before any row is sliced: an offset beyond the arrays that a later one undercuts was a bare slice error.
        for (int r = 0; r < rows; r++)
            if (rowStarts[r + 1] < rowStarts[r])
                throw new ArgumentException($"rowStarts must not decrease, but rowStarts[{r + 1}] = {rowStarts[r + 1]} follows {rowStarts[r]}.", nameof(rowStarts));
        int total = rowStarts[rows];
        if (total > indices.Length || total > values.Length)
            throw new ArgumentException($"The rows hold {total} nonzeros (rowStarts[{rows}]), but indices holds {indices.Length} and values {values.Length}.");
        for (int r = 0; r < rows; r++)
        {
            int start = rowStarts[r], end = rowStarts[r + 1];
            if (VectorKernels.FindSparseRowFault(indices.AsSpan(start, end - start), values.AsSpan(start, end - start), visibleCount) is { } fault)
                throw fault.ToException(Name(r));
            int bad = VectorKernels.IndexOfNonFinite(values.AsSpan(start, end - start));
            if (bad >= 0)
                throw Training.RowReading.NonFiniteValue(Name(r), values[start + bad], indices[start + bad], paramName);
        }
        // One name for a row in both refusals: an index fault said "Sparse training row 1", a NaN "Training row 1".
        string Name(int r) => row?.Invoke(r) ?? $"Training row {r}";
        VisibleCount = visibleCount;
        Rows = rows;
        _rowStarts = rowStarts;
        _indices = indices;
        _values = values;
    }

    /// <summary>V.</summary>
    public int VisibleCount { get; }

    /// <summary>m.</summary>
    public int Rows { get; }

    /// <summary>The nonzeros of all rows.</summary>
    public int NonzeroCount => _rowStarts[Rows];

    /// <summary>Every row's nonzeros' values, row after row.</summary>
    public ReadOnlySpan<float> AllValues => _values.AsSpan(0, NonzeroCount);

    /// <summary>Row r's nonzeros' columns, ascending.</summary>
    public ReadOnlySpan<int> Indices(int row) => _indices.AsSpan(_rowStarts[row], _rowStarts[row + 1] - _rowStarts[row]);

    /// <summary>Row r's nonzeros' values.</summary>
    public ReadOnlySpan<float> Values(int row) => _values.AsSpan(_rowStarts[row], _rowStarts[row + 1] - _rowStarts[row]);

    /// <summary>Rows [first, first + count) densified into x, (count, V) row-major (every value written).</summary>
    public void CopyTo(int first, int count, Span<float> x)
    {
        int v = VisibleCount;
        for (int i = 0; i < count; i++) Training.SparseRows.Expand(Indices(first + i), Values(first + i), x.Slice(i * v, v));
    }

    /// <summary>sums[c] += x at every nonzero (c, x), rows in order, in double: the column sums of the rows stored dense.</summary>
    public void AddColumnSums(Span<double> sums)
    {
        for (int r = 0; r < Rows; r++)
        {
            var columns = Indices(r);
            var values = Values(r);
            for (int k = 0; k < columns.Length; k++) sums[columns[k]] += values[k];
        }
    }
}
