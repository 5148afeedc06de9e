using SparseAe.Convolution;
using SparseAe.Data.Images;

namespace SparseAe.Data.Patches;

/// <summary>
/// Random square patches from decoded images of any sizes, for the command line: Core's
/// <see cref="PatchSampling"/> (UFLDL's <c>sampleIMAGES</c> rule, the draw order and the row-major layout
/// are documented there), which the featurizer and <see cref="PatchRowSource"/> use too.
/// </summary>
public static class PatchSampler
{
    /// <summary>The patch size of the classic experiment, <see cref="Defaults.PatchSize"/>: 8x8 patches, 64 visible units.</summary>
    public const int DefaultPatchSize = Defaults.PatchSize;

    /// <summary>
    /// Returns <paramref name="count"/> patches of <paramref name="patchSize"/> x <paramref name="patchSize"/>
    /// pixels, (count, P*P) row-major: patch i starts at i*P*P. Values are the images' own (not normalised;
    /// see <see cref="PatchNormalization.Ufldl"/>). See <see cref="PatchSampling.Sample{TImage}"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No images, an image smaller than the patch, or count*P*P beyond one array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">count or patchSize is less than 1, or seed less than 0.</exception>
    /// <param name="images">The images to draw from: not null, at least one image; every image must be present, and every image must be
    /// at least patchSize on both sides.</param>
    /// <param name="patchSize">P, a patch's side in pixels: at least 1.</param>
    /// <param name="count">The patches to draw: at least 1, and count*patchSize^2 floats must not exceed one array (<see cref="Array.MaxLength"/>).</param>
    /// <param name="seed">The seed of the draw: at least 0.</param>
    public static float[] Sample(IReadOnlyList<GreyImage> images, int patchSize, int count, int seed)
        => PatchSampling.Sample(images, patchSize, count, seed);
}
