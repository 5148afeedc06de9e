using System.Numerics;

namespace SparseAe.GaoReference;

/// <summary>Settings of one training run (the command line's options).</summary>
public sealed record TrainSettings(
    int Latents, int K, int AuxK, int DeadWindowRows, int Epochs, int BatchSize,
    double LearningRate, int Seed, string PreBiasInit)
{
    // Adam's constants. beta1/beta2 are torch's defaults, which the paper's code keeps; eps is the value
    // in the paper's reference code (openai/sparse_autoencoder train.py, Config.eps = 6.25e-10).
    public const double Beta1 = 0.9, Beta2 = 0.999, Eps = 6.25e-10;

    // Weight of the AuxK loss (paper section A.2: alpha = 1/32).
    public const double AuxKWeight = 1.0 / 32.0;
}

/// <summary>
/// TopK sparse autoencoder of Gao et al. (2024), in float64 with plain loops.
///
///   z      = W_enc (x - b_pre) + b_enc                           (section 2.1, 2.3)
///   a      = ReLU(TopK(z))   (the k largest z kept, every other latent 0)
///   x_hat  = W_dec a + b_pre
///
/// V inputs, L latents. W_enc is stored as L rows of V (row j = encoder vector of latent j); W_dec is
/// stored as L columns of V (column j = the decoder direction d_j of latent j), both contiguous per latent.
/// </summary>
public sealed class TopKSae
{
    public readonly int V, L, K;
    public readonly double[] WEnc;  // L x V, row j at [j*V, j*V+V)
    public readonly double[] BEnc;  // L
    public readonly double[] WDec;  // L columns of V, column j at [j*V, j*V+V)
    public readonly double[] BPre;  // V

    public TopKSae(int v, int l, int k)
    {
        V = v; L = l; K = k;
        WEnc = new double[l * v]; BEnc = new double[l]; WDec = new double[l * v]; BPre = new double[v];
    }

    /// <summary>
    /// Initialisation (section A.1): decoder columns are random directions (isotropic Gaussian, then
    /// scaled to unit norm), the encoder is the decoder's transpose, b_enc = 0, and b_pre is the data's
    /// mean or geometric median (the paper uses the geometric median of a sample).
    /// </summary>
    public void Initialise(Random rng, double[] preBias)
    {
        for (int j = 0; j < L; j++)
        {
            var d = WDec.AsSpan(j * V, V);
            for (int i = 0; i < V; i++) d[i] = Gaussian(rng);
            Normalise(d);
            d.CopyTo(WEnc.AsSpan(j * V, V));
        }
        Array.Clear(BEnc);
        preBias.CopyTo(BPre, 0);
    }

    /// <summary>z = W_enc (x - b_pre) + b_enc. xc receives x - b_pre.</summary>
    public void PreActivations(ReadOnlySpan<double> x, Span<double> xc, Span<double> z)
    {
        for (int i = 0; i < V; i++) xc[i] = x[i] - BPre[i];
        for (int j = 0; j < L; j++) z[j] = Dot(WEnc.AsSpan(j * V, V), xc) + BEnc[j];
    }

    /// <summary>x_hat = b_pre + sum_j a_j d_j over the given latents.</summary>
    public void Decode(ReadOnlySpan<int> idx, ReadOnlySpan<double> act, Span<double> xHat, bool addPreBias)
    {
        if (addPreBias) BPre.CopyTo(xHat); else xHat.Clear();
        for (int t = 0; t < idx.Length; t++)
            if (act[t] != 0) Axpy(act[t], WDec.AsSpan(idx[t] * V, V), xHat);
    }

    /// <summary>
    /// The indices of the <paramref name="count"/> largest z (optionally only among latents where
    /// <paramref name="allowed"/> is true), largest first; ties go to the lower index. Returns how many
    /// were found (fewer than count only when fewer latents are allowed).
    /// </summary>
    public static int TopIndices(ReadOnlySpan<double> z, int count, bool[]? allowed, Span<int> idx)
    {
        int n = 0;
        for (int j = 0; j < z.Length; j++)
        {
            if (allowed != null && !allowed[j]) continue;
            double zj = z[j];
            if (n == count && zj <= z[idx[n - 1]]) continue;
            int p = n < count ? n++ : n - 1;     // insertion position, dropping the smallest when full
            while (p > 0 && z[idx[p - 1]] < zj) { idx[p] = idx[p - 1]; p--; }
            idx[p] = j;
        }
        return n;
    }

    public static double Gaussian(Random rng)
    {
        // Box-Muller.
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static void Normalise(Span<double> d)
    {
        double n = Math.Sqrt(Dot(d, d));
        if (n > 0) for (int i = 0; i < d.Length; i++) d[i] /= n;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0; double s = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
                acc += new Vector<double>(a.Slice(i)) * new Vector<double>(b.Slice(i));
            s = Vector.Sum(acc);
        }
        for (; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>y += alpha * x.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
