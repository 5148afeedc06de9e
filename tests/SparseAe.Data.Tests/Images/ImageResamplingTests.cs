using SparseAe.Data.Images;

namespace SparseAe.Data.Tests.Images;

public class ImageResamplingTests
{
    [Fact]
    public void Each_block_becomes_its_average_and_the_remainder_is_dropped()
    {
        // 5 x 3 image, factor 2 -> 2 x 1: blocks (0..1, 0..1) and (2..3, 0..1); column 4 and row 2 dropped.
        var pixels = Enumerable.Range(0, 15).Select(i => (float)i).ToArray();
        var small = ImageResampling.Downsample(new GreyImage(5, 3, pixels, "ramp"), 2);
        Assert.Equal(2, small.Width);
        Assert.Equal(1, small.Height);
        Assert.Equal((0 + 1 + 5 + 6) / 4f, small.Pixels[0]);
        Assert.Equal((2 + 3 + 7 + 8) / 4f, small.Pixels[1]);
    }

    [Fact]
    public void Factor_one_returns_the_image_and_bad_factors_are_refused()
    {
        var image = new GreyImage(4, 4, new float[16], "flat");
        Assert.Same(image, ImageResampling.Downsample(image, 1));
        Assert.Contains("at least 1, but is 0", Assert.Throws<ArgumentOutOfRangeException>(() => ImageResampling.Downsample(image, 0)).Message);
        Assert.Contains("too small to reduce by 5", Assert.Throws<ArgumentException>(() => ImageResampling.Downsample(image, 5)).Message);
    }
}
