using SparseAe.Convolution;
using SparseAe.Data.Images;
using SparseAe.Data.Patches;

namespace SparseAe.Data.Tests.Patches;

public class PatchSamplerTests
{
    /// <summary>An image whose pixel (x, y) is code*1e6 + 1000 y + x: exact in float, so a patch tells where it came from.</summary>
    internal static GreyImage Coded(int code, int width, int height)
    {
        var pixels = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = code * 1_000_000 + 1000 * y + x;
        return new GreyImage(width, height, pixels, $"coded{code}");
    }

    [Fact]
    public void Patches_are_row_major_windows_of_the_images()
    {
        GreyImage[] images = [Coded(1, 20, 11), Coded(2, 9, 30)];
        const int p = 5, count = 300;
        float[] patches = PatchSampler.Sample(images, p, count, seed: 7);
        Assert.Equal(count * p * p, patches.Length);
        for (int i = 0; i < count; i++)
        {
            var patch = patches.AsSpan(i * p * p, p * p);
            int code = (int)(patch[0] / 1_000_000);
            int top = (int)(patch[0] % 1_000_000) / 1000, left = (int)(patch[0] % 1000);
            var image = images[code - 1];
            Assert.InRange(top, 0, image.Height - p);
            Assert.InRange(left, 0, image.Width - p);
            for (int r = 0; r < p; r++)
                for (int c = 0; c < p; c++)
                    Assert.Equal(image[left + c, top + r], patch[r * p + c]);
        }
    }

    [Fact]
    public void Every_valid_position_of_every_image_is_drawn_about_equally_often()
    {
        // 10x9 and 8x8 images, 8x8 patches: 3x2 = 6 positions, and 1 position. Each image half the time.
        GreyImage[] images = [Coded(1, 10, 9), Coded(2, 8, 8)];
        const int count = 7000;
        float[] patches = PatchSampler.Sample(images, 8, count, seed: 3);
        var hits = new Dictionary<float, int>();
        for (int i = 0; i < count; i++) hits[patches[i * 64]] = hits.GetValueOrDefault(patches[i * 64]) + 1;

        Assert.Equal(7, hits.Count);
        Assert.InRange(hits[2_000_000], count / 2 - 250, count / 2 + 250);
        foreach (var top in new[] { 0, 1 })
            foreach (var left in new[] { 0, 1, 2 })
                Assert.InRange(hits[1_000_000 + 1000 * top + left], count / 12 - 120, count / 12 + 120);
    }

    [Fact]
    public void Same_seed_same_patches_other_seed_others()
    {
        GreyImage[] images = [Coded(1, 40, 40)];
        Assert.Equal(PatchSampler.Sample(images, 8, 50, 11), PatchSampler.Sample(images, 8, 50, 11));
        Assert.NotEqual(PatchSampler.Sample(images, 8, 50, 11), PatchSampler.Sample(images, 8, 50, 12));
    }

    [Fact]
    public void A_negative_seed_is_refused_as_PatchRowSource_refuses_it()
    {
        // Seed -7 sampled seed 7's patches (System.Random takes -s as s), while PatchRowSource, documented as drawing
        // the same patches for the same arguments, refused it.
        GreyImage[] images = [Coded(1, 40, 40)];
        Assert.StartsWith("seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7.",
            Assert.Throws<ArgumentOutOfRangeException>(() => PatchSampler.Sample(images, 8, 50, -7)).Message);
    }

    [Fact]
    public void Draws_image_then_row_then_column_from_one_random()
    {
        // The documented draw order, so that other code (or a port) can reproduce a patch set.
        GreyImage[] images = [Coded(1, 30, 20), Coded(2, 25, 40), Coded(3, 12, 12)];
        float[] patches = PatchSampler.Sample(images, 4, 20, seed: 99);
        var random = new Random(99);
        for (int i = 0; i < 20; i++)
        {
            var image = images[random.Next(images.Length)];
            int top = random.Next(image.Height - 4 + 1), left = random.Next(image.Width - 4 + 1);
            Assert.Equal(image[left, top], patches[i * 16]);
        }
    }

    [Fact]
    public void The_featurizers_stack_and_the_command_lines_images_give_the_same_patches()
    {
        // One sampling rule (Core's PatchSampling) behind every call site: the featurizer samples
        // equally sized images held as the rows of one array, the command line (PatchSampler) and
        // PatchRowSource a list of images. Same images and seed: the same patches, raw and normalised.
        GreyImage[] images = [Coded(1, 21, 13), Coded(2, 21, 13), Coded(3, 21, 13)];
        float[] stack = images.SelectMany(i => i.Pixels).ToArray();
        const int p = 8, count = 500, seed = 17;

        float[] featurizer = PatchSampling.Sample(stack, images.Length, 13, 21, p, count, seed);
        float[] commandLine = PatchSampler.Sample(images, p, count, seed);
        Assert.Equal(commandLine, featurizer);

        UfldlNormalization.Normalize(featurizer, count, p * p);   // as the featurizer's Fit
        var source = new PatchRowSource(images, p, count, seed, normalizationSampleSize: count);
        var streamed = new List<float>();
        var row = new float[p * p];
        using (var reader = source.OpenPass(0))
            while (reader.TryReadRow(row)) streamed.AddRange(row);
        Assert.Equal(featurizer, streamed.ToArray());
    }

    [Fact]
    public void Patch_as_large_as_the_image_is_the_image()
    {
        var image = Coded(1, 6, 6);
        Assert.Equal(image.Pixels, PatchSampler.Sample([image], 6, 1, 0));
    }

    [Fact]
    public void No_images_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PatchSampler.Sample([], 8, 10, 0));
        Assert.Contains("at least one image", error.Message);
    }

    [Fact]
    public void Image_smaller_than_the_patch_is_named_with_its_size()
    {
        GreyImage[] images = [Coded(1, 20, 20), new GreyImage(12, 7, new float[84], "thin.png")];
        var error = Assert.Throws<ArgumentException>(() => PatchSampler.Sample(images, 8, 10, 0));
        Assert.Contains("'thin.png'", error.Message);
        Assert.Contains("12x7", error.Message);
        Assert.Contains("8x8", error.Message);
    }

    [Theory]
    [InlineData(8, 0, "count")]
    [InlineData(8, -5, "count")]
    [InlineData(0, 10, "patchSize")]
    public void Count_and_patch_size_below_one_are_refused(int patchSize, int count, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PatchSampler.Sample([Coded(1, 20, 20)], patchSize, count, 0));
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("at least 1", error.Message);
    }

    [Fact]
    public void More_than_one_array_is_refused_before_allocating()
    {
        var error = Assert.Throws<ArgumentException>(() => PatchSampler.Sample([Coded(1, 20, 20)], 8, int.MaxValue, 0));
        Assert.Contains("PatchRowSource", error.Message);
    }
}
