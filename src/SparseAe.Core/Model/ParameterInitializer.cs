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

    /// <summary>
    /// The sparse codes' start (Gao et al. 2024, section 2.2 and appendix A.1): decoder columns in
    /// uniformly random directions at unit norm (normalised Gaussians), the encoder their transpose,
    /// b1 zero, and b2 (the pre-encoder bias) the mean of <paramref name="firstRows"/>, rows of V values.
    /// With thresholds (JumpReLU) each starts at <see cref="Defaults.JumpInitialThreshold"/> (Rajamanoharan et al. 2024).
    /// </summary>
    public static AutoencoderParameters InitializeSparseCode(int visibleCount, int hiddenCount, int seed, ReadOnlySpan<float> firstRows, bool thresholds = false)
    {
        int v = visibleCount, h = hiddenCount;
        var p = new AutoencoderParameters(v, h, thresholds);
        p.LogThresholds.Fill((float)Math.Log(Defaults.JumpInitialThreshold));
        var rng = new Random(seed);
        Span<float> w1 = p.W1, w2 = p.W2;
        for (int i = 0; i < w2.Length; i++)
        {
            // Box-Muller: a standard normal from two uniforms, the same on every machine for a seed.
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            w2[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        p.NormalizeDecoderColumns();
        Kernels.MatrixKernels.Transpose(w2, w1, v, h);   // W1 = W2^T
        int rows = firstRows.Length / v;
        if (rows > 0)
        {
            var mean = new double[v];
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < v; i++) mean[i] += firstRows[r * v + i];
            for (int i = 0; i < v; i++) p.B2[i] = (float)(mean[i] / rows);
        }
        return p;
    }

    /// <summary>
    /// <see cref="InitializeSparseCode(int, int, int, ReadOnlySpan{float}, bool)"/> with b2 the mean of a batch of
    /// sparse rows: b2[i] = (1/m) sum_r x[r, i], summed in double over the nonzeros only (the zeros add
    /// nothing), in row order, so the same b2 as from the rows stored dense.
    /// </summary>
    public static AutoencoderParameters InitializeSparseCode(int visibleCount, int hiddenCount, int seed, Objective.SparseRowBatch firstRows, bool thresholds = false)
    {
        ArgumentNullException.ThrowIfNull(firstRows);
        if (firstRows.VisibleCount != visibleCount)
            throw new ArgumentException($"The first rows must have V = {visibleCount} values, but have {firstRows.VisibleCount}.", nameof(firstRows));
        var p = InitializeSparseCode(visibleCount, hiddenCount, seed, ReadOnlySpan<float>.Empty, thresholds);
        int rows = firstRows.Rows;
        if (rows > 0)
        {
            var mean = new double[visibleCount];
            firstRows.AddColumnSums(mean);
            for (int i = 0; i < visibleCount; i++) p.B2[i] = (float)(mean[i] / rows);
        }
        return p;
    }
}
