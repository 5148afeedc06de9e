using System.Globalization;
using ScottPlot;

namespace SparseAe.Visualization;

/// <summary>How a series of a <see cref="SparsityTradeoffChart"/> is drawn.</summary>
public enum TradeoffSeriesStyle
{
    /// <summary>Markers joined by a line, in order of x: one activation swept over its sparsity setting.</summary>
    Line = 0,

    /// <summary>Markers alone: points that are not a sweep (a single model, or settings that are not ordered).</summary>
    Markers = 1,

    /// <summary>A grey dashed line without markers: a baseline to compare against (PCA with k components).</summary>
    Reference = 2,
}

/// <summary>One series of a <see cref="SparsityTradeoffChart"/>: its legend name, its points and how they are drawn.</summary>
public sealed record TradeoffSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, TradeoffSeriesStyle Style = TradeoffSeriesStyle.Line);

/// <summary>
/// A quality measure against sparsity, as sparse-autoencoder papers draw it (Gao et al. 2024, figure 2): x is L0,
/// the mean number of active latents per row, on a log axis with ticks at the powers of two; y is FVU (optionally on a
/// log axis) or a downstream accuracy. One series per activation, markers joined in order of L0.
/// </summary>
public static class SparsityTradeoffChart
{
    /// <summary>Smallest width or height accepted, in pixels (as <see cref="TrainingCurve.MinSide"/>).</summary>
    public const int MinSide = TrainingCurve.MinSide;

    /// <summary>Largest width or height accepted, in pixels (as <see cref="TrainingCurve.MaxSide"/>).</summary>
    public const int MaxSide = TrainingCurve.MaxSide;

    // Matplotlib's category-10 colours, as TrainingCurve; the reference series are grey.
    private static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#17becf"),
    ];

    private static readonly MarkerShape[] Shapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    /// <summary>Renders the chart as a PNG.</summary>
    /// <param name="series">The series, drawn in order: not null, and there must be at least one series to draw; no series, Name, X or Y
    /// null; every series needs at least one point, and its x and y values must pair up (as many of each); its Style must be Line, Markers
    /// or Reference; each x (L0) is drawn on a log axis and must be finite and positive; y must be finite, and y must lie within +-1E+300
    /// (<see cref="TrainingCurve.MaxMagnitude"/>); with <paramref name="logY"/>, a log y axis needs every y positive.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="yLabel">What y is ("FVU", "test accuracy").</param>
    /// <param name="logY">Whether the y axis is logarithmic (then every y must be positive).</param>
    /// <param name="xLabel">What x is.</param>
    /// <param name="width">Picture width in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <param name="height">Picture height in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <exception cref="ArgumentNullException">An argument, a series, its name or its points are null.</exception>
    /// <exception cref="ArgumentException">No series, a series without points, x and y of different lengths, a value that is
    /// not finite, a y beyond +-<see cref="TrainingCurve.MaxMagnitude"/>, an x that is not positive, or (with <paramref name="logY"/>) a y that is not positive; the message names the
    /// series and the point.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height lies outside <see cref="MinSide"/>..<see cref="MaxSide"/>.</exception>
    public static byte[] RenderPng(IReadOnlyList<TradeoffSeries> series, string title, string yLabel, bool logY = false,
        string xLabel = "L0: mean active latents per row (log scale)", int width = 900, int height = 550)
    {
        Check(series, logY);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(xLabel);
        ChartSize.Check(width, height);
        using Plot plot = Build(series, title, yLabel, logY, xLabel);
        return ChartSize.RenderPng(plot, width, height);
    }

    /// <summary>The chart of <see cref="RenderPng"/>, of checked arguments, not yet rendered.</summary>
    internal static Plot Build(IReadOnlyList<TradeoffSeries> series, string title, string yLabel, bool logY, string xLabel)
    {
        return EmbeddedFont.NewPlot(p => Draw(p, series, title, yLabel, logY, xLabel));
    }

    private static void Draw(Plot plot, IReadOnlyList<TradeoffSeries> series, string title, string yLabel, bool logY, string xLabel)
    {
        int coloured = 0;
        foreach (TradeoffSeries s in series)
        {
            // A line joins the points in order of x; ties keep their given order.
            int[] order = Enumerable.Range(0, s.X.Count).OrderBy(i => s.X[i]).ToArray();
            double[] xs = order.Select(i => Math.Log10(s.X[i])).ToArray();
            double[] ys = order.Select(i => logY ? Math.Log10(s.Y[i]) : s.Y[i]).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Name;
            if (s.Style == TradeoffSeriesStyle.Reference)
            {
                scatter.Color = Colors.Gray;
                scatter.LinePattern = LinePattern.Dashed;
                scatter.LineWidth = 1.5f;
                scatter.MarkerSize = 0;
                continue;
            }
            scatter.Color = Palette[coloured % Palette.Length];
            scatter.MarkerShape = Shapes[coloured % Shapes.Length];
            coloured++;
            scatter.MarkerSize = s.Style == TradeoffSeriesStyle.Markers ? 11 : 8;
            scatter.LineWidth = s.Style == TradeoffSeriesStyle.Line ? 2 : 0;
        }

        double xMin = series.SelectMany(s => s.X).Min(), xMax = series.SelectMany(s => s.X).Max();
        SetPowerOfTwoTicks(plot, xMin, xMax);
        var (left, right) = XLimits(xMin, xMax);
        plot.Axes.SetLimitsX(left, right);
        if (logY)
        {
            double yMin = series.SelectMany(s => s.Y).Min(), yMax = series.SelectMany(s => s.Y).Max();
            LogTicks.Apply(plot, Math.Log10(yMax / yMin));
        }
        else
            LinearTicks.Apply(plot);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? yLabel + " (log scale)" : yLabel);
        plot.ShowLegend(Edge.Right);
        plot.Font.Set(EmbeddedFont.FamilyName);
    }

    // L0 is a count, and sweeps of k go in doublings: ticks at the powers of two, labelled with their values.
    private static void SetPowerOfTwoTicks(Plot plot, double xMin, double xMax)
    {
        var positions = new List<double>();
        var labels = new List<string>();
        foreach (int p in TickPowers(xMin, xMax))
        {
            positions.Add(p * Math.Log10(2));
            labels.Add(Math.Pow(2, p).ToString("G4", CultureInfo.InvariantCulture));
        }
        plot.Axes.Bottom.SetTicks(positions.ToArray(), labels.ToArray());
    }

    /// <summary>
    /// The x axis's limits, in log10: a sixth of a doubling of room on each side of the data, so that the end markers are
    /// not cut in half, and out to the powers of two either side where that room holds none (a lone model at L0 12.7 had
    /// ticks at 8 and 16 outside the axis, and no label at all).
    /// </summary>
    internal static (double Left, double Right) XLimits(double xMin, double xMax)
    {
        double pad = 0.17 * Math.Log10(2), left = Math.Log10(xMin) - pad, right = Math.Log10(xMax) + pad;
        var powers = TickPowers(xMin, xMax);
        if (!powers.Any(p => p * Math.Log10(2) is var at && at >= left && at <= right))
            (left, right) = (Math.Min(left, powers[0] * Math.Log10(2)), Math.Max(right, powers[^1] * Math.Log10(2)));
        return (left, right);
    }

    /// <summary>
    /// The powers of two that get a tick: every one from below <paramref name="xMin"/> to above <paramref name="xMax"/>, or, when
    /// that is more than about ten, every step-th one (multiples of the step, so 1 keeps its tick), so that labels never overlap
    /// (as LatentFrequencyChart's decades).
    /// </summary>
    internal static List<int> TickPowers(double xMin, double xMax)
    {
        int first = (int)Math.Floor(Math.Log2(xMin)), last = (int)Math.Ceiling(Math.Log2(xMax));
        int step = LogTicks.LabelStep(first, last);
        var powers = new List<int>();
        for (int p = (int)Math.Ceiling(first / (double)step) * step; p <= last; p += step)
            powers.Add(p);
        return powers;
    }

    private static void Check(IReadOnlyList<TradeoffSeries> series, bool logY)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
            throw new ArgumentException("series is empty: there must be at least one series to draw.", nameof(series));
        for (int s = 0; s < series.Count; s++)
        {
            TradeoffSeries one = series[s] ?? throw new ArgumentNullException(nameof(series), $"series[{s}] is null.");
            if (one.Name is null || one.X is null || one.Y is null)
                throw new ArgumentNullException(nameof(series), $"series[{s}] has a null {(one.Name is null ? "Name" : one.X is null ? "X" : "Y")}.");
            string who = $"series[{s}] ('{one.Name}')";
            if (one.X.Count == 0)
                throw new ArgumentException($"{who} has no points; every series needs at least one.", nameof(series));
            if (one.X.Count != one.Y.Count)
                throw new ArgumentException($"{who} has {one.X.Count} x values and {one.Y.Count} y values; they must pair up.", nameof(series));
            if (!Enum.IsDefined(one.Style))
                throw new ArgumentException($"{who} has Style {(int)one.Style}; it must be Line, Markers or Reference.", nameof(series));
            for (int i = 0; i < one.X.Count; i++)
            {
                double x = one.X[i], y = one.Y[i];
                if (!(double.IsFinite(x) && x > 0))
                    throw new ArgumentException($"{who} point {i} has x = {x}; x (L0) is drawn on a log axis and must be finite and positive.", nameof(series));
                if (!double.IsFinite(y))
                    throw new ArgumentException($"{who} point {i} has y = {y}; y must be finite.", nameof(series));
                // Near double's range the linear axis' span overflows (ScottPlot's autoscaler threw at 1e308), as in TrainingCurve.
                if (Math.Abs(y) > TrainingCurve.MaxMagnitude)
                    throw new ArgumentException($"{who} point {i} has y = {y:R}; y must lie within +-{TrainingCurve.MaxMagnitude:R}.", nameof(series));
                if (logY && y <= 0)
                    throw new ArgumentException($"{who} point {i} has y = {y}; a log y axis needs every y positive.", nameof(series));
            }
        }
    }
}
