namespace SparseAe.Threading;

/// <summary>
/// The passes over whole parameter-sized arrays that training makes between two evaluations (Adam's
/// update, the gradient's finiteness check, the decoder's renormalisation) and within one (the weights'
/// loads, the gradient's assembly), split into one contiguous range of elements per thread of a pool.
/// </summary>
/// <remarks>
/// These passes stream memory and do little arithmetic, so they pay for a hand-off only when they are
/// long: for 64 x 100 weights they take microseconds, less than waking a worker (transposes excepted:
/// <see cref="MinimumTransposedLength"/>); at V = 8,192, H = 512
/// (8.4M parameters, 34 MB a vector) they took 60-65 ms of a 240-360 ms TopK step on the calling thread
/// alone while the other waited (phase timers on an Intel Xeon, 2 threads: docs/sparse-codes.md).
/// A split changes no bit of the result: each element's operations do not involve its neighbours, and
/// ranges start on multiples of <see cref="Alignment"/> floats, so every range is either the whole
/// pass or at least one 512-bit vector long and its elements meet the same vector instructions as in
/// one pass (ParallelRangesTests compares the two). Two threads share at most the cache line at each
/// boundary.
/// </remarks>
internal static class ParallelRanges
{
    /// <summary>Arrays shorter than this many elements are done on the calling thread.</summary>
    public const int MinimumLength = 1 << 16;

    /// <summary>Ranges start on multiples of this many floats (64 bytes, a cache line).</summary>
    public const int Alignment = 16;

    /// <summary>
    /// Matrices from which a pass that transposes them is split: far shorter than <see cref="MinimumLength"/>,
    /// because a transpose stores one float at a time and, in an objective on two threads, rewrites lines
    /// the other core read in the last evaluation. Measured on an Intel Xeon (2 vCPUs, AVX2): the
    /// objective's loads of 64 x 100 weights (two transposes and a copy) took 36-39 us on one thread and
    /// 23-31 us split, while a spinning worker starts its share 1.5-3 us after the call.
    /// </summary>
    public const int MinimumTransposedLength = 1 << 12;

    /// <summary>
    /// Parts a pass over <paramref name="length"/> elements is split into on <paramref name="threads"/>
    /// threads: all of them when it is long enough (<see cref="MinimumLength"/>, or
    /// <see cref="MinimumTransposedLength"/> for a pass that transposes), else 1.
    /// </summary>
    public static int PartsFor(int threads, long length, bool transposes = false)
        => length < (transposes ? MinimumTransposedLength : MinimumLength) ? 1 : threads;

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of [0, length): [Start, End), starts aligned.</summary>
    public static (int Start, int End) Range(int length, int part, int parts)
    {
        int Boundary(int p) => p == parts ? length : (int)Math.Min(length, (long)length * p / parts / Alignment * Alignment);
        return (Boundary(part), Boundary(part + 1));
    }

    /// <summary>
    /// Runs body(start, end) over [0, length) split into <see cref="PartsFor"/> ranges, one per thread,
    /// and returns when all are done; the calling thread takes the first. <paramref name="work"/>, when
    /// given, is the elements the whole pass touches (a range of columns of a matrix: its size), which
    /// decides the split in place of the length.
    /// </summary>
    public static void Run(WorkerPool? pool, int length, Action<int, int> body, long work = -1)
    {
        int parts = PartsFor(pool?.Threads ?? 1, work < 0 ? length : work);
        if (parts == 1) { body(0, length); return; }
        pool!.Run(parts, p =>
        {
            var (start, end) = Range(length, p, parts);
            if (end > start) body(start, end);
        });
    }
}
