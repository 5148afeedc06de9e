using SparseAe.Model;

namespace SparseAe.Visualization.Tests;

/// <summary>Grey levels and pixel order of FilterGrid tiles.</summary>
public class FilterGridPixelTests
{
    [Fact]
    public void Each_tile_is_divided_by_its_own_largest_absolute_value()
    {
        // Unit 0: max |w| = 2 at a negative weight. Unit 1: the same shape, 1000 times smaller and sign-flipped.
        float[] w1 = [-2f, 1f, 0f, 0.5f, 0.002f, -0.001f, 0f, -0.0005f];
        GreyBitmap image = FilterGrid.RenderPixels(w1, 2, 2, 2, minTileWidth: 1);
        FilterGridLayout layout = FilterGridLayout.Create(2, 2, 2, 1);

        byte[] Tile(int j) =>
        [
            image[layout.TileLeft(j), layout.TileTop(j)], image[layout.TileLeft(j) + 1, layout.TileTop(j)],
            image[layout.TileLeft(j), layout.TileTop(j) + 1], image[layout.TileLeft(j) + 1, layout.TileTop(j) + 1],
        ];

        // round(127.5 * (v + 1)) of v = -1, 0.5, 0, 0.25.
        Assert.Equal(new byte[] { 0, 191, 128, 159 }, Tile(0));
        // v = +1, -0.5, 0, -0.25: the largest |w| maps to 255, and the tile uses full contrast despite its tiny norm.
        Assert.Equal(new byte[] { 255, 64, 128, 96 }, Tile(1));
    }

    [Fact]
    public void Largest_positive_weight_is_white_and_largest_negative_black()
    {
        float[] w1 = FilterGridGeometryTests.RandomFilters(100 * 64, seed: 5);
        GreyBitmap image = FilterGrid.RenderPixels(w1, 100, 8, 8, minTileWidth: 1);
        FilterGridLayout layout = FilterGridLayout.Create(100, 8, 8, 1);
        for (int j = 0; j < 100; j++)
        {
            ReadOnlySpan<float> f = w1.AsSpan(j * 64, 64);
            int argMax = 0;
            for (int i = 1; i < 64; i++)
                if (Math.Abs(f[i]) > Math.Abs(f[argMax])) argMax = i;
            byte expected = f[argMax] > 0 ? (byte)255 : (byte)0;
            Assert.Equal(expected, image[layout.TileLeft(j) + argMax % 8, layout.TileTop(j) + argMax / 8]);
        }
    }

    [Fact]
    public void An_all_zero_filter_is_mid_grey()
    {
        var w1 = new float[3 * 16];
        w1[16 + 5] = -7f;   // unit 1 is not zero; units 0 and 2 are
        GreyBitmap image = FilterGrid.RenderPixels(w1, 3, 4, 4, minTileWidth: 4);
        FilterGridLayout layout = FilterGridLayout.Create(3, 4, 4, 4);
        foreach (int j in new[] { 0, 2 })
            for (int y = 0; y < layout.TileHeight; y++)
                for (int x = 0; x < layout.TileWidth; x++)
                    Assert.Equal(FilterGrid.ZeroGrey, image[layout.TileLeft(j) + x, layout.TileTop(j) + y]);
        Assert.Equal(0, image[layout.TileLeft(1) + 1 * 4, layout.TileTop(1) + 1 * 4]);   // pixel 5 = (1, 1)
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 0, 4)]
    [InlineData(1, 2, 0)]
    [InlineData(2, 1, 3)]
    [InlineData(4, 2, 4)]
    [InlineData(3, 1, 2)]
    public void A_single_hot_pixel_appears_at_row_r_column_c_of_its_tile(int hiddenUnit, int r, int c)
    {
        // A 3-high, 5-wide patch, so a transposed or column-major reading would put the pixel elsewhere (or out of the tile).
        const int h = 5, p = 3, q = 5, minTile = 20;
        var w1 = new float[h * p * q];
        w1[hiddenUnit * p * q + r * q + c] = 0.25f;

        byte[,] grey = PngDecoder.DecodeGrey(FilterGrid.RenderPng(w1, h, p, q, minTile));
        FilterGridLayout layout = FilterGridLayout.Create(h, p, q, minTile);
        Assert.Equal(4, layout.Scale);
        Assert.Equal(layout.Width, grey.GetLength(0));
        Assert.Equal(layout.Height, grey.GetLength(1));

        int hotLeft = layout.TileLeft(hiddenUnit) + c * layout.Scale, hotTop = layout.TileTop(hiddenUnit) + r * layout.Scale;
        int white = 0;
        for (int y = 0; y < layout.Height; y++)
            for (int x = 0; x < layout.Width; x++)
            {
                if (grey[x, y] != 255) continue;
                white++;
                Assert.InRange(x, hotLeft, hotLeft + layout.Scale - 1);
                Assert.InRange(y, hotTop, hotTop + layout.Scale - 1);
            }
        Assert.Equal(layout.Scale * layout.Scale, white);
    }

    [Fact]
    public void Tile_j_sits_at_column_j_mod_C_and_row_j_div_C()
    {
        FilterGridLayout layout = FilterGridLayout.Create(10, 2, 2, 2);   // 4 columns, 3 rows, scale 1
        Assert.Equal((4, 3, 1), (layout.Columns, layout.Rows, layout.Scale));
        Assert.Equal(1 + 1 * 3, layout.TileLeft(5));
        Assert.Equal(1 + 1 * 3, layout.TileTop(5));
        Assert.Equal(1 + 3 * 3, layout.TileLeft(7));
        Assert.Equal(1, layout.TileTop(3));
        Assert.Equal(1 + 2 * 3, layout.TileTop(9));
    }

    [Fact]
    public void Weights_overload_draws_W1_to_the_stream()
    {
        // V = 6 (a 2x3 patch), H = 2; W1 row 0 is hot at (1, 2), row 1 at (0, 0). W2 and biases must not be drawn.
        var parameters = new AutoencoderParameters(6, 2);
        parameters.Theta.AsSpan().Fill(0.5f);
        parameters.Theta.AsSpan(0, 12).Clear();
        parameters.Theta[0 * 6 + 1 * 3 + 2] = 1f;
        parameters.Theta[1 * 6 + 0] = -1f;
        var weights = new AutoencoderWeights(parameters);

        using var stream = new MemoryStream();
        FilterGrid.RenderPng(weights, 2, 3, stream, minTileWidth: 3);
        byte[,] grey = PngDecoder.DecodeGrey(stream.ToArray());

        GreyBitmap expected = FilterGrid.RenderPixels(weights.W1.Span, 2, 2, 3, minTileWidth: 3);
        Assert.Equal(expected.Width, grey.GetLength(0));
        Assert.Equal(expected.Height, grey.GetLength(1));
        FilterGridLayout layout = FilterGridLayout.Create(2, 2, 3, 3);
        Assert.Equal(255, grey[layout.TileLeft(0) + 2, layout.TileTop(0) + 1]);
        Assert.Equal(0, grey[layout.TileLeft(1), layout.TileTop(1)]);
        Assert.Equal(128, grey[layout.TileLeft(1) + 1, layout.TileTop(1)]);
    }
}
