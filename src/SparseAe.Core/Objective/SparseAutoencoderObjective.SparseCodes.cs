using System.Numerics.Tensors;
using SparseAe.Kernels;

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
    /// rows counted by <see cref="CountFiring"/>; 0 for the sigmoid.
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
    /// The sparse codes' part of the objective (Activation ReLU or TopK). With d_j = W2[:, j] / ||W2[:, j]||
    /// (unit-norm decoder columns, Gao et al. 2024 section 2.2; Bricken et al. 2023) and the decoder bias
    /// b2 subtracted from the input before encoding:
    /// <code>
    ///   z = W1 (x - b2) + b1 = W1 x + (b1 - W1 b2)         (H)   the bias is folded, x is never copied
    ///   h = max(0, z)                     ReLU
    ///   h = max(0, z) on the K largest z, 0 elsewhere      TopK (ties to the lower index)
    ///   y = D h + b2,   e = y - x                          (V)   linear decoder, D = [d_1 .. d_H]
    ///   ReLU:  J += beta_L1 (1/m) sum_ij h_ij ||d_j||      (||d_j|| = 1)
    ///   TopK:  J += alpha (1/(2m)) sum_i ||D a_i + e_i||^2,  alpha = 1/32 (AuxK, Gao et al. section A.2),
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
    /// gradient with its part parallel to the column removed (exact where the trainer keeps the
    /// columns at norm 1 after every step). Weight decay applies to W1 only.
    /// </summary>
    private sealed class SparseCodeState
    {
        private readonly ActivationKind _activation;
        private readonly int _v, _h, _hp, _k, _auxK, _window;
        private readonly float _auxWeight = (float)Defaults.AuxKWeight;
        private readonly double _l0, _epsilon;    // JumpReLU
        private readonly float[] _thresholds;     // JumpReLU: theta_j = exp(t_j) of this evaluation
        private AlignedArray _z = new(0);         // JumpReLU: (rows, Hp) pre-activations
        private readonly float[] _norms;          // ||W2[:, j]|| of this evaluation
        private readonly long[] _rowsSinceFired;
        private readonly int[] _dead;             // the dead latents of this evaluation, ascending
        private readonly double[] _firing;        // FiringRate of the last evaluation
        private int _deadCount, _rows;
        private bool _auxActive;
        private AlignedArray _aux = new(0), _auxE = new(0);   // (rows, Hp) AuxK activations, (rows, V) alpha E

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
            _norms = new float[h];
            _rowsSinceFired = new long[h];
            _dead = new int[h];
            _firing = new double[h];
        }

        public ReadOnlySpan<double> FiringRate => _firing;

        public int DeadCount
        {
            get
            {
                int dead = 0;
                foreach (long r in _rowsSinceFired) if (r >= _window) dead++;
                return dead;
            }
        }

        public void EnsureBuffers(int rows)
        {
            if (_thresholds.Length > 0 && _z.Length < (long)rows * _hp) _z = new AlignedArray((long)rows * _hp);
            if (_auxK == 0 || _auxE.Length >= (long)rows * _v) return;
            _aux = new AlignedArray((long)rows * _hp);
            _auxE = new AlignedArray((long)rows * _v);
        }

        // Normalises the decoder copies (W2 (V, Hp) and W2^T (Hp, V)), folds the pre-encoder bias into
        // b1, and lists the dead latents.
        public void BeginEvaluation(ReadOnlySpan<float> theta, Span<float> w1t, Span<float> w2, Span<float> w2t, Span<float> b1, int rows)
        {
            int v = _v, h = _h, hp = _hp, hv = h * v;
            var w1 = theta.Slice(0, hv);
            var b2 = theta.Slice(2 * hv + h, v);
            for (int j = 0; j < h; j++)
            {
                double sq = 0;
                for (int i = 0; i < v; i++) sq += (double)w2[i * hp + j] * w2[i * hp + j];
                float norm = (float)Math.Sqrt(sq), inverse = 1f / norm;
                _norms[j] = norm;
                for (int i = 0; i < v; i++) w2[i * hp + j] *= inverse;
                TensorPrimitives.Multiply(w2t.Slice(j * v, v), inverse, w2t.Slice(j * v, v));
                b1[j] -= TensorPrimitives.Dot(w1.Slice(j * v, v), b2);
            }
            for (int j = 0; j < _thresholds.Length; j++) _thresholds[j] = MathF.Exp(theta[2 * hv + h + v + j]);
            _rows = rows;
            _deadCount = 0;
            if (_auxK > 0)
                for (int j = 0; j < h; j++)
                    if (_rowsSinceFired[j] >= _window) _dead[_deadCount++] = j;
            _auxActive = _deadCount > 0;
        }

        // A1's block of m rows from row r0 holds z; leaves h there, the AuxK activations in _aux, and
        // counts the active units.
        public void Activate(Span<float> a1, int m, int r0, Chunk ch)
        {
            int h = _h, hp = _hp;
            for (int i = 0; i < m; i++)
            {
                var row = a1.Slice(i * hp, hp);
                var z = row.Slice(0, h);
                if (_auxActive)
                {
                    var aux = _aux.Span.Slice((r0 + i) * hp, hp);
                    aux.Clear();
                    int n = TopKSelection.Select(z, _dead.AsSpan(0, _deadCount), _auxK, ch.Selected);
                    for (int t = 0; t < n; t++) aux[ch.Selected[t]] = Math.Max(0f, z[ch.Selected[t]]);
                }
                if (_activation == ActivationKind.JumpReLU)
                {
                    row.CopyTo(_z.Span.Slice((r0 + i) * hp, hp));
                    for (int j = 0; j < h; j++)
                        if (!(row[j] > _thresholds[j])) row[j] = 0;
                }
                else if (_activation == ActivationKind.TopK)
                {
                    int n = TopKSelection.Select(z, default, _k, ch.Selected);
                    for (int t = 0; t < n; t++) ch.SelectedValues[t] = z[ch.Selected[t]];
                    row.Clear();
                    for (int t = 0; t < n; t++) row[ch.Selected[t]] = Math.Max(0f, ch.SelectedValues[t]);
                }
                else
                    TensorPrimitives.Max(row, 0f, row);
                for (int j = 0; j < h; j++)
                    if (row[j] > 0) ch.FiringCounts[j]++;
            }
        }

        // After the block's D3 = Y - X (in a2): E = D A + D3, its squares, alpha E into _auxE, and alpha E^T A into dJ/dD.
        public void AuxKForward(ReadOnlySpan<float> d3, int m, int r0, Chunk ch, ReadOnlySpan<float> w2t)
        {
            if (!_auxActive) return;
            int v = _v, hp = _hp;
            var aux = _aux.Span.Slice(r0 * hp, m * hp);
            var e = _auxE.Span.Slice(r0 * v, m * v);
            MatrixKernels.MultiplyAB(aux, hp, w2t, v, e, v, m, _h, v, accumulate: false, default);
            TensorPrimitives.Add(e, d3, e);
            ch.AuxSquaredError += VectorKernels.SumOfSquares(e);
            TensorPrimitives.Multiply(e, _auxWeight, e);
            MatrixKernels.MultiplyAtB(e, v, aux, hp, ch.GradientW2.Span, hp, m, v, hp, accumulate: true);
        }

        // d holds D3 D + s for the block: through the step 1[h > 0], plus the AuxK delta.
        public void HiddenDelta(Span<float> d, ReadOnlySpan<float> a1, int m, int r0, Chunk ch, ReadOnlySpan<float> w2)
        {
            if (_thresholds.Length > 0) AddThresholdGradient(d, m, r0, ch);
            for (int i = 0; i < d.Length; i++)
                if (!(a1[i] > 0)) d[i] = 0;
            if (!_auxActive) return;
            int v = _v, hp = _hp;
            var aux = _aux.Span.Slice(r0 * hp, m * hp);
            var t = ch.AuxDelta.Span.Slice(0, m * hp);
            MatrixKernels.MultiplyAB(_auxE.Span.Slice(r0 * v, m * v), v, w2, hp, t, hp, m, v, hp, accumulate: false, default);
            for (int i = 0; i < d.Length; i++)
                if (aux[i] > 0) d[i] += t[i];
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

        // The folded pre-encoder bias and the column normalisation (see the type's summary).
        public void FinishGradient(ReadOnlySpan<float> theta, Span<float> g, ReadOnlySpan<Chunk> chunks, int rows)
        {
            for (int j = 0; j < _thresholds.Length; j++)
            {
                double sum = 0;
                foreach (var ch in chunks) sum += ch.ThresholdGradient[j];
                g[2 * _h * _v + _h + _v + j] = (float)(_thresholds[j] * sum / rows);   // dJ/dt_j = theta_j dJ/dtheta_j
            }
            int v = _v, h = _h, hv = h * v;
            var w1 = theta.Slice(0, hv);
            var w2 = theta.Slice(hv, hv);
            var b2 = theta.Slice(2 * hv + h, v);
            var gW1 = g.Slice(0, hv);
            var gW2 = g.Slice(hv, hv);
            var gb1 = g.Slice(2 * hv, h);
            var gb2 = g.Slice(2 * hv + h, v);
            for (int j = 0; j < h; j++)
            {
                TensorPrimitives.MultiplyAdd(b2, -gb1[j], gW1.Slice(j * v, v), gW1.Slice(j * v, v));
                TensorPrimitives.MultiplyAdd(w1.Slice(j * v, v), -gb1[j], gb2, gb2);
            }
            for (int j = 0; j < h; j++)
            {
                float norm = _norms[j];
                double dot = 0;
                for (int i = 0; i < v; i++) dot += (double)gW2[i * h + j] * w2[i * h + j];
                float parallel = (float)(dot / norm);   // g_j . d_j
                for (int i = 0; i < v; i++) gW2[i * h + j] = (gW2[i * h + j] - parallel * (w2[i * h + j] / norm)) / norm;
            }
        }

        public void CountFiring()
        {
            for (int j = 0; j < _h; j++) _rowsSinceFired[j] = _firing[j] > 0 ? 0 : _rowsSinceFired[j] + _rows;
        }

        public void SetRowsSinceFired(ReadOnlySpan<long> rows) => rows.CopyTo(_rowsSinceFired);
    }
}
