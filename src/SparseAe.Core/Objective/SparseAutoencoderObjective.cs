using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Threading;

namespace SparseAe.Objective;

/// <summary>
/// The sparse autoencoder's cost and gradient, as in UFLDL's sparseAutoencoderCost.m
/// (Ng, "Sparse autoencoder", CS294A lecture notes, sections 2.2-2.3 and 3).
/// </summary>
/// <remarks>
/// With V visible units, H hidden units and a batch X of m rows (X is (m,V), one example per row):
/// <code>
///   A1 = sigmoid(X W1^T + b1)          (m,H)   hidden activations h
///   A2 = sigmoid(A1 W2^T + b2)         (m,V)   reconstructions y
///   rhoHat_j = (1/m) sum_i A1[i,j]
///   J = (1/(2m)) sum_i ||y_i - x_i||^2                    reconstruction
///     + (lambda/2) (||W1||^2 + ||W2||^2)                  weight decay (biases are not decayed)
///     + beta sum_j KL(rho || rhoHat_j)                    sparsity, KL form (UFLDL)
///       or beta (1/m) sum_ij |A1[i,j]|                    sparsity, L1 form
///   KL(rho||q) = rho log(rho/q) + (1-rho) log((1-rho)/(1-q))
/// </code>
/// Back-propagation (rows as examples):
/// <code>
///   D3 = (A2 - X) .* A2 .* (1 - A2)                        (m,V); linear decoder: A2 = A1 W2^T + b2, D3 = A2 - X
///   s_j = beta (-rho/rhoHat_j + (1-rho)/(1-rhoHat_j))      KL; s_j = beta for L1 (h > 0 always)
///   D2 = (D3 W2 + s) .* A1 .* (1 - A1)                     (m,H)
///   dJ/dW2 = (1/m) D3^T A1 + lambda W2,  dJ/db2 = (1/m) sum_i D3[i,:]
///   dJ/dW1 = (1/m) D2^T X  + lambda W1,  dJ/db1 = (1/m) sum_i D2[i,:]
/// </code>
/// The reconstruction term is UFLDL's: divided by m only. The seed TensorFlow code took the mean over
/// the V features as well, which scales that term (and its gradient) by 1/V.
/// Internally the hidden layer is padded to Hp units, a whole number of vectors (H = 100 becomes 104
/// with AVX2, 112 with AVX-512), in zero weights and biases, and every buffer starts on a cache line:
/// the matrix products then have no column tail and no vector load that splits a cache line (on Zen 3,
/// 128 x 64 x 100 ran at 65 GFLOP/s, 128 x 64 x 96 from aligned rows at 80). The padding units'
/// activations (sigmoid(0) = 0.5) meet only zero weights and are never read into the cost or gradient.
/// Compute is float32; the cost and its terms are accumulated in double. Rows are split into
/// min(threads, rows / 32) contiguous chunks (at least 1: a chunk holds at least 32 rows) and the partial
/// sums are added in chunk order, so the result is the same for the same inputs and thread count. An instance keeps its work buffers between calls and is
/// not safe for concurrent use.
/// </remarks>
public sealed partial class SparseAutoencoderObjective : IDisposable
{
    private const int MinRowsPerChunk = 32;

    // Each chunk works through its rows in blocks of BlockRows, so a block's activations and deltas
    // stay in L1/L2 between the kernels that touch them (measured: docs/performance.md).
    internal const int BlockRows = 128;

    /// <summary>TopK's decoder tile, in columns (each thread holds one tile of floats): for the memory estimate.</summary>
    internal const int DecodeTileColumns = SparseCodeState.DecodeTile;

    private readonly ObjectiveSettings _settings;
    private readonly int _v, _h, _hp, _threads;
    private readonly int _matrixParts;   // parts of each pass over a whole weight matrix: ParallelRanges.PartsFor
    private readonly bool _splitLoads;   // whether the loads, which transpose, run as two halves on two workers
    private AlignedArray _a1 = new(0), _a2 = new(0);   // (rows, Hp) and (rows, V)
    private readonly AlignedArray _w1t, _w2, _w2t;      // W1^T (V, Hp), W2 (V, Hp), W2^T (Hp, V); zero padding
    private readonly float[] _b1, _s, _b2;              // b1 and the sparsity term s (Hp, zero padding); b2 (V)
    private readonly double[] _rhoHat;
    private readonly Chunk[] _chunks;
    private readonly SparseCodeState? _codes;   // the sparse codes (ReLU, TopK, JumpReLU) only
    private WorkerPool? _pool;
    private bool _disposed;
    private SparseRowBatch? _sparseX;   // the batch of the evaluation under way when its rows are sparse

    /// <summary>Creates the objective for a V-H-V network.</summary>
    /// <param name="visibleCount">V, inputs per row.</param>
    /// <param name="hiddenCount">H, hidden units.</param>
    /// <param name="settings">rho, beta, lambda and the penalty.</param>
    /// <param name="threads">Worker threads, at least 1; each gets a contiguous share of the rows.</param>
    public SparseAutoencoderObjective(int visibleCount, int hiddenCount, ObjectiveSettings settings, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        CheckSizes(visibleCount, hiddenCount, settings.HasThresholds);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be at least 1, but is {threads}.");
        _settings = settings;
        _v = visibleCount;
        _h = hiddenCount;
        _hp = RowMatrixKernels.PaddedWidth(hiddenCount);
        _threads = threads;
        _matrixParts = ParallelRanges.PartsFor(threads, (long)hiddenCount * visibleCount);
        _splitLoads = ParallelRanges.PartsFor(threads, (long)hiddenCount * visibleCount, transposes: true) > 1;
        _w1t = new AlignedArray((long)_v * _hp);
        _w2 = new AlignedArray((long)_v * _hp);
        _w2t = new AlignedArray((long)_hp * _v);
        _b1 = new float[_hp];
        _s = new float[_hp];
        _b2 = new float[_v];
        _rhoHat = new double[_h];
        _chunks = new Chunk[threads];
        for (int c = 0; c < threads; c++) _chunks[c] = new Chunk(_v, _hp);
        settings.Validate(hiddenCount);
        _codes = settings.IsSparseCode ? new SparseCodeState(settings, visibleCount, hiddenCount, _hp) : null;
    }

    /// <summary>
    /// The most rows one evaluation takes at V inputs and H hidden units: their activations, (rows, Hp)
    /// and (rows, V) floats (Hp = H padded to whole vectors), are single arrays, which hold at most
    /// <see cref="Array.MaxLength"/> elements, 16 of them kept for the alignment.
    /// </summary>
    internal static long MaxRows(int visibleCount, int hiddenCount)
        => (Array.MaxLength - 16L) / Math.Max(visibleCount, RowMatrixKernels.PaddedWidth(hiddenCount));

    /// <summary>
    /// The sizes this objective can evaluate: theta's (<see cref="AutoencoderParameters.CountFor"/>) and
    /// its work blocks', <see cref="BlockRows"/> rows of max(V, Hp) floats in one array each, so that V and
    /// Hp are at most (Array.MaxLength - 16) / 128 = 16,777,215 (H = 20 million at V = 2 passed the first
    /// rule and failed in an allocation, naming its 'length').
    /// </summary>
    internal static void CheckSizes(int visibleCount, int hiddenCount, bool hasThresholds = false)
    {
        AutoencoderParameters.CountFor(visibleCount, hiddenCount, hasThresholds);
        if (MaxRows(visibleCount, hiddenCount) >= BlockRows) return;
        int hp = RowMatrixKernels.PaddedWidth(hiddenCount);
        bool hidden = hp >= visibleCount;
        throw new ArgumentOutOfRangeException(hidden ? nameof(hiddenCount) : nameof(visibleCount), hidden ? hiddenCount : visibleCount,
            $"{English.CapitalArticle(visibleCount)} {visibleCount}-{hiddenCount}-{visibleCount} autoencoder is too wide to train: it works on blocks of {BlockRows} rows of its " +
            $"{(hidden ? $"{hp} hidden units (padded to whole vectors)" : $"{visibleCount} inputs")}, more values than one array can hold " +
            $"({Array.MaxLength}); it takes at most {WidestBlockRow} inputs and {WidestHidden} hidden units.");
    }

    /// <summary>The most hidden units <see cref="CheckSizes"/> lets through at V inputs; 0 when V itself is too wide.</summary>
    internal static int MaxHiddenCount(int visibleCount, bool hasThresholds = false)
    {
        if (visibleCount > WidestBlockRow) return 0;
        long byParameters = (Array.MaxLength - (long)visibleCount) / (2L * visibleCount + 1 + (hasThresholds ? 1 : 0));   // 2HV + H + V (+ H) in one array
        return (int)Math.Min(byParameters, WidestHidden);
    }

    // The widest row a block of BlockRows rows holds in one array, and the most hidden units whose padded width fits it.
    private static int WidestBlockRow => (int)((Array.MaxLength - 16L) / BlockRows);
    private static int WidestHidden => WidestBlockRow / RowMatrixKernels.PaddedWidth(1) * RowMatrixKernels.PaddedWidth(1);

    /// <summary>V.</summary>
    public int VisibleCount => _v;

    /// <summary>H.</summary>
    public int HiddenCount => _h;

    /// <summary>The settings (rho, beta, lambda, penalty).</summary>
    public ObjectiveSettings Settings => _settings;

    /// <summary>rhoHat of the last evaluation: the mean activation of each hidden unit over its batch.</summary>
    public ReadOnlySpan<double> MeanActivation => _rhoHat;

    /// <summary>
    /// Evaluates J at theta on the batch and writes dJ/dtheta into <paramref name="gradient"/>
    /// (laid out like theta, see <see cref="AutoencoderParameters"/>).
    /// </summary>
    /// <param name="theta">Parameters, length 2HV + H + V (+ H log-thresholds for JumpReLU).</param>
    /// <param name="x">The batch X, (rows, V) row-major.</param>
    /// <param name="rows">m, at least 1 and at most (2147483591 - 16) / max(V, H padded to whole vectors): the activations are single arrays.</param>
    /// <param name="gradient">Receives the gradient, same length as theta.</param>
    public CostBreakdown Evaluate(ReadOnlyMemory<float> theta, ReadOnlyMemory<float> x, int rows, Memory<float> gradient)
    {
        return Evaluate(theta, x, null, rows, gradient);
    }

    /// <summary>
    /// <see cref="Evaluate(ReadOnlyMemory{float}, ReadOnlyMemory{float}, int, Memory{float})"/> on a batch
    /// of sparse rows: the same cost and gradient (up to the order of float sums) as on the same rows
    /// stored dense, with the encoder's product Z = X W1^T + b1 and dJ/dW1's D2^T X over the nonzeros
    /// only (rows x nnz x H instead of rows x V x H). The reconstruction Y (rows, V) stays dense for
    /// every decoder: with the sigmoid and ReLU codes its three V x H products (Y, dJ/dW2 = D3^T A1,
    /// D3 W2) remain; TopK's decoder products touch only each row's K selected latents.
    /// </summary>
    internal CostBreakdown Evaluate(ReadOnlyMemory<float> theta, SparseRowBatch x, Memory<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.VisibleCount != _v) throw new ArgumentException($"The sparse batch's rows must have V = {_v} values, but have {x.VisibleCount}.", nameof(x));
        return Evaluate(theta, default, x, x.Rows, gradient);
    }

    private CostBreakdown Evaluate(ReadOnlyMemory<float> theta, ReadOnlyMemory<float> x, SparseRowBatch? sparseX, int rows, Memory<float> gradient)
    {
        // Checked here, not left to the pool: that would refuse only an objective that had used its threads.
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = AutoencoderParameters.CountFor(_v, _h, _settings.HasThresholds);
        if (theta.Length != n) throw new ArgumentException($"theta must hold {n} values, but holds {theta.Length}.", nameof(theta));
        if (gradient.Length != n) throw new ArgumentException($"gradient must hold {n} values, but holds {gradient.Length}.", nameof(gradient));
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The batch must have at least 1 row, but has {rows}.");
        // The trainers hold to this limit; the public Evaluate failed past it in an allocation, naming its 'length', or in
        // an overflow of rows x K (TopK).
        if (rows > MaxRows(_v, _h))
            throw new ArgumentOutOfRangeException(nameof(rows), rows,
                $"The batch must have at most {MaxRows(_v, _h)} rows for {English.Article(_v)} {_v}-{_h}-{_v} autoencoder (its activations, rows x max(V, H padded to whole vectors) floats, are single arrays), but has {rows}; evaluate it in smaller batches.");
        if (sparseX is null && x.Length < (long)rows * _v) throw new ArgumentException($"x must hold rows*V = {(long)rows * _v} values, but holds {x.Length}.", nameof(x));
        _sparseX = sparseX;
        try { return EvaluateRows(theta, x, rows, gradient); }
        finally { _sparseX = null; }
    }

    private CostBreakdown EvaluateRows(ReadOnlyMemory<float> theta, ReadOnlyMemory<float> x, int rows, Memory<float> gradient)
    {
        EnsureBuffers(rows);
        LoadParameters(theta);
        _codes?.BeginEvaluation(theta.Span, rows);

        int chunkCount = Math.Clamp(rows / MinRowsPerChunk, 1, _threads);
        for (int c = 0; c < chunkCount; c++)
        {
            _chunks[c].Start = (int)((long)rows * c / chunkCount);
            _chunks[c].End = (int)((long)rows * (c + 1) / chunkCount);
        }

        bool sparse = _codes?.SparseProducts == true;
        RunChunks(chunkCount, c => { if (sparse) ForwardAndOutputDeltaSparse(_chunks[c], x); else ForwardAndOutputDelta(_chunks[c], x); });

        // rhoHat and the sparsity term need every chunk's column sums.
        double reconstructionSum = 0;
        Array.Clear(_rhoHat);
        for (int c = 0; c < chunkCount; c++)
        {
            reconstructionSum += _chunks[c].SquaredError;
            for (int j = 0; j < _h; j++) _rhoHat[j] += _chunks[c].ActivationSums[j];
        }
        double sparsity = 0, rho = _settings.SparsityTarget, beta = _settings.SparsityWeight;
        for (int j = 0; j < _h; j++)
        {
            double q = _rhoHat[j] / rows;
            _rhoHat[j] = q;
            if (_codes is not null)
            {
                // ReLU: beta_L1 (1/m) sum_ij h_ij ||d_j|| with ||d_j|| = 1; TopK: no penalty (its AuxK term follows)
                double l1 = _settings.Activation == ActivationKind.ReLU ? _settings.L1Weight : 0;
                sparsity += l1 * q;
                _s[j] = (float)l1;
            }
            else if (beta == 0)
            {
                // A term weighted 0 adds 0, also where KL is infinite (q rounded to 0 or 1): 0 x infinity would be NaN.
                _s[j] = 0;
            }
            else if (_settings.Penalty == SparsityPenalty.KLDivergence)
            {
                sparsity += rho * Math.Log(rho / q) + (1 - rho) * Math.Log((1 - rho) / (1 - q));
                _s[j] = (float)(beta * (-rho / q + (1 - rho) / (1 - q)));
            }
            else
            {
                sparsity += q;
                _s[j] = (float)beta;
            }
        }
        if (_codes is null) sparsity *= beta;
        else sparsity += _codes.FinishForward(_chunks.AsSpan(0, chunkCount), rows);

        RunChunks(chunkCount, c => { if (sparse) HiddenDeltaSparse(_chunks[c], x); else HiddenDelta(_chunks[c], x); });

        var th = theta.Span;
        int hv = _h * _v;
        StoreGradient(chunkCount, rows, theta, gradient);
        if (_codes is not null)
        {
            _codes.FinishThresholdGradient(gradient.Span, _chunks.AsSpan(0, chunkCount), rows);
            RunChunks(_matrixParts, part => _codes.FinishWeightGradient(theta.Span, gradient.Span, part, _matrixParts));
        }
        double reconstruction = reconstructionSum / (2.0 * rows);
        // The sparse codes' decoder columns have a fixed norm, so only the encoder is decayed.
        double decay = 0.5 * _settings.WeightDecay * VectorKernels.SumOfSquares(th.Slice(0, (_codes is null ? 2 : 1) * hv));
        return new CostBreakdown(reconstruction + decay + sparsity, reconstruction, decay, sparsity);
    }

    // Phase 1 on rows [Start, End): forward pass, squared error, D3, and the W2/b2 gradient parts.
    private void ForwardAndOutputDelta(Chunk ch, ReadOnlyMemory<float> xAll)
    {
        int v = _v, h = _h, hp = _hp;
        Array.Clear(ch.ActivationSums);
        Array.Clear(ch.OutputDeltaSums);
        Array.Clear(ch.FiringCounts);
        ch.AuxSquaredError = 0;
        double sq = 0;
        for (int r0 = ch.Start; r0 < ch.End; r0 += BlockRows)
        {
            int m = Math.Min(BlockRows, ch.End - r0);
            var a1 = _a1.Span.Slice(r0 * hp, m * hp);
            var a2 = _a2.Span.Slice(r0 * v, m * v);
            var x = _sparseX is null ? xAll.Span.Slice(r0 * v, m * v) : default;

            EncoderProduct(x, r0, m, a1);                                                               // A1 = X W1^T + b1
            if (_codes is null) VectorKernels.Sigmoid(a1, a1);
            else _codes.Activate(a1, m, r0, ch);                                                        // ReLU, JumpReLU (b2 folded into b1)
            VectorKernels.AddColumnSums(a1, m, hp, ch.ActivationSums);

            MatrixKernels.MultiplyAB(a1, hp, _w2t.Span, v, a2, v, m, h, v, accumulate: false, _b2);    // A1 W2^T + b2
            if (_settings.Decoder == DecoderKind.Sigmoid)
            {
                VectorKernels.Sigmoid(a2, a2);
                if (_sparseX is not null)
                {
                    var dense = ch.DenseRows(m, v);
                    _sparseX.CopyTo(r0, m, dense);   // the sigmoid's delta needs every x: the block densified
                    x = dense;
                }
                sq += VectorKernels.OutputDelta(a2, x);         // a2 now holds D3
            }
            else
            {
                sq += OutputDeltaLinear(a2, x, r0, m);          // linear decoder: D3 = Y - X
            }

            MatrixKernels.MultiplyAtB(a2, v, a1, hp, ch.GradientW2.Span, hp, m, v, hp, accumulate: r0 > ch.Start);   // D3^T A1 is (V,Hp)
            VectorKernels.AddColumnSums(a2, m, v, ch.OutputDeltaSums);                                                // sum_i D3[i,:]
        }
        ch.SquaredError = sq;
    }

    // Phase 2: D2 = (D3 W2 + s) .* A1 .* (1 - A1), then the W1/b1 gradient parts.
    private void HiddenDelta(Chunk ch, ReadOnlyMemory<float> xAll)
    {
        int v = _v, h = _h, hp = _hp;
        Array.Clear(ch.HiddenDeltaSums);
        Array.Clear(ch.ThresholdGradient);
        for (int r0 = ch.Start; r0 < ch.End; r0 += BlockRows)
        {
            int m = Math.Min(BlockRows, ch.End - r0);
            var a1 = _a1.Span.Slice(r0 * hp, m * hp);
            var d3 = _a2.Span.Slice(r0 * v, m * v);
            var d = ch.HiddenDelta.Span.Slice(0, m * hp);
            MatrixKernels.MultiplyAB(d3, v, _w2.Span, hp, d, hp, m, v, hp, accumulate: false, _s);   // D3 W2 + s
            if (_codes is null) VectorKernels.MultiplySigmoidDerivative(d, a1);
            else _codes.HiddenDelta(d, a1, m, r0, ch);

            if (_sparseX is null)
                MatrixKernels.MultiplyAtB(d, hp, xAll.Span.Slice(r0 * v, m * v), v, ch.GradientW1.Span, v, m, h, v, accumulate: r0 > ch.Start);   // D2^T X is (H,V)
            else
                AddSparseEncoderGradient(d, r0, m, ch, first: r0 == ch.Start);
            VectorKernels.AddColumnSums(d, m, hp, ch.HiddenDeltaSums);
        }
        if (_sparseX is not null) FinishSparseEncoderGradient(ch);
    }

    private void RunChunks(int count, Action<int> body)
    {
        if (count == 1) { body(0); return; }
        Pool!.Run(count, body);
    }

    /// <summary>
    /// The worker threads of <see cref="Evaluate(ReadOnlyMemory{float}, ReadOnlyMemory{float}, int, Memory{float})"/>,
    /// started on first use (null with one thread): training lends them to the optimiser's update
    /// between evaluations, when they would otherwise wait.
    /// </summary>
    internal WorkerPool? Pool => _threads == 1 ? null : _pool ??= new WorkerPool(_threads);

    /// <summary>
    /// The threads worth starting for batches of at most <paramref name="batchRows"/> rows when the
    /// <c>Threads</c> setting is <paramref name="threads"/> (0: one per logical processor this process may use, <see cref="Defaults.ResolveThreads"/>):
    /// no more than the batch's shares of 32 rows or the
    /// machine's cores, whichever is more. A thread beyond both has no share of rows (every share holds 32
    /// at least), and the passes over whole arrays give every element the same operations however they
    /// are split, so leaving it out changes no bit; it would cost its thread and its share's buffers
    /// (about 120 KB at V = 64, H = 100: 8 GB and 65,534 threads at Threads = 65,535).
    /// </summary>
    internal static int ThreadsFor(int threads, long batchRows) => (int)Math.Min(Defaults.ResolveThreads(threads), Math.Max(Environment.ProcessorCount, batchRows / MinRowsPerChunk));

    /// <summary>Stops the worker threads (an objective left undisposed stops them once it is collected).</summary>
    public void Dispose()
    {
        _disposed = true;
        _pool?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Stops the worker threads of an objective nobody disposed. A worker's loop holds its pool but not the
    /// objective: without this, those threads would wait for calls, asleep, until the process ends.
    /// </summary>
    ~SparseAutoencoderObjective() => _pool?.Dispose();

    private void EnsureBuffers(int rows)
    {
        _codes?.EnsureBuffers(rows);
        if (_a2.Length >= (long)rows * _v) return;
        _a1 = new AlignedArray((long)rows * _hp);
        _a2 = new AlignedArray((long)rows * _v);
    }

    private sealed class Chunk(int v, int hp)
    {
        public int Start, End;
        public double SquaredError, AuxSquaredError;
        public readonly double[] FiringCounts = new double[hp];
        public readonly double[] ThresholdGradient = new double[hp];   // JumpReLU: sum over rows of dJ/dtheta_j (times m)
        public readonly int[] Selected = new int[hp];
        public readonly float[] Gathered = new float[hp];               // TopK: the dead latents' z of a row
        public readonly double[] ActivationSums = new double[hp];
        public readonly double[] OutputDeltaSums = new double[v];
        public readonly double[] HiddenDeltaSums = new double[hp];
        public readonly AlignedArray HiddenDelta = new((long)BlockRows * hp);
        public readonly AlignedArray GradientW1 = new((long)hp * v);   // D2^T X, (H, V) (Hp rows, for the sparse rows' transpose)
        public readonly AlignedArray GradientW2 = new((long)v * hp);   // D3^T A1, (V, Hp)
        public AlignedArray GradientW2T = new(0);                       // TopK: A1^T D3, (H, V), made on first use
        public AlignedArray GradientW1T = new(0);                       // sparse rows: X^T D2, (V, Hp), made on first use
        public readonly float[] AuxTile = new float[SparseCodeState.DecodeTile];   // TopK: a tile of alpha E_i
        public readonly int[] LatentStarts = new int[hp + 1];           // TopK: a block's selections grouped by latent,
        public readonly int[] LatentNext = new int[hp];                 // (each latent's next free entry while they are listed)
        public int[] LatentEntries = [];
        private AlignedArray _denseRows = new(0);                       // sparse rows, sigmoid decoder: a block densified

        public Span<float> DenseRows(int m, int v)
        {
            if (_denseRows.Length < (long)m * v) _denseRows = new AlignedArray((long)BlockRows * v);
            return _denseRows.Span.Slice(0, m * v);
        }
    }
}
