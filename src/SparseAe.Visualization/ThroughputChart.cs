using ScottPlot;

namespace SparseAe.Visualization;

/// <summary>
/// A line chart of measured rates over a few named settings (batch sizes, hidden sizes), one line per
/// series, for docs/performance.md. Settings are evenly spaced and labelled, whatever their values.
/// </summary>
public static class ThroughputChart
{
    /// <summary>Renders the chart as a PNG.</summary>
    /// <param name="title">The chart's title: not null.</param>
    /// <param name="xLabel">What the settings are ("batch size"): not null.</param>
    /// <param name="settings">The labels of the settings, left to right: not null, none null, and settings must name at least one setting.</param>
    /// <param name="yLabel">What is measured ("samples/s"): not null.</param>
    /// <param name="series">Each line's name and values: not null, no name or values null, and series must hold at least one line; a series
    /// must hold one value per setting, and a rate must be NaN (not measured) or lie in 0..1E+300 (<see cref="TrainingCurve.MaxMagnitude"/>).</param>
    /// <param name="width">Picture width in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <param name="height">Picture height in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <exception cref="ArgumentNullException">title, xLabel, yLabel, settings or series is null, or settings or series holds a null setting, series name or values.</exception>
    /// <exception cref="ArgumentException">No settings, no series, a series of the wrong length, or a value that is negative, infinite or too large (named with its setting).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height lies outside TrainingCurve.MinSide..MaxSide.</exception>
    public static byte[] RenderPng(string title, string xLabel, IReadOnlyList<string> settings, string yLabel,
        IReadOnlyList<(string Name, double[] Values)> series, int width = 800, int height = 450)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(series);
        if (settings.Count == 0) throw new ArgumentException("settings must name at least one setting.", nameof(settings));
        if (series.Count == 0) throw new ArgumentException("series must hold at least one line.", nameof(series));
        // A null setting left its tick bare; a null series name made ScottPlot draw nothing at all, an all-white picture.
        for (int i = 0; i < settings.Count; i++)
            if (settings[i] is null) throw new ArgumentNullException(nameof(settings), $"settings[{i}] is null.");
        for (int i = 0; i < series.Count; i++)
            if (series[i].Name is null) throw new ArgumentNullException(nameof(series), $"series[{i}] has a null name.");
        foreach (var (name, values) in series)
        {
            if (values is null)
                throw new ArgumentNullException(nameof(series), $"Series '{name}' has null values.");
            if (values.Length != settings.Count)
                throw new ArgumentException($"Series '{name}' has {values.Length} values for {settings.Count} settings; a series must hold one value per setting.", nameof(series));
            // The y axis runs from 0 to the largest rate: a negative one falls below it, an infinite one would vanish
            // from the chart unnoticed, and near double's range the axis arithmetic overflows (TrainingCurve.MaxMagnitude).
            for (int i = 0; i < values.Length; i++)
                if (!double.IsNaN(values[i]) && !(values[i] >= 0 && values[i] <= TrainingCurve.MaxMagnitude))
                    throw new ArgumentException(
                        $"Series '{name}' has {values[i]} at setting '{settings[i]}'; a rate must be NaN (not measured) or lie in 0..{TrainingCurve.MaxMagnitude:R}.",
                        nameof(series));
        }
        ChartSize.Check(width, height);
        using var plot = Build(title, xLabel, settings, yLabel, series);
        return ChartSize.RenderPng(plot, width, height);
    }

    /// <summary>The chart of <see cref="RenderPng"/>, of checked arguments, not yet rendered.</summary>
    internal static Plot Build(string title, string xLabel, IReadOnlyList<string> settings, string yLabel, IReadOnlyList<(string Name, double[] Values)> series)
    {
        return EmbeddedFont.NewPlot(p => Draw(p, title, xLabel, settings, yLabel, series));
    }

    private static void Draw(Plot plot, string title, string xLabel, IReadOnlyList<string> settings, string yLabel, IReadOnlyList<(string Name, double[] Values)> series)
    {
        double[] xs = Enumerable.Range(0, settings.Count).Select(i => (double)i).ToArray();
        foreach (var (name, values) in series)
        {
            var scatter = plot.Add.Scatter(xs, values);
            scatter.LegendText = name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 7;
        }
        plot.Axes.Bottom.SetTicks(xs, settings.ToArray());
        plot.Axes.SetLimitsX(-0.3, settings.Count - 0.7);
        LinearTicks.Apply(plot);
        // Up to the largest rate; rates all 0 or not measured get 0..1.15 (a 0..0 axis was widened by ScottPlot to -1.15..1.15).
        plot.Axes.SetLimitsY(0, series.SelectMany(s => s.Values).Where(v => v > 0).DefaultIfEmpty(1).Max() * 1.15);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        plot.Font.Set(EmbeddedFont.FamilyName);
    }
}
