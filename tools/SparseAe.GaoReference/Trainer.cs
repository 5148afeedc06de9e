namespace SparseAe.GaoReference;

/// <summary>
/// Mini-batch Adam training of a <see cref="TopKSae"/> with the paper's loss (sections 2.1, 2.3, A.1, A.2).
///
/// Loss of one batch of B rows (V inputs each):
///
///   L_main = (1/(B V)) sum_b ||x_b - x_hat_b||^2 / s2
///       normalised MSE, section 2.1. s2 = (1/(N V)) sum_n ||x_n - mean(x)||^2 is one constant computed on
///       all N training rows before training (the paper's code computes this "mse_scale" once, on a
///       sample), so L_main is the batch's fraction of variance unexplained.
///
///   L_aux = (1/32) sum_b ||e_hat_b - e_b||^2 / sum_b ||e_b - mean_b(e)||^2          (section A.2)
///       e_b = x_b - x_hat_b is the main model's residual, a constant (no gradient flows into it);
///       e_hat_b = W_dec a_aux,b, without b_pre; a_aux,b = ReLU of the aux_k largest pre-activations z_bj
///       among the dead latents j. The denominator (the residual's own variance about its batch mean) is a
///       constant too. A latent is dead when it has not fired (activation > 0) for dead_window rows,
///       counting the current batch. L_aux = 0 when no latent is dead or the denominator is 0.
///
/// TopK and the aux selection are treated as fixed index sets in the backward pass (the gradient reaches
/// the selected latents only), as in the paper's kernels.
///
/// Decoder columns stay at unit norm (section A.1): before the Adam step the gradient of column d_j loses
/// its component along d_j (g_j -= (d_j . g_j) d_j), and after the step d_j is scaled back to norm 1.
/// </summary>
public sealed class Trainer
{
    readonly TopKSae m;
    readonly TrainSettings s;
    readonly int V, L, K;

    // Gradients and Adam moments, one per parameter array: W_enc, b_enc, W_dec, b_pre.
    readonly double[][] param, grad, m1, m2;
    long adamStep;

    /// <summary>Rows seen since each latent last fired (activation > 0).</summary>
    readonly long[] rowsSinceFired;
    readonly bool[] dead;

    public Trainer(TopKSae model, TrainSettings settings)
    {
        m = model; s = settings; V = model.V; L = model.L; K = model.K;
        param = [m.WEnc, m.BEnc, m.WDec, m.BPre];
        grad = param.Select(p => new double[p.Length]).ToArray();
        m1 = param.Select(p => new double[p.Length]).ToArray();
        m2 = param.Select(p => new double[p.Length]).ToArray();
        rowsSinceFired = new long[L];
        dead = new bool[L];
    }

    public int DeadByWindow => dead.Count(d => d);

    /// <summary>The last computed gradients: W_enc, b_enc, W_dec, b_pre (the parameters' order).</summary>
    public double[][] Gradients => grad;

    /// <summary>The parameter arrays: W_enc, b_enc, W_dec, b_pre.</summary>
    public double[][] Parameters => param;

    /// <summary>Trains for the configured epochs; logs one line per epoch to stderr.</summary>
    public void Train(double[][] rows, double s2, Random rng)
    {
        int n = rows.Length;
        int[] order = Enumerable.Range(0, n).ToArray();
        for (int epoch = 1; epoch <= s.Epochs; epoch++)
        {
            // Fisher-Yates shuffle of the row order, from the run's seeded generator.
            for (int i = n - 1; i > 0; i--) { int r = rng.Next(i + 1); (order[i], order[r]) = (order[r], order[i]); }

            double mainSum = 0, auxSum = 0; int batches = 0;
            // Every row is used every epoch; a last, smaller batch is a step of its own.
            for (int start = 0; start < n; start += s.BatchSize)
            {
                int b = Math.Min(s.BatchSize, n - start);
                var (lm, la) = Step(rows, order.AsSpan(start, b), s2);
                mainSum += lm; auxSum += la; batches++;
            }
            Console.Error.WriteLine(
                $"epoch {epoch,3}: main (normalised MSE) {mainSum / batches:F5}  aux {auxSum / batches:F5}  dead (window) {DeadByWindow}");
        }
    }

    /// <summary>One Adam step on one mini-batch; returns (L_main, L_aux) before the step.</summary>
    (double Main, double Aux) Step(double[][] rows, ReadOnlySpan<int> batch, double s2)
    {
        var (lossMain, lossAux, _) = LossAndGradients(rows, batch, s2, null);

        // ---- unit-norm decoder: remove each column gradient's component along the column ------------------
        double[] gWDec = grad[2];
        for (int j = 0; j < L; j++)
        {
            var d = m.WDec.AsSpan(j * V, V);
            var g = gWDec.AsSpan(j * V, V);
            TopKSae.Axpy(-TopKSae.Dot(d, g), d, g);
        }

        AdamStep();

        // ---- renormalise the decoder columns after the step ------------------------------------------------
        for (int j = 0; j < L; j++) TopKSae.Normalise(m.WDec.AsSpan(j * V, V));

        return (lossMain, lossAux);
    }

    /// <summary>
    /// The batch's losses and their gradients (into <see cref="Gradients"/>), and the residuals e (B x V).
    /// Also updates the dead-latent counters with the batch. <paramref name="frozenResidual"/>, when given,
    /// replaces e in the AuxK term (only the gradient check uses it, to hold e constant as the backward
    /// pass does).
    /// </summary>
    public (double Main, double Aux, double[] Residual) LossAndGradients(
        double[][] rows, ReadOnlySpan<int> batch, double s2, double[]? frozenResidual)
    {
        int B = batch.Length;
        int auxK = Math.Min(s.AuxK, L);
        var z = new double[B * L];          // pre-activations
        var e = new double[B * V];          // residuals x - x_hat
        var top = new int[B * K];           // TopK indices per row
        var xc = new double[V];
        var xHat = new double[V];
        var act = new double[K];

        // ---- forward: TopK codes, reconstructions, residuals -----------------------------------------
        double sse = 0;
        var firedNow = new bool[L];
        for (int b = 0; b < B; b++)
        {
            var x = rows[batch[b]];
            var zb = z.AsSpan(b * L, L);
            m.PreActivations(x, xc, zb);
            var tb = top.AsSpan(b * K, K);
            TopKSae.TopIndices(zb, K, null, tb);
            for (int t = 0; t < K; t++) { act[t] = Math.Max(zb[tb[t]], 0); if (act[t] > 0) firedNow[tb[t]] = true; }
            m.Decode(tb, act, xHat, addPreBias: true);
            for (int i = 0; i < V; i++) { double r = x[i] - xHat[i]; e[b * V + i] = r; sse += r * r; }
        }
        double lossMain = sse / ((double)B * V) / s2;
        var residual = e;
        if (frozenResidual != null) e = frozenResidual;   // the AuxK term's target (see the summary)

        // ---- dead latents: not fired for DeadWindowRows rows, this batch included -------------------------
        int nDead = 0;
        for (int j = 0; j < L; j++)
        {
            rowsSinceFired[j] = firedNow[j] ? 0 : rowsSinceFired[j] + B;
            dead[j] = rowsSinceFired[j] >= s.DeadWindowRows;
            if (dead[j]) nDead++;
        }

        // ---- AuxK normaliser: sum_b ||e_b - mean_b(e)||^2 ------------------------------------------------
        var eMean = new double[V];
        for (int b = 0; b < B; b++) for (int i = 0; i < V; i++) eMean[i] += e[b * V + i];
        for (int i = 0; i < V; i++) eMean[i] /= B;
        double eVar = 0;
        for (int b = 0; b < B; b++) for (int i = 0; i < V; i++) { double d = e[b * V + i] - eMean[i]; eVar += d * d; }
        bool useAux = auxK > 0 && nDead > 0 && eVar > 0;

        // ---- backward -------------------------------------------------------------------------------------
        foreach (var g in grad) Array.Clear(g);
        double[] gWEnc = grad[0], gBEnc = grad[1], gWDec = grad[2], gBPre = grad[3];
        double cMain = 2.0 / ((double)B * V * s2);           // dL_main/dx_hat_b = cMain (x_hat_b - x_b)
        double cAux = TrainSettings.AuxKWeight * 2.0 / eVar;  // dL_aux/de_hat_b = cAux (e_hat_b - e_b)
        var gOut = new double[V];
        var auxIdx = new int[Math.Max(auxK, 1)];
        var auxAct = new double[Math.Max(auxK, 1)];
        var eHat = new double[V];
        double auxSse = 0;

        for (int b = 0; b < B; b++)
        {
            var x = rows[batch[b]];
            for (int i = 0; i < V; i++) xc[i] = x[i] - m.BPre[i];
            var zb = z.AsSpan(b * L, L);
            var eb = e.AsSpan(b * V, V);
            var rb = residual.AsSpan(b * V, V);

            // Main term. g = dL/dx_hat = -cMain (x_b - x_hat_b).
            for (int i = 0; i < V; i++) { gOut[i] = -cMain * rb[i]; gBPre[i] += gOut[i]; }   // x_hat = ... + b_pre
            var tb = top.AsSpan(b * K, K);
            for (int t = 0; t < K; t++) BackThroughLatent(tb[t], zb[tb[t]], gOut, xc, gWEnc, gBEnc, gWDec, gBPre);

            if (!useAux) continue;
            // AuxK term: the aux_k largest pre-activations among dead latents, ReLU'd, decoded without b_pre.
            int na = TopKSae.TopIndices(zb, auxK, dead, auxIdx);
            for (int t = 0; t < na; t++) auxAct[t] = Math.Max(zb[auxIdx[t]], 0);
            m.Decode(auxIdx.AsSpan(0, na), auxAct.AsSpan(0, na), eHat, addPreBias: false);
            for (int i = 0; i < V; i++) { double d = eHat[i] - eb[i]; auxSse += d * d; gOut[i] = cAux * d; }
            for (int t = 0; t < na; t++) BackThroughLatent(auxIdx[t], zb[auxIdx[t]], gOut, xc, gWEnc, gBEnc, gWDec, gBPre);
        }
        double lossAux = useAux ? TrainSettings.AuxKWeight * auxSse / eVar : 0;
        return (lossMain, lossAux, residual);
    }

    /// <summary>
    /// Backpropagates g = dL/d(decoded output) through latent j with pre-activation zj, a = ReLU(zj),
    /// output += a d_j:
    ///   dL/dd_j += a g;  dL/da = d_j . g;  dL/dz = dL/da if zj > 0 else 0;
    ///   dL/dW_enc,j += dL/dz (x - b_pre);  dL/db_enc,j += dL/dz;  dL/db_pre -= dL/dz W_enc,j.
    /// </summary>
    void BackThroughLatent(int j, double zj, double[] g, double[] xc,
        double[] gWEnc, double[] gBEnc, double[] gWDec, double[] gBPre)
    {
        if (zj <= 0) return;   // a = 0: no decoder gradient, ReLU blocks the encoder gradient
        var d = m.WDec.AsSpan(j * V, V);
        TopKSae.Axpy(zj, g, gWDec.AsSpan(j * V, V));
        double dz = TopKSae.Dot(d, g);
        TopKSae.Axpy(dz, xc, gWEnc.AsSpan(j * V, V));
        gBEnc[j] += dz;
        TopKSae.Axpy(-dz, m.WEnc.AsSpan(j * V, V), gBPre);
    }

    /// <summary>
    /// Adam (Kingma and Ba), in torch's form, which the paper's code uses:
    ///   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
    ///   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    /// </summary>
    void AdamStep()
    {
        adamStep++;
        double bc1 = 1 - Math.Pow(TrainSettings.Beta1, adamStep);
        double bc2 = Math.Sqrt(1 - Math.Pow(TrainSettings.Beta2, adamStep));
        double stepSize = s.LearningRate / bc1;
        for (int a = 0; a < param.Length; a++)
        {
            double[] p = param[a], g = grad[a], mm = m1[a], vv = m2[a];
            for (int i = 0; i < p.Length; i++)
            {
                mm[i] = TrainSettings.Beta1 * mm[i] + (1 - TrainSettings.Beta1) * g[i];
                vv[i] = TrainSettings.Beta2 * vv[i] + (1 - TrainSettings.Beta2) * g[i] * g[i];
                p[i] -= stepSize * mm[i] / (Math.Sqrt(vv[i]) / bc2 + TrainSettings.Eps);
            }
        }
    }
}
