using System.Diagnostics;
using System.Globalization;
using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;

namespace SparseAe.Training;

/// <summary>
/// Mini-batch Adam over shuffled passes of a row source: the data are streamed, never held whole.
/// Each batch's sparsity term uses that batch's rhoHat, the usual mini-batch form of the UFLDL cost.
/// Reached only through <see cref="AutoencoderTraining.Run"/>, which validates the settings and checks memory.
/// </summary>
internal static class MiniBatchTrainer
{
    /// <summary>
    /// Trains for <see cref="TrainerSettings.Epochs"/> passes over the source. <paramref name="starting"/>
    /// runs once the first pass is open, told whether its rows are sparse, before any large allocation
    /// (the memory check and the message).
    /// </summary>
    public static TrainingResult Train(IRowSource source, TrainerSettings settings, Action<bool>? starting = null)
    {
        int v = source.VectorSize, h = settings.HiddenCount;
        // The shuffle pool and the batch: never more rows than the source has, kept for every epoch (the
        // dense pool allocated as rows arrive: a source may not say how many it has).
        var (poolRows, batchSize) = MemoryBudget.MiniBatchRows(settings, source.RowCount);
        long rowsSaid = source.RowCount ?? long.MaxValue;
        // The first pass is opened first: its reader says whether the rows are sparse.
        var firstOrder = new Random(PassSeeds.For(settings.Seed, 1));
        IRowReader? firstPass = RowReading.Open(source, 0, firstOrder);
        bool sparseRows;
        try
        {
            sparseRows = firstPass.RowsAreSparse;
            starting?.Invoke(sparseRows);
        }
        catch
        {
            firstPass.Dispose();
            throw;
        }

        var clock = Stopwatch.StartNew();
        int threads = SparseAutoencoderObjective.ThreadsFor(settings.Threads, batchSize);
        using var objective = new SparseAutoencoderObjective(v, h, settings.Objective, threads);
        bool codes = settings.Objective.IsSparseCode;
        // The sparse codes start from the first mini-batch (their pre-encoder bias is its mean).
        var parameters = codes ? null : ParameterInitializer.Initialize(v, h, settings.Seed);
        var theta = parameters?.Theta ?? [];
        int n = AutoencoderParameters.CountFor(v, h, settings.Objective.HasThresholds);
        var gradient = new float[n];
        var adam = new Adam(n, settings.LearningRate);
        // Sparse rows (the first pass's reader says so) are read as their nonzeros into a CSR batch, and the
        // objective's encoder product and dJ/dW1 touch only those; dense rows fill (batch, V) floats.
        var batch = sparseRows ? [] : new float[(long)batchSize * v];
        var sparseBatch = sparseRows ? new SparseBatchBuilder(v, batchSize) : null;
        var history = new List<CostBreakdown>();
        var meanActivation = new double[h];
        var firingRate = new double[h];
        var inputSums = new double[v];
        // The rows' moments are taken about the epoch's first row (see AddInputMoments); null before it.
        float[]? inputShift = null;
        (int[] Indices, float[] Values)? sparseShift = null;
        var pool = sparseRows ? null : new DenseRowPool(poolRows, v);
        // The sparse pool's size follows the rows' nonzeros, which the check before training cannot know: it is checked
        // as it fills, its slots not yet filled taken at the size of those filled.
        var sparsePool = sparseRows ? new SparseRowPool(poolRows, p => MemoryBudget.Ensure(p.RemainingBytes,
            $"The rest of Adam's shuffle pool ({p.Capacity - p.FilledSlots} more of its {p.Capacity} rows, at about {p.MeanNonzeros:F0} nonzeros a row, as the {p.FilledSlots} sparse rows held so far)",
            $"lower ShufflePoolRows (now {settings.ShufflePoolRows})")) : null;
        long rowsPerEpoch = 0;
        CostBreakdown epochCost = default;
        double inputSquares = 0;

        var range = UnitIntervalCheck.For(settings);   // the first epoch's rows, for the sigmoid decoder's warning
        double? startCost = null;           // at the starting point: the first mini-batch's (sparse codes: the second's)
        // The sparse codes' starting point, kept until the second mini-batch: the first one set its decoder bias
        // to that batch's mean, so its cost there is no baseline (a batch of one row is reconstructed exactly,
        // and every ordinary run then "rose 100 times"); the second batch's cost at this point is.
        float[]? startTheta = null;
        string startWhere = "on the first mini-batch";
        SparseRowBatch? lastRows = null;    // the last mini-batch (its buffers are not read into again)
        int lastFilled = 0;
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            double total = 0, recon = 0, decay = 0, sparsity = 0;
            long epochRows = 0;
            Array.Clear(meanActivation);
            Array.Clear(firingRate);
            Array.Clear(inputSums);
            inputSquares = 0;
            inputShift = null;
            sparseShift = null;
            int batches = 0, filled = 0;
            // A different, seed-determined order every epoch: the source's own shuffle where it has
            // one (so rows stored in class order mix beyond the pool), then the pool's.
            var inner = firstPass ?? RowReading.Open(source, epoch, new Random(PassSeeds.For(settings.Seed, 2 * epoch + 1)));
            firstPass = null;
            int poolSeed = PassSeeds.For(settings.Seed, 2 * epoch);
            using (IRowReader reader = sparseRows ? new SparseShufflingRowReader(inner, v, sparsePool!, poolSeed, settings.ThrowIfCancelled)
                : new ShufflingRowReader(inner, pool!, poolSeed, settings.ThrowIfCancelled))
            {
                while (true)
                {
                    bool more = sparseRows ? sparseBatch!.TryRead(reader) : reader.TryReadRow(batch.AsSpan(filled * v, v));
                    if (more) filled++;
                    // The batch and the pool were sized by the rows said: a source that gives more is refused, as L-BFGS's read refuses it.
                    if (more && epochRows + filled > rowsSaid) throw RowReading.MoreRowsThanSaid(source);
                    if (filled == batchSize || (!more && filled > 0))
                    {
                        settings.ThrowIfCancelled();
                        // A bad row is named by its place in this shuffled batch, for dense and sparse rows alike.
                        string BatchRow(int r) => $"Row {r} of mini-batch {batches + 1} in epoch {epoch + 1} (rows in shuffled order)";
                        var rows = sparseBatch?.Build(BatchRow, RowsParameter);
                        // A source of one's own (an IRowSource) is not checked when read, as ML.NET's columns are, and an
                        // ArrayRowSource's array may have changed since it was checked: a NaN would surface as "the cost
                        // became NaN ... try a smaller LearningRate".
                        if (rows is null)
                            RowReading.ThrowIfNonFinite(batch.AsSpan(0, filled * v), v, RowsParameter, BatchRow);
                        if (rows is null) range?.Add(batch.AsSpan(0, filled * v));
                        else range?.Add(rows);
                        if (parameters is null)
                        {
                            parameters = rows is null
                                ? ParameterInitializer.InitializeSparseCode(v, h, settings.Seed, batch.AsSpan(0, filled * v), settings.Objective.HasThresholds)
                                : ParameterInitializer.InitializeSparseCode(v, h, settings.Seed, rows, settings.Objective.HasThresholds);
                            theta = parameters.Theta;
                            startTheta = (float[])theta.Clone();
                        }
                        if (startTheta is not null && adam.Steps == 1)
                        {
                            startCost = Evaluate(objective, startTheta, batch, rows, filled, gradient).Total;
                            startTheta = null;
                            startWhere = "on the second mini-batch, as the first set the decoder bias";
                        }
                        var cost = Evaluate(objective, theta, batch, rows, filled, gradient);
                        ThrowIfNonFinite(cost, gradient, objective, settings, filled, $"at epoch {epoch + 1}, mini-batch {batches + 1}", atStart: adam.Steps == 0,
                            cause: () => rows is null
                                ? RowReading.SquareOverflow(batch.AsSpan(0, filled * v), v, BatchRow, settings.Objective.Decoder)
                                : RowReading.SquareOverflow(rows, BatchRow, settings.Objective.Decoder));
                        startCost ??= cost.Total;
                        Update(objective, adam, parameters, gradient);
                        ThrowIfMomentOverflowed(objective, adam, gradient, settings, $"at epoch {epoch + 1}, mini-batch {batches + 1}");
                        if (adam.Steps == 1) WarnIfUnmovable(adam, theta, settings);
                        lastRows = rows;
                        lastFilled = filled;
                        if (codes)
                        {
                            var rate = objective.FiringRate;
                            for (int j = 0; j < h; j++) firingRate[j] += rate[j] * filled;
                            if (rows is null) AddInputMoments(batch.AsSpan(0, filled * v), v, ref inputShift, inputSums, ref inputSquares);
                            else AddInputMoments(rows, ref sparseShift, inputSums, ref inputSquares);
                        }
                        // Weight the batch's terms by its rows so a short last batch counts less.
                        total += cost.Total * filled; recon += cost.Reconstruction * filled;
                        decay += cost.WeightDecay * filled; sparsity += cost.Sparsity * filled;
                        var rhoHat = objective.MeanActivation;
                        for (int j = 0; j < h; j++) meanActivation[j] += rhoHat[j] * filled;
                        epochRows += filled;
                        batches++;
                        filled = 0;
                        sparseBatch?.Clear();
                    }
                    if (!more) break;
                }
            }
            if (epochRows == 0 && epoch > 0)
                throw new ArgumentException($"{RowReading.Capitalised(RowReading.Named(source))} gave no rows in epoch {epoch + 1}, after {rowsPerEpoch} in epoch {epoch}; Adam reads every row in every epoch.", "input");
            if (epochRows == 0) throw RowReading.NoRows(source);
            range?.Warn(RowReading.Named(source), settings.Warning);
            range = null;
            rowsPerEpoch = epochRows;
            epochCost = new CostBreakdown(total / epochRows, recon / epochRows, decay / epochRows, sparsity / epochRows);
            for (int j = 0; j < h; j++) meanActivation[j] /= epochRows;
            for (int j = 0; j < h; j++) firingRate[j] /= epochRows;
            history.Add(epochCost);
            settings.Progress?.Invoke(new TrainingProgress(adam.Steps, epoch + 1, epochCost, clock.Elapsed));
        }

        CheckLastUpdate(objective, parameters!, lastRows is null ? batch.AsMemory(0, lastFilled * v) : default, lastRows, lastFilled, gradient, settings);
        // A finite cost can still have diverged (ReLU codes all 0 after a step of 1e6): said, not refused,
        // since a stream whose first rows are unlike the rest can also end far above its first batch.
        if (startCost is double first && epochCost.Total > DivergedRatio * first)
            settings.Warning?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"Adam's cost rose from {first:G4} at the starting point ({startWhere}) to {epochCost.Total:G4} over the last epoch: training diverged, and the model " +
                $"reconstructs poorly. Try a smaller LearningRate (now {settings.LearningRate}).")); // invariant, as every log line: "1,5E+03" under de-DE before

        SparseCodeMetrics? metrics = null;
        if (codes)
        {
            // FVU over the last epoch; its squared error is 2 m times the reconstruction term.
            double fvu = SparseCodeMetrics.FractionOfVarianceUnexplained(2 * epochCost.Reconstruction * rowsPerEpoch, inputSquares, inputSums, rowsPerEpoch);
            metrics = new SparseCodeMetrics(fvu, (double)objective.DeadLatentCount / h, firingRate);
        }
        var summary = new TrainingSummary(OptimizerKind.Adam, adam.Steps, settings.Epochs, OptimizerExitReason.EpochsCompleted,
            epochCost, meanActivation, clock.Elapsed, rowsPerEpoch, history, metrics);
        return new TrainingResult(parameters!, summary);
    }

    // A bad row is refused as the parameter of the public entry, AutoencoderTraining.Run's rows, as L-BFGS's
    // read refuses it (this method's own 'source' is internal; Adam's refusals named it).
    private const string RowsParameter = "rows";

    // A LearningRate too small for float to move most weights: said at the first update, so a long run is not spent on a
    // model that stays at its random start (1e-20 passed the range check, and no weight of W1 or W2 moved). A warning, not a
    // refusal, as L-BFGS's run that lowers nothing is (FullBatchTrainer): the parameters near 0 still train.
    private static void WarnIfUnmovable(Adam adam, float[] theta, TrainerSettings settings)
    {
        if (settings.Warning is null) return;
        var (nonzero, unmovable) = adam.CountUnmovable(theta);
        if (2 * unmovable <= nonzero) return;
        settings.Warning(string.Create(CultureInfo.InvariantCulture,
            $"Adam's LearningRate {settings.LearningRate} is below float's resolution of most weights: no step it takes (at most {adam.LargestStep:G3}, " +
            $"{adam.LargestStep / settings.LearningRate:G3} LearningRate) changes {unmovable} of the {nonzero} nonzero parameters, each step being under half their float spacing " +
            $"(about 6e-8 of a weight's size), so those stay at their random starting values. Use a larger LearningRate (the default is {Defaults.LearningRate})."));
    }

    // How many times its starting cost a run may end at before it is said to have diverged.
    internal const double DivergedRatio = 100;

    // The check of every evaluation, on a mini-batch of `rows` rows: the cost and each gradient entry finite. Says which failed, and where.
    // `cause`, asked only on a failure, names a row of the batch whose values alone overflow (RowReading.SquareOverflow):
    // then neither the step size nor a penalty weight is to blame.
    internal static void ThrowIfNonFinite(CostBreakdown cost, float[] gradient, SparseAutoencoderObjective objective, TrainerSettings settings, int rows, string where,
        bool atStart = false, Func<string?>? cause = null)
    {
        string? what = !cost.IsFinite ? $"The cost became {cost.Total}"
            : VectorKernels.IndexOfNonFinite(gradient, objective.Pool) is var i and >= 0 ? $"The gradient of {AutoencoderParameters.ParameterName(objective.VisibleCount, objective.HiddenCount, i)} became {gradient[i]} (the cost {cost.Total:G6})"
            : null;
        if (what is null) return;
        if (cause?.Invoke() is { } row)
            throw new NonFiniteCostException($"{what} {where}{(atStart ? ", at the starting point (before any update)" : "")}; training stopped and no model is returned. {row}.");
        // Before the first update no step size can be the cause: the advice is the data's or a penalty weight's alone.
        if (atStart)
            throw new NonFiniteCostException($"{what} {where}, at the starting point (before any update); training stopped and no model is returned. " +
                $"To find why, {RowReading.NonFiniteAdvice(cost, settings.Objective, rows)}.");
        throw Stopped($"{what} {where}", settings, $", or {RowReading.NonFiniteAdvice(cost, settings.Objective, rows)}");
    }

    // Adam's second moment v = b2 v + (1 - b2) g^2 is a float: a finite gradient past sqrt(float.MaxValue) made it
    // infinite for the rest of the run, and the update m / sqrt(v) 0, so that parameter stopped without a word (SparsityWeight
    // 1e21 on inputs in [0, 1] left the whole encoder at its initial values, and the run said EpochsCompleted). The gradient
    // of this update is the one that overflowed (v was finite before it). After the first update the weights may have
    // grown by too large a step, so the learning rate is named first, as every refusal after an update names it
    // (a step of 1e6 at the default penalties was told to lower them first).
    private static void ThrowIfMomentOverflowed(SparseAutoencoderObjective objective, Adam adam, float[] gradient, TrainerSettings settings, string where)
    {
        if (!adam.MomentOverflowed || adam.IndexOfInfiniteMoment(objective.Pool) is not (var i and >= 0)) return;
        string what = $"The gradient of {AutoencoderParameters.ParameterName(objective.VisibleCount, objective.HiddenCount, i)} became {gradient[i]:G4} {where}, beyond {Math.Sqrt(float.MaxValue):G3}: its square, Adam's second moment, " +
            "passes float and would stop the parameter for the rest of the run";
        string penalties = $"{RowReading.PenaltyWeights(settings.Objective)}, or the inputs' scale (the gradient grows with each)";
        if (adam.Steps > 1) throw Stopped(what, settings, $", or lower {penalties}");
        throw new NonFiniteCostException($"{what}; training stopped and no model is returned. Lower {penalties}.");
    }

    // The one wording of a run stopped for a non-finite value, with the learning rate to try first.
    private static NonFiniteCostException Stopped(string what, TrainerSettings settings, string advice = "")
        => new($"{what}; training stopped and no model is returned. Try a smaller LearningRate (now {settings.LearningRate}){advice}.");

    // Each evaluation in the loop comes before its update, so the last update is checked here: the parameters
    // finite, JumpReLU's thresholds exp(t) finite (t over 88.7 made every code 0), and the cost and gradient
    // on the last mini-batch finite (weights of 1e20 are finite and gave ordinary rows NaN codes).
    private static void CheckLastUpdate(SparseAutoencoderObjective objective, AutoencoderParameters parameters, ReadOnlyMemory<float> lastDense,
        SparseRowBatch? lastSparse, int lastRows, float[] gradient, TrainerSettings settings)
    {
        const string where = "after the last update";
        if (VectorKernels.IndexOfNonFinite(parameters.Theta, objective.Pool) is var i and >= 0)
            throw Stopped($"The {AutoencoderParameters.ParameterName(parameters.VisibleCount, parameters.HiddenCount, i)} became {parameters.Theta[i]} {where}", settings);
        var logThresholds = parameters.LogThresholds;
        for (int j = 0; j < logThresholds.Length; j++)
            if (AutoencoderParameters.LogThresholdProblem(logThresholds[j]) is not null)
                throw Stopped($"The threshold of latent {j} became exp({logThresholds[j]}), beyond float, {where}", settings);
        var cost = Evaluate(objective, parameters.Theta, lastDense, lastSparse, lastRows, gradient);
        ThrowIfNonFinite(cost, gradient, objective, settings, lastRows, $"{where}, on the last mini-batch");
    }

    // The cost and gradient at theta on a mini-batch held sparse, or dense as the first `rows` rows of `dense`.
    private static CostBreakdown Evaluate(SparseAutoencoderObjective objective, float[] theta, ReadOnlyMemory<float> dense, SparseRowBatch? sparse,
        int rows, float[] gradient)
        => sparse is null ? objective.Evaluate(theta, dense, rows, gradient) : objective.Evaluate(theta, sparse, gradient);

    /// <summary>
    /// The step after an evaluation: Adam's update of theta from the gradient, then for the sparse codes
    /// the decoder's columns back to unit norm (Gao et al. 2024, after every step) and the latents' firing
    /// counted. The objective's worker threads, idle between evaluations, share the passes over theta.
    /// </summary>
    internal static void Update(SparseAutoencoderObjective objective, Adam adam, AutoencoderParameters parameters, float[] gradient)
    {
        var pool = objective.Pool;
        adam.Step(parameters.Theta, gradient, pool);
        if (!objective.Settings.IsSparseCode) return;
        parameters.NormalizeDecoderColumns(pool);
        objective.CountFiring();
    }

    // The FVU's moments of dense rows, about a shift s, the first row of the epoch: sums += x - s and
    // squares += ||x - s||^2, in double. The variance is then squares - ||sums||^2 / m, as about 0, but
    // identical rows give exactly 0 and an offset common to every row (pixels near 1000, say) does not
    // cancel away the spread around it: about 0, rows of 1e18 gave -8e-9 of the sum of squares, and
    // rows at 1000 +- 5e-4 would lose their spread to the rounding of 1e6-sized squares.
    private static void AddInputMoments(ReadOnlySpan<float> rows, int v, ref float[]? shift, double[] sums, ref double squares)
    {
        shift ??= rows.Slice(0, v).ToArray();
        for (int r = 0; r < rows.Length / v; r++)
        {
            var row = rows.Slice(r * v, v);
            for (int i = 0; i < v; i++)
            {
                double d = (double)row[i] - shift[i];
                sums[i] += d;
                squares += d * d;
            }
        }
    }

    // The same moments over sparse rows, about the same shift s (the epoch's first row, held as its
    // nonzeros): for each row x, d = x_c - s_c at the columns where x or s has an entry, merged in ascending
    // order (d is 0 at every other column), sums[c] += d and squares += d^2, in double: the dense rows'
    // sums in their order, at O(nnz(x) + nnz(s)) a row. About 0, identical rows kept a rounding residue of
    // either sign as their variance (777 rows of 0.123456: FVU 7e11 where the dense rows' is 1).
    private static void AddInputMoments(SparseRowBatch rows, ref (int[] Indices, float[] Values)? shift, double[] sums, ref double squares)
    {
        shift ??= (rows.Indices(0).ToArray(), rows.Values(0).ToArray());
        var (si, sv) = shift.Value;
        for (int r = 0; r < rows.Rows; r++)
        {
            var xi = rows.Indices(r);
            var xv = rows.Values(r);
            int a = 0, b = 0;
            while (a < xi.Length || b < si.Length)
            {
                int c;
                double d;
                if (b == si.Length || (a < xi.Length && xi[a] < si[b])) { c = xi[a]; d = xv[a++]; }
                else if (a == xi.Length || si[b] < xi[a]) { c = si[b]; d = -(double)sv[b++]; }
                else { c = xi[a]; d = (double)xv[a++] - sv[b++]; }
                sums[c] += d;
                squares += d * d;
            }
        }
    }

    /// <summary>
    /// A mini-batch of sparse rows read one at a time into CSR arrays: rowStarts (batch + 1), and
    /// indices and values that grow to the batch's nonzeros plus V (a row is read into a V-long tail).
    /// </summary>
    private sealed class SparseBatchBuilder(int v, int batchSize)
    {
        private readonly int[] _rowStarts = new int[batchSize + 1];
        private int[] _indices = new int[Math.Max(v, 1024)];
        private float[] _values = new float[Math.Max(v, 1024)];
        private int _rows;

        /// <summary>Reads the next row from the reader into the batch; false at the end of the pass.</summary>
        public bool TryRead(IRowReader reader)
        {
            int used = _rowStarts[_rows];
            if (_indices.Length - used < v)
            {
                int size = (int)Math.Min(Array.MaxLength, Math.Max(2L * _indices.Length, (long)used + v));
                Array.Resize(ref _indices, size);
                Array.Resize(ref _values, size);
            }
            if (!RowReading.TryReadSparse(reader, _indices.AsSpan(used, v), _values.AsSpan(used, v), out int count)) return false;
            _rowStarts[++_rows] = used + count;
            return true;
        }

        /// <summary>The rows read since the last <see cref="Clear"/>, checked (ascending indices in [0, V), finite values), a bad one named
        /// by <paramref name="row"/>, a non-finite value as the parameter <paramref name="paramName"/> (the dense batch's).</summary>
        public SparseRowBatch Build(Func<int, string> row, string paramName) => new(v, _rows, _rowStarts, _indices, _values, row, paramName);

        public void Clear() => _rows = 0;
    }
}
