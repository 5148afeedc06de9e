using SparseAe.Objective;

namespace SparseAe.Training;

/// <summary>
/// An up-front estimate of what training will allocate, so that a request the machine cannot hold
/// (say 1,000,000 hidden units on 784 inputs) fails before any work with the size it would need,
/// instead of dying half-way with an OutOfMemoryException.
/// </summary>
/// <remarks>
/// n = 2HV + H + V parameters. L-BFGS: theta and gradient in float and double copies, eleven double
/// vectors of the optimiser and line search, 2 x min(memory, iterations) correction pairs in float
/// (a pair is allocated when the optimiser first stores one), and the objective
/// (<see cref="ObjectiveBytes"/>) over every row. Adam: theta, gradient and the two moment vectors, the
/// objective over one batch, the batch and the shuffle pool.
/// The estimate leaves out the data themselves (the caller adds them: L-BFGS's copy of dense rows,
/// 4 V bytes a row; sparse rows are checked once read).
/// </remarks>
internal static class MemoryBudget
{
    // sparseRows: rows held as their nonzeros, whose objective allocates more (ObjectiveBytes).
    public static long FullBatchBytes(int visible, int hidden, long rows, TrainerSettings s, bool sparseRows = false)
    {
        double n = 2.0 * hidden * visible + hidden + visible;
        int threads = Objective.SparseAutoencoderObjective.ThreadsFor(s.Threads, rows);
        int pairs = Optimization.Lbfgs.StoredPairs(s.LbfgsMemory, s.MaxIterations);
        double bytes = n * (16 + 88 + 8.0 * pairs + 4) + ObjectiveBytes(visible, hidden, threads, rows, s.Objective, sparseRows);
        return (long)Math.Min(bytes, long.MaxValue);
    }

    /// <summary>
    /// What <see cref="Objective.SparseAutoencoderObjective"/> allocates to evaluate <paramref name="rows"/> rows at once
    /// on <paramref name="threads"/> threads, in bytes, with Hp = H padded to whole vectors of this CPU
    /// (<see cref="Kernels.RowMatrixKernels.PaddedWidth"/>): W1^T, W2 and W2^T as three V x Hp float matrices; per thread
    /// the gradients of W1 and W2 (V x Hp each; sparse rows add W1's transposed, TopK W2's as H x V), a block of hidden
    /// deltas and its sums, and for sparse rows under a sigmoid decoder a block of BlockRows rows densified (its delta
    /// reads every x; left out, 300 sparse rows of 6,000 values with H = 2 allocated 12.7 MB against 9.6 MB counted);
    /// the activations of the rows, (rows, Hp + V), JumpReLU's pre-activations, (rows, Hp), and
    /// TopK's selections, K + AuxK a row. Counted as 2HV floats (H unpadded) for the matrices and one parameter-sized
    /// gradient a thread, it was short by 12 V Hp - 8 H V bytes and more: L-BFGS on 3 rows of 600,000 values with H = 2
    /// (Hp = 16 on AVX-512) was estimated at 0.38 GB, passed under a 512 MB heap limit and ended in an
    /// OutOfMemoryException in the line search.
    /// </summary>
    internal static double ObjectiveBytes(int visible, int hidden, int threads, long rows, ObjectiveSettings objective, bool sparseRows)
    {
        double v = visible, h = hidden, hp = Kernels.RowMatrixKernels.PaddedWidth(hidden);
        bool topK = objective.Activation == ActivationKind.TopK, jumpReLU = objective.Activation == ActivationKind.JumpReLU;
        int k = topK ? objective.K : 0, auxK = topK ? Math.Max(objective.AuxKFor(visible, hidden), 1) : 0;
        const int blockRows = Objective.SparseAutoencoderObjective.BlockRows;
        double perThread = 4 * v * hp * (sparseRows ? 3 : 2) + (topK ? 4 * h * v : 0)
            + (sparseRows && objective.Decoder == DecoderKind.Sigmoid ? 4.0 * blockRows * v : 0)
            + 4.0 * blockRows * (hp + k) + 8 * v + 48 * hp + 4.0 * Objective.SparseAutoencoderObjective.DecodeTileColumns;
        double shared = 12 * v * hp + 8 * hp + 4 * v + 8 * h + (objective.IsSparseCode ? 40 * h : 0)
            + rows * (4 * (hp + v) + (jumpReLU ? 4 * hp : 0) + (topK ? 8 + 12.0 * (k + auxK) : 0));
        // Each array's header, the 64 bytes an aligned one may give away, and small scratch arrays: measured under 10 KB.
        return shared + perThread * threads + 16384.0 * (1 + threads);
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
        double hp = Kernels.RowMatrixKernels.PaddedWidth(hidden);
        double bytes = n * 16 + ObjectiveBytes(visible, hidden, threads, batchRows, s.Objective, sparseRows)
            + 4.0 * batchRows * (hp + visible) + (sparseRows ? 0 : 4.0 * poolRows * visible);
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

    /// <summary>
    /// "123 rows" of work checked before its rows are read, or "the 4096 rows read so far" of work checked as they
    /// arrive (a source that does not say how many): the words every memory refusal gives its rows.
    /// </summary>
    public static string Counted(long count, string what, bool readSoFar) => readSoFar ? $"the {count} {what} read so far" : $"{count} {what}";

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
    /// "0.83 GB of memory, but about 0.79 GB": in GB, with as many decimals as tell the two apart and write neither
    /// amount above zero as 0.0, 1 to 6 (with one always, 830 MB needed against 789 MB read "0.8 GB of memory, but
    /// about 0.8 GB are available"). The figures are compared as written: Math.Round takes 0.35 GB (a little less in
    /// binary) to 0.4 where "F1" writes 0.3, so 350 MB against 300 MB read "0.3 GB of memory, but about 0.3 GB".
    /// Up to 6, a kilobyte: a check made as rows arrive refuses the chunk that first passes what is available, often by
    /// less than a megabyte, and at 3 ZCA's read "needs about 0.134 GB of memory, but about 0.134 GB are available".
    /// </summary>
    internal static string Amounts(long needed, long available)
    {
        static string Gigabytes(long bytes, int decimals) => (bytes / 1e9).ToString("F" + decimals);
        // Nor may an amount above zero be written as none: 6 MB left read "about 0.0 GB are available".
        static bool Zero(string written) => written.All(c => c == '0' || !char.IsAsciiDigit(c));
        bool Unclear(int decimals) => Gigabytes(needed, decimals) == Gigabytes(available, decimals)
            || (needed > 0 && Zero(Gigabytes(needed, decimals))) || (available > 0 && Zero(Gigabytes(available, decimals)));
        int decimals = 1;
        while (decimals < 6 && Unclear(decimals)) decimals++;
        return $"{Gigabytes(needed, decimals)} GB of memory, but about {Gigabytes(available, decimals)} GB";
    }
}
