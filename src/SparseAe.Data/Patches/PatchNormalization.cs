using System.Globalization;
using SparseAe.Convolution;

namespace SparseAe.Data.Patches;

/// <summary>
/// UFLDL's <c>normalizeData</c> over a whole array of patches, with the argument checks a caller of the
/// command line needs. The formula, the deviation and the flat rule (pstd = 0: every value 0.5) are
/// <see cref="UfldlNormalization"/>'s, in Core, which the featurizer uses too.
/// </summary>
public static class PatchNormalization
{
    /// <summary>How many standard deviations the clip keeps: 3.</summary>
    public const double ClipDeviations = UfldlNormalization.ClipDeviations;

    /// <summary>
    /// Normalises <paramref name="patches"/> ((count, dimension) row-major) in place as UFLDL does and
    /// returns the pstd (3 standard deviations) it clipped to, for applying the same scale to other
    /// patches with <see cref="ApplyUfldl"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">count or dimension is less than 1.</exception>
    /// <exception cref="ArgumentException">The span's length is not count*dimension, or a value is NaN, infinite, or beyond float's range from its patch's mean.</exception>
    /// <param name="patches">The patches, (count, dimension) row-major: it must hold count*dimension values, and every value must be finite.</param>
    /// <param name="count">The patches: at least 1.</param>
    /// <param name="dimension">The values in a patch: at least 1.</param>
    public static double Ufldl(Span<float> patches, int count, int dimension)
    {
        CheckShape(patches.Length, count, dimension);
        for (int i = 0; i < count; i++) CheckFinite(patches.Slice(i * dimension, dimension), i);   // before any value changes
        return UfldlNormalization.Normalize(patches, count, dimension);
    }

    /// <summary>
    /// Normalises patches in place with a given <paramref name="pstd"/> (e.g. the one
    /// <see cref="Ufldl"/> returned for the training patches): remove each patch's mean, clip to
    /// [-pstd, pstd], map to [0.1, 0.9]. With pstd = 0 every value becomes 0.5.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">pstd is negative, NaN or infinite; count or dimension is less than 1.</exception>
    /// <exception cref="ArgumentException">The span's length is not count*dimension, or a value is NaN, infinite, or beyond float's range from its patch's mean.</exception>
    /// <param name="patches">The patches, (count, dimension) row-major: it must hold count*dimension values, and every value must be finite.</param>
    /// <param name="count">The patches: at least 1.</param>
    /// <param name="dimension">The values in a patch: at least 1.</param>
    /// <param name="pstd">The bound to clip to: finite and at least 0.</param>
    public static void ApplyUfldl(Span<float> patches, int count, int dimension, double pstd)
    {
        CheckShape(patches.Length, count, dimension);
        CheckDeviation(pstd);
        for (int i = 0; i < count; i++)
        {
            var patch = patches.Slice(i * dimension, dimension);
            CheckFinite(patch, i);
            UfldlNormalization.Apply(patch, pstd);
        }
    }

    /// <summary>
    /// The sparse codes' scale: removes each patch's own mean, then divides every value by the one
    /// sample deviation of all the mean-removed values (MATLAB's <c>std(x(:))</c>, as
    /// <see cref="Ufldl"/> takes it), so the values have unit variance and no clip or offset. Returns
    /// that deviation; with 0 (flat patches) the values are left at 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">count or dimension is less than 1.</exception>
    /// <exception cref="ArgumentException">The span's length is not count*dimension, or a value is NaN, infinite, or beyond float's range from its patch's mean.</exception>
    /// <param name="patches">The patches, (count, dimension) row-major: it must hold count*dimension values, and every value must be finite.</param>
    /// <param name="count">The patches: at least 1.</param>
    /// <param name="dimension">The values in a patch: at least 1.</param>
    public static double Standardize(Span<float> patches, int count, int dimension)
    {
        CheckShape(patches.Length, count, dimension);
        for (int i = 0; i < count; i++) CheckFinite(patches.Slice(i * dimension, dimension), i);
        var accumulator = new UfldlNormalization.DeviationAccumulator();
        for (int i = 0; i < count; i++)
        {
            var patch = patches.Slice(i * dimension, dimension);
            UfldlNormalization.RemoveMean(patch);
            accumulator.Add(patch);
        }
        double deviation = accumulator.StandardDeviation;
        if (deviation > 0)
            for (int k = 0; k < patches.Length; k++) patches[k] = (float)(patches[k] / deviation);
        return deviation;
    }

    internal static void CheckDeviation(double pstd)
    {
        if (!(pstd >= 0) || double.IsInfinity(pstd))
            throw new ArgumentOutOfRangeException(nameof(pstd), pstd, $"pstd must be finite and at least 0, but is {pstd}.");
    }

    // paramName: the parameter the values came from, patches or a patch source's images.
    // And every value within float's range of its patch's mean, which the normalisations remove in float.
    internal static void CheckFinite(ReadOnlySpan<float> patch, int index, string paramName = "patches")
    {
        for (int j = 0; j < patch.Length; j++)
            if (!float.IsFinite(patch[j]))
                throw new ArgumentException($"Patch {index} holds {patch[j]} at element {j}; every value must be finite to normalise it.", paramName);
        if (UfldlNormalization.IndexBeyondFloatOnceCentred(patch, out double mean) is var k and >= 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Patch {index} holds {patch[k]} at element {k}, beyond float's range from the patch's mean ({(float)mean}): every value must lie within " +
                $"{float.MaxValue} of its patch's mean, since the normalisation removes the mean in float; scale the values down."), paramName);
    }

    private static void CheckShape(int length, int count, int dimension)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count (patches) must be at least 1, but is {count}.");
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"dimension (values per patch) must be at least 1, but is {dimension}.");
        if (length != (long)count * dimension)
            throw new ArgumentException($"patches must hold count*dimension = {count}*{dimension} = {(long)count * dimension} values, but holds {length}.", "patches");
    }
}
