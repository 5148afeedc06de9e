using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels;
using SparseAe.Objective;

namespace SparseAe.Model;

/// <summary>
/// Inference with trained parameters: the code h = sigmoid(W1 x + b1) of one row or of a batch (or,
/// for the sparse codes, h = ReLU, TopK or JumpReLU of W1 (x - b2) + b1), and a row's reconstruction error. Holds its own copy of the parameters, so it is immutable and safe to
/// use from many threads at once (callers pass their own buffers).
/// </summary>
/// <remarks>
/// One row at a time (an ML.NET cursor or PredictionEngine) the work is a (1,V) by (V,H) product
/// (<see cref="RowMatrixKernels"/>) over W1^T stored (V, Hp), zero-padded to a whole number of
/// vectors, with b1 padded alike. Batches use the matrix kernel (X W1^T + b1, then the sigmoid).
/// </remarks>
public sealed class AutoencoderEncoder
{
    private readonly AutoencoderParameters _p;
    private readonly AlignedArray _w1tPadded;   // (V, Hp), zero beyond column H; rows never split a vector across cache lines
    private readonly float[] _b1Padded;    // (Hp), zero beyond H
    private readonly int _hp;
    // The decoder as the encoder's product takes it, for ReconstructionError: y = code W2^T + b2 over W2^T (H, Vp) and b2
    // padded alike (64 dot products of H values, each reduced across its vector, took three times the encoder's time).
    private readonly AlignedArray _w2tPadded;   // (H, Vp), zero beyond column V
    private readonly float[] _b2Padded;    // (Vp), zero beyond V
    private readonly int _vp;
    private readonly float[] _thresholds;   // JumpReLU: theta_j = exp(t_j); empty otherwise

    /// <param name="parameters">The trained parameters (copied).</param>
    /// <param name="decoder">The decoder they were trained with (used by <see cref="ReconstructionError"/>); null, the
    /// activation's default as in training (<see cref="Defaults.DecoderFor"/>: sigmoid for the sigmoid, linear for the sparse codes).</param>
    /// <param name="activation">The hidden units' activation they were trained with.</param>
    /// <param name="k">TopK: latents kept per row, 1..H (ignored by the other activations).</param>
    public AutoencoderEncoder(AutoencoderParameters parameters, DecoderKind? decoder = null,
        ActivationKind activation = Defaults.Activation, int k = Defaults.K)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var decoderKind = decoder ?? Defaults.DecoderFor(activation);
        // The settings' own rules (decoder, activation, K against H), in their words; k is TopK's alone (a sigmoid
        // encoder given k 0 was refused, "K must be at least 1", though its documentation says the others ignore it).
        new ObjectiveSettings(Decoder: decoderKind, Activation: activation, K: activation == ActivationKind.TopK ? k : Defaults.K).Validate(parameters.HiddenCount);
        // A NaN weight would make every code NaN without a word (training never returns one; a saved model cannot hold one).
        if (VectorKernels.IndexOfNonFinite(parameters.Theta) is var bad and >= 0)
            throw new ArgumentException($"The {AutoencoderParameters.ParameterName(parameters.VisibleCount, parameters.HiddenCount, bad)} is {parameters.Theta[bad]}; every parameter must be finite.", nameof(parameters));
        Decoder = decoderKind;
        Activation = activation;
        K = k;
        _p = parameters.Clone();
        int v = _p.VisibleCount, h = _p.HiddenCount;
        _hp = RowMatrixKernels.PaddedWidth(h);
        _w1tPadded = new AlignedArray((long)v * _hp);
        MatrixKernels.Transpose(_p.W1, _w1tPadded.Span, h, v, _hp);
        _b1Padded = new float[_hp];
        _p.B1.CopyTo(_b1Padded);
        _vp = RowMatrixKernels.PaddedWidth(v);
        _w2tPadded = new AlignedArray((long)h * _vp);
        MatrixKernels.Transpose(_p.W2, _w2tPadded.Span, v, h, _vp);
        _b2Padded = new float[_vp];
        _p.B2.CopyTo(_b2Padded);
        if (activation == ActivationKind.JumpReLU && !parameters.HasThresholds)
            throw new ArgumentException("JumpReLU parameters need a log-threshold per hidden unit (AutoencoderParameters.HasThresholds), but these have none.", nameof(parameters));
        // Thresholds belong to JumpReLU's code alone: any other activation would ignore them, and return another code
        // than the one the parameters were trained for without a word (the sigmoid's, without the pre-encoder bias).
        if (activation != ActivationKind.JumpReLU && parameters.HasThresholds)
            throw new ArgumentException($"These parameters hold JumpReLU log-thresholds (AutoencoderParameters.HasThresholds), but the activation is {activation}; give ActivationKind.JumpReLU, the activation they were trained with.", nameof(parameters));
        _thresholds = new float[activation == ActivationKind.JumpReLU ? h : 0];
        for (int j = 0; j < _thresholds.Length; j++)
        {
            if (AutoencoderParameters.LogThresholdProblem(_p.LogThresholds[j]) is { } problem)
                throw new ArgumentException($"The log-threshold of latent {j} {problem}.", nameof(parameters));
            _thresholds[j] = MathF.Exp(_p.LogThresholds[j]);   // as in training
        }
        if (activation != ActivationKind.Sigmoid)
        {
            // The pre-encoder bias folded as in training: W1 (x - b2) + b1 = W1 x + (b1 - W1 b2).
            ReadOnlySpan<float> w1 = _p.W1, b2 = _p.B2;
            for (int j = 0; j < h; j++) _b1Padded[j] -= TensorPrimitives.Dot(w1.Slice(j * v, v), b2);
        }
    }

    /// <summary>V, the values of an input row.</summary>
    public int VisibleCount => _p.VisibleCount;

    /// <summary>H, the values of a code.</summary>
    public int HiddenCount => _p.HiddenCount;

    /// <summary>The decoder the parameters were trained with (used by <see cref="ReconstructionError"/>).</summary>
    public DecoderKind Decoder { get; }

    /// <summary>The hidden units' activation.</summary>
    public ActivationKind Activation { get; }

    /// <summary>TopK: latents kept per row.</summary>
    public int K { get; }

    /// <summary>b1 as the encoder adds it (H): for the sparse codes b1 - W1 b2, the pre-encoder bias folded in.</summary>
    internal ReadOnlySpan<float> EffectiveBias => _b1Padded.AsSpan(0, HiddenCount);

    /// <summary>JumpReLU's thresholds theta_j = exp(t_j) (H), computed as <see cref="Encode"/> uses them; empty otherwise.</summary>
    internal ReadOnlySpan<float> Thresholds => _thresholds;

    /// <summary>code = sigmoid(W1 x + b1), or for the sparse codes ReLU, TopK or JumpReLU of W1 (x - b2) + b1. x has V values, code H.</summary>
    [SkipLocalsInit]
    public void Encode(ReadOnlySpan<float> x, Span<float> code)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (x.Length != v) throw new ArgumentException($"The input vector must have {v} values, but has {x.Length}.", nameof(x));
        if (code.Length != h) throw new ArgumentException($"The code vector must have {h} values, but has {code.Length}.", nameof(code));
        Span<float> z = _hp <= 1024 ? stackalloc float[_hp] : RowScratch(_hp);
        RowMatrixKernels.MultiplyAdd(x, _w1tPadded.Span, _b1Padded, z);
        Activate(z.Slice(0, h), code);
    }

    /// <summary>
    /// The code of a sparse row x (V values, nnz of them nonzero: x[indices[k]] = values[k], indices
    /// strictly ascending in [0, V)): z = b1_eff + sum_k values[k] W1^T[indices[k], :] over the padded
    /// rows of W1^T (V, Hp), nnz x Hp multiply-adds instead of V x Hp, then the activation as in
    /// <see cref="Encode"/>. Equals Encode of the dense row up to the order of the float sums (the
    /// tests hold it to 1e-6 relative to the largest |z|).
    /// </summary>
    [SkipLocalsInit]
    public void EncodeSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> code)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        VectorKernels.CheckSparseRow(indices, values, v, "The sparse input row");
        if (code.Length != h) throw new ArgumentException($"The code vector must have {h} values, but has {code.Length}.", nameof(code));
        Span<float> z = _hp <= 1024 ? stackalloc float[_hp] : RowScratch(_hp);
        VectorKernels.SparseRowProduct(indices, values, _w1tPadded.Span, _hp, _b1Padded, z);
        Activate(z.Slice(0, h), code);
    }

    // code = f(z) for one row of H pre-activations. A NaN input makes every z NaN (each sums it), and the
    // sigmoid and ReLU then give a row of NaN; JumpReLU's comparisons would give zeros and TopK's selection
    // a few NaN among zeros, so they too give a row of NaN: a missing input, a missing code (ML.NET's
    // transforms carry NaN through as missing), the same for every activation.
    [SkipLocalsInit]
    private void Activate(ReadOnlySpan<float> z, Span<float> code)
    {
        if (Activation is ActivationKind.JumpReLU or ActivationKind.TopK && TensorPrimitives.IsNaNAny(z))
        {
            code.Fill(float.NaN);
            return;
        }
        switch (Activation)
        {
            case ActivationKind.Sigmoid:
                VectorKernels.Sigmoid(z, code);
                break;
            case ActivationKind.ReLU:
                TensorPrimitives.Max(z, 0f, code);
                break;
            case ActivationKind.JumpReLU:
                VectorKernels.KeepAbove(z, _thresholds, code);
                break;
            default:
                Span<int> chosen = K <= 256 ? stackalloc int[K] : new int[K];
                int n = TopKSelection.Select(z, default, K, chosen);
                Span<float> values = K <= 256 ? stackalloc float[K] : new float[K];
                for (int t = 0; t < n; t++) values[t] = z[chosen[t]];   // z and code may overlap
                code.Clear();
                for (int t = 0; t < n; t++) code[chosen[t]] = Math.Max(0f, values[t]);
                break;
        }
    }

    /// <summary>Codes of a batch: X is (rows, V) row-major, codes (rows, H), in memory apart from X.</summary>
    public void EncodeBatch(ReadOnlySpan<float> x, int rows, Span<float> codes)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 0, but is {rows}.");
        if (x.Length < (long)rows * v || codes.Length < (long)rows * h)
            throw new ArgumentException($"A batch of {rows} rows needs x of {(long)rows * v} and codes of {(long)rows * h} values; got {x.Length} and {codes.Length}.",
                x.Length < (long)rows * v ? nameof(x) : nameof(codes));
        // Each block's codes are written while later rows of x are still to be read.
        if (codes.Slice(0, rows * h).Overlaps(x.Slice(0, rows * v)))
            throw new ArgumentException("codes overlaps x; a batch's codes need memory of their own.", nameof(codes));
        // Blocks of 128 rows into an aligned (128, Hp) block: the product (over the padded W1^T, so no
        // column tail), the bias and the sigmoid run while the block is in cache; then the H columns of
        // each row are copied out.
        int block = BlockRows(_hp);
        var z = t_block;
        if (z is null || z.Length < (long)block * _hp) t_block = z = new AlignedArray((long)block * _hp);
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int m = Math.Min(block, rows - r0);
            var zb = z.Span.Slice(0, m * _hp);
            MatrixKernels.MultiplyAB(x.Slice(r0 * v, m * v), v, _w1tPadded.Span, _hp, zb, _hp, m, v, _hp, accumulate: false, _b1Padded);
            if (Activation == ActivationKind.Sigmoid)
            {
                VectorKernels.Sigmoid(zb, zb);
                for (int i = 0; i < m; i++) zb.Slice(i * _hp, h).CopyTo(codes.Slice((r0 + i) * h, h));
            }
            else
                for (int i = 0; i < m; i++) Activate(zb.Slice(i * _hp, h), codes.Slice((r0 + i) * h, h));
        }
    }

    // A wide code's pre-activations (more than 1,024 units: too many for the stack), one per thread, so
    // that encoding a row allocates nothing.
    [ThreadStatic] private static float[]? t_row;

    private static Span<float> RowScratch(int length)
    {
        if (t_row is null || t_row.Length < length) t_row = new float[length];
        return t_row.AsSpan(0, length);
    }

    // Each thread's block for EncodeBatch: 128 rows of the largest padded code it has encoded (53 KB at H = 100).
    [ThreadStatic] private static AlignedArray? t_block;

    /// <summary>
    /// The rows of <see cref="EncodeBatch"/>'s block: 128, fewer where (128, Hp) passes 2^24 floats (64 MB), at least 1.
    /// A fixed 128 rows of a code wider than 16,777,215 units passed one array (AlignedArray refused "length", naming
    /// no code), and 128 Hp overflowed int where a smaller block was left from an earlier model.
    /// </summary>
    internal static int BlockRows(int paddedHidden) => Math.Clamp((1 << 24) / paddedHidden, 1, 128);

    /// <summary>
    /// Mean squared reconstruction error (1/V) ||y - x||^2, y = sigmoid(W2 code + b2) (or W2 code + b2
    /// with a linear decoder, which every sparse code has), of a row whose code was
    /// computed by <see cref="Encode"/>. <paramref name="scratch"/> needs V values.
    /// </summary>
    /// <remarks>The (1,H) by (H,V) product runs as <see cref="Encode"/>'s does, over W2^T padded to whole vectors (for a sparse
    /// code, over the rows of its nonzero latents alone): it equals W2 code + b2 up to the order of the float sums.</remarks>
    [SkipLocalsInit]
    public float ReconstructionError(ReadOnlySpan<float> x, ReadOnlySpan<float> code, Span<float> scratch)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (x.Length != v || code.Length != h || scratch.Length < v)
            throw new ArgumentException($"Expected x of {v}, code of {h} and scratch of at least {v} values; got {x.Length}, {code.Length}, {scratch.Length}.",
                x.Length != v ? nameof(x) : code.Length != h ? nameof(code) : nameof(scratch));
        if (scratch.Slice(0, v).Overlaps(x) || scratch.Slice(0, v).Overlaps(code))
            throw new ArgumentException("scratch overlaps x or code; the reconstruction is written there while both are read.", nameof(scratch));
        Span<float> padded = _vp <= 1024 ? stackalloc float[_vp] : RowScratch(_vp);
        // A sparse code decodes from its nonzero latents alone (TopK: K of H), nnz x Vp multiply-adds instead of H x Vp; the
        // sigmoid's code, and one of more than 1,024 nonzeros (their indices on the stack), through the whole product.
        int nonzeros = Activation == ActivationKind.Sigmoid ? h : h - code.Count(0f);
        if (nonzeros > 1024 || nonzeros == h)
            RowMatrixKernels.MultiplyAdd(code, _w2tPadded.Span, _b2Padded, padded);
        else
        {
            Span<int> latents = stackalloc int[nonzeros];
            Span<float> values = stackalloc float[nonzeros];
            int nonzero = Training.SparseRows.Compress(code[..h], latents, values);
            VectorKernels.SparseRowProduct(latents[..nonzero], values[..nonzero], _w2tPadded.Span, _vp, _b2Padded, padded);
        }
        var y = scratch.Slice(0, v);
        padded.Slice(0, v).CopyTo(y);
        if (Decoder == DecoderKind.Sigmoid) VectorKernels.Sigmoid(y, y);
        float distance = TensorPrimitives.Distance(y, x);
        return distance * distance / v;
    }
}
