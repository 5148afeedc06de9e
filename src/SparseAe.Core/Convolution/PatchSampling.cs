namespace SparseAe.Convolution;

/// <summary>
/// Cuts random square patches out of images, as UFLDL's <c>sampleIMAGES.m</c> (Ng et al., UFLDL
/// Tutorial, "Exercise: Sparse Autoencoder", Stanford, 2011) and the seed code's <c>sampleImage</c>
/// do: the one implementation of that rule, used by the command line (through
/// <c>SparseAe.Data.Patches.PatchSampler</c>), the streamed patches (<c>PatchRowSource</c>) and the
/// convolutional featurizer. UFLDL's normalisation of the patches is <see cref="UfldlNormalization"/>.
/// </summary>
/// <remarks>
/// <para>The rule: for each patch, from one seeded <see cref="System.Random"/> and in this order, an
/// image index uniform in [0, images), a top row uniform in [0, H - P] and a left column uniform in
/// [0, W - P] (H x W the chosen image's size), so every valid P x P window of the chosen image is equally
/// likely. The same images, size, count and seed always give the same patches, whichever form the images
/// come in: a list of images of any sizes (<see cref="IPatchImage"/>) or equally sized images stacked as
/// the rows of one array.</para>
/// <para>Each patch is flattened row-major: element r*P + c is row r, column c, the project's
/// <c>pRC</c> convention (data/digits). MATLAB's <c>patch(:)</c> is column-major (element c*P + r), so a
/// patch (and a learned filter) from the MATLAB code is the transpose of ours when reshaped the same way.</para>
/// </remarks>
internal static class PatchSampling
{
    /// <summary>
    /// Returns <paramref name="count"/> patches of <paramref name="patchSize"/> x <paramref name="patchSize"/>
    /// pixels, (count, P*P) row-major: patch i starts at i*P*P. Values are the images' own (not normalised).
    /// </summary>
    /// <exception cref="ArgumentNullException">images is null.</exception>
    /// <exception cref="ArgumentException">No images, a null image, an image smaller than the patch, or count*P*P beyond one array.</exception>
    /// <exception cref="ArgumentOutOfRangeException">count or patchSize is less than 1, or seed less than 0.</exception>
    public static float[] Sample<TImage>(IReadOnlyList<TImage> images, int patchSize, int count, int seed) where TImage : IPatchImage
    {
        Validate(images, patchSize);
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count (patches to sample) must be at least 1, but is {count}.");
        Training.TrainerSettings.CheckSeed(seed, nameof(seed));   // -7 drew seed 7's patches, as PatchRowSource's did
        int dimension = patchSize * patchSize;
        long total = (long)count * dimension;
        if (total > Array.MaxLength)
            throw new ArgumentException(
                $"count*patchSize^2 = {count}*{dimension} = {total} floats exceed one array ({Array.MaxLength}); sample fewer, or draw them one at a time with SampleOne (as SparseAe.Data's PatchRowSource streams them).",
                nameof(count));

        var patches = new float[total];
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
            SampleOne(random, images, patchSize, patches.AsSpan(i * dimension, dimension));
        return patches;
    }

    /// <summary>
    /// The same rule over <paramref name="imageCount"/> equally sized images held as the rows of one
    /// array ((imageCount, height*width) row-major, each image row-major), the form the ML.NET featurizer
    /// reads: the same patches as <see cref="Sample{TImage}"/> over a list of those images.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">imageCount is negative, height or width less than 1, or count or patchSize less than 1, or seed less than 0.</exception>
    /// <exception cref="ArgumentException">The array does not hold imageCount*height*width values, no images, images smaller than the patch, or count*P*P beyond one array.</exception>
    public static float[] Sample(ReadOnlyMemory<float> images, int imageCount, int height, int width, int patchSize, int count, int seed)
        => Sample(Stack(images, imageCount, height, width), patchSize, count, seed);

    /// <summary>
    /// Throws unless <paramref name="images"/> holds at least one image, none null, P >= 1 and every
    /// image is at least P x P: the checks <see cref="Sample{TImage}"/> makes, for a caller that then
    /// draws patches one at a time with <see cref="SampleOne{TImage}"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">images is null.</exception>
    /// <exception cref="ArgumentException">No images, a null image, or an image smaller than the patch (named, with its size).</exception>
    /// <exception cref="ArgumentOutOfRangeException">patchSize is less than 1.</exception>
    public static void Validate<TImage>(IReadOnlyList<TImage> images, int patchSize) where TImage : IPatchImage
    {
        ArgumentNullException.ThrowIfNull(images);
        if (patchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, $"patchSize must be at least 1, but is {patchSize}.");
        if (images.Count == 0)
            throw new ArgumentException("images must hold at least one image to sample patches from, but is empty.", nameof(images));
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image is null) throw new ArgumentException($"images[{i}] is null; every image must be present.", nameof(images));
            if (image.Width < patchSize || image.Height < patchSize) throw SmallerThanThePatch(i, image, patchSize);
        }
    }

    /// <summary>
    /// Draws one patch by the rule (image, then top row, then left column from <paramref name="random"/>)
    /// into <paramref name="destination"/> (P*P values, row-major). Successive calls with one
    /// <see cref="System.Random"/> give the patches of <see cref="Sample{TImage}"/> in order, so a stream of
    /// patches needs no array of them all. Check the images once with <see cref="Validate{TImage}"/> first.
    /// </summary>
    /// <exception cref="ArgumentNullException">random or images is null.</exception>
    /// <exception cref="ArgumentException">destination does not hold P*P values, or the chosen image is smaller than the patch.</exception>
    public static void SampleOne<TImage>(Random random, IReadOnlyList<TImage> images, int patchSize, Span<float> destination) where TImage : IPatchImage
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(images);
        if (destination.Length != patchSize * patchSize)
            throw new ArgumentException(
                $"destination must hold patchSize^2 = {patchSize * patchSize} floats ({English.Article(patchSize)} {patchSize}x{patchSize} patch), but holds {destination.Length}.", nameof(destination));
        int index = random.Next(images.Count);
        var image = images[index];
        int height = image.Height, width = image.Width;
        if (width < patchSize || height < patchSize) throw SmallerThanThePatch(index, image, patchSize);
        int top = random.Next(height - patchSize + 1);
        int left = random.Next(width - patchSize + 1);
        var pixels = image.Pixels;
        for (int r = 0; r < patchSize; r++)
            pixels.Slice((top + r) * width + left, patchSize).CopyTo(destination.Slice(r * patchSize, patchSize));
    }

    private static ArgumentException SmallerThanThePatch(int index, IPatchImage image, int patchSize)
        => new($"Image {index} '{image.Name}' is {image.Width}x{image.Height} (width x height), smaller than the {patchSize}x{patchSize} patch; every image must be at least patchSize on both sides.",
            "images");

    // The rows of one array as images, each a view (nothing is copied).
    private static StackedImage[] Stack(ReadOnlyMemory<float> images, int imageCount, int height, int width)
    {
        if (imageCount < 0) throw new ArgumentOutOfRangeException(nameof(imageCount), imageCount, $"imageCount must be at least 0, but is {imageCount}.");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, $"height (of every image) must be at least 1, but is {height}.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, $"width (of every image) must be at least 1, but is {width}.");
        long pixels = (long)height * width, expected = imageCount * pixels;
        if (images.Length != expected)
            throw new ArgumentException(
                $"images must hold imageCount*height*width = {imageCount}*{height}*{width} = {expected} values, but holds {images.Length}.", nameof(images));
        var stack = new StackedImage[imageCount];
        for (int i = 0; i < imageCount; i++) stack[i] = new StackedImage(images.Slice((int)(i * pixels), (int)pixels), height, width, i);
        return stack;
    }

    private readonly struct StackedImage(ReadOnlyMemory<float> pixels, int height, int width, int row) : IPatchImage
    {
        public int Width => width;
        public int Height => height;
        public ReadOnlySpan<float> Pixels => pixels.Span;
        public string Name => $"row {row} of the stack";
    }
}
