using SkiaSharp;
using SparseAe.Objective;

namespace SparseAe.Visualization.Tests;

/// <summary>What TrainingCurve draws.</summary>
public class TrainingCurveRenderTests
{
    [Theory]
    [InlineData(800, 500)]
    [InlineData(640, 480)]
    [InlineData(1200, 300)]
    [InlineData(TrainingCurve.MinSide, TrainingCurve.MinSide)]
    public void Png_decodes_with_the_requested_size(int width, int height)
    {
        SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(CurveHistories.Typical(), width, height));
        Assert.Equal(width, pixels.GetLength(0));
        Assert.Equal(height, pixels.GetLength(1));
    }

    [Theory]
    [InlineData(CurveYScale.Auto)]
    [InlineData(CurveYScale.Linear)]
    [InlineData(CurveYScale.Log)]
    public void The_curves_are_drawn_in_colour_on_a_white_background(CurveYScale scale)
    {
        SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(CurveHistories.Typical(), yScale: scale));
        Assert.Equal(SKColors.White, pixels[0, 0]);
        Assert.Equal(SKColors.White, pixels[799, 499]);

        // Text, axes and grid are black or grey; only the series are saturated colours.
        // Each of the four series colours must be present, in the plot area left of the legend (x < 600).
        SKColor[] seriesColours = [new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28)];
        foreach (SKColor colour in seriesColours)
        {
            int count = 0;
            for (int y = 0; y < 500; y++)
                for (int x = 0; x < 600; x++)
                    if (Near(pixels[x, y], colour)) count++;
            Assert.True(count > 100, $"only {count} pixels of series colour {colour} in the plot area");
        }
    }

    [Fact]
    public void The_title_is_drawn_as_text()
    {
        // Dark pixels in the top band, with and without a title: the title adds many, so text renders.
        int DarkInTitleBand(string title)
        {
            SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(CurveHistories.Typical(), 800, 500, title));
            int dark = 0;
            for (int y = 0; y < 30; y++)
                for (int x = 0; x < 800; x++)
                    if (pixels[x, y].Red < 128 && pixels[x, y].Green < 128 && pixels[x, y].Blue < 128) dark++;
            return dark;
        }

        int withTitle = DarkInTitleBand("A title long enough to draw plenty of dark pixels");
        int without = DarkInTitleBand("");
        Assert.True(withTitle > without + 200, $"title band: {withTitle} dark pixels with a title, {without} without");
    }

    [Fact]
    public void Rendering_does_not_depend_on_anything_but_the_arguments()
    {
        // The font is embedded, so the same arguments give the same bytes whatever fonts the machine has.
        byte[] first = TrainingCurve.RenderPng(CurveHistories.Typical(50), 500, 300, "same");
        byte[] second = TrainingCurve.RenderPng(CurveHistories.Typical(50), 500, 300, "same");
        Assert.Equal(first, second);
    }

    // Under de-DE one axis read "500.000.000" beside "1.5E+09" (ScottPlot's labels and ours in the current culture below
    // 1e9, ours in the invariant one above), and the same arguments drew another picture on a German machine.
    [Fact]
    public void The_picture_is_the_same_in_every_culture()
    {
        // A linear axis of decimals ("0.05") and an iteration axis past 1,000: both written differently under de-DE.
        var history = CurveHistories.Typical(5000).Select(c => new CostBreakdown(c.Total / 100, c.Reconstruction / 100, c.WeightDecay / 100, c.Sparsity / 100)).ToList();
        byte[] Render(string culture)
        {
            var saved = System.Globalization.CultureInfo.CurrentCulture;
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo(culture);
            try { return TrainingCurve.RenderPng(history, 800, 500, "same", CurveYScale.Linear); }
            finally { System.Globalization.CultureInfo.CurrentCulture = saved; }
        }
        byte[] invariant = Render("");
        Assert.Equal(invariant, Render("de-DE"));
        Assert.Equal(invariant, Render("fr-FR"));
        Assert.Equal("de-DE", System.Globalization.CultureInfo.GetCultureInfo("de-DE").Name);
    }

    [Fact]
    public void A_history_per_epoch_is_drawn_on_an_axis_of_its_own()
    {
        // Adam's history starts at epoch 1, not at a starting point 0: the same values make another picture.
        var history = CurveHistories.Typical(5);
        Assert.NotEqual(TrainingCurve.RenderPng(history), TrainingCurve.RenderPng(history, perEpoch: true));
        Assert.Equal([1.0, 2, 3, 4, 5], TrainingCurve.Positions(5, perEpoch: true));
        Assert.Equal([0.0, 1, 2, 3, 4], TrainingCurve.Positions(5, perEpoch: false));
    }

    [Fact]
    public void A_single_iteration_is_drawn()
    {
        var one = new List<CostBreakdown> { new(10.5, 10, 0.25, 0.25) };
        SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(one, 400, 300));
        int coloured = 0;
        foreach (SKColor c in pixels)
            if (Near(c, new SKColor(0x1f, 0x77, 0xb4))) coloured++;
        Assert.True(coloured > 5, $"the starting point's marker is missing ({coloured} pixels of J's colour)");
    }

    [Fact]
    public void A_term_that_is_always_zero_still_renders_on_a_log_axis()
    {
        SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(CurveHistories.Typical(zeroDecay: true), yScale: CurveYScale.Log));
        Assert.Equal(800, pixels.GetLength(0));
    }

    [Theory]
    [InlineData(1e30)]
    [InlineData(1e200)]
    public void Costs_of_any_drawable_magnitude_leave_room_for_the_curves_on_a_linear_axis(double scale)
    {
        // ScottPlot's default labels write every digit ("3,199,999,999,999,999,725,860,827,430,912" for 3.2E+30): they pushed
        // the curves right, and at 1e200 left no plot area at all. The unscaled history's J starts near x = 70.
        List<CostBreakdown> history = CurveHistories.Typical(20)
            .Select(c => new CostBreakdown(c.Total * scale, c.Reconstruction * scale, c.WeightDecay * scale, c.Sparsity * scale)).ToList();
        SKColor[,] pixels = PngDecoder.Decode(TrainingCurve.RenderPng(history, yScale: CurveYScale.Linear));
        int left = int.MaxValue;
        for (int y = 0; y < 500; y++)
            for (int x = 0; x < 600; x++)
                if (Near(pixels[x, y], new SKColor(0x1f, 0x77, 0xb4))) left = Math.Min(left, x);
        Assert.True(left < 150, $"J's curve starts at x = {left} (int.MaxValue: not drawn)");
    }

    [Theory]
    [InlineData(5.0, "5")]
    [InlineData(1500.0, "1,500")]
    [InlineData(3.2000000000000004e30, "3.2E+30")]
    [InlineData(-2.4e200, "-2.4E+200")]
    [InlineData(1e9, "1E+09")]
    public void Linear_tick_labels_are_short_at_any_magnitude(double value, string label)
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        try { Assert.Equal(label, LinearTicks.Format(value, span: Math.Abs(value))); }   // a tick at the far end of its axis
        finally { System.Globalization.CultureInfo.CurrentCulture = culture; }
    }

    // ScottPlot's labels round to whole numbers from 1,000 and to 10 decimals below: a plateau of J from 12345.6 to
    // 12345.2 was labelled "12,345" at every tick, and costs near 3e-11 (drawn linear: within two decades) "0" at every tick.
    [Theory]
    [InlineData(12345.2, 12345.6)]
    [InlineData(1.5e-11, 3e-11)]
    [InlineData(1.00001, 1.00002)]
    [InlineData(-0.5, 2.5)]
    [InlineData(2e10, 2.00001e10)]
    public void Linear_tick_labels_tell_the_ticks_apart_over_any_span(double low, double high)
    {
        using var plot = new ScottPlot.Plot();
        plot.Add.Scatter(new double[] { 0, 1, 2 }, new[] { high, (low + high) / 2, low });
        LinearTicks.Apply(plot);
        plot.GetImageBytes(800, 500, ScottPlot.ImageFormat.Png);
        var ticks = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();
        Assert.True(ticks.Length >= 3, $"{ticks.Length} ticks");
        string[] labels = [.. ticks.Select(t => t.Label)];
        Assert.True(labels.Distinct().Count() == labels.Length, string.Join(" | ", labels));
        // Each label reads as its tick's value, to within a tenth of the spacing of the ticks, in the invariant culture the
        // charts write every label in.
        double spacing = ticks[1].Position - ticks[0].Position;
        foreach (var t in ticks)
            Assert.True(Math.Abs(double.Parse(t.Label, System.Globalization.NumberStyles.Float | System.Globalization.NumberStyles.AllowThousands,
                System.Globalization.CultureInfo.InvariantCulture) - t.Position) <= spacing / 10, $"{t.Label} at {t.Position:R}");
    }

    // Values all equal (one point of a SparsityTradeoffChart, a history whose terms never change): ScottPlot widened the
    // axis by 1 each side, so an FVU of 0.0123 sat at the "0" tick of a -1..1 axis, and 3e30 at three ticks all "3E+30".
    [Theory]
    [InlineData(0.0123)]
    [InlineData(1e-5)]
    [InlineData(-7e-4)]
    [InlineData(5.0)]
    [InlineData(3e30)]
    public void Values_all_equal_get_an_axis_of_their_own_magnitude(double value)
    {
        using var plot = new ScottPlot.Plot();
        plot.Add.Scatter(new double[] { 0, 1, 2 }, new[] { value, value, value });
        LinearTicks.Apply(plot);
        plot.GetImageBytes(800, 500, ScottPlot.ImageFormat.Png);
        var limits = plot.Axes.GetLimits();
        Assert.InRange(value, limits.Bottom, limits.Top);
        Assert.True(limits.Top - limits.Bottom <= 4 * Math.Abs(value), $"axis {limits.Bottom:R}..{limits.Top:R} for {value:R}");
        string[] labels = [.. plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label)];
        Assert.True(labels.Length >= 3 && labels.Distinct().Count() == labels.Length, string.Join(" | ", labels));
    }

    // Every value 0 (a throughput chart of rates all 0, a cost term that is 0 throughout): ScottPlot's -1..1 axis showed
    // negative rates and costs, which none of these charts can have.
    [Fact]
    public void Values_all_zero_get_an_axis_from_zero_up()
    {
        using var plot = new ScottPlot.Plot();
        plot.Add.Scatter(new double[] { 0, 1, 2 }, new double[] { 0, 0, 0 });
        LinearTicks.Apply(plot);
        plot.GetImageBytes(800, 500, ScottPlot.ImageFormat.Png);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Bottom == 0 && limits.Top == 1, $"axis {limits.Bottom:R}..{limits.Top:R}");
    }

    [Fact]
    public void A_single_point_of_a_tradeoff_chart_is_drawn_on_an_axis_that_reads_its_value()
    {
        using var plot = SparsityTradeoffChart.Build([new TradeoffSeries("TopK", [32], [0.0123])], "t", "FVU", logY: false, "L0");
        plot.GetImageBytes(900, 550, ScottPlot.ImageFormat.Png);
        var limits = plot.Axes.GetLimits();
        Assert.True(limits.Bottom >= 0 && limits.Top <= 0.05, $"axis {limits.Bottom:R}..{limits.Top:R}");
    }

    [Theory]
    [InlineData(false, "0")]
    [InlineData(true, "1")]
    public void A_history_of_one_point_shows_only_its_own_iteration_or_epoch(bool perEpoch, string label)
    {
        // ScottPlot widened a single x by 1 each side: `train --epochs 1` showed epochs 0 and 2, which never ran.
        var series = TrainingCurve.ToSeries([new CostBreakdown(2, 1.5, 0.25, 0.25)]);
        using var plot = TrainingCurve.Build(series, "J", CurveYScale.Auto, perEpoch);
        plot.GetImageBytes(800, 500, ScottPlot.ImageFormat.Png);
        Assert.Equal([label], plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label));
    }

    // A tick at 0 that the tick arithmetic computes as 1e-17 reads "0", not "1E-17", on an axis of span 2.
    [Theory]
    [InlineData(1e-17)]
    [InlineData(-1e-17)]
    public void A_tick_within_half_the_last_place_of_0_reads_0(double value)
        => Assert.Equal("0", LinearTicks.Format(value, span: 2));

    // Around the edges of those rules: 1,000 takes the separator from 1,000 on; on an axis of span 1 (last place 1e-4) 7e-5 is
    // over half a last place and shows, 3e-5 under it reads 0; float noise in 0.1 + 0.2 rounds away at a tiny span.
    [Theory]
    [InlineData(1000.0, 500.0, "1,000")]
    [InlineData(999.0, 500.0, "999")]
    [InlineData(7e-5, 1.0, "7E-05")]
    [InlineData(3e-5, 1.0, "0")]
    [InlineData(0.30000000000000004, 1e-14, "0.3")]
    public void Linear_tick_labels_at_the_edges_of_their_rules(double value, double span, string label)
        => Assert.Equal(label, LinearTicks.Format(value, span));

    [Fact]
    public void Log_labels_step_one_decade_up_to_ten_decades()
    {
        Assert.Equal(1, LogTicks.LabelStep(0, 10));
        Assert.Equal(2, LogTicks.LabelStep(0, 11));
        Assert.Equal(1, LogTicks.LabelStep(3, 3));
    }

    // A history of one point has nothing to join: each drawn term is a marker, without which a lone point would not show.
    [Fact]
    public void A_history_of_one_point_is_drawn_as_markers()
    {
        var series = TrainingCurve.ToSeries([new CostBreakdown(2, 1.5, 0.25, 0.25)]);
        using var plot = TrainingCurve.Build(series, "J", CurveYScale.Auto, perEpoch: false);
        var scatters = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray();
        Assert.Equal(4, scatters.Length);
        Assert.All(scatters, s => Assert.True(s.MarkerSize > 0, $"'{s.LegendText}' has no marker"));
    }

    private static bool Near(SKColor a, SKColor b)
        => Math.Abs(a.Red - b.Red) <= 12 && Math.Abs(a.Green - b.Green) <= 12 && Math.Abs(a.Blue - b.Blue) <= 12;
}
