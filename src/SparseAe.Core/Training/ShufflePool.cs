namespace SparseAe.Training;

// Adam's streaming shuffle: a pool of P rows that the stream fills and a seeded draw empties (PoolDraw), for
// dense rows (DenseRowPool, ShufflingRowReader) and for rows held as their nonzeros (SparseRowPool,
// SparseShufflingRowReader). The row source contract they read from is RowSources.cs.

/// <summary>
/// The shuffle of both shuffling readers, over slots 0..P-1 of a pool whose storage is the reader's:
/// keep the pool filled from the stream, draw a filled slot uniformly, and move the last filled row
/// into the drawn one's place. When the data fit in the pool this is a uniform random permutation;
/// otherwise rows move at most about P places, as in ML.NET's ShuffleRows. The same seed and stream
/// give the same slots whatever the storage, so the dense and sparse readers give the same order.
/// </summary>
internal sealed class PoolDraw(int capacity, int seed, Func<int, bool> fill, Action? checkAlive = null)
{
    private readonly Random _rng = new(seed);
    private int _count;
    private long _filled;
    private bool _innerDone;

    /// <summary>
    /// Fills the empty slots (<c>fill(slot)</c>: false once the stream has ended), then draws a filled slot;
    /// -1 when none is left. The first draw of a pass reads up to P rows: <c>checkAlive</c> runs every
    /// <see cref="RowReading.RowsPerCheck"/> of them, so a cancellation is not held up by a slow source
    /// (it waited 22 s for 65,536 rows of 1 ms each).
    /// </summary>
    public int Draw()
    {
        while (!_innerDone && _count < capacity)
        {
            if (++_filled % RowReading.RowsPerCheck == 0) checkAlive?.Invoke();
            if (fill(_count)) _count++;
            else _innerDone = true;
        }
        return _count == 0 ? -1 : _rng.Next(_count);
    }

    /// <summary>After the drawn slot was read: the slot whose row the caller moves into it, or -1 when it was the last filled one.</summary>
    public int Remove(int slot)
    {
        _count--;
        return slot == _count ? -1 : _count;
    }
}

/// <summary>
/// The dense rows of a shuffle pool: up to <see cref="Capacity"/> rows of V floats, allocated as rows
/// arrive (1,024 rows, then doubling), so a source that does not say how many rows it has (a text file)
/// costs what its rows need, not the option's 65,536 (543 MB for 20 rows of 2,048 values). The trainer
/// keeps one for every epoch.
/// </summary>
internal sealed class DenseRowPool
{
    private const int FirstRows = 1024;

    // The rows live in chunks of at most 2^24 floats (64 MB): P x V may pass what one array holds (65,536
    // rows of 40,000 values did, and failed in Array.Resize when the 32,769th row arrived).
    private const int ChunkFloats = 1 << 24;
    private readonly int _v, _chunkRows, _chunkShift;   // _chunkRows = 2^_chunkShift: a slot's chunk and row without a division
    private readonly float[][] _chunks;                  // each empty until its rows arrive

    /// <param name="capacity">The most rows, P.</param>
    /// <param name="vectorSize">V.</param>
    /// <param name="chunkFloats">The most floats a chunk holds (tests make it small; at least V are held).</param>
    public DenseRowPool(int capacity, int vectorSize, int chunkFloats = ChunkFloats)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"The pool's capacity must be at least 1 row, but is {capacity}.");
        if (vectorSize < 1) throw new ArgumentOutOfRangeException(nameof(vectorSize), vectorSize, $"vectorSize must be at least 1, but is {vectorSize}.");
        Capacity = capacity;
        _v = vectorSize;
        // A power of two, so that Row, which runs for every row written and drawn, finds the chunk by a shift.
        // A draw (a random row of a 16 MB pool read, the last row copied) took 37-41 ns against the one
        // array's 29-41 ns (Zen 3, 2 x 10^7 draws, five runs): within noise, and Adam trains a row in about 1 us.
        _chunkShift = System.Numerics.BitOperations.Log2((uint)Math.Max(1, chunkFloats / vectorSize));
        _chunkRows = 1 << _chunkShift;
        _chunks = new float[((capacity - 1) >> _chunkShift) + 1][];
        Array.Fill(_chunks, []);
    }

    /// <summary>The most rows the pool holds.</summary>
    public int Capacity { get; }

    /// <summary>The rows allocated so far.</summary>
    public int AllocatedRows => _chunks.Sum(c => c.Length / _v);

    /// <summary>Row <paramref name="slot"/> (below <see cref="Capacity"/>), allocating up to it first.</summary>
    /// <remarks>The chunk that takes new rows grows as they arrive (from 1,024 rows, doubling); the ones before it are full.</remarks>
    public Span<float> Row(int slot)
    {
        int c = slot >> _chunkShift, r = slot & (_chunkRows - 1);
        var chunk = _chunks[c];
        if (chunk.Length <= (long)r * _v)
        {
            for (int before = 0; before < c; before++) Grow(before, _chunkRows);
            chunk = Grow(c, Math.Max(r + 1L, Math.Max(FirstRows, 2L * (chunk.Length / _v))));
        }
        return chunk.AsSpan(r * _v, _v);
    }

    // Chunk c to `rows` rows, but no more than a chunk's or what the capacity leaves it.
    private float[] Grow(int c, long rows)
    {
        rows = Math.Min(rows, Math.Min(_chunkRows, Capacity - ((long)c << _chunkShift)));
        if (_chunks[c].Length < rows * _v) Array.Resize(ref _chunks[c], (int)(rows * _v));
        return _chunks[c];
    }
}

/// <summary>Shuffles a stream of rows through a pool of P rows of V floats (<see cref="PoolDraw"/>).</summary>
internal sealed class ShufflingRowReader : IRowReader
{
    private readonly IRowReader _inner;
    private readonly DenseRowPool _pool;
    private readonly PoolDraw _draw;

    public ShufflingRowReader(IRowReader inner, int vectorSize, int poolRows, int seed)
        : this(inner, new DenseRowPool(poolRows, vectorSize), seed)
    {
    }

    /// <summary>Shuffles through <paramref name="pool"/>, which the caller may reuse for the next pass; <paramref name="checkAlive"/>: see <see cref="PoolDraw.Draw"/>.</summary>
    public ShufflingRowReader(IRowReader inner, DenseRowPool pool, int seed, Action? checkAlive = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(pool);
        _inner = inner;
        _pool = pool;
        _draw = new PoolDraw(pool.Capacity, seed, slot => _inner.TryReadRow(_pool.Row(slot)), checkAlive);
    }

    public bool TryReadRow(Span<float> destination)
    {
        int r = _draw.Draw();
        if (r < 0) return false;
        _pool.Row(r).CopyTo(destination);
        int last = _draw.Remove(r);
        if (last >= 0) _pool.Row(last).CopyTo(_pool.Row(r));
        return true;
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>
/// <see cref="ShufflingRowReader"/> for sparse rows: the same <see cref="PoolDraw"/> (so the same order
/// of rows as the dense reader on the same stream and seed), each pooled row held as its nonzeros (a
/// slot's arrays grow to the longest row it held; none is V wide).
/// </summary>
internal sealed class SparseShufflingRowReader : IRowReader
{
    private readonly IRowReader _inner;
    private readonly int _v;
    private readonly SparseRowPool _pool;
    private readonly PoolDraw _draw;
    private readonly int[] _readIndices;
    private readonly float[] _readValues;

    /// <summary>Shuffles through <paramref name="pool"/>, which the caller may reuse for the next pass; <paramref name="checkAlive"/>: see <see cref="PoolDraw.Draw"/>.</summary>
    public SparseShufflingRowReader(IRowReader inner, int vectorSize, SparseRowPool pool, int seed, Action? checkAlive = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(pool);
        if (vectorSize < 1) throw new ArgumentOutOfRangeException(nameof(vectorSize), vectorSize, $"vectorSize must be at least 1, but is {vectorSize}.");
        _inner = inner;
        _v = vectorSize;
        _pool = pool;
        _readIndices = new int[vectorSize];
        _readValues = new float[vectorSize];
        _draw = new PoolDraw(pool.Capacity, seed, slot =>
        {
            if (!RowReading.TryReadSparse(_inner, _readIndices, _readValues, out int n)) return false;
            _pool.Store(slot, _readIndices.AsSpan(0, n), _readValues.AsSpan(0, n));
            return true;
        }, checkAlive);
    }

    public bool TryReadSparseRow(Span<int> indices, Span<float> values, out int count)
    {
        if (indices.Length != _v || values.Length != _v)
            throw new ArgumentException($"indices and values must both hold V = {_v} values, but hold {indices.Length} and {values.Length}.");
        count = 0;
        int r = _draw.Draw();
        if (r < 0) return false;
        count = _pool.CopyTo(r, indices, values);
        int last = _draw.Remove(r);
        if (last >= 0) _pool.Swap(r, last);
        return true;
    }

    public bool TryReadRow(Span<float> destination)
    {
        if (destination.Length != _v) throw new ArgumentException($"destination must hold V = {_v} values, but holds {destination.Length}.", nameof(destination));
        if (!TryReadSparseRow(_readIndices, _readValues, out int n)) return false;
        SparseRows.Expand(_readIndices.AsSpan(0, n), _readValues.AsSpan(0, n), destination);
        return true;
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>
/// P slots of sparse rows for <see cref="SparseShufflingRowReader"/>, allocated as rows arrive and kept for the next pass.
/// Its size follows the rows' nonzeros, unknown before they are read, so the memory check before training
/// leaves it out: <c>growing</c> is called instead, each time the bytes the pool holds pass 16 MB, 32 MB, ...,
/// before it allocates more, so that the caller can check <see cref="RemainingBytes"/> (and throw to refuse).
/// </summary>
internal sealed class SparseRowPool
{
    // Bytes held: 20 a slot of the tables below (two references and a count), 8 a nonzero (an index and a value).
    private const long SlotBytes = 20, NonzeroBytes = 8;
    private const long FirstCheckBytes = 1L << 24;

    // Slots 0..n-1 are filled in order (PoolDraw), so the tables grow as a list's do, up to the capacity: a pool of
    // int.MaxValue rows allocated them whole, 43 GB, and failed with "Array dimensions exceeded supported range".
    private int[][] _indices = [];
    private float[][] _values = [];
    private int[] _counts = [];
    private readonly Action<SparseRowPool>? _growing;
    private long _nonzeroSlots, _nextCheck = FirstCheckBytes;

    /// <param name="capacity">The most rows, P.</param>
    /// <param name="growing">Called as the pool grows past 16 MB, 32 MB, ... (see the class).</param>
    public SparseRowPool(int capacity, Action<SparseRowPool>? growing = null)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity (the pool's rows) must be at least 1, but is {capacity}.");
        Capacity = capacity;
        _growing = growing;
    }

    /// <summary>The most rows the pool holds.</summary>
    public int Capacity { get; }

    /// <summary>The slots that have held a row.</summary>
    public int FilledSlots { get; private set; }

    /// <summary>The nonzeros a filled slot has room for, on average (at least its longest row's).</summary>
    public double MeanNonzeros => (double)_nonzeroSlots / Math.Max(FilledSlots, 1);

    /// <summary>
    /// What the slots not yet filled will take at <see cref="MeanNonzeros"/> a row, with the tables' rest:
    /// (P - filled) 8 MeanNonzeros + 20 (P - table length) bytes.
    /// </summary>
    public long RemainingBytes => (long)Math.Min(long.MaxValue,
        (Capacity - FilledSlots) * NonzeroBytes * MeanNonzeros + (double)(Capacity - _counts.Length) * SlotBytes);

    private long HeldBytes => _nonzeroSlots * NonzeroBytes + _counts.Length * SlotBytes;

    /// <summary>Slot s holds the row (indices, values); its arrays are replaced only when too short.</summary>
    public void Store(int slot, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if (slot >= _counts.Length)
        {
            CheckGrowth(HeldBytes);
            int size = (int)Math.Min(Capacity, Math.Max(slot + 1L, Math.Max(1024, 2L * _counts.Length)));
            Array.Resize(ref _indices, size);
            Array.Resize(ref _values, size);
            Array.Resize(ref _counts, size);
        }
        if (_indices[slot] is null || _indices[slot].Length < indices.Length)
        {
            int size = Math.Max(indices.Length, 4);
            CheckGrowth(HeldBytes + (size - (_indices[slot]?.Length ?? 0)) * NonzeroBytes);
            if (_indices[slot] is null) FilledSlots++;
            _nonzeroSlots += size - (_indices[slot]?.Length ?? 0);
            _indices[slot] = new int[size];
            _values[slot] = new float[size];
        }
        indices.CopyTo(_indices[slot]);
        values.CopyTo(_values[slot]);
        _counts[slot] = indices.Length;
    }

    // Before the pool grows to `bytes`: the caller is told each time they pass the next doubling from 16 MB.
    private void CheckGrowth(long bytes)
    {
        if (bytes < _nextCheck || FilledSlots == 0) return;
        _nextCheck = 2 * bytes;
        _growing?.Invoke(this);
    }

    /// <summary>Slot s's row into indices and values; returns its nonzeros.</summary>
    public int CopyTo(int slot, Span<int> indices, Span<float> values)
    {
        int n = _counts[slot];
        _indices[slot].AsSpan(0, n).CopyTo(indices);
        _values[slot].AsSpan(0, n).CopyTo(values);
        return n;
    }

    /// <summary>Exchanges two slots' arrays (no copy; the emptied slot's arrays are reused later).</summary>
    public void Swap(int a, int b)
    {
        (_indices[a], _indices[b]) = (_indices[b], _indices[a]);
        (_values[a], _values[b]) = (_values[b], _values[a]);
        (_counts[a], _counts[b]) = (_counts[b], _counts[a]);
    }
}
