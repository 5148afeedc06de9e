using System.Numerics.Tensors;
using SparseAe.Kernels;
using SparseAe.Threading;

namespace SparseAe.Objective;

public sealed partial class SparseAutoencoderObjective
{
    /// <summary>
    /// Of the last evaluation, the share of its rows on which each hidden unit was active (h &gt; 0).
    /// Empty for the sigmoid, whose units are never exactly 0.
    /// </summary>
    public ReadOnlySpan<double> FiringRate => _codes is null ? default : _codes.FiringRate;

    /// <summary>
    /// Sparse codes: latents that have fired on none of the last <see cref="ObjectiveSettings.DeadLatentWindow"/>
    /// rows counted by <see cref="CountFiring"/> (while fewer rows have been counted, on none of them), in whole
    /// evaluations: a latent that fired on any row of one counts as firing on its last row; 0 for the sigmoid.
    /// </summary>
    public int DeadLatentCount => _codes?.DeadCount ?? 0;

    /// <summary>
    /// Adds the last evaluation's rows to each latent's count of rows since it last fired, which decides
    /// the dead latents (and so TopK's AuxK term) of the evaluations after it. Training calls it once per
    /// mini-batch; a gradient check does not, so that every evaluation sees the same dead latents.
    /// </summary>
    public void CountFiring() => _codes?.CountFiring();

    /// <summary>Sets each latent's rows since it last fired (tests: makes chosen latents dead).</summary>
    internal void SetRowsSinceFired(ReadOnlySpan<long> rows) => _codes!.SetRowsSinceFired(rows);

    /// <summary>
    /// The sparse codes' part of the objective (Activation ReLU, TopK or JumpReLU). With d_j = W2[:, j] / ||W2[:, j]||
    /// (unit-norm decoder columns, Gao et al. 2024 section 2.2; Bricken et al. 2023, whose plain L1 the ReLU
    /// term then is; the ||d_j|| weighting is Conerly et al. 2024's, for unconstrained columns) and the decoder bias
    /// b2 subtracted from the input before encoding:
    /// <code>
    ///   z = W1 (x - b2) + b1 = W1 x + (b1 - W1 b2)         (H)   the bias is folded, x is never copied
    ///   h = max(0, z)                     ReLU
    ///   h = max(0, z) on the K largest z, 0 elsewhere      TopK (ties to the lower index)
    ///   y = D h + b2,   e = y - x                          (V)   linear decoder, D = [d_1 .. d_H]
    ///   ReLU:  J += beta_L1 (1/m) sum_ij h_ij ||d_j||      (||d_j|| = 1)
    ///   TopK:  J += alpha (1/(2m)) sum_i ||D a_i + e_i||^2,  alpha = 1/32 (AuxK, Gao et al. section 2.4, appendix A.2),
    ///          a_i = max(0, z_i) on the AuxK largest z_ij among the dead latents j, e_i held constant
    /// </code>
    /// JumpReLU (Rajamanoharan et al. 2024, "Jumping Ahead", sections 3-4), theta_j = exp(t_j), t in theta's tail:
    /// <code>
    ///   h_j = z_j H(z_j - theta_j)                         H the step function
    ///   J += lambda_0 (1/m) sum_ij H(z_ij - theta_j)       L0 penalty, weight L0Weight
    ///   pseudo-derivatives (straight-through, rectangle kernel K(u) = 1[|u| &lt; 1/2], bandwidth eps):
    ///   dh_j/dtheta_j := -(theta_j/eps) K((z_j - theta_j)/eps),   dH(z_j - theta_j)/dtheta_j := -(1/eps) K((z_j - theta_j)/eps)
    ///   dJ/dt_j = theta_j dJ/dtheta_j; the L0 term gives z no gradient, and dh_j/dz_j = H(z_j - theta_j)
    /// </code>
    /// Gradients beyond the sigmoid model's: delta through h is 1[h &gt; 0]; the AuxK term adds
    /// alpha E^T A to dJ/dD and (alpha E D) .* 1[a &gt; 0] to the hidden delta, E = D A + (Y - X);
    /// the folded bias gives dJ/dW1 -= (dJ/db1) b2^T and dJ/db2 -= W1^T dJ/db1; and the column
    /// normalisation maps dJ/dd_j to dJ/dW2[:, j] = (g_j - (g_j . d_j) d_j) / ||W2[:, j]||, the
    /// gradient with its part parallel to the column removed: the exact gradient of the weight-normalised
    /// decoder at any norm but 0 (a column of zeros is taken as it is, factor 1: it decodes to nothing and its gradient is g_j), and Gao et al.'s projected gradient at norm 1, where the trainer keeps it.
    /// Weight decay applies to W1 only. TopK's decoder products run over the selected latents only
    /// (SparseAutoencoderObjective.TopK.cs).
    /// </summary>
    private sealed partial class SparseCodeState
    {
        private readonly ActivationKind _activation;
        private readonly int _v, _h, _hp, _k, _auxK, _window;
        private readonly float _auxWeight = (float)Defaults.AuxKWeight;
        private readonly double _l0, _epsilon;    // JumpReLU
        private readonly float[] _thresholds;     // JumpReLU: theta_j = exp(t_j) of this evaluation
        private AlignedArray _z = new(0);         // JumpReLU: (rows, Hp) pre-activations
        private readonly float[] _inverseNorms;           // 1 / ||W2[:, j]|| of this evaluation (1 for a column of zeros)
        private readonly float[] _columnScratch;          // H values: column sums of squares, dot products
        private readonly long[] _rowsSinceFired;
        private readonly int[] _dead;             // the dead latents of this evaluation, ascending
        private readonly double[] _firing;        // FiringRate of the last evaluation
        private int _deadCount, _rows;
        private long _rowsCounted;                // rows counted by CountFiring so far
        private bool _auxActive;
        // TopK (sparse products): each row's active latents (h > 0) as index and value, K slots a row,
        // and its AuxK latents alike, AuxK slots a row.
        private int[] _selected = [], _selectedCount = [], _auxSelected = [], _auxCount = [];
        private float[] _selectedValue = [], _auxValue = [];
        // TopK: g = D3_i . d_j at each selected latent, and alpha E_i . d_j at each AuxK latent, the
        // hidden delta (times m), summed tile by tile in DecodeBlock for the encoder's gradient.
        private float[] _selectedDelta = [], _auxDelta = [];

        public SparseCodeState(ObjectiveSettings settings, int v, int h, int hp)
        {
            _activation = settings.Activation;
            (_v, _h, _hp) = (v, h, hp);
            _k = settings.K;
            _auxK = _activation == ActivationKind.TopK ? settings.AuxKFor(v, h) : 0;
            _window = settings.DeadLatentWindow;
            _l0 = settings.L0Weight;
            _epsilon = Defaults.JumpBandwidth;
            _thresholds = new float[_activation == ActivationKind.JumpReLU ? h : 0];
            _inverseNorms = new float[h];
            _columnScratch = new float[h];
            _rowsSinceFired = new long[h];
            _dead = new int[h];
            _firing = new double[h];
        }

        public ReadOnlySpan<double> FiringRate => _firing;

        /// <summary>TopK: the decoder's products run over each row's K selected latents only.</summary>
        public bool SparseProducts => _activation == ActivationKind.TopK;

        // Dead: fired on none of the last _window rows counted; after fewer rows than that, on none of the rows counted.
        // (The AuxK term's dead latents, BeginEvaluation, wait for the whole window, as OpenAI's code does.)
        public int DeadCount
        {
            get
            {
                long window = _rowsCounted > 0 ? Math.Min(_window, _rowsCounted) : _window;
                int dead = 0;
                foreach (long r in _rowsSinceFired) if (r >= window) dead++;
                return dead;
            }
        }

        public void EnsureBuffers(int rows)
        {
            if (SparseProducts && _selectedCount.Length < rows)
            {
                _selectedCount = new int[rows];
                _selected = new int[rows * _k];
                _selectedValue = new float[rows * _k];
                _auxCount = new int[rows];
                _auxSelected = new int[rows * Math.Max(_auxK, 1)];
                _auxValue = new float[rows * Math.Max(_auxK, 1)];
                _selectedDelta = new float[rows * _k];
                _auxDelta = new float[rows * Math.Max(_auxK, 1)];
            }
            if (_thresholds.Length > 0 && _z.Length < (long)rows * _hp) _z = new AlignedArray((long)rows * _hp);
        }

        // The evaluation's thresholds (JumpReLU) and dead latents (TopK); the decoder copies and b1 are
        // prepared with the weights' loads (MeasureDecoderColumns, NormalizeDecoder, FoldEncoderBias).
        public void BeginEvaluation(ReadOnlySpan<float> theta, int rows)
        {
            int h = _h, hv = h * _v;
            for (int j = 0; j < _thresholds.Length; j++) _thresholds[j] = MathF.Exp(theta[2 * hv + h + _v + j]);
            _rows = rows;
            _deadCount = 0;
            if (_auxK > 0)
                for (int j = 0; j < h; j++)
                    if (_rowsSinceFired[j] >= _window) _dead[_deadCount++] = j;
            _auxActive = _deadCount > 0;
        }

        // The pre-encoder bias folded into b1: b1_j -= W1[j, :] . b2.
        public void FoldEncoderBias(ReadOnlySpan<float> theta, Span<float> b1)
        {
            int v = _v, hv = _h * v;
            var b2 = theta.Slice(2 * hv + _h, v);
            for (int j = 0; j < _h; j++) b1[j] -= TensorPrimitives.Dot(theta.Slice(j * v, v), b2);
        }

        // 1 / ||W2[:, j]|| from theta's W2 (V, H), row by row (the sum of squares, in float); 1 for a column of zeros.
        public void MeasureDecoderColumns(ReadOnlySpan<float> w2)
        {
            var squares = _columnScratch.AsSpan();
            Model.AutoencoderParameters.DecoderColumnSquares(w2, _v, _h, _h, squares);
            Model.AutoencoderParameters.InverseColumnNorms(squares, _inverseNorms);
        }

        // The decoder copies scaled to unit columns by MeasureDecoderColumns' norms: half 0 W2 (V, Hp),
        // row by row, half 1 W2^T (Hp, V), latent by latent.
        public void NormalizeDecoder(Span<float> w2, Span<float> w2t, int half)
        {
            int v = _v, h = _h;
            if (half == 0)
                for (int i = 0; i < v; i++) TensorPrimitives.Multiply(w2.Slice(i * _hp, h), _inverseNorms, w2.Slice(i * _hp, h));
            else
                for (int j = 0; j < h; j++) TensorPrimitives.Multiply(w2t.Slice(j * v, v), _inverseNorms[j], w2t.Slice(j * v, v));
        }

        // ReLU and JumpReLU: A1's block of m rows from row r0 holds z; leaves h there (JumpReLU keeps z
        // for its thresholds' gradient) and counts the active units.
        public void Activate(Span<float> a1, int m, int r0, Chunk ch)
        {
            int h = _h, hp = _hp;
            for (int i = 0; i < m; i++)
            {
                var row = a1.Slice(i * hp, hp);
                if (_activation == ActivationKind.JumpReLU)
                {
                    row.CopyTo(_z.Span.Slice((r0 + i) * hp, hp));
                    VectorKernels.KeepAbove(row.Slice(0, h), _thresholds, row.Slice(0, h));
                }
                else
                    TensorPrimitives.Max(row, 0f, row);
            }
            // Active units counted per column: 1 where h > 0 into the chunk's free block, then column sums.
            var active = ch.HiddenDelta.Span.Slice(0, m * hp);
            VectorKernels.Step(a1.Slice(0, m * hp), active);
            VectorKernels.AddColumnSums(active, m, hp, ch.FiringCounts);
        }

        // ReLU and JumpReLU: d holds D3 D + s for the block; through the step 1[h > 0] (JumpReLU: after
        // its thresholds' gradient, which needs dJ/dh before the step).
        public void HiddenDelta(Span<float> d, ReadOnlySpan<float> a1, int m, int r0, Chunk ch)
        {
            if (_thresholds.Length > 0) AddThresholdGradient(d, m, r0, ch);
            VectorKernels.MultiplyStep(d, a1);
        }

        // JumpReLU: d holds dJ/dh (times m) of the block; adds each row's pseudo-gradient of theta_j
        // where z_j lies within eps/2 of theta_j: dJ/dh_j (-theta_j/eps) - lambda_0/eps.
        private void AddThresholdGradient(ReadOnlySpan<float> d, int m, int r0, Chunk ch)
        {
            int h = _h, hp = _hp;
            double halfWidth = _epsilon / 2;
            for (int i = 0; i < m; i++)
            {
                var z = _z.Span.Slice((r0 + i) * hp, h);
                for (int j = 0; j < h; j++)
                {
                    double theta = _thresholds[j];
                    if (Math.Abs(z[j] - theta) < halfWidth)
                        ch.ThresholdGradient[j] += (d[i * hp + j] * -theta - _l0) / _epsilon;
                }
            }
        }

        // TopK, sparse: Z's block (rows r0.., m of them) in a1 stays as it is; each row's K largest z
        // (their h = max(0, z) where positive) and, with dead latents, its AuxK largest among those go
        // to the selection lists; their activation sums and firing counts to the chunk's.
        public void Select(ReadOnlySpan<float> a1, int m, int r0, Chunk ch)
        {
            int h = _h, hp = _hp;
            for (int i = 0; i < m; i++)
            {
                var z = a1.Slice(i * hp, h);
                int row = r0 + i;
                _auxCount[row] = _auxActive ? KeepDead(z, ch, _auxSelected.AsSpan(row * _auxK, _auxK), _auxValue.AsSpan(row * _auxK, _auxK)) : 0;
                var indices = _selected.AsSpan(row * _k, _k);
                var values = _selectedValue.AsSpan(row * _k, _k);
                int n = _selectedCount[row] = Keep(z, _k, ch, indices, values);
                for (int t = 0; t < n; t++)
                {
                    ch.ActivationSums[indices[t]] += values[t];
                    ch.FiringCounts[indices[t]]++;
                }
            }
        }

        // AuxK: the dead latents' z gathered into one run (ascending, so ties still go to the lower latent),
        // where the selection runs at vector speed; then back to latent indices.
        private int KeepDead(ReadOnlySpan<float> z, Chunk ch, Span<int> indices, Span<float> values)
        {
            var dead = _dead.AsSpan(0, _deadCount);
            var gathered = ch.Gathered.AsSpan(0, dead.Length);
            for (int t = 0; t < dead.Length; t++) gathered[t] = z[dead[t]];
            int kept = Keep(gathered, _auxK, ch, indices, values);
            for (int t = 0; t < kept; t++) indices[t] = dead[indices[t]];
            return kept;
        }

        // The k largest z, kept where max(0, z) > 0: their indices and values; returns how many.
        private static int Keep(ReadOnlySpan<float> z, int k, Chunk ch, Span<int> indices, Span<float> values)
        {
            int n = TopKSelection.Select(z, default, k, ch.Selected), kept = 0;
            for (int t = 0; t < n; t++)
            {
                float value = z[ch.Selected[t]];
                if (!(value > 0)) continue;
                indices[kept] = ch.Selected[t];
                values[kept++] = value;
            }
            return kept;
        }

        // The firing rates, the AuxK term alpha (1/(2m)) sum ||E||^2 and JumpReLU's L0 term lambda_0 sum_j rate_j.
        public double FinishForward(ReadOnlySpan<Chunk> chunks, int rows)
        {
            double auxSum = 0;
            Array.Clear(_firing);
            foreach (var ch in chunks)
            {
                auxSum += ch.AuxSquaredError;
                for (int j = 0; j < _h; j++) _firing[j] += ch.FiringCounts[j];
            }
            for (int j = 0; j < _h; j++) _firing[j] /= rows;
            double term = _auxActive ? Defaults.AuxKWeight * auxSum / (2.0 * rows) : 0;
            if (_thresholds.Length > 0) term += _l0 * _firing.Sum();
            return term;
        }

        // JumpReLU: dJ/dt_j, the chunks' sums of each threshold's pseudo-gradient.
        public void FinishThresholdGradient(Span<float> g, ReadOnlySpan<Chunk> chunks, int rows)
        {
            for (int j = 0; j < _thresholds.Length; j++)
            {
                double sum = 0;
                foreach (var ch in chunks) sum += ch.ThresholdGradient[j];
                g[2 * _h * _v + _h + _v + j] = (float)(_thresholds[j] * sum / rows);   // dJ/dt_j = theta_j dJ/dtheta_j
            }
        }

        // The folded pre-encoder bias and the column normalisation (see the type's summary), part `part` of
        // `parts`: its range of the V inputs in dJ/dW1 and dJ/db2, and its range of the latents (W2's columns).
        public void FinishWeightGradient(ReadOnlySpan<float> theta, Span<float> g, int part, int parts)
        {
            int v = _v, h = _h, hv = h * v;
            var (c0, c1) = ParallelRanges.Range(v, part, parts);
            var (j0, j1) = ParallelRanges.Range(h, part, parts);
            int nc = c1 - c0, nj = j1 - j0;
            var w1 = theta.Slice(0, hv);
            var w2 = theta.Slice(hv, hv);
            var b2 = theta.Slice(2 * hv + h + c0, nc);
            var gW1 = g.Slice(0, hv);
            var gW2 = g.Slice(hv, hv);
            var gb1 = g.Slice(2 * hv, h);
            var gb2 = g.Slice(2 * hv + h + c0, nc);
            for (int j = 0; j < h; j++)
            {
                var row = gW1.Slice(j * v + c0, nc);
                TensorPrimitives.MultiplyAdd(b2, -gb1[j], row, row);
                TensorPrimitives.MultiplyAdd(w1.Slice(j * v + c0, nc), -gb1[j], gb2, gb2);
            }
            // g_j <- (g_j - (g_j . d_j) d_j) / n_j = g_j / n_j - W2[:, j] (g_j . W2[:, j]) / n_j^3, row by row
            // over (V, H): first every column's dot product, then one pass that scales and subtracts.
            var dots = _columnScratch.AsSpan(j0, nj);
            var inverse = _inverseNorms.AsSpan(j0, nj);
            dots.Clear();
            for (int i = 0; i < v; i++) TensorPrimitives.MultiplyAdd(gW2.Slice(i * h + j0, nj), w2.Slice(i * h + j0, nj), dots, dots);
            for (int j = 0; j < nj; j++) dots[j] = -dots[j] * inverse[j] * inverse[j] * inverse[j];
            for (int i = 0; i < v; i++)
            {
                var row = gW2.Slice(i * h + j0, nj);
                TensorPrimitives.Multiply(row, inverse, row);
                TensorPrimitives.MultiplyAdd(w2.Slice(i * h + j0, nj), dots, row, row);
            }
        }

        public void CountFiring()
        {
            _rowsCounted += _rows;
            for (int j = 0; j < _h; j++) _rowsSinceFired[j] = _firing[j] > 0 ? 0 : _rowsSinceFired[j] + _rows;
        }

        public void SetRowsSinceFired(ReadOnlySpan<long> rows) => rows.CopyTo(_rowsSinceFired);
    }
}
