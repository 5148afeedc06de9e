using ScottPlot;
using SkiaSharp;

namespace SparseAe.Visualization.Tests;

/// <summary>
/// How the charts fit their frame (title, axis labels, ticks, legend) and their data into a picture of any allowed size:
/// the frame took a fixed number of pixels (a training curve's about 250 across and 90 down), so at 100 x 100 it took
/// the whole picture and no data showed, and at 300 x 300 the curves had a strip 50 pixels wide.
/// </summary>
public class ChartSizeTests
{
    [Theory]
    [InlineData(TrainingCurve.MinSide, TrainingCurve.MinSide)]
    [InlineData(250, 250)]
    [InlineData(400, 400)]
    [InlineData(TrainingCurve.MaxSide, TrainingCurve.MinSide)]
    [InlineData(TrainingCurve.MinSide, 1000)]
    public void The_data_area_keeps_at_least_half_of_each_side(int width, int height)
    {
        using Plot plot = TrainingCurve.Build(TrainingCurve.ToSeries(CurveHistories.Typical()), TrainingCurve.DefaultTitle, CurveYScale.Auto, perEpoch: false);
        ChartSize.RenderPng(plot, width, height);
        // ScottPlot's DataRect is in layout units, which ScaleFactor shrinks into pixels.
        PixelRect data = plot.RenderManager.LastRender.DataRect;
        Assert.True(data.Width * plot.ScaleFactor >= ChartSize.DataShare * width - 1, $"{width} x {height}: the data area is {data.Width * plot.ScaleFactor:F1} pixels wide");
        Assert.True(data.Height * plot.ScaleFactor >= ChartSize.DataShare * height - 1, $"{width} x {height}: the data area is {data.Height * plot.ScaleFactor:F1} pixels high");
    }

    [Fact]
    public void A_picture_with_room_for_its_frame_is_drawn_at_full_scale()
    {
        using Plot plot = TrainingCurve.Build(TrainingCurve.ToSeries(CurveHistories.Typical()), TrainingCurve.DefaultTitle, CurveYScale.Auto, perEpoch: false);
        ChartSize.RenderPng(plot, 800, 500);
        Assert.Equal(1, plot.ScaleFactor);
    }

    [Fact]
    public void The_curves_show_in_the_smallest_picture()
    {
        SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(CurveHistories.Typical(), TrainingCurve.MinSide, TrainingCurve.MinSide));
        Assert.True(Coloured(pixels) >= 10, $"{Coloured(pixels)} pixels of a series colour in the {TrainingCurve.MinSide}-pixel picture");
    }

    // 68-character class names at 400 pixels: the names' two axes took the picture, and the matrix was a sliver.
    [Fact]
    public void Long_class_names_leave_the_confusion_matrix_half_of_each_side()
    {
        string[] names = [.. Enumerable.Range(0, 4).Select(i => $"class {i} with a rather long descriptive name, longer than most names".PadRight(68, '.'))];
        Assert.Equal(68, names[0].Length);
        var counts = new int[4, 4];
        for (int i = 0; i < 4; i++) counts[i, i] = 1;
        SKColor[,] pixels = PngDecoder.Decode(ConfusionMatrixChart.RenderPng(counts, names, "t", 400));
        // The diagonal's squares are dark blue (8, 48, 107): four of (400 / 2 / 4)^2 pixels at least.
        int blue = 0;
        for (int y = 0; y < 400; y++)
            for (int x = 0; x < 400; x++)
                if (pixels[x, y].Blue > 90 && pixels[x, y].Red < 30) blue++;
        Assert.True(blue >= 4 * 50 * 50 * 0.95, $"{blue} dark blue pixels");
    }

    // A legend wider than 16 times the picture (a series named in 300 characters at 100 pixels, 600 at 300) filled the
    // probe's layout too, whose data area was then 0 wide: the frame was measured as the probe's whole width, the scale
    // came out 1/32, and the data had no pixels at 100 x 100 and a quarter of the width at 300 x 300.
    [Theory]
    [InlineData(100, 300)]
    [InlineData(300, 600)]
    public void A_legend_wider_than_the_probe_still_leaves_the_data_half_of_each_side(int size, int nameLength)
    {
        EmbeddedFont.EnsureRegistered();
        using var plot = new Plot();
        plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 1, 2 }).LegendText = new string('W', nameLength);
        plot.ShowLegend(Edge.Right);
        plot.Font.Set(EmbeddedFont.FamilyName);
        ChartSize.RenderPng(plot, size, size);
        PixelRect data = plot.RenderManager.LastRender.DataRect;
        Assert.True(data.Width * plot.ScaleFactor >= ChartSize.DataShare * size - 1, $"{size} x {size}: the data area is {data.Width * plot.ScaleFactor:F1} pixels wide");
        Assert.True(data.Height * plot.ScaleFactor >= ChartSize.DataShare * size - 1, $"{size} x {size}: the data area is {data.Height * plot.ScaleFactor:F1} pixels high");
    }

    // Pixels of a saturated colour: the series' colours, not the frame's black, greys and white.
    private static int Coloured(SKColor[,] pixels)
    {
        int count = 0;
        foreach (SKColor c in pixels)
            if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 40) count++;
        return count;
    }
}
