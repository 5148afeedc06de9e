using SparseAe.Data.Images;
using SparseAe.Data.Patches;
using SparseAe.Tests.Support;
using SparseAe.Training;

namespace SparseAe.Data.Tests.Patches;

public class PatchRowSourceTests
{
    private static GreyImage[] Images()
    {
        var random = new Random(5);
        GreyImage Noise(int w, int h, string name) =>
            new(w, h, Enumerable.Range(0, w * h).Select(_ => (float)random.NextDouble()).ToArray(), name);
        return [Noise(40, 30, "a"), Noise(25, 50, "b")];
    }

    private static float[] ReadPass(IRowSource source, int pass)
    {
        var rows = new List<float>();
        var row = new float[source.VectorSize];
        using var reader = source.OpenPass(pass);
        while (reader.TryReadRow(row)) rows.AddRange(row);
        return rows.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(400)]
    public void A_pass_equals_sample_then_UFLDL_when_the_sample_covers_every_patch(int count)
    {
        var images = Images();
        var source = new PatchRowSource(images, 8, count, seed: 21, normalizationSampleSize: 400);

        float[] expected = PatchSampler.Sample(images, 8, count, 21);
        double pstd = PatchNormalization.Ufldl(expected, count, 64);

        Assert.Equal(64, source.VectorSize);
        Assert.Equal(count, source.NormalizationSampleSize);
        Assert.Equal(pstd, source.Deviation);
        Assert.Equal(expected, ReadPass(source, 0));
    }

    [Fact]
    public void Passes_are_identical()
    {
        var source = new PatchRowSource(Images(), 6, 250, seed: 4, normalizationSampleSize: 100);
        float[] first = ReadPass(source, 0);
        Assert.Equal(250 * 36, first.Length);
        Assert.Equal(first, ReadPass(source, 1));
        Assert.Equal(first, ReadPass(source, 7));
    }

    [Fact]
    public void Deviation_comes_from_the_leading_sample()
    {
        var images = Images();
        var source = new PatchRowSource(images, 8, 1000, seed: 9, normalizationSampleSize: 100);
        float[] leading = PatchSampler.Sample(images, 8, 100, 9);
        Assert.Equal(100, source.NormalizationSampleSize);
        Assert.Equal(PatchNormalization.Ufldl(leading, 100, 64), source.Deviation);

        float[] all = ReadPass(source, 0);
        float[] expected = PatchSampler.Sample(images, 8, 1000, 9);
        PatchNormalization.ApplyUfldl(expected, 1000, 64, source.Deviation);
        Assert.Equal(expected, all);
        Assert.All(all, v => Assert.InRange(v, 0.1f, 0.9f));
    }

    [Fact]
    public void Flat_patches_become_one_half_as_on_the_command_line()
    {
        // UfldlNormalization's flat rule (pstd = 0: every value 0.5) on the streamed path too.
        GreyImage[] flat = [new(12, 10, Enumerable.Repeat(0.3f, 120).ToArray(), "grey"), new(9, 9, Enumerable.Repeat(0.7f, 81).ToArray(), "light")];
        var source = new PatchRowSource(flat, 8, 40, seed: 6);
        float[] commandLine = PatchSampler.Sample(flat, 8, 40, 6);
        Assert.Equal(0, PatchNormalization.Ufldl(commandLine, 40, 64));

        Assert.Equal(0, source.Deviation);
        Assert.Equal(commandLine, ReadPass(source, 0));
        Assert.All(commandLine, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Streams_many_patches_in_constant_memory()
    {
        // 200,000 8x8 patches would be 51 MB as an array; a pass must allocate next to nothing.
        var source = new PatchRowSource(Images(), 8, 200_000, seed: 1);
        var row = new float[64];
        int rows = 0;
        long allocated = AllocationMeasurement.BytesAllocatedBy(() =>
        {
            using var reader = source.OpenPass(0);
            for (rows = 0; reader.TryReadRow(row);) rows++;
        });
        Assert.Equal(200_000, rows);
        Assert.True(allocated < 100_000, $"allocated {allocated} bytes");
    }

    // Pixels of +-3e38: a centred pixel passed float, the deviation was NaN and every row NaN, without a word.
    [Fact]
    public void Pixels_whose_distance_from_a_patchs_mean_passes_float_are_refused_by_name()
    {
        var image = new GreyImage(2, 2, [3e38f, 3e38f, 3e38f, -3e38f], "huge");   // mean 1.5e38: -3e38 lies 4.5e38 from it
        var e = Assert.Throws<ArgumentException>(() => new PatchRowSource([image], 2, 5, 0));
        Assert.Equal("images", e.ParamName);
        Assert.StartsWith("Patch 0 holds -3E+38 at element 3, beyond float's range from the patch's mean (1.5E+38): every value must lie within ", e.Message);
    }

    [Fact]
    public void Short_destination_is_refused()
    {
        var source = new PatchRowSource(Images(), 8, 3, seed: 1);
        using var reader = source.OpenPass(0);
        var error = Assert.Throws<ArgumentException>(() => reader.TryReadRow(new float[10]));
        Assert.Contains("VectorSize = 64", error.Message);
        Assert.Contains("holds 10", error.Message);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new PatchRowSource(Images(), 8, 0, 1)).ParamName);
        Assert.Equal("normalizationSampleSize",
            Assert.Throws<ArgumentOutOfRangeException>(() => new PatchRowSource(Images(), 8, 10, 1, normalizationSampleSize: 0)).ParamName);
        var error = Assert.Throws<ArgumentException>(() => new PatchRowSource(Images(), 31, 10, 1));
        Assert.Contains("'a'", error.Message);
        Assert.Throws<ArgumentException>(() => new PatchRowSource([], 8, 10, 1));
        // Seed -7 sampled seed 7's patches: System.Random takes -s as s.
        Assert.StartsWith("seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new PatchRowSource(Images(), 8, 10, -7)).Message);
    }

    [Fact]
    public void Works_with_the_shuffling_reader()
    {
        var source = new PatchRowSource(Images(), 4, 50, seed: 2);
        float[] plain = ReadPass(source, 0);
        var shuffled = new List<float[]>();
        var row = new float[16];
        using (var reader = new ShufflingRowReader(source.OpenPass(0), 16, 64, seed: 3))
            while (reader.TryReadRow(row)) shuffled.Add((float[])row.Clone());
        Assert.Equal(50, shuffled.Count);
        var sortKey = (float[] r) => string.Join(",", r);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => sortKey(plain[(i * 16)..((i + 1) * 16)])).Order(), shuffled.Select(sortKey).Order());
    }
}
