namespace SparseAe.Visualization.Tests;

/// <summary>What ThroughputChart draws, and every bad argument it refuses.</summary>
public class ThroughputChartTests
{
    private static readonly string[] Settings = ["32", "64", "128"];

    private static byte[] Render(params (string Name, double[] Values)[] series)
        => ThroughputChart.RenderPng("t", "batch size", Settings, "samples/s", series);

    [Theory]
    [InlineData(0, 450, "width")]
    [InlineData(800, -5, "height")]
    [InlineData(100000, 450, "width")]
    public void A_size_out_of_range_is_refused(int width, int height, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => ThroughputChart.RenderPng("t", "batch size", Settings, "samples/s", [("CPU", [1.0, 2.0, 3.0])], width, height));
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"{name} must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels", e.Message);
    }

    [Fact]
    public void A_series_without_values_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentNullException>(() => Render(("CPU", null!)));
        Assert.Equal("series", e.ParamName);
        Assert.Contains("Series 'CPU' has null values.", e.Message);
    }

    // A null title or axis label reached ScottPlot unchecked, where the other charts refuse theirs by name.
    [Theory]
    [InlineData("title")]
    [InlineData("xLabel")]
    [InlineData("yLabel")]
    public void A_null_title_or_axis_label_is_refused_by_name(string name)
    {
        var e = Assert.Throws<ArgumentNullException>(() => ThroughputChart.RenderPng(
            name == "title" ? null! : "t", name == "xLabel" ? null! : "batch size", Settings, name == "yLabel" ? null! : "samples/s", [("CPU", [1.0, 2.0, 3.0])]));
        Assert.Equal(name, e.ParamName);
    }

    // A series without a name rendered as an all-white picture, without a word; a setting without one as a bare tick.
    [Fact]
    public void A_series_or_setting_without_a_name_is_refused_by_index()
    {
        var e = Assert.Throws<ArgumentNullException>(() => Render(("CPU", [1.0, 2.0, 3.0]), (null!, [1.0, 2.0, 3.0])));
        Assert.Equal("series", e.ParamName);
        Assert.Contains("series[1] has a null name.", e.Message);
        e = Assert.Throws<ArgumentNullException>(
            () => ThroughputChart.RenderPng("t", "batch size", ["32", null!], "samples/s", [("CPU", [1.0, 2.0])]));
        Assert.Equal("settings", e.ParamName);
        Assert.Contains("settings[1] is null.", e.Message);
    }

    [Theory]
    [InlineData(-5.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e308)]
    public void A_rate_that_cannot_be_drawn_is_refused_naming_the_setting(double v)
    {
        var e = Assert.Throws<ArgumentException>(() => Render(("CPU", [1.0, v, 3.0])));
        Assert.Equal("series", e.ParamName);
        Assert.Contains($"Series 'CPU' has {v} at setting '64'; a rate must be NaN (not measured) or lie in 0..{TrainingCurve.MaxMagnitude:R}.", e.Message);
    }

    // A marker of the series' colour at 0 (setting '64') and at 3 ('128'), and none of it anywhere in the column of the
    // setting not measured ('32'): a non-empty PNG said nothing of either.
    [Fact]
    public void NaN_is_not_measured_and_zero_is_drawn()
    {
        using var plot = ThroughputChart.Build("t", "batch size", Settings, "samples/s", [("CPU", [double.NaN, 0.0, 3.0])]);
        var pixels = PngDecoder.Decode(plot.GetImageBytes(800, 450, ScottPlot.ImageFormat.Png));
        var color = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()).MarkerStyle.FillColor;
        bool Series(int x, int y) => x >= 0 && y >= 0 && x < pixels.GetLength(0) && y < pixels.GetLength(1)
            && Math.Abs(pixels[x, y].Red - color.R) <= 8 && Math.Abs(pixels[x, y].Green - color.G) <= 8 && Math.Abs(pixels[x, y].Blue - color.B) <= 8;
        bool MarkerAt(double setting, double rate)
        {
            var at = plot.GetPixel(new ScottPlot.Coordinates(setting, rate));
            for (int dy = -3; dy <= 3; dy++)
                for (int dx = -3; dx <= 3; dx++)
                    if (Series((int)at.X + dx, (int)at.Y + dy)) return true;
            return false;
        }
        Assert.True(MarkerAt(1, 0), "no marker at 0 for setting '64'");
        Assert.True(MarkerAt(2, 3), "no marker at 3 for setting '128'");
        var (top, bottom) = (plot.GetPixel(new ScottPlot.Coordinates(0, plot.Axes.GetLimits().Top)), plot.GetPixel(new ScottPlot.Coordinates(0, 0)));
        for (int y = (int)top.Y; y <= (int)bottom.Y; y++)
            for (int dx = -4; dx <= 4; dx++)
                Assert.False(Series((int)top.X + dx, y), $"the series' colour at ({(int)top.X + dx}, {y}), in the column of setting '32', which was not measured");
    }

    // Rates all 0 (or 0 and not measured): the axis ran from 0 to 0, which ScottPlot widened to -1.15..1.15, so the chart
    // showed negative rates. LinearTicks.Apply's 0..1 for values all 0 was overridden by the chart's own 0..max limits.
    [Theory]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(double.NaN, 0.0, double.NaN)]
    public void Rates_all_zero_get_an_axis_from_zero_up(double a, double b, double c)
    {
        using var plot = ThroughputChart.Build("t", "batch size", Settings, "samples/s", [("CPU", [a, b, c])]);
        plot.GetImageBytes(800, 450, ScottPlot.ImageFormat.Png);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Bottom == 0 && limits.Top > 0, $"axis {limits.Bottom:R}..{limits.Top:R}");
    }

    // Every setting stands inside the x axis, with as much room on the right of the last as on the left of the first,
    // so that neither end's marker nor its label is cut.
    [Fact]
    public void Every_setting_lies_inside_the_x_axis_with_equal_room_at_both_ends()
    {
        using var plot = ThroughputChart.Build("t", "batch size", Settings, "samples/s", [("CPU", [1.0, 2.0, 3.0])]);
        plot.GetImageBytes(800, 450, ScottPlot.ImageFormat.Png);
        var limits = plot.Axes.GetLimits();
        double first = 0, last = Settings.Length - 1;
        Assert.True(limits.Left < first && limits.Right > last, $"x axis {limits.Left:R}..{limits.Right:R} for settings at {first}..{last}");
        Assert.Equal(first - limits.Left, limits.Right - last, 9);
    }

    [Fact]
    public void Rates_of_any_drawable_magnitude_are_drawn()
    {
        // ScottPlot's default labels of 1e200 ("1,000,000,...") were wider than the picture: no plot area was left.
        var pixels = PngDecoder.Decode(Render(("CPU", [1e200, 2e200, 3e200])));
        int blue = 0;
        foreach (var c in pixels)
            if (Math.Abs(c.Red - 0x1f) <= 12 && Math.Abs(c.Green - 0x77) <= 12 && Math.Abs(c.Blue - 0xb4) <= 12) blue++;
        Assert.True(blue > 100, $"only {blue} pixels of the line's colour");
    }
}
