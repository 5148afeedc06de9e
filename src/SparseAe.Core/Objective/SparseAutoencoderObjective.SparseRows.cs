using System.Numerics.Tensors;
using SparseAe.Kernels;

namespace SparseAe.Objective;

public sealed partial class SparseAutoencoderObjective
{
    // The steps that read X, for dense rows (x, the block's (m, V) values) or for the sparse rows of
    // _sparseX (x empty): only the encoder's product, the output delta and dJ/dW1 read X at all.

    // A1 block (m, Hp) = X[r0 .. r0 + m) W1^T + b1, W1^T (V, Hp). Sparse: row i is
    // b1 + sum_k x_ik W1^T[c_k, :] over its nonzeros (c_k, x_ik): m x nnz x Hp instead of m x V x Hp.
    private void EncoderProduct(ReadOnlySpan<float> x, int r0, int m, Span<float> a1)
    {
        int v = _v, hp = _hp;
        if (_sparseX is null)
        {
            MatrixKernels.MultiplyAB(x, v, _w1t.Span, hp, a1, hp, m, v, hp, accumulate: false, _b1);
            return;
        }
        for (int i = 0; i < m; i++)
            VectorKernels.SparseRowProduct(_sparseX.Indices(r0 + i), _sparseX.Values(r0 + i), _w1t.Span, hp, _b1, a1.Slice(i * hp, hp));
    }

    // Linear decoder: a2 block (m, V) holds Y; leaves D3 = Y - X there and returns sum D3^2. Sparse:
    // X subtracted at the nonzeros only, then the squares of the whole block (summed in double).
    private double OutputDeltaLinear(Span<float> a2, ReadOnlySpan<float> x, int r0, int m)
    {
        if (_sparseX is null) return VectorKernels.OutputDeltaLinear(a2, x);
        int v = _v;
        for (int i = 0; i < m; i++)
        {
            var columns = _sparseX.Indices(r0 + i);
            var values = _sparseX.Values(r0 + i);
            var y = a2.Slice(i * v, v);
            for (int k = 0; k < columns.Length; k++) y[columns[k]] -= values[k];
        }
        return VectorKernels.SumOfSquares(a2);
    }

    // Sparse rows' dJ/dW1 part (times m), accumulated as its transpose X^T D2 (V, Hp): for row i of the
    // block, row c_k of it += x_ik D2[i, :] at each nonzero (c_k, x_ik), a contiguous multiply-add of Hp
    // values (the (H, V) layout would scatter down a column). `first` clears it for the chunk.
    private void AddSparseEncoderGradient(ReadOnlySpan<float> d, int r0, int m, Chunk ch, bool first)
    {
        int v = _v, hp = _hp;
        if (ch.GradientW1T.Length < (long)v * hp) ch.GradientW1T = new AlignedArray((long)v * hp);
        var gT = ch.GradientW1T.Span.Slice(0, v * hp);
        if (first) gT.Clear();
        for (int i = 0; i < m; i++)
        {
            var columns = _sparseX!.Indices(r0 + i);
            var values = _sparseX.Values(r0 + i);
            var di = d.Slice(i * hp, hp);
            for (int k = 0; k < columns.Length; k++)
            {
                var target = gT.Slice(columns[k] * hp, hp);
                TensorPrimitives.MultiplyAdd(di, values[k], target, target);
            }
        }
    }

    // X^T D2 (V, Hp) into the chunk's D2^T X (Hp rows of V; the first H are dJ/dW1's part).
    private void FinishSparseEncoderGradient(Chunk ch)
    {
        int v = _v, hp = _hp;
        MatrixKernels.Transpose(ch.GradientW1T.Span.Slice(0, v * hp), ch.GradientW1.Span.Slice(0, hp * v), v, hp);
    }
}
