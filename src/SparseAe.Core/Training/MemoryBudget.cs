namespace SparseAe.Training;

/// <summary>
/// An up-front estimate of what training will allocate, so that a request the machine cannot hold
/// (say 1,000,000 hidden units on 784 inputs) fails before any work with the size it would need,
/// instead of dying half-way with an OutOfMemoryException.
/// </summary>
/// <remarks>
/// n = 2HV + H + V parameters. L-BFGS: theta and gradient in float and double copies, eleven double
/// vectors of the optimiser and line search, 2 x min(memory, iterations) correction pairs in float
/// (a pair is allocated when the optimiser first stores one), one float gradient
/// per worker thread, and the activations of every row, (rows, H + V) floats. Adam: theta, gradient
/// and the two moment vectors, the per-thread gradients, one batch's activations and the shuffle pool.
/// The estimate leaves out the data themselves (the caller adds them: L-BFGS's copy of dense rows,
/// 4 V bytes a row; sparse rows are checked once read).
/// </remarks>
internal static class MemoryBudget
{
    public static long FullBatchBytes(int visible, int hidden, long rows, TrainerSettings s)
    {
        double n = 2.0 * hidden * visible + hidden + visible;
        int threads = Objective.SparseAutoencoderObjective.ThreadsFor(s.Threads, rows);
        int pairs = Optimization.Lbfgs.StoredPairs(s.LbfgsMemory, s.MaxIterations);
        double bytes = n * (16 + 88 + 8.0 * pairs + 4 + 4.0 * threads) + 4.0 * rows * (hidden + visible) + 8.0 * hidden * visible;
        return (long)Math.Min(bytes, long.MaxValue);
    }

    /// <param name="visible">V.</param>
    /// <param name="hidden">H.</param>
    /// <param name="s">The settings (batch size, shuffle pool, threads).</param>
    /// <param name="rows">The source's row count when known: the shuffle pool never holds more.</param>
    /// <param name="sparseRows">
    /// Rows read as their nonzeros: the pool and the batch hold those, not V floats a row, so the
    /// pool's 4 P V bytes are not counted (its size follows the nonzeros, unknown before the rows are read:
    /// the pool is checked as it fills, <see cref="SparseRowPool.RemainingBytes"/>).
    /// </param>
    public static long MiniBatchBytes(int visible, int hidden, TrainerSettings s, long? rows = null, bool sparseRows = false)
    {
        var (poolRows, batchRows) = MiniBatchRows(s, rows);
        double n = 2.0 * hidden * visible + hidden + visible;
        int threads = Objective.SparseAutoencoderObjective.ThreadsFor(s.Threads, batchRows);
        double bytes = n * (16 + 4.0 * threads) + 4.0 * batchRows * (2.0 * hidden + 2 * visible) + (sparseRows ? 0 : 4.0 * poolRows * visible) + 8.0 * hidden * visible;
        return (long)Math.Min(bytes, long.MaxValue);
    }

    /// <summary>
    /// The rows Adam's shuffle pool and mini-batch hold: <see cref="TrainerSettings.ShufflePoolRows"/> and
    /// <see cref="TrainerSettings.BatchSize"/>, but never more than the source's row count when it says
    /// (a batch of 10 million for 64 rows took 400 MB). A batch as large as the source is the same batch.
    /// </summary>
    public static (int PoolRows, int BatchRows) MiniBatchRows(TrainerSettings s, long? rows)
    {
        long most = Math.Max(1, rows ?? long.MaxValue);
        return ((int)Math.Min(s.ShufflePoolRows, most), (int)Math.Min(s.BatchSize, most));
    }

    /// <summary>Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytes"/> exceed what this process can still get.</summary>
    /// <param name="bytes">What the work needs.</param>
    /// <param name="what">The work, as the message names it.</param>
    /// <param name="advice">What to lower; by default the hidden units or rows, or Adam with a smaller batch.</param>
    public static void Ensure(long bytes, string what, string advice = "use fewer hidden units or rows (or Adam with a smaller batch)")
    {
        var info = GC.GetGCMemoryInfo();
        long available = info.TotalAvailableMemoryBytes - GC.GetTotalMemory(forceFullCollection: false);
        if (bytes > available)
            throw new InsufficientMemoryException($"{what} needs about {Amounts(bytes, available)} are available; {advice}.");
    }

    /// <summary>
    /// "0.83 GB of memory, but about 0.79 GB": in GB, with as many decimals as tell the two apart, 1 to 3 (with one
    /// always, 830 MB needed against 789 MB read "0.8 GB of memory, but about 0.8 GB are available"). The figures are
    /// compared as written: Math.Round takes 0.35 GB (a little less in binary) to 0.4 where "F1" writes 0.3, so
    /// 350 MB against 300 MB read "0.3 GB of memory, but about 0.3 GB".
    /// </summary>
    internal static string Amounts(long needed, long available)
    {
        static string Gigabytes(long bytes, int decimals) => (bytes / 1e9).ToString("F" + decimals);
        int decimals = 1;
        while (decimals < 3 && Gigabytes(needed, decimals) == Gigabytes(available, decimals)) decimals++;
        return $"{Gigabytes(needed, decimals)} GB of memory, but about {Gigabytes(available, decimals)} GB";
    }
}
