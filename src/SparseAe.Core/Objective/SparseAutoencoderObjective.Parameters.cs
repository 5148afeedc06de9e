using System.Numerics.Tensors;
using SparseAe.Kernels;

namespace SparseAe.Objective;

public sealed partial class SparseAutoencoderObjective
{
    // The passes over whole matrices that every evaluation makes, before and after the rows' phases:
    // theta's weights into the kernels' padded copies, and the chunks' gradient parts into dJ/dtheta.

    // W1^T, W2 and W2^T into their padded, aligned copies, b1 and b2 into theirs; the sparse codes'
    // decoder copies scaled to unit columns and their encoder bias folded. The passes are split between
    // two workers from 2^12 weights (ParallelRanges.MinimumTransposedLength). Measured: at 64 x 100, an
    // evaluation of 256 rows on two threads (Intel Xeon, AVX2) took 280-310 us, of which the loads 36-39
    // on one thread and 23-31 split (the halves mostly wait for the lines the other core read last
    // evaluation); at V = 8,192, H = 512 the loads took 39 ms of a 114 ms TopK step on one thread (Zen 5).
    // The padding (columns H..Hp of W1^T and W2, rows H..Hp of W2^T, b1 beyond H) is never written,
    // so it stays zero.
    private void LoadParameters(ReadOnlyMemory<float> theta)
    {
        RunHalves(half => LoadParameters(theta.Span, half));
        if (_codes is not null) RunHalves(half => _codes.NormalizeDecoder(_w2.Span, _w2t.Span, half));
    }

    // body(0) and body(1): on two workers when the loads are split, else one after the other.
    private void RunHalves(Action<int> body)
    {
        if (_splitLoads) RunChunks(2, body);
        else { body(0); body(1); }
    }

    // Half 0: W1^T and b1 (the sparse codes: b1 - W1 b2); half 1: W2, W2^T and b2 (the sparse codes:
    // W2's column norms).
    private void LoadParameters(ReadOnlySpan<float> theta, int half)
    {
        int hv = _h * _v, hp = _hp;
        if (half == 0)
        {
            MatrixKernels.Transpose(theta.Slice(0, hv), _w1t.Span, _h, _v, hp);
            theta.Slice(2 * hv, _h).CopyTo(_b1);
            _codes?.FoldEncoderBias(theta, _b1);
            return;
        }
        var w2 = theta.Slice(hv, hv);
        for (int i = 0; i < _v; i++) w2.Slice(i * _h, _h).CopyTo(_w2.Span.Slice(i * hp, _h));
        MatrixKernels.Transpose(w2, _w2t.Span, _v, _h, _v);
        theta.Slice(2 * hv + _h, _v).CopyTo(_b2);
        _codes?.MeasureDecoderColumns(w2);
    }

    // Sums the chunks' parts in chunk order, scales by 1/m and adds the decay gradient lambda W. The
    // weights' part is element by element, so wide models split it between the workers (ParallelRanges);
    // each element gets the same operations either way.
    private void StoreGradient(int chunkCount, int rows, ReadOnlyMemory<float> theta, Memory<float> gradient)
    {
        RunChunks(_matrixParts, part => StoreWeightGradient(chunkCount, rows, theta.Span, gradient.Span, part, _matrixParts));
        var g = gradient.Span;
        int hv = _h * _v;
        float invM = 1f / rows;
        for (int j = 0; j < _h; j++)
        {
            double sum = 0;
            for (int c = 0; c < chunkCount; c++) sum += _chunks[c].HiddenDeltaSums[j];
            g[2 * hv + j] = (float)sum * invM;
        }
        for (int j = 0; j < _v; j++)
        {
            double sum = 0;
            for (int c = 0; c < chunkCount; c++) sum += _chunks[c].OutputDeltaSums[j];
            g[2 * hv + _h + j] = (float)sum * invM;
        }
    }

    // Part `part` of `parts`: that share of dJ/dW1's elements and of dJ/dW2's rows.
    private void StoreWeightGradient(int chunkCount, int rows, ReadOnlySpan<float> th, Span<float> g, int part, int parts)
    {
        int hv = _h * _v, hp = _hp;
        float invM = 1f / rows, lambda = (float)_settings.WeightDecay;
        int e0 = (int)((long)hv * part / parts), e1 = (int)((long)hv * (part + 1) / parts);
        var gW1 = g.Slice(e0, e1 - e0);
        _chunks[0].GradientW1.Span.Slice(e0, e1 - e0).CopyTo(gW1);
        for (int c = 1; c < chunkCount; c++) TensorPrimitives.Add(gW1, _chunks[c].GradientW1.Span.Slice(e0, e1 - e0), gW1);
        TensorPrimitives.Multiply(gW1, invM, gW1);
        TensorPrimitives.MultiplyAdd(th.Slice(e0, e1 - e0), lambda, gW1, gW1);   // W1 is always decayed
        int i0 = (int)((long)_v * part / parts), i1 = (int)((long)_v * (part + 1) / parts);
        var gW2 = g.Slice(hv + i0 * _h, (i1 - i0) * _h);
        for (int i = i0; i < i1; i++)
        {
            var row = g.Slice(hv + i * _h, _h);
            _chunks[0].GradientW2.Span.Slice(i * hp, _h).CopyTo(row);
            for (int c = 1; c < chunkCount; c++) TensorPrimitives.Add(row, _chunks[c].GradientW2.Span.Slice(i * hp, _h), row);
        }
        TensorPrimitives.Multiply(gW2, invM, gW2);
        if (_codes is null) TensorPrimitives.MultiplyAdd(th.Slice(hv + i0 * _h, (i1 - i0) * _h), lambda, gW2, gW2);   // the sparse codes' decoder is not decayed
    }
}
