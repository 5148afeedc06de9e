using SparseAe.Model;

namespace SparseAe.Visualization.Tests;

/// <summary>Every bad argument to FilterGrid is refused with a message naming it and its value.</summary>
public class FilterGridValidationTests
{
    [Fact]
    public void HiddenCount_below_1_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FilterGrid.RenderPixels([], 0, 8, 8));
        Assert.Equal("hiddenCount", e.ParamName);
        Assert.Contains("hiddenCount must be at least 1, but is 0.", e.Message);
    }

    [Fact]
    public void PatchHeight_below_1_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FilterGrid.RenderPixels(new float[8], 1, 0, 8));
        Assert.Equal("patchHeight", e.ParamName);
        Assert.Contains("patchHeight must be at least 1, but is 0.", e.Message);
    }

    [Fact]
    public void PatchWidth_below_1_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FilterGrid.RenderPng(new float[8], 1, 8, -1));
        Assert.Equal("patchWidth", e.ParamName);
        Assert.Contains("patchWidth must be at least 1, but is -1.", e.Message);
    }

    [Fact]
    public void MinTileWidth_below_1_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FilterGrid.RenderPixels(new float[64], 1, 8, 8, minTileWidth: 0));
        Assert.Equal("minTileWidth", e.ParamName);
        Assert.Contains("minTileWidth must be at least 1, but is 0.", e.Message);
    }

    [Fact]
    public void W1_of_the_wrong_length_is_refused_naming_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPng(new float[639], 10, 8, 8));
        Assert.Equal("w1", e.ParamName);
        Assert.Contains("w1 must hold hiddenCount * patchHeight * patchWidth = 10 * 8 * 8 = 640 values, but holds 639.", e.Message);
    }

    [Fact]
    public void A_picture_over_the_size_limit_is_refused()
    {
        // 100 units of 8x8 enlarged to tiles 2000 wide: 10 * 9 * 250 + 250 = 22750 pixels per side.
        var e = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPixels(new float[6400], 100, 8, 8, minTileWidth: 2000));
        Assert.Contains("would be 22750 x 22750 pixels", e.Message);
        Assert.Contains($"larger than the limit of {FilterGridLayout.MaxSide} x {FilterGridLayout.MaxSide}", e.Message);
    }

    [Fact]
    public void Advice_names_minTileWidth_only_when_it_enlarged_the_tiles()
    {
        var e = Assert.Throws<ArgumentException>(() => FilterGridLayout.Create(1000, 1, 1000, FilterGrid.DefaultMinTileWidth));
        Assert.Contains("(32 x 32 tiles for hiddenCount 1000, each patchHeight x patchWidth = 1 x 1000 pixels), larger than the limit of 20000 x 20000. Use tiles closer to square (patchHeight), or fewer hidden units.", e.Message);
    }

    [Theory]
    [InlineData(64, 8, 8)]
    [InlineData(1000, 25, 40)]
    [InlineData(17, 1, 17)]
    [InlineData(1, 1, 1)]
    [InlineData(784, 28, 28)]
    [InlineData(12, 3, 4)]
    [InlineData(2 * 10007, 2, 10007)]
    public void A_filters_tile_is_its_factor_pair_closest_to_square(int v, int height, int width)
        => Assert.Equal((height, width), FilterGridLayout.TileShape(v));

    [Fact]
    public void A_size_that_overflows_int_is_refused_not_wrapped()
    {
        var e = Assert.Throws<ArgumentException>(() => FilterGridLayout.Create(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Contains("larger than the limit", e.Message);
    }

    [Fact]
    public void A_picture_at_the_size_limit_is_accepted()
    {
        // One 1x1 unit enlarged so the 3-pixel-wide picture is exactly MaxSide wide.
        FilterGridLayout layout = FilterGridLayout.Create(1, 1, 1, FilterGridLayout.MaxSide / 3);
        Assert.True(layout.Width <= FilterGridLayout.MaxSide);
        Assert.Throws<ArgumentException>(() => FilterGridLayout.Create(1, 1, 1, FilterGridLayout.MaxSide / 3 + 1));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_weight_is_refused_naming_unit_and_pixel(float bad)
    {
        var w1 = new float[3 * 4];
        w1[1 * 4 + 2] = bad;
        var e = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPixels(w1, 3, 2, 2));
        Assert.Equal("w1", e.ParamName);
        Assert.Contains($"w1 holds {bad} for hidden unit 1, pixel 2; every weight must be a finite number.", e.Message);
    }

    [Fact]
    public void Patch_size_not_matching_the_models_visible_count_is_refused()
    {
        var weights = new AutoencoderWeights(new AutoencoderParameters(64, 4));
        var e = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPng(weights, 8, 7, new MemoryStream()));
        Assert.Equal("patchHeight", e.ParamName);
        Assert.Contains("patchHeight * patchWidth = 8 * 7 = 56 must equal the model's visible count 64.", e.Message);
    }

    [Fact]
    public void Null_weights_are_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => FilterGrid.RenderPng((AutoencoderWeights)null!, 8, 8, new MemoryStream()));
        Assert.Equal("weights", e.ParamName);
    }

    [Fact]
    public void Null_destination_is_refused()
    {
        var weights = new AutoencoderWeights(new AutoencoderParameters(4, 1));
        var e = Assert.Throws<ArgumentNullException>(() => FilterGrid.RenderPng(weights, 2, 2, null!));
        Assert.Equal("destination", e.ParamName);
    }

    [Fact]
    public void A_read_only_destination_is_refused()
    {
        var weights = new AutoencoderWeights(new AutoencoderParameters(4, 1));
        using var readOnly = new MemoryStream(new byte[16], writable: false);
        var e = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPng(weights, 2, 2, readOnly));
        Assert.Equal("destination", e.ParamName);
        Assert.Contains("destination must be a writable stream.", e.Message);
    }

    [Fact]
    public void Bad_patch_size_for_a_model_is_refused_by_the_size_check()
    {
        var weights = new AutoencoderWeights(new AutoencoderParameters(4, 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FilterGrid.RenderPng(weights, 0, 4, new MemoryStream()));
        Assert.Equal("patchHeight", e.ParamName);
    }

    [Fact]
    public void GreyImage_refuses_pixels_of_the_wrong_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new GreyBitmap(3, 2, new byte[5]));
        Assert.Contains("pixels must hold width * height = 3 * 2 = 6 values, but holds 5.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreyBitmap(0, 2, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreyBitmap(2, 2, new byte[4])[2, 0]);
    }
}
