using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SparseAe.Kernels;

namespace SparseAe.Model;

/// <summary>
/// Inference with trained parameters: the code h = sigmoid(W1 x + b1) of one row or of a batch, and
/// a row's reconstruction error. Holds its own copy of the parameters, so it is immutable and safe to
/// use from many threads at once (callers pass their own buffers).
/// </summary>
/// <remarks>
/// One row at a time (an ML.NET cursor or PredictionEngine) the work is a (1,V) by (V,H) product. It
/// runs over W1^T stored (V, Hp) with Hp = H rounded up to 128, zero-padded, so every step broadcasts
/// x[t] and issues eight independent FMAs into a 128-column register block: no dependency chain limits it and
/// no column tail needs scalar code. Batches use the matrix kernel (X W1^T, then bias and sigmoid).
/// </remarks>
public sealed class AutoencoderEncoder
{
    private const int ColumnBlock = 128;
    private readonly AutoencoderParameters _p;
    private readonly float[] _w1tPadded;   // (V, Hp), zero beyond column H
    private readonly float[] _w1t;         // (V, H)
    private readonly int _hp;

    /// <param name="parameters">The trained parameters (copied).</param>
    /// <param name="decoder">The decoder they were trained with (used by <see cref="ReconstructionError"/>).</param>
    public AutoencoderEncoder(AutoencoderParameters parameters, DecoderKind decoder = DecoderKind.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Enum.IsDefined(decoder)) throw new ArgumentOutOfRangeException(nameof(decoder), decoder, $"decoder must be Sigmoid or Linear, but is {(int)decoder}.");
        Decoder = decoder;
        _p = parameters.Clone();
        int v = _p.VisibleCount, h = _p.HiddenCount;
        _hp = (h + ColumnBlock - 1) / ColumnBlock * ColumnBlock;
        _w1t = new float[v * h];
        MatrixKernels.Transpose(_p.W1, _w1t, h, v);
        _w1tPadded = new float[(long)v * _hp];
        for (int t = 0; t < v; t++) _w1t.AsSpan(t * h, h).CopyTo(_w1tPadded.AsSpan(t * _hp, h));
    }

    public int VisibleCount => _p.VisibleCount;
    public int HiddenCount => _p.HiddenCount;
    public DecoderKind Decoder { get; }

    /// <summary>code = sigmoid(W1 x + b1). x has V values, code H.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<float> x, Span<float> code)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (x.Length != v) throw new ArgumentException($"The input vector must have {v} values, but has {x.Length}.", nameof(x));
        if (code.Length != h) throw new ArgumentException($"The code vector must have {h} values, but has {code.Length}.", nameof(code));
        Span<float> block = stackalloc float[ColumnBlock];
        ref float rx = ref MemoryMarshal.GetReference(x);
        int hp = _hp;
        for (int j0 = 0; j0 < h; j0 += ColumnBlock)
        {
            // z[j0..j0+127] = sum_t x[t] W1^T[t, j0..j0+127]: eight independent 16-wide accumulators,
            // enough to cover the FMA latency so the loop runs at the FMA units' throughput.
            ref float w = ref _w1tPadded[j0];
            var s0 = Vector512<float>.Zero; var s1 = Vector512<float>.Zero; var s2 = Vector512<float>.Zero; var s3 = Vector512<float>.Zero;
            var s4 = Vector512<float>.Zero; var s5 = Vector512<float>.Zero; var s6 = Vector512<float>.Zero; var s7 = Vector512<float>.Zero;
            for (int t = 0; t < v; t++)
            {
                var xt = Vector512.Create(Unsafe.Add(ref rx, t));
                ref float row = ref Unsafe.Add(ref w, t * hp);
                s0 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row), s0);
                s1 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 16), s1);
                s2 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 32), s2);
                s3 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 48), s3);
                s4 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 64), s4);
                s5 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 80), s5);
                s6 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 96), s6);
                s7 = Vector512.FusedMultiplyAdd(xt, Vector512.LoadUnsafe(ref row, 112), s7);
            }
            ref float rb = ref MemoryMarshal.GetReference(block);
            s0.StoreUnsafe(ref rb); s1.StoreUnsafe(ref rb, 16); s2.StoreUnsafe(ref rb, 32); s3.StoreUnsafe(ref rb, 48);
            s4.StoreUnsafe(ref rb, 64); s5.StoreUnsafe(ref rb, 80); s6.StoreUnsafe(ref rb, 96); s7.StoreUnsafe(ref rb, 112);
            int n = Math.Min(ColumnBlock, h - j0);
            TensorPrimitives.Add(block.Slice(0, n), _p.B1.Slice(j0, n), code.Slice(j0, n));
        }
        TensorPrimitives.Sigmoid(code, code);
    }

    /// <summary>Codes of a batch: X is (rows, V) row-major, codes (rows, H).</summary>
    public void EncodeBatch(ReadOnlySpan<float> x, int rows, Span<float> codes)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (rows < 0 || x.Length < (long)rows * v || codes.Length < (long)rows * h)
            throw new ArgumentException($"A batch of {rows} rows needs x of {(long)rows * v} and codes of {(long)rows * h} values; got {x.Length} and {codes.Length}.");
        // Blocks of 128 rows: the product, the bias and the sigmoid run while the block is in cache.
        const int block = 128;
        ReadOnlySpan<float> b1 = _p.B1;
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int m = Math.Min(block, rows - r0);
            var z = codes.Slice(r0 * h, m * h);
            MatrixKernels.MultiplyAB(x.Slice(r0 * v, m * v), _w1t, z, m, v, h);
            VectorKernels.AddToEachRow(z, m, h, b1);
            TensorPrimitives.Sigmoid(z, z);
        }
    }

    /// <summary>
    /// Mean squared reconstruction error (1/V) ||y - x||^2, y = sigmoid(W2 code + b2) (or W2 code + b2
    /// with a linear decoder), of a row whose code was
    /// computed by <see cref="Encode"/>. <paramref name="scratch"/> needs V values.
    /// </summary>
    public float ReconstructionError(ReadOnlySpan<float> x, ReadOnlySpan<float> code, Span<float> scratch)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (x.Length != v || code.Length != h || scratch.Length < v)
            throw new ArgumentException($"Expected x of {v}, code of {h} and scratch of at least {v} values; got {x.Length}, {code.Length}, {scratch.Length}.");
        ReadOnlySpan<float> w2 = _p.W2, b2 = _p.B2;
        var y = scratch.Slice(0, v);
        for (int i = 0; i < v; i++) y[i] = TensorPrimitives.Dot(w2.Slice(i * h, h), code) + b2[i];
        if (Decoder == DecoderKind.Sigmoid) TensorPrimitives.Sigmoid(y, y);
        float distance = TensorPrimitives.Distance(y, x);
        return distance * distance / v;
    }
}
