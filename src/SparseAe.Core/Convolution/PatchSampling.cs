namespace SparseAe.Convolution;

/// <summary>
/// Random square patches from a stack of equally sized images held as rows of one array.
/// (SparseAe.Data.Patches does the same for images of any sizes; this is the form the ML.NET
/// featurizer needs, with no dependency on image decoding.) UFLDL's normalisation of them is
/// <see cref="UfldlNormalization"/>.
/// </summary>
public static class PatchSampling
{
    /// <summary>
    /// count patches: for each, with one seeded Random, an image index, then a top row, then a left
    /// column, uniform over valid positions (UFLDL's sampleIMAGES); rows of P*P, row-major.
    /// </summary>
    public static float[] Sample(ReadOnlySpan<float> images, int imageCount, int height, int width, int patchSize, int count, int seed)
    {
        if (imageCount < 1) throw new ArgumentOutOfRangeException(nameof(imageCount), imageCount, $"Patches need at least 1 image, but there are {imageCount}.");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be at least 1, but is {count}.");
        if (patchSize < 1 || patchSize > Math.Min(height, width))
            throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, $"patchSize must lie in 1..{Math.Min(height, width)} for {height}x{width} images, but is {patchSize}.");
        int length = patchSize * patchSize, pixels = height * width;
        if ((long)count * length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} patches of {length} values exceed one array.");
        var patches = new float[count * length];
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int image = rng.Next(imageCount);
            int top = rng.Next(height - patchSize + 1);
            int left = rng.Next(width - patchSize + 1);
            for (int y = 0; y < patchSize; y++)
                images.Slice(image * pixels + (top + y) * width + left, patchSize).CopyTo(patches.AsSpan(i * length + y * patchSize, patchSize));
        }
        return patches;
    }
}
