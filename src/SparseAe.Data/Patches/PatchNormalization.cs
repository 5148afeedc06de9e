namespace SparseAe.Data.Patches;

/// <summary>
/// UFLDL's <c>normalizeData</c> (from <c>sampleIMAGES.m</c>, UFLDL Tutorial, "Exercise: Sparse
/// Autoencoder", Stanford, 2011): brings whitened patches into [0.1, 0.9], the range a sigmoid decoder
/// can reproduce.
/// </summary>
/// <remarks>
/// <code>
/// patches = bsxfun(@minus, patches, mean(patches));   % remove each patch's own mean (DC)
/// pstd = 3 * std(patches(:));                          % one deviation over all values
/// patches = max(min(patches, pstd), -pstd) / pstd;     % clip to +-3 standard deviations
/// patches = (patches + 1) * 0.4 + 0.1;                 % [-1, 1] -> [0.1, 0.9]
/// </code>
/// <para>That is x' = (clip(x - mean_patch, -pstd, pstd) + pstd) / pstd * 0.4 + 0.1. The deviation is
/// MATLAB's <c>std</c>: the sample deviation (divide by n - 1, n = all values; 0 when n = 1), taken after
/// the per-patch means are removed. Sums run in double, in patch order, so
/// <see cref="PatchRowSource"/> reproduces <see cref="Ufldl"/> bit for bit.</para>
/// <para>When pstd = 0 (constant patches: nothing is left after removing the means) MATLAB would divide
/// 0 by 0; here every value becomes 0.5, the middle of the range, which is where x - mean = 0 maps.</para>
/// </remarks>
public static class PatchNormalization
{
    /// <summary>How many standard deviations the clip keeps: 3.</summary>
    public const double ClipDeviations = 3;

    /// <summary>
    /// Normalises <paramref name="patches"/> ((count, dimension) row-major) in place as UFLDL does and
    /// returns the pstd (3 standard deviations) it clipped to, for applying the same scale to other
    /// patches with <see cref="ApplyUfldl"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">count or dimension is less than 1.</exception>
    /// <exception cref="ArgumentException">The span's length is not count*dimension, or a value is NaN or infinite.</exception>
    public static double Ufldl(Span<float> patches, int count, int dimension)
    {
        CheckShape(patches.Length, count, dimension);
        var deviation = new DeviationAccumulator();
        for (int i = 0; i < count; i++)
        {
            var patch = patches.Slice(i * dimension, dimension);
            CheckFinite(patch, i);
            RemoveMean(patch);
            deviation.Add(patch);
        }
        double pstd = ClipDeviations * deviation.StandardDeviation;
        for (int i = 0; i < count; i++) Rescale(patches.Slice(i * dimension, dimension), pstd);
        return pstd;
    }

    /// <summary>
    /// Normalises patches in place with a given <paramref name="pstd"/> (e.g. the one
    /// <see cref="Ufldl"/> returned for the training patches): remove each patch's mean, clip to
    /// [-pstd, pstd], map to [0.1, 0.9]. With pstd = 0 every value becomes 0.5.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">pstd is negative, NaN or infinite; count or dimension is less than 1.</exception>
    /// <exception cref="ArgumentException">The span's length is not count*dimension, or a value is NaN or infinite.</exception>
    public static void ApplyUfldl(Span<float> patches, int count, int dimension, double pstd)
    {
        CheckShape(patches.Length, count, dimension);
        CheckDeviation(pstd);
        for (int i = 0; i < count; i++)
        {
            var patch = patches.Slice(i * dimension, dimension);
            CheckFinite(patch, i);
            RemoveMean(patch);
            Rescale(patch, pstd);
        }
    }

    internal static void CheckDeviation(double pstd)
    {
        if (!(pstd >= 0) || double.IsInfinity(pstd))
            throw new ArgumentOutOfRangeException(nameof(pstd), pstd, $"pstd must be finite and at least 0, but is {pstd}.");
    }

    internal static void CheckFinite(ReadOnlySpan<float> patch, int index)
    {
        for (int j = 0; j < patch.Length; j++)
            if (!float.IsFinite(patch[j]))
                throw new ArgumentException($"Patch {index} holds {patch[j]} at element {j}; every value must be finite to normalise it.", "patches");
    }

    /// <summary>x -= mean(x), the mean taken in double.</summary>
    internal static void RemoveMean(Span<float> patch)
    {
        double sum = 0;
        foreach (float v in patch) sum += v;
        float mean = (float)(sum / patch.Length);
        for (int j = 0; j < patch.Length; j++) patch[j] -= mean;
    }

    /// <summary>x' = (clip(x, -pstd, pstd) + pstd) / pstd * 0.4 + 0.1; 0.5 everywhere when pstd = 0.</summary>
    internal static void Rescale(Span<float> patch, double pstd)
    {
        if (pstd == 0)
        {
            patch.Fill(0.5f);
            return;
        }
        for (int j = 0; j < patch.Length; j++)
        {
            double x = Math.Clamp((double)patch[j], -pstd, pstd);
            patch[j] = (float)((x + pstd) / pstd * 0.4 + 0.1);
        }
    }

    private static void CheckShape(int length, int count, int dimension)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count (patches) must be at least 1, but is {count}.");
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"dimension (values per patch) must be at least 1, but is {dimension}.");
        if (length != (long)count * dimension)
            throw new ArgumentException($"patches must hold count*dimension = {count}*{dimension} = {(long)count * dimension} values, but holds {length}.", "patches");
    }
}
