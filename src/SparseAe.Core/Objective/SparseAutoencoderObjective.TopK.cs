using System.Numerics.Tensors;
using SparseAe.Kernels;

namespace SparseAe.Objective;

public sealed partial class SparseAutoencoderObjective
{
    // TopK's phases with the decoder's products over the K selected latents of each row only (Gao et al.
    // 2024, section 5.3: "the decoder ... can be computed sparsely"): Y = A W2^T + b2, dJ/dD = D3^T A,
    // D3 W2 at the selected units and D2^T X each cost rows x K x V instead of rows x H x V. The first
    // three run in one pass tiled over V (SparseCodeState.DecodeBlock), which keeps the hidden deltas. The encoder
    // product stays dense, for every pre-activation is needed to choose the K largest. Same formulas as
    // the dense phases (ForwardAndOutputDelta, HiddenDelta); only the order of some sums differs.

    private void ForwardAndOutputDeltaSparse(Chunk ch, ReadOnlyMemory<float> xAll)
    {
        var codes = _codes!;
        int v = _v, h = _h, hp = _hp;
        Array.Clear(ch.ActivationSums);
        Array.Clear(ch.OutputDeltaSums);
        Array.Clear(ch.FiringCounts);
        ch.AuxSquaredError = 0;
        if (ch.GradientW2T.Length < (long)h * v) ch.GradientW2T = new AlignedArray((long)h * v);
        var gradientW2T = ch.GradientW2T.Span.Slice(0, h * v);
        gradientW2T.Clear();
        double sq = 0;
        for (int r0 = ch.Start; r0 < ch.End; r0 += BlockRows)
        {
            int m = Math.Min(BlockRows, ch.End - r0);
            var x = _sparseX is null ? xAll.Span.Slice(r0 * v, m * v) : default;
            var a1 = _a1.Span.Slice(r0 * hp, m * hp);
            var a2 = _a2.Span.Slice(r0 * v, m * v);
            EncoderProduct(x, r0, m, a1);                                                              // Z = X W1^T + b1 (b2 folded in)
            codes.Select(a1, m, r0, ch);
            // Y = A W2^T + b2, D3 = Y - X, A^T D3 (H, V), the AuxK term, and the hidden deltas, tiled over V.
            sq += codes.DecodeBlock(a2, x, _sparseX, m, r0, ch, _w2t.Span, _b2, gradientW2T);
            VectorKernels.AddColumnSums(a2, m, v, ch.OutputDeltaSums);
        }
        MatrixKernels.Transpose(gradientW2T, ch.GradientW2.Span, h, v, hp);   // into dJ/dD's (V, Hp) layout
        ch.SquaredError = sq;
    }

    private void HiddenDeltaSparse(Chunk ch, ReadOnlyMemory<float> xAll)
    {
        int v = _v;
        Array.Clear(ch.HiddenDeltaSums);
        Array.Clear(ch.ThresholdGradient);
        var gradientW1 = ch.GradientW1.Span.Slice(0, _h * v);
        gradientW1.Clear();
        for (int r0 = ch.Start; r0 < ch.End; r0 += BlockRows)
        {
            int m = Math.Min(BlockRows, ch.End - r0);
            var x = _sparseX is null ? xAll.Span.Slice(r0 * v, m * v) : default;
            _codes!.AddEncoderGradient(x, _sparseX, m, r0, ch, gradientW1);
        }
    }
}
