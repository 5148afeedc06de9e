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
/// Compute is float32; the cost and its terms are accumulated in double. Rows are split into as many
/// contiguous chunks as threads and the partial sums are added in chunk order, so the result is the
/// same for the same inputs and thread count. An instance keeps its work buffers between calls and is
/// not safe for concurrent use.
/// </remarks>
public sealed class SparseAutoencoderObjective : IDisposable
{
    private const int MinRowsPerChunk = 32;
    private readonly ObjectiveSettings _settings;
    private readonly int _v, _h, _threads;
    private float[] _a1 = [], _a2 = [];
    private readonly float[] _w1t, _w2t, _s;
    private readonly double[] _rhoHat;
    private readonly Chunk[] _chunks;
    private WorkerPool? _pool;

    /// <summary>Creates the objective for a V-H-V network.</summary>
    /// <param name="visibleCount">V, inputs per row.</param>
    /// <param name="hiddenCount">H, hidden units.</param>
    /// <param name="settings">rho, beta, lambda and the penalty.</param>
    /// <param name="threads">Worker threads, at least 1; each gets a contiguous share of the rows.</param>
    public SparseAutoencoderObjective(int visibleCount, int hiddenCount, ObjectiveSettings settings, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        AutoencoderParameters.CountFor(visibleCount, hiddenCount);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be at least 1, but is {threads}.");
        _settings = settings;
        _v = visibleCount;
        _h = hiddenCount;
        _threads = threads;
        _w1t = new float[_v * _h];
        _w2t = new float[_v * _h];
        _s = new float[_h];
        _rhoHat = new double[_h];
        _chunks = new Chunk[threads];
        for (int c = 0; c < threads; c++) _chunks[c] = new Chunk(_v, _h);
    }

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
    /// <param name="theta">Parameters, length 2HV + H + V.</param>
    /// <param name="x">The batch X, (rows, V) row-major.</param>
    /// <param name="rows">m, at least 1.</param>
    /// <param name="gradient">Receives the gradient, same length as theta.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CostBreakdown Evaluate(ReadOnlyMemory<float> theta, ReadOnlyMemory<float> x, int rows, Memory<float> gradient)
    {
        int n = AutoencoderParameters.CountFor(_v, _h);
        if (theta.Length != n) throw new ArgumentException($"theta must hold {n} values, but holds {theta.Length}.", nameof(theta));
        if (gradient.Length != n) throw new ArgumentException($"gradient must hold {n} values, but holds {gradient.Length}.", nameof(gradient));
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"The batch must have at least 1 row, but has {rows}.");
        if (x.Length < (long)rows * _v) throw new ArgumentException($"x must hold rows*V = {(long)rows * _v} values, but holds {x.Length}.", nameof(x));
        EnsureBuffers(rows);

        int hv = _h * _v;
        MatrixKernels.Transpose(theta.Span.Slice(0, hv), _w1t, _h, _v);   // W1^T is (V,H)
        MatrixKernels.Transpose(theta.Span.Slice(hv, hv), _w2t, _v, _h);  // W2^T is (H,V)

        int chunkCount = Math.Clamp(rows / MinRowsPerChunk, 1, _threads);
        for (int c = 0; c < chunkCount; c++)
        {
            _chunks[c].Start = (int)((long)rows * c / chunkCount);
            _chunks[c].End = (int)((long)rows * (c + 1) / chunkCount);
        }

        RunChunks(chunkCount, c => ForwardAndOutputDelta(_chunks[c], theta, x));

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
            if (_settings.Penalty == SparsityPenalty.KLDivergence)
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
        sparsity *= beta;

        RunChunks(chunkCount, c => HiddenDelta(_chunks[c], theta, x));

        // Reduce in chunk order, then scale by 1/m and add the decay gradient lambda W.
        var g = gradient.Span;
        var th = theta.Span;
        float invM = 1f / rows, lambda = (float)_settings.WeightDecay;
        _chunks[0].Gradient.AsSpan().CopyTo(g);
        for (int c = 1; c < chunkCount; c++) TensorPrimitives.Add(g, _chunks[c].Gradient, g);
        TensorPrimitives.Multiply(g, invM, g);
        TensorPrimitives.MultiplyAdd(th.Slice(0, 2 * hv), lambda, g.Slice(0, 2 * hv), g.Slice(0, 2 * hv));

        double reconstruction = reconstructionSum / (2.0 * rows);
        double decay = 0.5 * _settings.WeightDecay * VectorKernels.SumOfSquares(th.Slice(0, 2 * hv));
        return new CostBreakdown(reconstruction + decay + sparsity, reconstruction, decay, sparsity);
    }

    // Each chunk works through its rows in blocks of BlockRows, so a block's activations and deltas
    // stay in L1/L2 between the kernels that touch them (measured: docs/performance.md).
    private const int BlockRows = 128;

    // Phase 1 on rows [Start, End): forward pass, squared error, D3, and the W2/b2 gradient parts.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardAndOutputDelta(Chunk ch, ReadOnlyMemory<float> theta, ReadOnlyMemory<float> xAll)
    {
        int hv = _h * _v;
        var th = theta.Span;
        var b1 = th.Slice(2 * hv, _h);
        var b2 = th.Slice(2 * hv + _h, _v);
        var g = ch.Gradient.AsSpan();
        Array.Clear(ch.ActivationSums);
        Array.Clear(ch.OutputDeltaSums);
        double sq = 0;
        for (int r0 = ch.Start; r0 < ch.End; r0 += BlockRows)
        {
            int m = Math.Min(BlockRows, ch.End - r0);
            var x = xAll.Span.Slice(r0 * _v, m * _v);
            var a1 = _a1.AsSpan(r0 * _h, m * _h);
            var a2 = _a2.AsSpan(r0 * _v, m * _v);

            MatrixKernels.MultiplyAB(x, _w1t, a1, m, _v, _h);
            VectorKernels.AddToEachRow(a1, m, _h, b1);
            TensorPrimitives.Sigmoid(a1, a1);
            VectorKernels.AddColumnSums(a1, m, _h, ch.ActivationSums, ch.Scratch);

            MatrixKernels.MultiplyAB(a1, _w2t, a2, m, _h, _v);
            VectorKernels.AddToEachRow(a2, m, _v, b2);
            if (_settings.Decoder == DecoderKind.Sigmoid)
            {
                TensorPrimitives.Sigmoid(a2, a2);
                sq += VectorKernels.OutputDelta(a2, x);         // a2 now holds D3; one block's squares summed in float
            }
            else
            {
                sq += VectorKernels.OutputDeltaLinear(a2, x);   // linear decoder: D3 = Y - X
            }

            MatrixKernels.MultiplyAtB(a2, a1, g.Slice(hv, hv), m, _v, _h, accumulate: r0 > ch.Start);   // D3^T A1 is (V,H)
            VectorKernels.AddColumnSums(a2, m, _v, ch.OutputDeltaSums, ch.Scratch);                     // sum_i D3[i,:]
        }
        ch.SquaredError = sq;
        for (int j = 0; j < _v; j++) g[2 * hv + _h + j] = (float)ch.OutputDeltaSums[j];
    }

    // Phase 2: D2 = (D3 W2 + s) .* A1 .* (1 - A1), then the W1/b1 gradient parts.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void HiddenDelta(Chunk ch, ReadOnlyMemory<float> theta, ReadOnlyMemory<float> xAll)
    {
        int hv = _h * _v;
        var w2 = theta.Span.Slice(hv, hv);
        var g = ch.Gradient.AsSpan();
        var d2 = ch.HiddenDelta.AsSpan();
        Array.Clear(ch.HiddenDeltaSums);
        for (int r0 = ch.Start; r0 < ch.End; r0 += BlockRows)
        {
            int m = Math.Min(BlockRows, ch.End - r0);
            var x = xAll.Span.Slice(r0 * _v, m * _v);
            var a1 = _a1.AsSpan(r0 * _h, m * _h);
            var d3 = _a2.AsSpan(r0 * _v, m * _v);
            var d = d2.Slice(0, m * _h);
            MatrixKernels.MultiplyAB(d3, w2, d, m, _v, _h);
            VectorKernels.AddToEachRow(d, m, _h, _s);
            VectorKernels.MultiplySigmoidDerivative(d, a1);

            MatrixKernels.MultiplyAtB(d, x, g.Slice(0, hv), m, _h, _v, accumulate: r0 > ch.Start);   // D2^T X is (H,V)
            VectorKernels.AddColumnSums(d, m, _h, ch.HiddenDeltaSums, ch.Scratch);
        }
        for (int j = 0; j < _h; j++) g[2 * hv + j] = (float)ch.HiddenDeltaSums[j];
    }

    private void RunChunks(int count, Action<int> body)
    {
        if (count == 1) { body(0); return; }
        _pool ??= new WorkerPool(_threads);
        _pool.Run(count, body);
    }

    /// <summary>Stops the worker threads (they are background threads, so this is optional).</summary>
    public void Dispose() => _pool?.Dispose();

    private void EnsureBuffers(int rows)
    {
        if (_a1.Length >= (long)rows * _h) return;
        _a1 = new float[(long)rows * _h];
        _a2 = new float[(long)rows * _v];
    }

    private sealed class Chunk(int v, int h)
    {
        public int Start, End;
        public double SquaredError;
        public readonly double[] ActivationSums = new double[h];
        public readonly double[] OutputDeltaSums = new double[v];
        public readonly double[] HiddenDeltaSums = new double[h];
        public readonly float[] HiddenDelta = new float[BlockRows * h];
        public readonly float[] Scratch = new float[Math.Max(v, h)];
        public readonly float[] Gradient = new float[AutoencoderParameters.CountFor(v, h)];
    }
}
