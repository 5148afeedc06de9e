namespace SparseAe.Convolution;

/// <summary>
/// UFLDL's <c>normalizeData</c> (from <c>sampleIMAGES.m</c>, UFLDL Tutorial, "Exercise: Sparse
/// Autoencoder", Stanford, 2011), the one implementation that the command line
/// (<c>SparseAe.Data.Patches.PatchNormalization</c>), the streamed patches (<c>PatchRowSource</c>)
/// and the convolutional featurizer (<see cref="PatchPreprocessor"/>) all use: it brings patches into
/// [0.1, 0.9], the range a sigmoid decoder can reproduce.
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
/// the per-patch means are removed. Means and sums run in double, in patch order, so a stream of
/// patches reproduces the whole-array result bit for bit.</para>
/// <para>The flat rule: when pstd = 0 (constant patches: nothing is left after removing the means)
/// MATLAB would divide 0 by 0; here every value becomes 0.5, the middle of the range, which is where
/// x - mean = 0 maps. (A featurizer refuses to train on patches that are all flat: see its estimator.)</para>
/// </remarks>
internal static class UfldlNormalization
{
    /// <summary>How many standard deviations the clip keeps: 3.</summary>
    public const double ClipDeviations = 3;

    /// <summary>
    /// Normalises <paramref name="count"/> patches of <paramref name="length"/> values ((count, length)
    /// row-major) in place and returns the pstd it clipped to (3 sample deviations of all values after
    /// each patch's mean is removed; 0 for constant data), for normalising other patches alike with
    /// <see cref="Apply"/>. One pass removes the means and accumulates the deviation, a second rescales.
    /// </summary>
    public static double Normalize(Span<float> patches, int count, int length)
    {
        var accumulator = new DeviationAccumulator();
        for (int i = 0; i < count; i++)
        {
            var patch = patches.Slice(i * length, length);
            RemoveMean(patch);
            accumulator.Add(patch);
        }
        double pstd = ClipDeviations * accumulator.StandardDeviation;
        for (int i = 0; i < count; i++) Rescale(patches.Slice(i * length, length), pstd);
        return pstd;
    }

    /// <summary>One patch in place: remove its mean, clip to [-pstd, pstd], map to [0.1, 0.9]; 0.5 everywhere when pstd = 0.</summary>
    public static void Apply(Span<float> patch, double pstd)
    {
        RemoveMean(patch);
        Rescale(patch, pstd);
    }

    /// <summary>
    /// x -= mean(x), the mean and each difference in double, rounded once to float. A float mean would
    /// carry the rounding of the patch's level into every centred value (up to 5e-4 at pixels of
    /// 1e4 + [0, 1], where floats are 1e-3 apart), and the ONNX graph, which centres the same patch
    /// another way, then disagreed by 1e-3 after ZCA (docs/onnx.md). A flat patch gives exact zeros.
    /// Both normalisations use it: UFLDL's and the contrast normalisation of <see cref="PatchPreprocessor"/>.
    /// </summary>
    public static void RemoveMean(Span<float> patch)
    {
        double mean = Mean(patch);
        for (int j = 0; j < patch.Length; j++) patch[j] = (float)(patch[j] - mean);
    }

    /// <summary>
    /// The first element whose centred value, as <see cref="RemoveMean"/> rounds it to float, is infinite, or -1: finite
    /// values of both signs near float.MaxValue lie further apart than float holds, and the deviation of such patches was
    /// NaN (every normalised value NaN). Looked for only when a value exceeds half float.MaxValue, the least a centred
    /// value beyond float needs (|x - mean| is at most twice the largest |x|).
    /// </summary>
    internal static int IndexBeyondFloatOnceCentred(ReadOnlySpan<float> patch, out double mean)
    {
        mean = 0;
        if (System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(patch) is var largest && !(Math.Abs(largest) > float.MaxValue / 2)) return -1;
        mean = Mean(patch);
        for (int j = 0; j < patch.Length; j++)
            if (float.IsInfinity((float)(patch[j] - mean))) return j;
        return -1;
    }

    /// <summary>The patch's mean as <see cref="RemoveMean"/> removes it: its values summed in double, in order.</summary>
    internal static double Mean(ReadOnlySpan<float> patch)
    {
        double sum = 0;
        foreach (float v in patch) sum += v;
        return sum / patch.Length;
    }

    /// <summary>What <see cref="Rescale"/> multiplies a centred value by: 0.4 / pstd (0 when pstd = 0, which maps every value to 0.5).</summary>
    public static double Scale(double pstd) => pstd == 0 ? 0 : 0.4 / pstd;

    /// <summary>x' = (clip(x, -pstd, pstd) + pstd) / pstd * 0.4 + 0.1 on a patch whose mean is removed; 0.5 everywhere when pstd = 0.</summary>
    public static void Rescale(Span<float> patch, double pstd)
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

    /// <summary>
    /// MATLAB's <c>std(x(:))</c> (sample deviation, n - 1) accumulated patch by patch in double, so a
    /// stream of patches needs O(1) memory. The naive sum/sum-of-squares form is safe here: the values
    /// have had their patch means removed, so their overall mean is near 0 and nothing cancels.
    /// </summary>
    public struct DeviationAccumulator
    {
        private double _sum, _sumSquares;
        private long _n;

        /// <summary>Adds the values of one mean-removed patch.</summary>
        public void Add(ReadOnlySpan<float> values)
        {
            foreach (float v in values)
            {
                _sum += v;
                _sumSquares += (double)v * v;
            }
            _n += values.Length;
        }

        /// <summary>sqrt((sum x^2 - (sum x)^2 / n) / (n - 1)); 0 for fewer than two values.</summary>
        public readonly double StandardDeviation =>
            _n < 2 ? 0 : Math.Sqrt(Math.Max(0, (_sumSquares - _sum * _sum / _n) / (_n - 1)));
    }
}
