using System.Numerics.Tensors;
using SparseAe.Kernels;

namespace SparseAe.Objective;

public sealed partial class SparseAutoencoderObjective
{
    // TopK's phases with the decoder's products over the K selected latents of each row only (Gao et al.
    // 2024, section 5.3: "the decoder ... can be computed sparsely"): Y = A W2^T + b2, dJ/dD = D3^T A,
    // D3 W2 at the selected units and D2^T X each cost rows x K x V instead of rows x H x V. The first
    // three run tiled over V, latent by latent (SparseCodeState.DecodeBlock), which keeps the hidden
    // deltas. The encoder product stays dense, for every pre-activation is needed to choose the K
    // largest. Same formulas as the dense phases (ForwardAndOutputDelta, HiddenDelta); only the order of
    // some sums differs.

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

    // TopK's decoder and encoder gradient over the selected latents (the state's other members:
    // SparseAutoencoderObjective.SparseCodes.cs).
    private sealed partial class SparseCodeState
    {
        /// <summary>
        /// Columns of a tile of <see cref="DecodeBlock"/> (8 KB of a row; a block's 128 rows of Y over it are
        /// 1 MB). Measured on Zen 5 at V = 8,192, H = 512, B = 1,024, 2 threads, sparse rows: 512 columns
        /// 15.0k samples/s, 1,024 17.1k, 2,048 16.4-18.7k, 4,096 16.0-18.1k, 8,192 16.3-16.6k (the calls'
        /// overhead falls as the tile grows, while the rows of Y leave L2).
        /// </summary>
        public const int DecodeTile = 2048;

        // TopK, a block of m rows from r0 (a2 (m, V); x the block's dense rows, or sparseX): the decoder's
        // products over each row's selected latents, tiled over V in runs [c0, c0 + n) of DecodeTile columns,
        // latent by latent: each selected latent's tile of W2^T (Hp, V) and of dJ/dD^T (H, V) is read once a
        // block and applied to every row of the block that selected it, while the block's rows of Y stay in
        // cache. (Row by row, each row read its K latents' tiles afresh: 3 K V x 4 bytes a row from L3.)
        // Per tile, with h_it at latent j_t of row i and a_iu at AuxK latent j_u:
        //   y_i = b2 + sum_t h_it d_jt  (over the latents in ascending order),  D3_i = y_i - x_i   (a2 row i's tile)
        //   dJ/dD^T[j] += sum over the rows i that selected j of h_ij D3_i (rows ascending),   g_it += D3_i . d_jt
        //   AuxK, row by row: E_i = D3_i + sum_u a_iu d_ju,  ||E_i||^2 into ch.AuxSquaredError,
        //         dJ/dD^T[j_u] += a_iu alpha E_i,   g_iu += alpha E_i . d_ju
        // The dots g are summed over the tiles. Leaves D3 in a2; returns sum D3^2 (in double).
        public double DecodeBlock(Span<float> a2, ReadOnlySpan<float> x, SparseRowBatch? sparseX, int m, int r0, Chunk ch,
            ReadOnlySpan<float> w2t, ReadOnlySpan<float> b2, Span<float> gradientW2T)
        {
            int v = _v, k = _k, auxK = _auxK;
            _selectedDelta.AsSpan(r0 * k, m * k).Clear();
            if (_auxActive) _auxDelta.AsSpan(r0 * auxK, m * auxK).Clear();
            var starts = GroupByLatent(m, r0, ch);
            var entries = ch.LatentEntries.AsSpan(0, starts[_h]);
            var values = _selectedValue.AsSpan(r0 * k, m * k);
            var deltas = _selectedDelta.AsSpan(r0 * k, m * k);
            var e = ch.AuxTile.AsSpan();
            for (int c0 = 0; c0 < v; c0 += DecodeTile)
            {
                int n = Math.Min(DecodeTile, v - c0);
                for (int i = 0; i < m; i++) b2.Slice(c0, n).CopyTo(a2.Slice(i * v + c0, n));
                for (int j = 0; j < _h; j++)
                {
                    var d = w2t.Slice(j * v + c0, n);
                    foreach (int slot in entries.Slice(starts[j], starts[j + 1] - starts[j]))
                    {
                        var y = a2.Slice(slot / k * v + c0, n);
                        TensorPrimitives.MultiplyAdd(d, values[slot], y, y);
                    }
                }
                for (int i = 0; i < m; i++)
                {
                    var y = a2.Slice(i * v + c0, n);
                    if (sparseX is null)
                        TensorPrimitives.Subtract(y, x.Slice(i * v + c0, n), y);
                    else
                    {
                        var columns = sparseX.Indices(r0 + i);
                        var xs = sparseX.Values(r0 + i);
                        int first = columns.BinarySearch(c0);
                        for (int q = first >= 0 ? first : ~first; q < columns.Length && columns[q] < c0 + n; q++) y[columns[q] - c0] -= xs[q];
                    }
                }
                for (int j = 0; j < _h; j++)
                {
                    var d = w2t.Slice(j * v + c0, n);
                    var target = gradientW2T.Slice(j * v + c0, n);
                    foreach (int slot in entries.Slice(starts[j], starts[j + 1] - starts[j]))
                    {
                        var y = a2.Slice(slot / k * v + c0, n);
                        TensorPrimitives.MultiplyAdd(y, values[slot], target, target);
                        deltas[slot] += TensorPrimitives.Dot(y, d);
                    }
                }
                if (!_auxActive) continue;
                for (int i = 0; i < m; i++)
                {
                    int row = r0 + i;
                    var y = a2.Slice(i * v + c0, n);
                    var aux = _auxSelected.AsSpan(row * auxK, _auxCount[row]);
                    var a = _auxValue.AsSpan(row * auxK, aux.Length);
                    var et = e.Slice(0, n);
                    y.CopyTo(et);
                    for (int u = 0; u < aux.Length; u++)
                        TensorPrimitives.MultiplyAdd(w2t.Slice(aux[u] * v + c0, n), a[u], et, et);
                    ch.AuxSquaredError += VectorKernels.SumOfSquares(et);
                    TensorPrimitives.Multiply(et, _auxWeight, et);
                    var ga = _auxDelta.AsSpan(row * auxK, aux.Length);
                    for (int u = 0; u < aux.Length; u++)
                    {
                        var target = gradientW2T.Slice(aux[u] * v + c0, n);
                        TensorPrimitives.MultiplyAdd(et, a[u], target, target);
                        ga[u] += TensorPrimitives.Dot(et, w2t.Slice(aux[u] * v + c0, n));
                    }
                }
            }
            return VectorKernels.SumOfSquares(a2.Slice(0, m * v));
        }

        // The block's selections (rows r0 .. r0 + m) listed by latent into ch.LatentEntries: entries
        // [starts[j], starts[j + 1]) are the slots i K + t (row i of the block, its t-th selection) that
        // chose latent j, rows ascending. Returns starts (H + 1 values).
        private int[] GroupByLatent(int m, int r0, Chunk ch)
        {
            int k = _k, h = _h;
            if (ch.LatentEntries.Length < m * k) ch.LatentEntries = new int[BlockRows * k];
            var starts = ch.LatentStarts;
            Array.Clear(starts, 0, h + 1);
            for (int i = 0; i < m; i++)
                foreach (int j in _selected.AsSpan((r0 + i) * k, _selectedCount[r0 + i])) starts[j + 1]++;
            for (int j = 0; j < h; j++) starts[j + 1] += starts[j];
            var next = ch.LatentNext;
            Array.Copy(starts, next, h);
            for (int i = 0; i < m; i++)
            {
                int row = r0 + i;
                var units = _selected.AsSpan(row * k, _selectedCount[row]);
                for (int t = 0; t < units.Length; t++) ch.LatentEntries[next[units[t]]++] = i * k + t;
            }
            return starts;
        }

        // dJ/dW1 (H, V), row j: += g_ij x_i with g_ij DecodeBlock's hidden delta at row i's selected and
        // AuxK latents (TopK has no penalty term s); their sums into dJ/db1's. Sparse rows (x default,
        // sparseX their batch): g_ij x_i added at x_i's nonzeros only.
        public void AddEncoderGradient(ReadOnlySpan<float> x, SparseRowBatch? sparseX, int m, int r0, Chunk ch, Span<float> gradientW1)
        {
            int v = _v;
            for (int i = 0; i < m; i++)
            {
                int row = r0 + i;
                var xi = sparseX is null ? x.Slice(i * v, v) : sparseX.Values(row);
                var columns = sparseX is null ? default : sparseX.Indices(row);
                int n = _selectedCount[row];
                AddRows(_selected.AsSpan(row * _k, n), _selectedDelta.AsSpan(row * _k, n), xi, columns, sparseX is not null, ch, gradientW1);
                if (_auxActive)
                {
                    n = _auxCount[row];
                    AddRows(_auxSelected.AsSpan(row * _auxK, n), _auxDelta.AsSpan(row * _auxK, n), xi, columns, sparseX is not null, ch, gradientW1);
                }
            }
        }

        // xi: the row's V values, or (sparse) its nonzeros' values at `columns`; deltas: g at each unit.
        private void AddRows(ReadOnlySpan<int> units, ReadOnlySpan<float> deltas, ReadOnlySpan<float> xi, ReadOnlySpan<int> columns, bool sparse,
            Chunk ch, Span<float> gradientW1)
        {
            int v = _v;
            for (int t = 0; t < units.Length; t++)
            {
                int j = units[t];
                float g = deltas[t];
                var target = gradientW1.Slice(j * v, v);
                if (sparse)
                    for (int k = 0; k < columns.Length; k++) target[columns[k]] += g * xi[k];
                else
                    TensorPrimitives.MultiplyAdd(xi, g, target, target);
                ch.HiddenDeltaSums[j] += g;
            }
        }
    }
}
