namespace SparseAe.Training;

/// <summary>
/// The one way an autoencoder is trained on rows: both ML.NET estimators (and through them the
/// command line) come here, and so do library users of Core. It validates the settings once, checks
/// sizes and memory before any row is used (both: once the first pass is open, whose reader may look at
/// its first rows to say whether they are sparse; L-BFGS: when the source knows its row count, else, and
/// for sparse rows again, as the rows are read, every 4,096 (every 16 MB of wider rows), and once they are), chooses the optimizer, reads the rows L-BFGS
/// holds (every row, or a seeded sample of <see cref="TrainerSettings.MaximumRows"/>; sparse rows as their
/// nonzeros), refuses a value that is not finite, warns about
/// inputs a sigmoid decoder cannot reconstruct, and reports what it does through
/// <see cref="TrainerSettings.Info"/> and <see cref="TrainerSettings.Warning"/>.
/// </summary>
public static class AutoencoderTraining
{
    /// <summary>
    /// The most rows L-BFGS can train on at V inputs and H hidden units: it holds the activations of
    /// every row at once, in single arrays. More rows need <see cref="TrainerSettings.MaximumRows"/> or Adam.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">V or H is below 1, or the network is too wide to train (<see cref="Run"/>'s rule).</exception>
    public static long MaxLbfgsRows(int visibleCount, int hiddenCount)
    {
        Objective.SparseAutoencoderObjective.CheckSizes(visibleCount, hiddenCount);
        return FullBatchTrainer.MaxRows(visibleCount, hiddenCount);
    }

    /// <summary>Trains on <paramref name="rows"/> with <paramref name="settings"/>.</summary>
    public static TrainingResult Run(IRowSource rows, TrainerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        int v = rows.VectorSize, h = settings.HiddenCount;
        Objective.SparseAutoencoderObjective.CheckSizes(v, h, settings.Objective.HasThresholds);
        string network = $"{English.Article(v)} {v}-{h}-{v} autoencoder";
        string what = RowReading.Named(rows);
        // The most rows one evaluation takes (its activations are single arrays): Adam's mini-batch, or every row L-BFGS holds.
        long limit = Objective.SparseAutoencoderObjective.MaxRows(v, h);
        if (settings.Optimizer == OptimizerKind.Adam)
        {
            int batchRows = MemoryBudget.MiniBatchRows(settings, rows.RowCount).BatchRows;
            if (batchRows > limit)
                throw new ArgumentOutOfRangeException(nameof(settings.BatchSize), settings.BatchSize,
                    $"BatchSize is {settings.BatchSize}, but a mini-batch of {network} holds at most {limit} rows (its activations are single arrays); lower it.");
            // Where the source says its rows, a run longer than Adam's step count is refused now, not once the count runs out.
            if (rows.RowCount is long rowsSaid && Optimization.Adam.StepsFor(rowsSaid, batchRows, settings.Epochs) is var steps && steps > Optimization.Adam.MaxSteps)
                throw new ArgumentOutOfRangeException(nameof(settings.Epochs), settings.Epochs,
                    $"Epochs is {settings.Epochs}, but {settings.Epochs} passes over the {rowsSaid} rows of {what} in mini-batches of {batchRows} are {steps} Adam steps, " +
                    $"more than the {Optimization.Adam.MaxSteps} a model counts (it saves its step count as an int32); raise BatchSize or lower Epochs.");
            // Memory is checked once the first pass is open (its reader says whether the rows are
            // sparse, which decides the shuffle pool's size) and before anything large is allocated.
            return MiniBatchTrainer.Train(rows, settings, sparse =>
            {
                // The dense shuffle pool, 4 P V bytes, can be the bulk (P is ShufflePoolRows when the source does not say its rows).
                MemoryBudget.Ensure(MemoryBudget.MiniBatchBytes(v, h, settings, rows.RowCount, sparse),
                    $"Training {network} with Adam in batches of {batchRows}",
                    sparse ? $"use fewer hidden units, or lower BatchSize (now {settings.BatchSize})"
                        : $"use fewer hidden units, or lower ShufflePoolRows (now {settings.ShufflePoolRows}) or BatchSize (now {settings.BatchSize})");
                settings.Info?.Invoke($"Training {network} with Adam, streaming {what}{(sparse ? " as sparse rows (their nonzeros)" : "")}.");
            });
        }

        // L-BFGS holds every row: sizes are checked before any row is read, and memory as soon as the
        // first pass says whether its rows are sparse, when the source knows how many it has.
        // A cap at or above the rows a source says it has means every row, read as without a cap (no
        // sample, and a source that has more rows than it said is refused by the read), as ML.NET's
        // maximumNumberOfRows does; it was refused when above the limit.
        long? maximumRows = RowReading.SampleCap(settings.MaximumRows, rows.RowCount);
        if (maximumRows > limit)
            throw new ArgumentOutOfRangeException(nameof(settings.MaximumRows), settings.MaximumRows,
                $"MaximumRows is {settings.MaximumRows}, but L-BFGS can hold at most {limit} rows of {network}; lower it or use Optimizer = Adam, which streams.");
        Exception TooMany(long? count) => TooManyForLbfgs(what, count, limit, network, settings.MaximumRows);
        // What L-BFGS allocates for `used` rows, and the rows themselves unless they are held already
        // (dense: 4 V bytes a row; sparse rows: checked again once read, as their nonzeros are unknown before).
        // Sparse rows: the objective's sparse path allocates more (W1's transposed gradient, a sigmoid's densified block).
        void EnsureMemory(long used, long rowBytes, bool sparse, bool readSoFar = false) => MemoryBudget.Ensure(
            MemoryBudget.FullBatchBytes(v, h, used, settings, sparse) + rowBytes, $"Training {network} with L-BFGS on {MemoryBudget.Counted(used, "rows", readSoFar)}",
            // The correction pairs are min(LbfgsMemory, MaxIterations) copies of the parameters: they can be the bulk.
            $"{(settings.MaximumRows is long m ? $"lower MaximumRows (now {m})" : "set MaximumRows to train on a random sample of the rows")}, use fewer hidden units, keep fewer correction pairs (LbfgsMemory, now {settings.LbfgsMemory}), or use Adam, which streams the rows");
        if (rows.RowCount is long rowCount && rowCount > limit && maximumRows is null) throw TooMany(rowCount);
        if (rows is ArrayRowSource array && maximumRows is null)
        {
            // Already in one array: no copy. The source checked its values when made, but it wraps the caller's
            // array, which may have changed since (a NaN written there was "check that the inputs lie in [0, 1]").
            if (array.Rows == 0) throw RowReading.NoRows(rows);   // ReadAll says the same
            RowReading.ThrowIfNonFinite(array.Data.Span, v, nameof(rows));
            EnsureMemory(array.Rows, 0, sparse: false);
            return TrainHeld(array.Data, null, array.Rows, array.Rows);
        }

        // The pass is closed before training starts.
        var (held, sparseHeld, count, seen) = ReadHeld();
        if (sparseHeld is null)
            RowReading.ThrowIfNonFinite(held.Span.Slice(0, count * v), v, nameof(rows), HeldRow(count, seen));
        return TrainHeld(held, sparseHeld, count, seen);

        // A MaximumRows sample's rows are in the sample's order, not the source's: a row is named by its place in
        // the sample (null: the rows are the source's, in order).
        static Func<int, string>? SampleRow(int heldRows, long seenRows)
            => heldRows == seenRows ? null : r => $"row {r} of the random sample of {heldRows} of the {seenRows} rows (MaximumRows)";

        // The same at the start of a message, for the checks of the rows held, dense or sparse (null: "Training row r").
        static Func<int, string>? HeldRow(int heldRows, long seenRows)
            => SampleRow(heldRows, seenRows) is { } sampled ? r => RowReading.Capitalised(sampled(r)) : null;

        (ReadOnlyMemory<float>, Objective.SparseRowBatch?, int, long) ReadHeld()
        {
            using var reader = RowReading.Open(rows, 0);
            bool sparse = reader.RowsAreSparse;
            // The count is read once: a source may learn it from the pass (mlContext.Data.Cache of a view that does not say
            // it), and a count read after the rows skipped the check below that a count unknown before them needs.
            long? said = rows.RowCount;
            if (said is long known)
            {
                long used = Math.Min(known, maximumRows ?? known);
                EnsureMemory(used, sparse ? 0 : 4 * used * v, sparse);
            }
            var sampler = maximumRows is null ? null : new Random(settings.Seed);
            long maxRows = maximumRows ?? limit;
            // Rows whose size was unknown above (a source that does not say how many, sparse rows) are checked as they
            // arrive, the rows held so far (they were read whole first, and could run out of memory before any check).
            Action<long>? holding = said is null || sparse ? kept => EnsureMemory(kept, 0, sparse, readSoFar: true) : null;
            if (sparse)
            {
                var (batch, all) = RowReading.ReadAllSparse(reader, rows, maxRows, sampler, () => TooMany(null), settings.ThrowIfCancelled, nameof(rows), holding, HeldRow);
                EnsureMemory(batch.Rows, 0, sparse: true);   // the rows are held now (their size was unknown before); their activations are not yet
                return (default, batch, batch.Rows, all);
            }
            var (data, kept, total) = RowReading.ReadAll(reader, rows, maxRows, sampler, () => TooMany(null), settings.ThrowIfCancelled, holding);
            if (said is null) EnsureMemory(kept, 0, sparse: false);
            return (data, null, kept, total);
        }

        // The rows held, dense (x) or as their nonzeros (sparseX): the sigmoid decoder's range warning, what is done, L-BFGS.
        TrainingResult TrainHeld(ReadOnlyMemory<float> x, Objective.SparseRowBatch? sparseX, int heldRows, long seenRows)
        {
            if (UnitIntervalCheck.For(settings) is { } range)
            {
                if (sparseX is null) range.Add(x.Span.Slice(0, heldRows * v));
                else range.Add(sparseX);
                range.Warn(heldRows == seenRows ? what : $"the random sample of {heldRows} of the {seenRows} rows of {what}", settings.Warning);
            }
            string stored = sparseX is null ? "" : " as sparse rows (their nonzeros)";
            settings.Info?.Invoke(heldRows == seenRows
                ? $"Training {network} with L-BFGS on {heldRows} rows{stored}."
                : $"Training {network} with L-BFGS on a random sample of {heldRows} of {seenRows} rows (MaximumRows){stored}.");
            var rowName = SampleRow(heldRows, seenRows);
            return sparseX is null ? FullBatchTrainer.Train(x, heldRows, v, settings, rowName) : FullBatchTrainer.Train(sparseX, settings, rowName);
        }
    }

    /// <summary>
    /// The data are too many for L-BFGS, as RowReading.NoRows's are too few: an ArgumentException. <paramref name="count"/> is
    /// the rows the source says it has, or null when it does not say and the read stopped at the first row past the limit:
    /// that row's number was given as the count ("has 5368709 rows" of a view of ten million). A MaximumRows at or above the
    /// rows means every row, so one set there is advised lower (it was told to "set MaximumRows", which it had).
    /// </summary>
    internal static ArgumentException TooManyForLbfgs(string what, long? count, long limit, string network, long? maximumRows = null) => new(
        $"{RowReading.Capitalised(what)} has {(count is long c ? $"{c} rows, more than the" : "more than the")} {limit} rows of {network} that L-BFGS can hold in memory" +
        $"{(count is null ? " (its read stopped at the first row past them; it does not say how many it has)" : "")}; " +
        (maximumRows is long m ? $"lower MaximumRows (now {m}, every row) to at most {limit} to train on a random sample of them" : "set MaximumRows to train on a random sample of them") +
        ", or use Optimizer = Adam, which streams every row.", "input");
}
