using SparseAe.Data.Images;

namespace SparseAe.Data.Tests.Images;

public class OlshausenWhiteningTests
{
    private static GreyImage Make(int width, int height, Func<int, int, double> value)
    {
        var pixels = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[y * width + x] = (float)value(x, y);
        return new GreyImage(width, height, pixels, "synthetic");
    }

    private static (double Mean, double Variance) Moments(float[] values)
    {
        double mean = values.Average(v => (double)v);
        return (mean, values.Average(v => (v - mean) * (v - mean)));
    }

    /// <summary>Amplitude of cos(2 pi (kx x / W + ky y / H)) in the image, by projection onto the DFT basis.</summary>
    private static double Amplitude(GreyImage image, int kx, int ky)
    {
        double re = 0, im = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                double phase = 2 * Math.PI * ((double)kx * x / image.Width + (double)ky * y / image.Height);
                re += image[x, y] * Math.Cos(phase);
                im += image[x, y] * Math.Sin(phase);
            }
        return 2 * Math.Sqrt(re * re + im * im) / (image.Width * image.Height);
    }

    private static GreyImage Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        return Make(width, height, (_, _) => random.NextDouble());
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(15, 9)]
    [InlineData(1, 1)]
    public void Flat_image_becomes_all_zeros(int width, int height)
    {
        var whitened = OlshausenWhitening.Whiten(Make(width, height, (_, _) => 0.37));
        Assert.All(whitened.Pixels, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(96, 64)]
    [InlineData(40, 70)]
    [InlineData(45, 33)]
    [InlineData(31, 31)]
    [InlineData(2, 3)]
    public void Output_has_mean_zero_and_variance_one_tenth(int width, int height)
    {
        var image = Noise(width, height, seed: width * 1000 + height);
        float[] before = (float[])image.Pixels.Clone();
        var whitened = OlshausenWhitening.Whiten(image);

        Assert.Equal(before, image.Pixels);   // input untouched
        Assert.Equal(width, whitened.Width);
        Assert.Equal(height, whitened.Height);
        Assert.Equal("synthetic (whitened)", whitened.Name);
        Assert.All(whitened.Pixels, v => Assert.True(float.IsFinite(v)));
        var (mean, variance) = Moments(whitened.Pixels);
        Assert.True(Math.Abs(mean) < 1e-6, $"mean {mean}");
        Assert.Equal(0.1, variance, 1e-5);
    }

    [Theory]
    [InlineData(64, 64, 4, 0, 20, 0)]       // square: Olshausen's own case, f = k
    [InlineData(64, 64, 0, 3, 24, 0)]       // one along y, one along x
    [InlineData(96, 64, 6, 0, 0, 20)]       // non-square: fx = 6*64/96 = 4, fy = 20
    [InlineData(45, 33, 5, 0, 0, 12)]       // odd sizes: fx = 5*33/45, fy = 12
    [InlineData(45, 33, 3, 2, 20, -7)]      // oblique frequencies
    public void SinusoidAmplitudesFollowTheFilter(int width, int height, int kx1, int ky1, int kx2, int ky2)
    {
        var image = Make(width, height, (x, y) =>
            0.5 + 0.2 * Math.Cos(2 * Math.PI * ((double)kx1 * x / width + (double)ky1 * y / height))
                + 0.2 * Math.Cos(2 * Math.PI * ((double)kx2 * x / width + (double)ky2 * y / height)));
        var whitened = OlshausenWhitening.Whiten(image);

        double n = Math.Min(width, height);
        double F(int kx, int ky) => Math.Sqrt(Math.Pow(kx * n / width, 2) + Math.Pow(ky * n / height, 2));
        double expectedRatio = OlshausenWhitening.Response(F(kx1, ky1), n) / OlshausenWhitening.Response(F(kx2, ky2), n);
        double measuredRatio = Amplitude(whitened, kx1, ky1) / Amplitude(whitened, kx2, ky2);
        Assert.Equal(expectedRatio, measuredRatio, expectedRatio * 1e-4);

        // Only the two frequencies survive, and together they have variance 0.1: a^2/2 + b^2/2 = 0.1.
        double a = Amplitude(whitened, kx1, ky1), b = Amplitude(whitened, kx2, ky2);
        Assert.Equal(0.1, (a * a + b * b) / 2, 1e-5);
    }

    [Fact]
    public void Response_is_f_times_the_quartic_roll_off()
    {
        Assert.Equal(0, OlshausenWhitening.Response(0, 512));
        Assert.Equal(10 * Math.Exp(-Math.Pow(10 / (0.4 * 512), 4)), OlshausenWhitening.Response(10, 512), 1e-12);
        Assert.Equal(0.4 * 64 * Math.Exp(-1), OlshausenWhitening.Response(0.4 * 64, 64), 1e-12);
    }

    [Fact]
    public void Frequencies_are_olshausens_shifted_meshgrid()
    {
        // Even n = 8: meshgrid -4..3 after fftshift is 0 1 2 3 -4 -3 -2 -1; odd n = 5: 0 1 2 -2 -1.
        Assert.Equal([0, 1, 2, 3, -4, -3, -2, -1], Enumerable.Range(0, 8).Select(k => OlshausenWhitening.SignedFrequency(k, 8)));
        Assert.Equal([0, 1, 2, -2, -1], Enumerable.Range(0, 5).Select(k => OlshausenWhitening.SignedFrequency(k, 5)));
    }

    [Fact]
    public void Non_finite_pixel_is_refused_naming_it()
    {
        var image = Make(4, 3, (x, y) => x == 2 && y == 1 ? double.NaN : 0.5);
        var error = Assert.Throws<ArgumentException>(() => OlshausenWhitening.Whiten(image));
        Assert.Contains("x = 2, y = 1", error.Message);
    }

    [Fact]
    public void Whitened_photograph_has_a_flatter_spectrum()
    {
        // Natural images have ~1/f amplitude; after whitening mid frequencies are no weaker than low ones.
        var camera = EmbeddedImages.Load("camera.png");
        var whitened = OlshausenWhitening.Whiten(camera);
        var (mean, variance) = Moments(whitened.Pixels);
        Assert.True(Math.Abs(mean) < 1e-6);
        Assert.Equal(0.1, variance, 1e-5);
        double low = Amplitude(camera, 2, 1), mid = Amplitude(camera, 60, 40);
        double lowW = Amplitude(whitened, 2, 1), midW = Amplitude(whitened, 60, 40);
        Assert.True(midW / lowW > 10 * (mid / low), $"before {mid / low}, after {midW / lowW}");
    }
}
