namespace SparseAe.Tests.Support;

/// <summary>
/// An independent float64 implementation of the sparse-code objectives (ReLU with an L1 penalty, TopK
/// with the AuxK term, JumpReLU with an L0 penalty), written from the maths, one row at a time, in plain
/// loops. The tests check it by central differences (where J has a derivative) and then check the
/// float32 objective against it.
/// </summary>
/// <remarks>
/// The model, per row x (V):
/// <code>
///   n_j = ||W2[:, j]||,  d_j = W2[:, j] / n_j,  D = [d_1 .. d_H]          (V, H)  unit-norm decoder columns
///   u   = x - b2                                                          (V)     the decoder bias is subtracted first
///   z   = W1 u + b1                                                       (H)
///   ReLU: h_j = max(0, z_j)
///   TopK: h_j = max(0, z_j) if j is among the K largest z (ties: lower index), else 0
///   JumpReLU: h_j = z_j H(z_j - theta_j),  theta_j = exp(t_j),  H(u) = 1 if u &gt; 0 else 0 (H(0) = 0)
///   y   = D h + b2,   e = y - x                                           (V)
/// </code>
/// The cost over m rows:
/// <code>
///   J = (1/(2m)) sum_i ||e_i||^2                                     Reconstruction
///     + (lambda/2) ||W1||_F^2                                        Decay (W1 only)
///     + Sparsity:
///         ReLU: L1Weight (1/m) sum_i sum_j h_ij ||d_j||
///         TopK: alpha (1/(2m)) sum_i ||D a_i + stop(e_i)||^2,  alpha = 1/32,
///               a_ij = max(0, z_ij) for the AuxK largest z_ij among the dead latents (ties: lower index), else 0.
///         JumpReLU: L0Weight (1/m) sum_i sum_j H(z_ij - theta_j)
/// </code>
/// The gradient is with respect to theta = [W1 | W2 (raw, before normalisation) | b1 | b2], plus
/// [t (H)] for JumpReLU. The AuxK term's residual e_i is a constant (stop-gradient), TopK's selections
/// and JumpReLU's step pattern are held fixed (dh_j/dz_j = H(z_j - theta_j); the L0 term gives z nothing).
/// <para>
/// JumpReLU's t has no useful true derivative (J is piecewise constant in theta), so t gets
/// Rajamanoharan et al. 2024's straight-through pseudo-derivatives (arXiv 2407.14435, eqs. 11-12 and the
/// pseudo-code of their appendix), with the rectangle kernel K(u) = 1 if |u| &lt; 1/2 else 0 and bandwidth eps:
/// <code>
///   d h_j / d theta_j              := -(theta_j / eps) K((z_j - theta_j) / eps)
///   d H(z_j - theta_j) / d theta_j := -(1 / eps) K((z_j - theta_j) / eps)
///   dJ/dt_j = theta_j dJ/dtheta_j                                       (theta = exp(t))
/// </code>
/// dJ/dh_j in the first is the whole upstream d_j . e / m, whether or not latent j is active on the row.
/// </para>
/// </remarks>
internal static class ReferenceSparseCode
{
    /// <summary>alpha: the weight of the AuxK term (Gao et al. 2024: 1/32).</summary>
    public const double AuxKWeight = 1.0 / 32;

    /// <summary>JumpReLU: the straight-through estimator's bandwidth eps (Rajamanoharan et al. 2024: 0.001).</summary>
    public const double JumpBandwidth = 0.001;

    /// <summary>The rectangle kernel: 1 on the open interval (-1/2, 1/2), else 0.</summary>
    public static double Rectangle(double u) => Math.Abs(u) < 0.5 ? 1 : 0;

    /// <param name="PreActivations">z per row (H).</param>
    /// <param name="Codes">h per row (H).</param>
    /// <param name="AuxCodes">a per row (H); all zero without the AuxK term.</param>
    /// <param name="Residuals">e = y - x per row (V).</param>
    /// <param name="Thresholds">JumpReLU: theta_j = exp(t_j) (H); null otherwise.</param>
    public sealed record Result(
        double Total, double Reconstruction, double Decay, double Sparsity, double[] Gradient,
        double[][] PreActivations, double[][] Codes, double[][] AuxCodes, double[][] Residuals,
        double[]? Thresholds = null)
    {
        /// <summary>Per latent: the share of the rows with h &gt; 0.</summary>
        public double[] FiringRate()
        {
            int m = Codes.Length, h = Codes[0].Length;
            var rate = new double[h];
            for (int j = 0; j < h; j++)
            {
                int fired = 0;
                for (int n = 0; n < m; n++) if (Codes[n][j] > 0) fired++;
                rate[j] = (double)fired / m;
            }
            return rate;
        }
    }

    /// <param name="theta">[W1 (H,V) row-major | W2 (V,H) row-major | b1 (H) | b2 (V)], then t (H) for JumpReLU.</param>
    /// <param name="x">m rows of V.</param>
    /// <param name="k">TopK: latents kept per row.</param>
    /// <param name="auxK">TopK: dead latents the AuxK term uses per row (0: no AuxK term).</param>
    /// <param name="dead">TopK: per latent, whether it is dead (null: none is).</param>
    /// <param name="frozenResiduals">
    /// The e_i to use inside the AuxK term instead of this theta's own residuals. Central differences of
    /// the Total with the residuals frozen at the unperturbed theta's give the stop-gradient gradient.
    /// </param>
    /// <param name="l0Weight">JumpReLU: the weight of the L0 term.</param>
    /// <param name="bandwidth">JumpReLU: the straight-through estimator's eps.</param>
    public static Result Evaluate(
        double[] theta, double[][] x, int v, int h, ActivationKind activation,
        double lambda, double l1Weight, int k, int auxK, bool[]? dead, double[][]? frozenResiduals = null,
        double l0Weight = 0, double bandwidth = JumpBandwidth)
    {
        if (activation is not (ActivationKind.ReLU or ActivationKind.TopK or ActivationKind.JumpReLU))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "the reference covers ReLU, TopK and JumpReLU only");
        bool jump = activation == ActivationKind.JumpReLU;
        if (theta.Length != 2 * h * v + h + v + (jump ? h : 0)) throw new ArgumentException("theta has the wrong length", nameof(theta));
        int m = x.Length;
        int w2At = h * v, b1At = 2 * h * v, b2At = 2 * h * v + h, tAt = 2 * h * v + h + v;
        double W1(int j, int p) => theta[j * v + p];
        double W2(int p, int j) => theta[w2At + p * h + j];
        double B1(int j) => theta[b1At + j];
        double B2(int p) => theta[b2At + p];

        // JumpReLU: theta_j = exp(t_j), and dJ/dtheta_j summed over the rows (turned into dJ/dt_j at the end).
        var threshold = new double[h];
        if (jump) for (int j = 0; j < h; j++) threshold[j] = Math.Exp(theta[tAt + j]);
        var gThreshold = new double[h];

        // n_j = ||W2[:, j]||, D[p, j] = W2[p, j] / n_j.
        var n = new double[h];
        var D = new double[v, h];
        for (int j = 0; j < h; j++)
        {
            double s = 0;
            for (int p = 0; p < v; p++) s += W2(p, j) * W2(p, j);
            n[j] = Math.Sqrt(s);
            for (int p = 0; p < v; p++) D[p, j] = W2(p, j) / n[j];
        }
        // ||d_j||, 1 up to rounding; kept in the L1 term so that its (zero) gradient through the
        // normalisation is computed rather than assumed.
        var dNorm = new double[h];
        for (int j = 0; j < h; j++)
        {
            double s = 0;
            for (int p = 0; p < v; p++) s += D[p, j] * D[p, j];
            dNorm[j] = Math.Sqrt(s);
        }

        // The dead latents, in index order: the AuxK term's candidates.
        var deadList = new List<int>();
        if (activation == ActivationKind.TopK && dead is not null)
            for (int j = 0; j < h; j++) if (dead[j]) deadList.Add(j);
        bool auxTerm = activation == ActivationKind.TopK && auxK > 0 && deadList.Count > 0;

        var allLatents = Enumerable.Range(0, h).ToList();
        var grad = new double[theta.Length];
        var gD = new double[v, h];                            // dJ/dD, turned into dJ/dW2 at the end
        var zs = new double[m][];
        var hs = new double[m][];
        var auxs = new double[m][];
        var es = new double[m][];
        double recon = 0, sparsity = 0;

        for (int i = 0; i < m; i++)
        {
            // Forward. u = x - b2, z = W1 u + b1.
            var u = new double[v];
            for (int p = 0; p < v; p++) u[p] = x[i][p] - B2(p);
            var z = new double[h];
            for (int j = 0; j < h; j++)
            {
                z[j] = B1(j);
                for (int p = 0; p < v; p++) z[j] += W1(j, p) * u[p];
            }

            // h_j = max(0, z_j), on the K largest z for TopK; JumpReLU: h_j = z_j if z_j > theta_j (strictly), else 0.
            // gate_j = dh_j/dz_j with the pattern held fixed.
            var code = new double[h];
            var gate = new bool[h];
            if (jump)
            {
                for (int j = 0; j < h; j++)
                    if (z[j] > threshold[j]) { code[j] = z[j]; gate[j] = true; }
            }
            else
            {
                var kept = activation == ActivationKind.TopK ? Largest(z, allLatents, k) : allLatents;
                foreach (int j in kept) code[j] = Math.Max(0, z[j]);
                for (int j = 0; j < h; j++) gate[j] = code[j] > 0;
            }

            // y = D h + b2, e = y - x; Reconstruction += ||e||^2 / (2m).
            var e = new double[v];
            for (int p = 0; p < v; p++)
            {
                double y = B2(p);
                for (int j = 0; j < h; j++) y += D[p, j] * code[j];
                e[p] = y - x[i][p];
                recon += e[p] * e[p] / (2.0 * m);
            }

            // Backward through the reconstruction: delta_y = dJ/dy = e / m.
            //   dJ/dD[p, j] += delta_y_p h_j,  dJ/db2_p += delta_y_p (b2 added to y),  dJ/dh_j = d_j . delta_y.
            var deltaH = new double[h];
            for (int p = 0; p < v; p++)
            {
                double deltaY = e[p] / m;
                grad[b2At + p] += deltaY;
                for (int j = 0; j < h; j++)
                {
                    gD[p, j] += deltaY * code[j];
                    deltaH[j] += D[p, j] * deltaY;
                }
            }

            // ReLU's L1 term: L1Weight/m * sum_j h_j ||d_j||.
            //   dJ/dh_j += L1Weight/m ||d_j||,  dJ/dd_j += L1Weight/m h_j d_j / ||d_j||.
            if (activation == ActivationKind.ReLU)
            {
                for (int j = 0; j < h; j++)
                {
                    sparsity += l1Weight * code[j] * dNorm[j] / m;
                    deltaH[j] += l1Weight * dNorm[j] / m;
                    for (int p = 0; p < v; p++) gD[p, j] += l1Weight * code[j] * D[p, j] / dNorm[j] / m;
                }
            }

            // JumpReLU's L0 term: L0Weight/m * sum_j H(z_j - theta_j); no gradient to z. The thresholds get the
            // pseudo-derivatives, on every latent whose z is inside the kernel window, active or not:
            //   dJ/dtheta_j += dJ/dh_j * (-(theta_j/eps) K(u)) + L0Weight/m * (-(1/eps) K(u)),  u = (z_j - theta_j)/eps.
            if (jump)
            {
                for (int j = 0; j < h; j++)
                {
                    if (gate[j]) sparsity += l0Weight / m;
                    double kernel = Rectangle((z[j] - threshold[j]) / bandwidth);
                    gThreshold[j] += deltaH[j] * (-(threshold[j] / bandwidth) * kernel) + l0Weight / m * (-(1 / bandwidth) * kernel);
                }
            }

            // delta_z_j = dJ/dh_j * gate_j (the TopK selection and JumpReLU's step pattern held fixed).
            var deltaZ = new double[h];
            for (int j = 0; j < h; j++) deltaZ[j] = gate[j] ? deltaH[j] : 0;

            // TopK's AuxK term: alpha/(2m) ||D a + e_bar||^2 with e_bar = stop(e).
            var aux = new double[h];
            if (auxTerm)
            {
                foreach (int j in Largest(z, deadList, auxK)) aux[j] = Math.Max(0, z[j]);
                var eBar = frozenResiduals?[i] ?? e;
                // r = D a + e_bar; delta_r = alpha r / m.
                //   dJ/dD[p, j] += delta_r_p a_j,  dJ/da_j = d_j . delta_r, into delta_z_j where a_j > 0.
                var deltaA = new double[h];
                for (int p = 0; p < v; p++)
                {
                    double r = eBar[p];
                    for (int j = 0; j < h; j++) r += D[p, j] * aux[j];
                    sparsity += AuxKWeight * r * r / (2.0 * m);
                    double deltaR = AuxKWeight * r / m;
                    for (int j = 0; j < h; j++)
                    {
                        gD[p, j] += deltaR * aux[j];
                        deltaA[j] += D[p, j] * deltaR;
                    }
                }
                for (int j = 0; j < h; j++) if (aux[j] > 0) deltaZ[j] += deltaA[j];
            }

            // Through z = W1 (x - b2) + b1:
            //   dJ/dW1[j, p] += delta_z_j u_p,  dJ/db1_j += delta_z_j,  dJ/db2_p -= sum_j W1[j, p] delta_z_j.
            for (int j = 0; j < h; j++)
            {
                grad[b1At + j] += deltaZ[j];
                for (int p = 0; p < v; p++)
                {
                    grad[j * v + p] += deltaZ[j] * u[p];
                    grad[b2At + p] -= W1(j, p) * deltaZ[j];
                }
            }

            zs[i] = z;
            hs[i] = code;
            auxs[i] = aux;
            es[i] = e;
        }

        // Decay: lambda/2 ||W1||^2, gradient lambda W1 (W1 only).
        double decay = 0;
        for (int q = 0; q < h * v; q++)
        {
            decay += 0.5 * lambda * theta[q] * theta[q];
            grad[q] += lambda * theta[q];
        }

        // Through the normalisation d_j = w_j / n_j: dd_j/dw_j = (I - d_j d_j^T) / n_j, so with g_j = dJ/dd_j
        //   dJ/dW2[:, j] = (g_j - (g_j . d_j) d_j) / n_j.
        for (int j = 0; j < h; j++)
        {
            double gDotD = 0;
            for (int p = 0; p < v; p++) gDotD += gD[p, j] * D[p, j];
            for (int p = 0; p < v; p++) grad[w2At + p * h + j] = (gD[p, j] - gDotD * D[p, j]) / n[j];
        }

        // JumpReLU: theta_j = exp(t_j), so dJ/dt_j = theta_j dJ/dtheta_j.
        if (jump) for (int j = 0; j < h; j++) grad[tAt + j] = threshold[j] * gThreshold[j];

        return new Result(recon + decay + sparsity, recon, decay, sparsity, grad, zs, hs, auxs, es, jump ? threshold : null);
    }

    /// <summary>JumpReLU: <see cref="Evaluate"/> with the L0 term, theta = [W1 | W2 | b1 | b2 | t].</summary>
    public static Result EvaluateJumpReLU(double[] theta, double[][] x, int v, int h, double lambda, double l0Weight, double bandwidth = JumpBandwidth)
        => Evaluate(theta, x, v, h, ActivationKind.JumpReLU, lambda, 0, 0, 0, null, null, l0Weight, bandwidth);

    /// <summary>
    /// The min(count, candidates) candidates with the largest z, ties to the lower index: repeatedly take
    /// the largest remaining one, scanning in index order and replacing only on a strictly larger value.
    /// </summary>
    public static List<int> Largest(double[] z, IReadOnlyList<int> candidates, int count)
    {
        var remaining = candidates.OrderBy(j => j).ToList();
        var chosen = new List<int>();
        while (chosen.Count < count && remaining.Count > 0)
        {
            int best = 0;
            for (int c = 1; c < remaining.Count; c++) if (z[remaining[c]] > z[remaining[best]]) best = c;
            chosen.Add(remaining[best]);
            remaining.RemoveAt(best);
        }
        return chosen;
    }
}
