using ScottPlot;
using SparseAe.Objective;

namespace SparseAe.Visualization;

/// <summary>
/// A PNG line chart of the cost J and its three terms (reconstruction, weight decay, sparsity) at each iteration,
/// drawn with ScottPlot 5. Iteration 0 is the starting point, as in TrainingSummary's cost history.
/// </summary>
/// <remarks>
/// The text is drawn with a font embedded in this assembly (<see cref="EmbeddedFont"/>), so the chart needs no
/// system fonts. ScottPlot keeps process-wide font settings; this class changes none of them and only adds a
/// font resolver that answers to its own private family name.
/// The font is a subset of DejaVu Sans, as for every chart of this library: ASCII, Latin-1, Greek, dashes and quotes,
/// super- and subscripts, arrows and a few maths signs (Fonts/README.md). Any other character in a title, label, series
/// or class name (Cyrillic, Hebrew, Arabic, CJK, emoji, Latin Extended such as "ł") is drawn as a blank, not refused.
/// </remarks>
public static class TrainingCurve
{
    /// <summary>The title used when none is given.</summary>
    public const string DefaultTitle = "Sparse autoencoder training cost";

    /// <summary>
    /// Smallest width or height accepted, in pixels. Every chart keeps half of each side for its data: where the title,
    /// axes and legend would take more (below about 500 x 180 for this one), they are drawn smaller, so a thumbnail's text
    /// is too small to read but its data shows.
    /// </summary>
    public const int MinSide = 100;

    /// <summary>Largest width or height accepted, in pixels.</summary>
    public const int MaxSide = 10000;

    /// <summary>The legend names of the four series, in drawing order.</summary>
    public static IReadOnlyList<string> SeriesNames { get; } = ["J (total)", "reconstruction", "weight decay", "sparsity"];

    // Matplotlib's category-10 colours: distinct, and all saturated, so lines stand out from black text and grey grid.
    private static readonly Color[] SeriesColors =
        [Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728")];

    /// <summary>The largest magnitude a drawn value may have: the axis arithmetic overflows near double's range.</summary>
    public const double MaxMagnitude = 1e300;

    /// <summary>Where entry i of a history is drawn: iteration i from the starting point 0, or epoch i + 1.</summary>
    internal static double[] Positions(int count, bool perEpoch)
        => [.. Enumerable.Range(perEpoch ? 1 : 0, count).Select(i => (double)i)];

    /// <summary>Renders the chart of <paramref name="history"/> (one entry per iteration, starting at iteration 0; or, with
    /// <paramref name="perEpoch"/>, one per epoch from epoch 1) as a PNG.</summary>
    /// <param name="history">The costs to draw: not null, with at least one iteration; every value must be a finite number, and a value
    /// drawn must lie within +-1E+300 (<see cref="MaxMagnitude"/>). On a log y axis (<see cref="CurveYScale.Log"/>) the drawn values must
    /// be positive (a term 0 at every iteration is not drawn), and it cannot show a history in which every value is 0.</param>
    /// <param name="width">Picture width in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <param name="height">Picture height in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    /// <param name="title">The chart's title: not null.</param>
    /// <param name="yScale">The y axis: linear, log, or chosen from the values (Auto); yScale must be Auto, Linear or Log.</param>
    /// <param name="perEpoch">The history is Adam's, one entry per epoch (TrainingSummary.CostHistory), each the mean of
    /// that epoch's mini-batch costs, and none at the start: the x axis is then "epoch", from 1, as the training's progress counts them,
    /// rather than "iteration" from the starting point 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> or <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException">The history is empty, a value is NaN, infinite or beyond <see cref="MaxMagnitude"/> (the message names the
    /// iteration and the term), or <see cref="CurveYScale.Log"/> was asked for and a drawn term is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height lies outside <see cref="MinSide"/>..<see cref="MaxSide"/>.</exception>
    public static byte[] RenderPng(IReadOnlyList<CostBreakdown> history, int width = 800, int height = 500,
        string title = DefaultTitle, CurveYScale yScale = CurveYScale.Auto, bool perEpoch = false)
    {
        double[][] series = ToSeries(history);
        CheckLayout(width, height, title, yScale);
        using var plot = Build(series, title, yScale, perEpoch);
        return ChartSize.RenderPng(plot, width, height);
    }

    /// <summary>The chart of <see cref="RenderPng"/>, of series checked by <see cref="ToSeries"/>, not yet rendered.</summary>
    internal static Plot Build(double[][] series, string title, CurveYScale yScale, bool perEpoch)
    {
        (bool log, bool[] drawn, double decades) = ChooseAxis(series, yScale);

        return EmbeddedFont.NewPlot(p => Draw(p, series, title, perEpoch, log, drawn, decades));
    }

    private static void Draw(Plot plot, double[][] series, string title, bool perEpoch, bool log, bool[] drawn, double decades)
    {
        double[] xs = Positions(series[0].Length, perEpoch);

        for (int s = 0; s < series.Length; s++)
        {
            if (!drawn[s])
                continue;
            double[] ys = log ? Array.ConvertAll(series[s], Math.Log10) : series[s];
            var scatter = plot.Add.Scatter(xs, ys, SeriesColors[s]);
            scatter.LegendText = SeriesNames[s];
            scatter.LineWidth = s == 0 ? 2.5f : 1.5f;
            // Markers only when there are few points: a single iteration would otherwise draw nothing visible.
            scatter.MarkerSize = xs.Length <= 20 ? 5 : 0;
        }

        if (drawn.Any(d => !d))
            AddUndrawnLegendItems(plot, drawn);

        plot.Title(title);
        plot.XLabel(perEpoch ? "epoch" : "iteration");
        plot.YLabel(log ? "cost (log scale)" : "cost");
        // Iterations are whole numbers; fractional ticks would suggest otherwise.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        // One point: ScottPlot widens the range by 1 on each side, and `train --epochs 1` showed epochs 0 and 2, which
        // never ran. Half an iteration each side leaves only the point's own tick.
        if (xs.Length == 1)
            plot.Axes.SetLimitsX(xs[0] - 0.5, xs[0] + 0.5);
        if (log)
            LogTicks.Apply(plot, decades);
        else
            LinearTicks.Apply(plot);
        // Outside the data area on the right: a legend inside would hide part of some curve whatever corner it took.
        plot.ShowLegend(Edge.Right);
        // After every label exists: Set applies to the title, axis labels, tick labels and legend that are there now.
        plot.Font.Set(EmbeddedFont.FamilyName);
    }

    /// <summary>Checks the picture arguments.</summary>
    private static void CheckLayout(int width, int height, string title, CurveYScale yScale)
    {
        ArgumentNullException.ThrowIfNull(title);
        ChartSize.Check(width, height);
        if (!Enum.IsDefined(yScale))
            throw new ArgumentOutOfRangeException(nameof(yScale), yScale, $"yScale must be Auto, Linear or Log, but is {(int)yScale}.");
    }

    /// <summary>Checks the history and returns its four series (J, reconstruction, weight decay, sparsity).</summary>
    internal static double[][] ToSeries(IReadOnlyList<CostBreakdown> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
            throw new ArgumentException("history is empty: there must be at least one iteration (iteration 0, the starting point) to draw.", nameof(history));

        var series = new double[4][];
        for (int s = 0; s < 4; s++)
            series[s] = new double[history.Count];
        for (int i = 0; i < history.Count; i++)
        {
            CostBreakdown c = history[i];
            series[0][i] = c.Total;
            series[1][i] = c.Reconstruction;
            series[2][i] = c.WeightDecay;
            series[3][i] = c.Sparsity;
            for (int s = 0; s < 4; s++)
            {
                if (!double.IsFinite(series[s][i]))
                    throw new ArgumentException(
                        $"history[{i}] (iteration {i}) has {SeriesNames[s]} = {series[s][i]}; every value must be a finite number.",
                        nameof(history));
                // The axis' span and ticks are computed from the values; near double's range they overflow
                // (a cost of 1e308 threw from ScottPlot's autoscaler, 8e307 drew an empty chart).
                if (Math.Abs(series[s][i]) > MaxMagnitude)
                    throw new ArgumentException(
                        $"history[{i}] (iteration {i}) has {SeriesNames[s]} = {series[s][i]:R}; a value drawn must lie within +-{MaxMagnitude:R}.",
                        nameof(history));
            }
        }
        return series;
    }

    /// <summary>
    /// Decides between a log and a linear y axis and which series to draw. On a log axis a series that is 0 at
    /// every iteration cannot be drawn (log 0 is -infinity), so it is left out; any other 0 or negative value
    /// makes Auto fall back to linear and Log refuse, so no value ever becomes NaN or -infinity.
    /// </summary>
    /// <returns>Whether the axis is logarithmic, which series are drawn, and log10(max / min) of the drawn values (0 when linear).</returns>
    internal static (bool Log, bool[] Drawn, double Decades) ChooseAxis(double[][] series, CurveYScale yScale)
    {
        bool[] allDrawn = Enumerable.Repeat(true, series.Length).ToArray();
        (bool, bool[], double) linear = (false, allDrawn, 0.0);
        if (yScale == CurveYScale.Linear)
            return linear;

        bool[] drawn = new bool[series.Length];
        double min = double.PositiveInfinity, max = 0;
        bool anyDrawn = false;
        for (int s = 0; s < series.Length; s++)
        {
            if (series[s].All(v => v == 0))
                continue;
            drawn[s] = true;
            anyDrawn = true;
            for (int i = 0; i < series[s].Length; i++)
            {
                double v = series[s][i];
                if (v <= 0)
                {
                    if (yScale == CurveYScale.Log)
                        throw new ArgumentException(
                            $"A log y axis cannot show history[{i}] (iteration {i}) {SeriesNames[s]} = {v}: the drawn values must be positive. " +
                            "Use CurveYScale.Linear or Auto.", "history");
                    return linear;
                }
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (!anyDrawn)
        {
            if (yScale == CurveYScale.Log)
                throw new ArgumentException("A log y axis cannot show a history in which every value is 0. Use CurveYScale.Linear or Auto.", "history");
            return linear;
        }

        double decades = Math.Log10(max / min);
        if (yScale == CurveYScale.Auto && decades <= 2)
            return linear;
        return (true, drawn, decades);
    }

    /// <summary>Legend entries for the terms left off a log axis, so that the reader knows they are 0, not missing.</summary>
    private static void AddUndrawnLegendItems(Plot plot, bool[] drawn)
    {
        for (int s = 0; s < drawn.Length; s++)
        {
            if (drawn[s])
                continue;
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = $"{SeriesNames[s]}: 0 (not drawn)",
                // A manual item keeps its own font name, which Plot.Font.Set does not reach: without this it took a system font.
                LabelFontName = EmbeddedFont.FamilyName,
                LineColor = SeriesColors[s],
                LineWidth = 1.5f,
            });
        }
    }
}
