namespace SparseAe.Visualization.Tests;

/// <summary>Where FilterGrid puts tiles and how large the picture is.</summary>
public class FilterGridGeometryTests
{
    [Fact]
    public void Hundred_8x8_filters_make_10x10_tiles_enlarged_4_times()
    {
        FilterGridLayout layout = FilterGridLayout.Create(100, 8, 8, 32);

        Assert.Equal(10, layout.Columns);
        Assert.Equal(10, layout.Rows);
        Assert.Equal(4, layout.Scale);           // 32 / 8
        Assert.Equal(4 * (10 * (8 + 1) + 1), layout.Width);   // 364
        Assert.Equal(364, layout.Height);
        Assert.Equal(32, layout.TileWidth);

        byte[] png = FilterGrid.RenderPng(RandomFilters(100 * 64, seed: 1), 100, 8, 8);
        byte[,] grey = PngDecoder.DecodeGrey(png);
        Assert.Equal(364, grey.GetLength(0));
        Assert.Equal(364, grey.GetLength(1));
    }

    [Fact]
    public void Seven_units_use_3_columns_and_3_rows_and_the_unused_cells_are_border()
    {
        // A 5-high, 3-wide patch: the scale is ceil(32 / 3) = 11.
        FilterGridLayout layout = FilterGridLayout.Create(7, 5, 3, 32);
        Assert.Equal(3, layout.Columns);
        Assert.Equal(3, layout.Rows);
        Assert.Equal(11, layout.Scale);
        Assert.Equal(11 * (3 * (3 + 1) + 1), layout.Width);    // 143
        Assert.Equal(11 * (3 * (5 + 1) + 1), layout.Height);   // 209

        var w1 = new float[7 * 15];
        GreyBitmap image = FilterGrid.RenderPixels(w1, 7, 5, 3);
        Assert.Equal(layout.Width, image.Width);
        Assert.Equal(layout.Height, image.Height);

        // Units 0..6 are zero filters (mid grey); cells 7 and 8 of the 3x3 grid hold no unit: border black.
        for (int cell = 0; cell < 9; cell++)
        {
            int left = layout.Scale * (1 + (cell % 3) * 4), top = layout.Scale * (1 + (cell / 3) * 6);
            byte expected = cell < 7 ? FilterGrid.ZeroGrey : FilterGrid.BorderGrey;
            for (int y = top; y < top + layout.TileHeight; y++)
                for (int x = left; x < left + layout.TileWidth; x++)
                    Assert.Equal(expected, image[x, y]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(5, 3)]
    [InlineData(10, 4)]
    [InlineData(99, 10)]
    [InlineData(101, 11)]
    [InlineData(400, 20)]
    public void Columns_are_ceil_sqrt_H_and_rows_as_many_as_needed(int hidden, int columns)
    {
        FilterGridLayout layout = FilterGridLayout.Create(hidden, 8, 8, 32);
        Assert.Equal(columns, layout.Columns);
        Assert.Equal((hidden + columns - 1) / columns, layout.Rows);
        Assert.True(layout.Rows * layout.Columns >= hidden);
        Assert.True((layout.Rows - 1) * layout.Columns < hidden, "no empty last row");
    }

    [Fact]
    public void Border_is_black_around_and_between_tiles()
    {
        // Every weight positive and equal: every tile pixel is 255, so any 0 is border.
        float[] w1 = Enumerable.Repeat(1f, 4 * 6).ToArray();
        GreyBitmap image = FilterGrid.RenderPixels(w1, 4, 2, 3, minTileWidth: 6);
        FilterGridLayout layout = FilterGridLayout.Create(4, 2, 3, 6);
        Assert.Equal(2, layout.Scale);

        // At patch resolution the picture is 2 * 4 + 1 = 9 wide and 2 * 3 + 1 = 7 high; border lines at x = 0, 4, 8 and y = 0, 3, 6.
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                bool border = (x / 2) % 4 == 0 || (y / 2) % 3 == 0;
                Assert.Equal(border ? FilterGrid.BorderGrey : (byte)255, image[x, y]);
            }
    }

    [Fact]
    public void A_1x1_patch_is_one_enlarged_pixel_per_unit()
    {
        GreyBitmap image = FilterGrid.RenderPixels(new[] { 5f, -3f, 0f }, 3, 1, 1);
        FilterGridLayout layout = FilterGridLayout.Create(3, 1, 1, 32);
        Assert.Equal((2, 2, 32), (layout.Columns, layout.Rows, layout.Scale));
        Assert.Equal(32 * (2 * 2 + 1), image.Width);
        Assert.Equal(32 * (2 * 2 + 1), image.Height);

        // Each tile is the one weight divided by its own |weight|: +1, -1, 0.
        Assert.Equal(255, image[layout.TileLeft(0) + 10, layout.TileTop(0) + 10]);
        Assert.Equal(0, image[layout.TileLeft(1) + 31, layout.TileTop(1) + 31]);
        Assert.Equal(128, image[layout.TileLeft(2), layout.TileTop(2)]);
        Assert.Equal(FilterGrid.BorderGrey, image[layout.TileLeft(2) - 1, layout.TileTop(2)]);
    }

    [Fact]
    public void Tiles_already_wide_enough_are_not_enlarged()
    {
        FilterGridLayout layout = FilterGridLayout.Create(2, 3, 40, 32);
        Assert.Equal(1, layout.Scale);
        Assert.Equal(2 * 41 + 1, layout.Width);
        Assert.Equal(4 + 1, layout.Height);
    }

    [Fact]
    public void Scale_is_the_smallest_integer_reaching_minTileWidth()
    {
        Assert.Equal(5, FilterGridLayout.Create(1, 7, 7, 32).Scale);   // 7 * 4 = 28 < 32 <= 35
        Assert.Equal(1, FilterGridLayout.Create(1, 7, 7, 1).Scale);
        Assert.Equal(10, FilterGridLayout.Create(1, 2, 10, 100).Scale);
    }

    [Fact]
    public void Png_holds_the_same_pixels_as_RenderPixels()
    {
        float[] w1 = RandomFilters(12 * 20, seed: 3);
        GreyBitmap image = FilterGrid.RenderPixels(w1, 12, 4, 5, 10);
        byte[,] decoded = PngDecoder.DecodeGrey(FilterGrid.RenderPng(w1, 12, 4, 5, 10));
        Assert.Equal(image.Width, decoded.GetLength(0));
        Assert.Equal(image.Height, decoded.GetLength(1));
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                Assert.Equal(image[x, y], decoded[x, y]);
    }

    internal static float[] RandomFilters(int length, int seed)
    {
        var random = new Random(seed);
        var w = new float[length];
        for (int i = 0; i < w.Length; i++)
            w[i] = (float)(random.NextDouble() * 2 - 1);
        return w;
    }
}
