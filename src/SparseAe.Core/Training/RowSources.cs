using System.Buffers;

namespace SparseAe.Training;

/// <summary>
/// Rows of V floats that can be read in passes, one pass per epoch, without holding them all in
/// memory. The ML.NET component reads an IDataView cursor through this.
/// </summary>
public interface IRowSource
{
    /// <summary>V: floats per row.</summary>
    int VectorSize { get; }

    /// <summary>Starts a pass over every row (pass is the 0-based epoch).</summary>
    IRowReader OpenPass(int pass);

    /// <summary>The number of rows when the source knows it without a pass; null otherwise.</summary>
    long? RowCount => null;

    /// <summary>What the rows are, for messages ("column 'Features'"); null says nothing more.</summary>
    string? Description => null;

    /// <summary>
    /// Starts a pass in an order drawn from <paramref name="random"/> when the source can shuffle
    /// itself cheaply (an ML.NET view whose <c>CanShuffle</c> is true); otherwise the same as
    /// <see cref="OpenPass"/>. Training shuffles the rows through its own pool either way.
    /// </summary>
    IRowReader OpenShuffledPass(int pass, Random random) => OpenPass(pass);
}

/// <summary>One pass over a row source.</summary>
public interface IRowReader : IDisposable
{
    /// <summary>Copies the next row into destination (length V); false at the end of the pass.</summary>
    bool TryReadRow(Span<float> destination);

    /// <summary>
    /// True when this pass's rows are mostly zeros stored as their nonzeros (an ML.NET column of sparse
    /// VBuffers: ~15 tokens among 8,192), decided before the first row is returned (a reader may look at
    /// its first rows to say). Adam asks the first pass's reader and then reads every pass with
    /// <see cref="TryReadSparseRow"/>, and L-BFGS holds the rows read so, so that their encoder product
    /// and dJ/dW1 touch only the nonzeros.
    /// False (the default): dense rows of V floats.
    /// </summary>
    bool RowsAreSparse => false;

    /// <summary>
    /// Reads the next row as its nonzeros: indices[0 .. count) strictly ascending in [0, V) and their
    /// values[0 .. count); false at the end of the pass. <paramref name="indices"/> and
    /// <paramref name="values"/> hold V each (a row may have V nonzeros). Explicit zeros may be listed.
    /// The default reads the row dense and keeps its nonzeros; sparse sources read their rows as stored.
    /// </summary>
    bool TryReadSparseRow(Span<int> indices, Span<float> values, out int count)
    {
        int v = indices.Length;
        if (values.Length != v)
            throw new ArgumentException($"indices and values must both hold V values, but hold {indices.Length} and {values.Length}.", nameof(values));
        var dense = ArrayPool<float>.Shared.Rent(v);
        try
        {
            count = 0;
            if (!TryReadRow(dense.AsSpan(0, v))) return false;
            count = SparseRows.Compress(dense.AsSpan(0, v), indices, values);
            return true;
        }
        finally { ArrayPool<float>.Shared.Return(dense); }
    }
}

/// <summary>
/// A row source whose <see cref="IRowSource.RowCount"/> is another object's (an ML.NET view's GetRowCount()): the
/// refusal of more rows than that count names the object and its member, which the user wrote, not this source.
/// </summary>
internal interface IRowCountSaidElsewhere
{
    /// <summary>The whole message for a pass that gave more rows than the count said.</summary>
    string MoreRowsThanSaid { get; }
}

/// <summary>Helpers for rows held as their nonzeros.</summary>
internal static class SparseRows
{
    /// <summary>row's nonzeros (V = row.Length) into indices and values (V each), ascending; returns how many.</summary>
    public static int Compress(ReadOnlySpan<float> row, Span<int> indices, Span<float> values)
    {
        int count = 0;
        for (int i = 0; i < row.Length; i++)
        {
            if (row[i] == 0) continue;
            indices[count] = i;
            values[count++] = row[i];
        }
        return count;
    }

    /// <summary>The row of nonzeros (indices, values) written out whole into row (every value written).</summary>
    public static void Expand(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> row)
    {
        row.Clear();
        for (int k = 0; k < indices.Length; k++) row[indices[k]] = values[k];
    }
}

/// <summary>Rows held in one array, (rows, V) row-major.</summary>
public sealed class ArrayRowSource : IRowSource
{
    private readonly ReadOnlyMemory<float> _data;
    private readonly int _rows;

    /// <summary>
    /// Wraps the data (not copied: later changes to them show through); refuses NaN or infinity up front, naming
    /// the row, and training checks the rows again as it reads them.
    /// </summary>
    /// <param name="data">The rows, (rows, vectorSize) row-major: at least rows * vectorSize values (more are ignored), every one finite.</param>
    /// <param name="rows">The rows, at least 0.</param>
    /// <param name="vectorSize">V, the values in each row, at least 1.</param>
    public ArrayRowSource(ReadOnlyMemory<float> data, int rows, int vectorSize)
    {
        if (vectorSize < 1) throw new ArgumentOutOfRangeException(nameof(vectorSize), vectorSize, $"vectorSize must be at least 1, but is {vectorSize}.");
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 0, but is {rows}.");
        if (data.Length < (long)rows * vectorSize)
            throw new ArgumentException($"data must hold rows*V = {(long)rows * vectorSize} values, but holds {data.Length}.", nameof(data));
        RowReading.ThrowIfNonFinite(data.Span.Slice(0, rows * vectorSize), vectorSize, nameof(data));
        _data = data;
        _rows = rows;
        VectorSize = vectorSize;
    }

    /// <inheritdoc />
    public int VectorSize { get; }

    /// <inheritdoc />
    public long? RowCount => _rows;

    /// <summary>What the rows are, for messages (the convolutional featurizer's normalised patch sample); null says nothing more.</summary>
    internal string? Description { get; init; }

    string? IRowSource.Description => Description;

    /// <summary>The rows, (rows, V) row-major.</summary>
    internal ReadOnlyMemory<float> Data => _data.Slice(0, _rows * VectorSize);

    internal int Rows => _rows;

    /// <inheritdoc />
    public IRowReader OpenPass(int pass) => new Reader(this);

    private sealed class Reader(ArrayRowSource source) : IRowReader
    {
        private int _next;

        public bool TryReadRow(Span<float> destination)
        {
            if (_next >= source._rows) return false;
            source._data.Span.Slice(_next++ * source.VectorSize, source.VectorSize).CopyTo(destination);
            return true;
        }

        public void Dispose() { }
    }
}
