namespace SparseAe.Model;

/// <summary>UFLDL's initialisation (initializeParameters.m).</summary>
internal static class ParameterInitializer
{
    /// <summary>
    /// W1 and W2 uniform in [-r, r] with r = sqrt(6) / sqrt(H + V + 1); biases zero.
    /// The same seed gives the same parameters on every machine (System.Random with a seed is
    /// deterministic across platforms).
    /// </summary>
    public static AutoencoderParameters Initialize(int visibleCount, int hiddenCount, int seed)
    {
        var p = new AutoencoderParameters(visibleCount, hiddenCount);
        double r = Math.Sqrt(6.0) / Math.Sqrt(hiddenCount + visibleCount + 1.0);
        var rng = new Random(seed);
        Span<float> w1 = p.W1, w2 = p.W2;
        for (int i = 0; i < w1.Length; i++) w1[i] = (float)((rng.NextDouble() * 2 - 1) * r);
        for (int i = 0; i < w2.Length; i++) w2[i] = (float)((rng.NextDouble() * 2 - 1) * r);
        return p;
    }
}
