using SparseAe.Convolution;
using SparseAe.Data.Images;
using SparseAe.Data.Patches;
using SparseAe.Training;

namespace SparseAe.Data.Tests.Patches;

// TEMPORARY (issue 13): the two samplers as they were before Core's PatchSampling became the one
// rule (copied verbatim from main at ac2c811), compared with the new code; removed in the next commit.
public class TemporaryOldSamplerEquivalenceTests
{
    private static class OldPatchSampler
    {
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

    private static class OldPatchSampling
    {
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

    private static GreyImage Noise(Random random, int w, int h, string name)
        => new(w, h, Enumerable.Range(0, w * h).Select(_ => (float)random.NextDouble()).ToArray(), name);

    [Fact]
    public void The_list_form_draws_bit_for_bit_the_old_patches()
    {
        var random = new Random(2024);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(1, 6), p = random.Next(1, 10);
            var images = Enumerable.Range(0, n).Select(i => Noise(random, random.Next(p, 40), random.Next(p, 40), $"i{i}")).ToArray();
            int count = random.Next(1, 500), seed = random.Next();
            Assert.Equal(OldPatchSampler.Sample(images, p, count, seed), PatchSampler.Sample(images, p, count, seed));
            Assert.Equal(OldPatchSampler.Sample(images, p, count, seed), PatchSampling.Sample(images, p, count, seed));
        }
    }

    [Fact]
    public void The_stack_form_draws_bit_for_bit_the_old_patches()
    {
        var random = new Random(77);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(1, 6), p = random.Next(1, 10), h = random.Next(p, 30), w = random.Next(p, 30);
            var stack = Enumerable.Range(0, n * h * w).Select(_ => (float)random.NextDouble()).ToArray();
            int count = random.Next(1, 500), seed = random.Next();
            Assert.Equal(OldPatchSampling.Sample(stack, n, h, w, p, count, seed), PatchSampling.Sample(stack, n, h, w, p, count, seed));
        }
    }

    [Fact]
    public void The_streamed_patches_are_bit_for_bit_the_old_ones()
    {
        var random = new Random(5);
        var images = new[] { Noise(random, 40, 30, "a"), Noise(random, 25, 50, "b"), Noise(random, 9, 9, "c") };
        foreach (var (count, sample) in new[] { (300, 300), (3000, 250) })
        {
            var source = new PatchRowSource(images, 8, count, seed: 31, normalizationSampleSize: sample);
            float[] leading = OldPatchSampler.Sample(images, 8, sample, 31);
            Assert.Equal(PatchNormalization.Ufldl(leading, sample, 64), source.Deviation);
            float[] expected = OldPatchSampler.Sample(images, 8, count, 31);
            PatchNormalization.ApplyUfldl(expected, count, 64, source.Deviation);
            var rows = new List<float>();
            var row = new float[64];
            using var reader = source.OpenPass(0);
            while (reader.TryReadRow(row)) rows.AddRange(row);
            Assert.Equal(expected, rows.ToArray());
        }
    }

    [Fact]
    public void The_list_form_refuses_what_the_old_one_refused_with_the_same_message()
    {
        GreyImage[] good = [Noise(new Random(1), 20, 20, "g")];
        var cases = new (GreyImage[] Images, int P, int Count)[]
        {
            ([], 8, 10), ([good[0], new GreyImage(12, 7, new float[84], "thin.png")], 8, 10), (good, 0, 10), (good, -3, 10),
            (good, 8, 0), (good, 8, -5), (good, 8, int.MaxValue), ([good[0], null!], 8, 10),
        };
        foreach (var (images, p, count) in cases)
        {
            var old = Record.Exception(() => OldPatchSampler.Sample(images, p, count, 0));
            var now = Record.Exception(() => PatchSampler.Sample(images, p, count, 0));
            Assert.NotNull(old);
            Assert.Equal(old.GetType(), now.GetType());
            Assert.Equal(((ArgumentException)old).ParamName, ((ArgumentException)now).ParamName);
            if (count != int.MaxValue) Assert.Equal(old.Message, now.Message);
            else Assert.Contains("PatchRowSource", now.Message);
        }
    }
}
