using SkiaSharp;

namespace SparseAe.Visualization.Tests;

/// <summary>What SparsityTradeoffChart draws, and every bad argument it refuses.</summary>
public class SparsityTradeoffChartTests
{
    private static List<TradeoffSeries> Typical() =>
    [
        new("TopK", [4, 8, 16, 32], [0.3, 0.2, 0.12, 0.07]),
        new("ReLU", [30, 5, 12], [0.1, 0.35, 0.2]),
        new("sigmoid + KL", [256], [0.15], TradeoffSeriesStyle.Markers),
        new("PCA", [1, 2, 4, 8, 16, 32, 64], [0.9, 0.8, 0.6, 0.45, 0.3, 0.15, 0.01], TradeoffSeriesStyle.Reference),
    ];

    [Theory]
    [InlineData(900, 550, false)]
    [InlineData(640, 480, true)]
    [InlineData(SparsityTradeoffChart.MinSide, SparsityTradeoffChart.MinSide, true)]
    public void Png_decodes_with_the_requested_size(int width, int height, bool logY)
    {
        SKColor[,] pixels = PngDecoder.Decode(SparsityTradeoffChart.RenderPng(Typical(), "t", "FVU", logY, width: width, height: height));
        Assert.Equal(width, pixels.GetLength(0));
        Assert.Equal(height, pixels.GetLength(1));
    }

    [Fact]
    public void Each_activation_gets_its_own_colour_in_the_plot_area()
    {
        // The legend starts near x = 755; the lone sigmoid marker (about 40 pixels) sits at x = 705.
        SKColor[,] pixels = PngDecoder.Decode(SparsityTradeoffChart.RenderPng(Typical(), "t", "FVU", logY: true));
        foreach (SKColor colour in new SKColor[] { new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c) })
        {
            int n = 0;
            for (int y = 0; y < 550; y++)
                for (int x = 0; x < 740; x++)
                    if (Math.Abs(pixels[x, y].Red - colour.Red) <= 12 && Math.Abs(pixels[x, y].Green - colour.Green) <= 12 && Math.Abs(pixels[x, y].Blue - colour.Blue) <= 12) n++;
            Assert.True(n > 25, $"only {n} pixels of {colour} left of the legend");
        }
    }

    [Fact]
    public void No_series_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([], "t", "FVU"));
        Assert.Equal("series", e.ParamName);
        Assert.Contains("series is empty", e.Message);
    }

    [Fact]
    public void A_series_without_points_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([new("JumpReLU", [], [])], "t", "FVU"));
        Assert.Contains("series[0] ('JumpReLU') has no points", e.Message);
    }

    [Fact]
    public void Unpaired_x_and_y_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([new("TopK", [4, 8], [0.3])], "t", "FVU"));
        Assert.Contains("series[0] ('TopK') has 2 x values and 1 y values; they must pair up.", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-4.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void An_x_that_a_log_axis_cannot_show_is_refused_naming_the_point(double x)
    {
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([new("TopK", [4, x], [0.3, 0.2])], "t", "FVU"));
        Assert.Contains($"series[0] ('TopK') point 1 has x = {x}; x (L0) is drawn on a log axis and must be finite and positive.", e.Message);
    }

    [Fact]
    public void A_y_of_zero_is_drawn_on_a_linear_axis_and_refused_on_a_log_one()
    {
        TradeoffSeries s = new("ReLU", [4, 8], [0.3, 0]);
        Assert.NotEmpty(SparsityTradeoffChart.RenderPng([s], "t", "FVU"));
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([s], "t", "FVU", logY: true));
        Assert.Contains("series[0] ('ReLU') point 1 has y = 0; a log y axis needs every y positive.", e.Message);
    }

    [Fact]
    public void A_NaN_y_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([new("ReLU", [4], [double.NaN])], "t", "FVU"));
        Assert.Contains("series[0] ('ReLU') point 0 has y = NaN; y must be finite.", e.Message);
    }

    [Theory]
    [InlineData(0.01, 4096)]
    [InlineData(1, 1 << 30)]
    [InlineData(1e-300, 1e300)]
    public void A_wide_x_range_gets_at_most_about_ten_tick_labels_including_1(double xMin, double xMax)
    {
        // 0.01..4096 labelled all 20 powers of two, and "0.015620.031250.0625" ran together under a 900-pixel chart.
        List<int> powers = SparsityTradeoffChart.TickPowers(xMin, xMax);
        Assert.InRange(powers.Count, 2, 11);
        Assert.Contains(0, powers);
        int step = powers[1] - powers[0];
        Assert.True(powers[0] - step < Math.Log2(xMin) && powers[^1] + step > Math.Log2(xMax), $"ticks {string.Join(", ", powers)} do not span the data");
    }

    [Fact]
    public void A_narrow_x_range_labels_every_power_of_two()
        => Assert.Equal([2, 3, 4, 5], SparsityTradeoffChart.TickPowers(4, 32));

    // The ticks run from the power of two below the smallest x: L0 from 3 to 24 is labelled from 2, not from 4, which
    // would leave the leftmost points beyond the last label.
    [Fact]
    public void The_ticks_start_at_the_power_of_two_below_the_smallest_x()
        => Assert.Equal([1, 2, 3, 4, 5], SparsityTradeoffChart.TickPowers(3, 24));

    // The x axis holds at least one labelled power of two: a lone model at L0 12.7, or L0s within one doubling (10..14),
    // had their ticks at 8 and 16 outside the axis's sixth of a doubling of room, and no x label. Where the room holds a
    // power of two (a TopK model at L0 = k, or a sweep) the limits are that room alone, as before.
    [Theory]
    [InlineData(12.7, 12.7, true)]
    [InlineData(10, 14, true)]
    [InlineData(16, 16, false)]
    [InlineData(1, 256, false)]
    [InlineData(15.5, 17, false)]
    public void The_x_axis_always_shows_a_labelled_power_of_two(double xMin, double xMax, bool widened)
    {
        var (left, right) = SparsityTradeoffChart.XLimits(xMin, xMax);
        Assert.Contains(SparsityTradeoffChart.TickPowers(xMin, xMax), p => p * Math.Log10(2) >= left && p * Math.Log10(2) <= right);
        double pad = 0.17 * Math.Log10(2);
        Assert.True(left <= Math.Log10(xMin) - pad + 1e-12 && right >= Math.Log10(xMax) + pad - 1e-12);
        Assert.Equal(widened, left < Math.Log10(xMin) - pad - 1e-12 || right > Math.Log10(xMax) + pad + 1e-12);
    }

    // A sweep given out of order (k = 64, 8, 32) is joined in order of L0: joined in the given order the line would run back on itself.
    [Fact]
    public void A_line_joins_its_points_in_order_of_x()
    {
        using ScottPlot.Plot plot = SparsityTradeoffChart.Build([new("TopK", [64, 8, 32], [0.1, 0.4, 0.2])], "t", "FVU", false, "L0");
        var scatter = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        var points = scatter.Data.GetScatterPoints();
        Assert.Equal([8.0, 32, 64], points.Select(p => Math.Round(Math.Pow(10, p.X))));
        Assert.Equal([0.4, 0.2, 0.1], points.Select(p => p.Y));
    }

    [Theory]
    [InlineData(1e308)]
    [InlineData(-8e307)]
    public void A_y_beyond_the_drawable_magnitude_is_refused(double y)
    {
        // 1e308 threw ScottPlot's "limits returned by the autoscaler must always be in a good state"; 8e307 drew 40-digit tick labels and no data.
        var e = Assert.Throws<ArgumentException>(() => SparsityTradeoffChart.RenderPng([new("ReLU", [4, 8], [1, y])], "t", "FVU"));
        Assert.Equal("series", e.ParamName);
        Assert.Contains($"series[0] ('ReLU') point 1 has y = {y:R}; y must lie within +-{TrainingCurve.MaxMagnitude:R}.", e.Message);
    }

    [Theory]
    [InlineData(SparsityTradeoffChart.MinSide - 1, 500, "width")]
    [InlineData(800, SparsityTradeoffChart.MaxSide + 1, "height")]
    public void A_size_out_of_range_is_refused(int width, int height, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SparsityTradeoffChart.RenderPng(Typical(), "t", "FVU", width: width, height: height));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        Assert.Equal("series", Assert.Throws<ArgumentNullException>(() => SparsityTradeoffChart.RenderPng(null!, "t", "FVU")).ParamName);
        Assert.Equal("title", Assert.Throws<ArgumentNullException>(() => SparsityTradeoffChart.RenderPng(Typical(), null!, "FVU")).ParamName);
        Assert.Equal("yLabel", Assert.Throws<ArgumentNullException>(() => SparsityTradeoffChart.RenderPng(Typical(), "t", null!)).ParamName);
        Assert.Contains("series[0] is null", Assert.Throws<ArgumentNullException>(() => SparsityTradeoffChart.RenderPng([null!], "t", "FVU")).Message);
    }
}
