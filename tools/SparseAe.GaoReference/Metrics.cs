using MathNet.Numerics.LinearAlgebra;

namespace SparseAe.GaoReference;

/// <summary>Statistics of the data and the evaluation of a trained model.</summary>
public static class Metrics
{
    public static double[] Mean(double[][] rows)
    {
        int v = rows[0].Length;
        var mu = new double[v];
        foreach (var x in rows) for (int i = 0; i < v; i++) mu[i] += x[i];
        for (int i = 0; i < v; i++) mu[i] /= rows.Length;
        return mu;
    }

    /// <summary>sum_n ||x_n - mean||^2, the FVU denominator.</summary>
    public static double TotalSquaredDeviation(double[][] rows, double[] mu)
    {
        double s = 0;
        foreach (var x in rows) for (int i = 0; i < mu.Length; i++) { double d = x[i] - mu[i]; s += d * d; }
        return s;
    }

    /// <summary>
    /// Geometric median by Weiszfeld's iteration, y <- sum_n x_n/||x_n - y|| / sum_n 1/||x_n - y||, from the
    /// mean. The paper (section A.1) initialises b_pre to the geometric median of a data sample.
    /// </summary>
    public static double[] GeometricMedian(double[][] rows, int iterations = 100)
    {
        var y = Mean(rows);
        int v = y.Length;
        for (int it = 0; it < iterations; it++)
        {
            var num = new double[v]; double den = 0;
            foreach (var x in rows)
            {
                double d2 = 0;
                for (int i = 0; i < v; i++) { double d = x[i] - y[i]; d2 += d * d; }
                double w = 1.0 / Math.Max(Math.Sqrt(d2), 1e-12);
                for (int i = 0; i < v; i++) num[i] += w * x[i];
                den += w;
            }
            double move = 0;
            for (int i = 0; i < v; i++) { double ny = num[i] / den; move += (ny - y[i]) * (ny - y[i]); y[i] = ny; }
            if (Math.Sqrt(move) < 1e-10) break;
        }
        return y;
    }

    public sealed record Evaluation(double Fvu, double L0, double DeadPercent, double DensePercent);

    /// <summary>
    /// One pass over all rows with the trained model:
    ///   FVU   = sum ||x - x_hat||^2 / sum ||x - mean||^2
    ///   L0    = mean number of latents with activation > 0 per row
    ///   dead  = % of latents with activation > 0 on no row
    ///   dense = % of latents with activation > 0 on more than 10% of rows
    /// </summary>
    public static Evaluation Evaluate(TopKSae m, double[][] rows)
    {
        var mu = Mean(rows);
        double total = TotalSquaredDeviation(rows, mu);
        var z = new double[m.L]; var xc = new double[m.V]; var xHat = new double[m.V];
        var idx = new int[m.K]; var act = new double[m.K];
        var fires = new long[m.L];
        double sse = 0; long active = 0;
        foreach (var x in rows)
        {
            m.PreActivations(x, xc, z);
            TopKSae.TopIndices(z, m.K, null, idx);
            for (int t = 0; t < m.K; t++)
            {
                act[t] = Math.Max(z[idx[t]], 0);
                if (act[t] > 0) { fires[idx[t]]++; active++; }
            }
            m.Decode(idx, act, xHat, addPreBias: true);
            for (int i = 0; i < m.V; i++) { double d = x[i] - xHat[i]; sse += d * d; }
        }
        double deadPct = 100.0 * fires.Count(f => f == 0) / m.L;
        double densePct = 100.0 * fires.Count(f => f > 0.1 * rows.Length) / m.L;
        return new Evaluation(sse / total, (double)active / rows.Length, deadPct, densePct);
    }

    /// <summary>
    /// PCA baseline: with covariance C = (1/N) sum (x - mean)(x - mean)^T and eigenvalues l_1 >= ... >= l_V,
    /// the fraction of variance the top k principal components leave unexplained is
    /// 1 - (l_1 + ... + l_k) / trace(C), computed here as (l_{k+1} + ... + l_V) / trace(C).
    /// </summary>
    public static double PcaFvu(double[][] rows, int k)
    {
        var mu = Mean(rows);
        int v = mu.Length;
        var c = new double[v, v];
        var d = new double[v];
        foreach (var x in rows)
        {
            for (int i = 0; i < v; i++) d[i] = x[i] - mu[i];
            for (int i = 0; i < v; i++) for (int j = i; j < v; j++) c[i, j] += d[i] * d[j];
        }
        for (int i = 0; i < v; i++) for (int j = i; j < v; j++) { c[i, j] /= rows.Length; c[j, i] = c[i, j]; }
        double trace = 0; for (int i = 0; i < v; i++) trace += c[i, i];
        if (trace <= 0) return 0;
        var eig = Matrix<double>.Build.DenseOfArray(c).Evd(Symmetricity.Symmetric).EigenValues
            .Select(e => Math.Max(e.Real, 0)).OrderByDescending(e => e).ToArray();
        double rest = eig.Skip(Math.Min(k, v)).Sum();
        return rest / trace;
    }

    /// <summary>
    /// Dictionary recovery on synthetic data: for every true atom, the largest cosine with a learned decoder
    /// column. Returns the mean of those and the fraction above 0.9.
    /// </summary>
    public static (double MeanMaxCos, double FractionAbove09) Recovery(TopKSae m, double[][] atoms)
    {
        double sum = 0; int good = 0;
        foreach (var a in atoms)
        {
            double na = Math.Sqrt(TopKSae.Dot(a, a)), best = double.NegativeInfinity;
            for (int j = 0; j < m.L; j++) best = Math.Max(best, TopKSae.Dot(a, m.WDec.AsSpan(j * m.V, m.V)) / na);
            sum += best; if (best > 0.9) good++;
        }
        return (sum / atoms.Length, (double)good / atoms.Length);
    }
}
