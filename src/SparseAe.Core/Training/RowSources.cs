using SparseAe.Kernels;

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
}

/// <summary>Rows held in one array, (rows, V) row-major.</summary>
public sealed class ArrayRowSource : IRowSource
{
    private readonly ReadOnlyMemory<float> _data;
    private readonly int _rows;

    /// <summary>Wraps the data; refuses NaN or infinity up front, naming the row.</summary>
    public ArrayRowSource(ReadOnlyMemory<float> data, int rows, int vectorSize)
    {
        if (vectorSize < 1) throw new ArgumentOutOfRangeException(nameof(vectorSize), vectorSize, $"vectorSize must be at least 1, but is {vectorSize}.");
        if (rows < 0 || data.Length < (long)rows * vectorSize)
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

/// <summary>
/// Shuffles a stream of rows through a pool of P rows: each output row is drawn uniformly from the
/// pool and its place refilled from the stream. When the data fit in the pool this is a uniform
/// random permutation; otherwise rows move at most about P places, as in ML.NET's ShuffleRows.
/// </summary>
internal sealed class ShufflingRowReader : IRowReader
{
    private readonly IRowReader _inner;
    private readonly int _v, _capacity;
    private readonly float[] _pool;
    private readonly Random _rng;
    private int _count;
    private bool _innerDone;

    public ShufflingRowReader(IRowReader inner, int vectorSize, int poolRows, int seed)
        : this(inner, vectorSize, new float[(long)CheckPoolRows(poolRows) * vectorSize], seed)
    {
    }

    /// <summary>Shuffles through <paramref name="pool"/> (pool.Length / V rows), which the caller may reuse for the next pass.</summary>
    public ShufflingRowReader(IRowReader inner, int vectorSize, float[] pool, int seed)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(pool);
        if (vectorSize < 1) throw new ArgumentOutOfRangeException(nameof(vectorSize), vectorSize, $"vectorSize must be at least 1, but is {vectorSize}.");
        _inner = inner;
        _v = vectorSize;
        _capacity = CheckPoolRows(pool.Length / vectorSize);
        _pool = pool;
        _rng = new Random(seed);
    }

    private static int CheckPoolRows(int poolRows)
        => poolRows >= 1 ? poolRows : throw new ArgumentOutOfRangeException(nameof(poolRows), poolRows, $"poolRows must be at least 1, but is {poolRows}.");

    public bool TryReadRow(Span<float> destination)
    {
        while (!_innerDone && _count < _capacity)
        {
            if (_inner.TryReadRow(_pool.AsSpan(_count * _v, _v))) _count++;
            else _innerDone = true;
        }
        if (_count == 0) return false;
        int r = _rng.Next(_count);
        _pool.AsSpan(r * _v, _v).CopyTo(destination);
        _count--;
        if (r != _count) _pool.AsSpan(_count * _v, _v).CopyTo(_pool.AsSpan(r * _v, _v));
        return true;
    }

    public void Dispose() => _inner.Dispose();
}
