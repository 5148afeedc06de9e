using System.Globalization;

namespace SparseAe.Whitening;

/// <summary>
/// Rows that are one vector, exactly or up to the rounding a normalisation leaves: ZCA removes their mean and whitens
/// every one to 0 (or that rounding to rows within 1e-6 of 0), leaving nothing to learn. The one rule for the callers
/// that whiten rows they prepared and refuse such rows first: the command line's <c>--whiten zca</c> and the
/// convolutional featurizer's ZcaEpsilon. Normalised patches of one pattern at different levels (a linear ramp's
/// windows) are such rows: they differ only by the rounding of their pixels.
/// </summary>
internal static class SameRows
{
    /// <summary>
    /// The largest difference of any of the <paramref name="count"/> rows from the first when every one lies within
    /// <paramref name="rounding"/> of it (0: they are equal), or null when one lies further: rows that vary.
    /// </summary>
    public static float? Spread(ReadOnlySpan<float> rows, int count, int dimension, float rounding)
    {
        var first = rows.Slice(0, dimension);
        float apart = 0;   // the largest difference from the first row
        for (int r = 1; r < count; r++)
        {
            var other = rows.Slice(r * dimension, dimension);
            for (int j = 0; j < dimension; j++) apart = Math.Max(apart, Math.Abs(other[j] - first[j]));
            if (apart > rounding) return null;
        }
        return apart;
    }

    /// <summary>
    /// How far apart rounding alone leaves two normalised patches of one pattern at different levels (a ramp's windows),
    /// given the largest pixel before the normalisation, the largest factor it multiplied a centred pixel by
    /// (<paramref name="scale"/>) and the normalised rows: each pixel is within half a float step of its value, its
    /// patch's mean (from them) within another half, and the centred value is rounded once (a step of the largest pixel
    /// at most, as it is at most twice that), times the scale; the result is rounded once more. Two such patches differ by
    /// at most 4 steps of the largest pixel times the scale and a step of the largest result; twice that is allowed.
    /// </summary>
    public static float NormalisationRounding(float largestPixel, double scale, ReadOnlySpan<float> rows)
    {
        static double Step(float x) => MathF.BitIncrement(x) - (double)x;
        float largest = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(rows));
        return (float)(2 * (4 * Step(largestPixel) * scale + Step(largest)));
    }

    /// <summary>
    /// The words after "... are all the same vector once normalised" for rows <see cref="Spread"/> found within
    /// <paramref name="rounding"/>: nothing when they are equal, else ", up to the rounding of their pixels (they differ
    /// by at most 2.38E-07, within the 5.67E-06 that rounding leaves)".
    /// </summary>
    public static string UpToRounding(float apart, float rounding) => apart == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
        $", up to the rounding of their pixels (they differ by at most {apart:G3}, within the {rounding:G3} that rounding leaves)");
}
