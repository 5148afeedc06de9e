using SparseAe.Data.Images;

namespace SparseAe.Data.Patches;

/// <summary>
/// Cuts random square patches out of a set of images, as UFLDL's <c>sampleIMAGES.m</c> (Ng et al.,
/// UFLDL Tutorial, "Exercise: Sparse Autoencoder", Stanford, 2011) and the seed code's
/// <c>sampleImage</c> do.
/// </summary>
/// <remarks>
/// <para>For each patch, from one seeded <see cref="System.Random"/> and in this order: an image index
/// uniform in [0, images), a top row uniform in [0, H - P] and a left column uniform in [0, W - P], so
/// every valid P x P window of the chosen image is equally likely. The same images, size, count and
/// seed always give the same patches.</para>
/// <para>Each patch is flattened row-major: element r*P + c is row r, column c, the project's
/// <c>pRC</c> convention (data/digits). MATLAB's <c>patch(:)</c> is column-major (element c*P + r), so a
/// patch (and a learned filter) from the MATLAB code is the transpose of ours when reshaped the same way.</para>
/// </remarks>
public static class PatchSampler
{
    /// <summary>The patch size of the classic experiment: 8x8 patches, 64 visible units.</summary>
    public const int DefaultPatchSize = 8;

    /// <summary>
    /// Returns <paramref name="count"/> patches of <paramref name="patchSize"/> x <paramref name="patchSize"/>
    /// pixels, (count, P*P) row-major: patch i starts at i*P*P. Values are the images' own (not normalised;
    /// see <see cref="PatchNormalization.Ufldl"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No images, an image smaller than the patch, or count*P*P beyond one array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">count or patchSize is less than 1.</exception>
    public static float[] Sample(IReadOnlyList<GreyImage> images, int patchSize, int count, int seed)
    {
        Validate(images, patchSize);
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count (patches to sample) must be at least 1, but is {count}.");
        int dimension = patchSize * patchSize;
        long total = (long)count * dimension;
        if (total > Array.MaxLength)
            throw new ArgumentException(
                $"count*patchSize^2 = {count}*{dimension} = {total} floats exceed one array ({Array.MaxLength}); stream them with PatchRowSource instead.", nameof(count));

        var patches = new float[total];
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
            SampleOne(random, images, patchSize, patches.AsSpan(i * dimension, dimension));
        return patches;
    }

    /// <summary>Throws unless there is at least one image, P >= 1 and every image is at least P x P.</summary>
    internal static void Validate(IReadOnlyList<GreyImage> images, int patchSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (patchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, $"patchSize must be at least 1, but is {patchSize}.");
        if (images.Count == 0)
            throw new ArgumentException("images must hold at least one image to sample patches from, but is empty.", nameof(images));
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentException($"images[{i}] is null; every image must be present.", nameof(images));
            if (image.Width < patchSize || image.Height < patchSize)
                throw new ArgumentException(
                    $"Image {i} '{image.Name}' is {image.Width}x{image.Height} (width x height), smaller than the {patchSize}x{patchSize} patch; every image must be at least patchSize on both sides.",
                    nameof(images));
        }
    }

    /// <summary>
    /// Draws one patch (image, then top row, then left column from <paramref name="random"/>) into
    /// <paramref name="destination"/> (length P*P, row-major). Shared with <see cref="PatchRowSource"/> so
    /// that both produce the same sequence from the same seed. Inputs must have passed <see cref="Validate"/>.
    /// </summary>
    internal static void SampleOne(Random random, IReadOnlyList<GreyImage> images, int patchSize, Span<float> destination)
    {
        var image = images[random.Next(images.Count)];
        int top = random.Next(image.Height - patchSize + 1);
        int left = random.Next(image.Width - patchSize + 1);
        var pixels = image.Pixels.AsSpan();
        for (int r = 0; r < patchSize; r++)
            pixels.Slice((top + r) * image.Width + left, patchSize).CopyTo(destination.Slice(r * patchSize, patchSize));
    }
}
