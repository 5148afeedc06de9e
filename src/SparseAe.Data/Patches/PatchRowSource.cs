using SparseAe.Convolution;
using SparseAe.Data.Images;
using SparseAe.Training;

namespace SparseAe.Data.Patches;

/// <summary>
/// A stream of <see cref="Count"/> random P x P patches, UFLDL-normalised to [0.1, 0.9], for training
/// on more patches than fit in memory: nothing of size O(count) is ever held.
/// </summary>
/// <remarks>
/// <para>Every pass regenerates the same patches from <c>seed</c>, one at a time with
/// <see cref="PatchSampling.SampleOne{TImage}"/> (UFLDL's draw: image, top row, left column per patch), so
/// pass k equals pass 0 and, for the same arguments, <see cref="PatchSampler.Sample"/>. The pass number
/// does not reorder anything: shuffling is the trainer's job (e.g. <see cref="ShufflingRowReader"/>).</para>
/// <para>UFLDL's <c>normalizeData</c> needs one global deviation over all patches
/// (<see cref="PatchNormalization"/>). Over millions of streamed patches that would cost an extra full
/// pass, so it is estimated once, in the constructor, from the first
/// S = min(count, <c>normalizationSampleSize</c>) patches of the stream (default 10,000 = 640,000 values
/// for 8x8 patches; the estimate's relative standard error is then about 1/sqrt(2 S P^2) &lt; 0.1%).
/// When count &lt;= S that is all the patches and a pass equals
/// <c>PatchNormalization.Ufldl(PatchSampler.Sample(...))</c> bit for bit. Memory: O(P^2) per reader,
/// plus the images themselves, which are held by reference and must not be changed afterwards.</para>
/// </remarks>
public sealed class PatchRowSource : IRowSource
{
    /// <summary>Patches used to estimate the global deviation when not told otherwise: 10,000.</summary>
    public const int DefaultNormalizationSampleSize = 10_000;

    private readonly GreyImage[] _images;
    private readonly int _seed;

    /// <summary>
    /// Prepares the stream and estimates <see cref="Deviation"/> (one pass over the first
    /// min(count, normalizationSampleSize) patches).
    /// </summary>
    /// <exception cref="ArgumentException">No images, an image smaller than the patch, or a pixel in a sampled patch that is not finite or lies beyond float's range from the patch's mean.</exception>
    /// <exception cref="ArgumentOutOfRangeException">patchSize, count or normalizationSampleSize is less than 1, or seed less than 0.</exception>
    /// <param name="images">The images to draw from: not null, at least one image; every image must be present, and every image must be
    /// at least patchSize on both sides; in the patches drawn to estimate the deviation, every value must be finite and within float's range of its patch's mean.</param>
    /// <param name="patchSize">P, a patch's side in pixels: at least 1.</param>
    /// <param name="count">The patches in each pass: at least 1.</param>
    /// <param name="seed">The seed of the draw: at least 0.</param>
    /// <param name="normalizationSampleSize">The patches the deviation is estimated from (at most count are used): at least 1.</param>
    public PatchRowSource(IReadOnlyList<GreyImage> images, int patchSize, int count, int seed,
        int normalizationSampleSize = DefaultNormalizationSampleSize)
    {
        PatchSampling.Validate(images, patchSize);
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count (patches per pass) must be at least 1, but is {count}.");
        if (normalizationSampleSize < 1)
            throw new ArgumentOutOfRangeException(nameof(normalizationSampleSize), normalizationSampleSize,
                $"normalizationSampleSize must be at least 1, but is {normalizationSampleSize}.");
        SparseAe.Training.TrainerSettings.CheckSeed(seed, nameof(seed));

        _images = images.ToArray();
        _seed = seed;
        PatchSize = patchSize;
        Count = count;
        VectorSize = patchSize * patchSize;
        NormalizationSampleSize = Math.Min(count, normalizationSampleSize);
        Deviation = EstimateDeviation();
    }

    /// <summary>P*P, the floats in one patch row.</summary>
    public int VectorSize { get; }

    /// <summary>P, the side of a patch.</summary>
    public int PatchSize { get; }

    /// <summary>Patches in each pass.</summary>
    public int Count { get; }

    /// <summary>How many leading patches the deviation was estimated from: min(count, the requested size).</summary>
    public int NormalizationSampleSize { get; }

    /// <summary>pstd, 3 standard deviations of the mean-removed sample values: what patches are clipped to.</summary>
    public double Deviation { get; }

    /// <summary>Starts a pass; every pass yields the same patches in the same order.</summary>
    public IRowReader OpenPass(int pass) => new Reader(this);

    private double EstimateDeviation()
    {
        var random = new Random(_seed);
        var patch = new float[VectorSize];
        var accumulator = new UfldlNormalization.DeviationAccumulator();
        for (int i = 0; i < NormalizationSampleSize; i++)
        {
            PatchSampling.SampleOne(random, _images, PatchSize, patch);
            PatchNormalization.CheckFinite(patch, i, "images");   // the constructor's parameter: it has no patches
            UfldlNormalization.RemoveMean(patch);
            accumulator.Add(patch);
        }
        return UfldlNormalization.ClipDeviations * accumulator.StandardDeviation;
    }

    private sealed class Reader(PatchRowSource source) : IRowReader
    {
        private readonly Random _random = new(source._seed);
        private int _next;

        public bool TryReadRow(Span<float> destination)
        {
            if (_next >= source.Count) return false;
            if (destination.Length < source.VectorSize)
                throw new ArgumentException(
                    $"destination must hold VectorSize = {source.VectorSize} floats ({English.Article(source.PatchSize)} {source.PatchSize}x{source.PatchSize} patch), but holds {destination.Length}.",
                    nameof(destination));
            var patch = destination[..source.VectorSize];
            PatchSampling.SampleOne(_random, source._images, source.PatchSize, patch);
            PatchNormalization.CheckFinite(patch, _next);
            UfldlNormalization.Apply(patch, source.Deviation);
            _next++;
            return true;
        }

        public void Dispose() { }
    }
}
