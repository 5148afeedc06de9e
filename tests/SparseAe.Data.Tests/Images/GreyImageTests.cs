using SparseAe.Data.Images;

namespace SparseAe.Data.Tests.Images;

public class GreyImageTests
{
    [Fact]
    public void Indexes_row_major()
    {
        var image = new GreyImage(3, 2, [0, 1, 2, 10, 11, 12], "ramp");
        Assert.Equal(12f, image[2, 1]);
        Assert.Equal(10f, image[0, 1]);
        Assert.Equal("ramp (3x2)", image.ToString());
    }

    [Theory]
    [InlineData(0, 2, 0, "width")]
    [InlineData(2, 0, 0, "height")]
    [InlineData(-1, 2, 0, "width")]
    public void Refuses_bad_sizes_naming_them(int width, int height, int pixels, string rule)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new GreyImage(width, height, new float[pixels], "bad"));
        Assert.Contains(rule, error.Message);
        Assert.Contains("'bad'", error.Message);
    }

    [Fact]
    public void Refuses_a_pixel_count_that_is_not_width_times_height()
    {
        var error = Assert.Throws<ArgumentException>(() => new GreyImage(3, 2, new float[5], "short"));
        Assert.Contains("3*2 = 6", error.Message);
        Assert.Contains("holds 5", error.Message);
    }

    [Fact]
    public void Refuses_more_than_one_array_of_pixels()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GreyImage(100_000, 100_000, [], "huge"));
        Assert.Contains("10000000000", error.Message);
    }

    [Fact]
    public void Indexer_names_the_range()
    {
        var image = new GreyImage(3, 2, new float[6], "small");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => image[3, 0]);
        Assert.Contains("[0, 2]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => image[0, -1]);
    }
}
