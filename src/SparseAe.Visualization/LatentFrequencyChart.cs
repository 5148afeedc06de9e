using System.Globalization;
using ScottPlot;

namespace SparseAe.Visualization;

/// <summary>
/// The latent-frequency histogram of a sparse code, as SAELens and Anthropic (Bricken et al. 2023) draw it: how many
/// latents fire at each log10 firing rate (the share of rows on which a latent is active). Latents of rate 0 (that
/// fired on none of the rows the rates were measured on) have no place on a log axis; they are counted in a separate
/// bar at the left, labelled "rate 0: N". It does not call them dead: the rates may cover fewer rows than a rule of
/// death does (sparseae train's are the last epoch's; its dead= counts the latents silent over a window of rows, of
/// all the rows trained when there were fewer, so a latent silent in the last epoch that fired before is not dead).
/// A dashed line marks rate 0.1, above which a latent counts as dense.
/// </summary>
public static class LatentFrequencyChart
{
    /// <summary>The title used when none is given.</summary>
    public const string DefaultTitle = "Latent firing frequency";

    /// <summary>Smallest width or height accepted, in pixels (as <see cref="TrainingCurve.MinSide"/>).</summary>
    public const int MinSide = TrainingCurve.MinSide;

    /// <summary>Largest width or height accepted, in pixels (as <see cref="TrainingCurve.MaxSide"/>).</summary>
    public const int MaxSide = TrainingCurve.MaxSide;

    /// <summary>A latent firing on more than this share of the rows is dense (SparseCodeMetrics.DenseFraction's rule).</summary>
    public const double DenseRate = 0.1;

    // Blue for the firing latents, red for those of rate 0: their bar must not read as one more histogram bin.
    internal const float LegendRowHeight = 16;

    internal static readonly Color ActiveColor = Color.FromHex("#1f77b4");
    internal static readonly Color DeadColor = Color.FromHex("#d62728");

    /// <summary>Renders the histogram of <paramref name="firingRate"/> (one share in [0, 1] per latent) as a PNG.</summary>
    /// <param name="firingRate">Each latent's share of rows on which it is active: not null, there must be at least one latent to draw,
    /// and each rate must lie in [0, 1].</param>
    /// <param name="width">Picture width in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <param name="height">Picture height in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <param name="title">The chart's title: not null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="firingRate"/> or <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no latents, or a rate is NaN, infinite or outside [0, 1] (the message names the latent and the value).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height lies outside <see cref="MinSide"/>..<see cref="MaxSide"/>.</exception>
    public static byte[] RenderPng(IReadOnlyList<double> firingRate, int width = 800, int height = 500, string title = DefaultTitle)
    {
        LatentHistogram histogram = LatentHistogram.Of(firingRate);
        ArgumentNullException.ThrowIfNull(title);
        ChartSize.Check(width, height);
        using var plot = Build(histogram, title);
        return ChartSize.RenderPng(plot, width, height);
    }

    /// <summary>The chart of <see cref="RenderPng"/>, of a histogram made by <see cref="LatentHistogram.Of"/>, not yet rendered.</summary>
    internal static Plot Build(LatentHistogram histogram, string title)
        => EmbeddedFont.NewPlot(plot => Draw(plot, histogram, title));

    private static void Draw(Plot plot, LatentHistogram histogram, string title)
    {
        double w = histogram.BinWidth;

        var bars = new List<Bar>();
        for (int b = 0; b < histogram.Counts.Length; b++)
        {
            if (histogram.Counts[b] == 0)
                continue;
            // Bar i covers [Low + i w, Low + (i+1) w): its centre is half a bin in.
            bars.Add(new Bar { Position = histogram.Low + (b + 0.5) * w, Value = histogram.Counts[b], Size = w, FillColor = ActiveColor, LineWidth = 0 });
        }
        double deadPosition = histogram.DeadPosition;
        if (histogram.Dead > 0)
            bars.Add(new Bar { Position = deadPosition, Value = histogram.Dead, Size = histogram.DeadBarWidth, FillColor = DeadColor, LineWidth = 0 });
        if (bars.Count > 0)
            plot.Add.Bars(bars);

        var dense = plot.Add.VerticalLine(Math.Log10(DenseRate), 1.5f, Colors.Black.WithAlpha(0.6));
        dense.LinePattern = LinePattern.Dashed;

        // The count of the latents of rate 0 as text above its bar, so that "rate 0: 0" is said too, not left to an empty slot.
        // It starts at the bar's left edge (inside the axis, so never clipped) on white, legible over any bin it reaches.
        int top = Math.Max(histogram.Dead, histogram.Counts.DefaultIfEmpty(0).Max());
        var deadLabel = plot.Add.Text($"rate 0: {histogram.Dead}", deadPosition - histogram.DeadBarWidth / 2, histogram.Dead + 0.02 * Math.Max(1, top));
        deadLabel.LabelAlignment = Alignment.LowerLeft;
        deadLabel.LabelFontColor = DeadColor;
        deadLabel.LabelBackgroundColor = Colors.White;
        deadLabel.LabelFontSize = 14;
        // Text plottables and manual legend items keep their own font name, which Plot.Font.Set does not reach.
        deadLabel.LabelFontName = EmbeddedFont.FamilyName;

        AddLegendItem(plot, new LegendItem { LabelText = $"firing: {histogram.Active}", FillColor = ActiveColor });
        AddLegendItem(plot, new LegendItem { LabelText = $"rate 0: {histogram.Dead}", FillColor = DeadColor });
        AddLegendItem(plot, new LegendItem { LabelText = $"dense (rate > {DenseRate.ToString(CultureInfo.InvariantCulture)}): {histogram.Dense}",
            LineColor = Colors.Black.WithAlpha(0.6), LineWidth = 1.5f, LinePattern = LinePattern.Dashed });

        SetTicks(plot, histogram);
        // Counts are whole numbers; fractional ticks would suggest otherwise.
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(deadPosition - histogram.DeadBarWidth, histogram.High + 0.05 * (histogram.High - deadPosition));
        plot.Axes.SetLimitsY(0, 1.15 * Math.Max(1, top));
        plot.Title(title);
        plot.XLabel("share of rows on which a latent fires (log scale)");
        plot.YLabel("latents");
        plot.ShowLegend(Edge.Right);
        // Rows as tall as a line of the legend's text: ScottPlot 5.1.59 makes a row as tall as its symbol (10 px) or the
        // labels' measured box, which the glyphs overreach, and it clips the first row, so "firing" read "tiring" (the f's
        // top cut off; ScottPlot issue 4699).
        plot.Legend.SymbolHeight = LegendRowHeight;
        plot.Font.Set(EmbeddedFont.FamilyName);
    }

    private static void AddLegendItem(Plot plot, LegendItem item)
    {
        item.LabelFontName = EmbeddedFont.FamilyName;
        plot.Legend.ManualItems.Add(item);
    }

    // Ticks at the powers of ten labelled with their rates ("0.001"), and the dead bar's slot labelled as such.
    private static void SetTicks(Plot plot, LatentHistogram histogram)
    {
        var positions = new List<double> { histogram.DeadPosition };
        var labels = new List<string> { "never" };
        int first = (int)Math.Ceiling(histogram.Low - 1e-9), last = (int)Math.Floor(histogram.High + 1e-9);
        int step = LogTicks.LabelStep(first, last);
        for (int d = last; d >= first; d -= step)
        {
            positions.Add(d);
            labels.Add(LogTicks.Format(d));
        }
        plot.Axes.Bottom.SetTicks(positions.ToArray(), labels.ToArray());
    }
}
