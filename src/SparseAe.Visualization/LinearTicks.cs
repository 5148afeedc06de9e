using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace SparseAe.Visualization;

/// <summary>
/// Tick labels of a linear value axis that stay short at any magnitude a chart accepts (up to
/// <see cref="TrainingCurve.MaxMagnitude"/>) and tell the ticks apart over any span. ScottPlot's own labels write
/// every digit of a large value ("3,199,999,999,999,999,725,860,827,430,912" for 3.2E+30): they pushed the data
/// aside, and from about 1e40 left no plot area at all. They also round to whole numbers from 1,000 and to 10
/// decimals below: a plateau of J from 12345.6 to 12345.2 read "12,345" at every tick, costs near 3e-11 "0".
/// </summary>
internal static class LinearTicks
{
    /// <summary>From this magnitude on, labels are in scientific notation.</summary>
    public const double ScientificFrom = 1e9;

    /// <summary>
    /// How many decimal places below the leading digit of the axis' span a label keeps: ScottPlot puts ticks 1, 2 or 5
    /// times a power of ten apart and at most a few hundred on an axis (10,000 pixels), so 10^-4 of the span tells them apart.
    /// </summary>
    private const int PlacesBelowSpan = 4;

    /// <summary>
    /// Sets the left axis of <paramref name="plot"/> to ScottPlot's automatic ticks labelled by <see cref="Format"/> over the axis' span.
    /// Call it after the data are added: when every y drawn so far is the same value v (a single point), the axis is set to run
    /// from 0 to 2v (from 2v to 0 for a negative v; 0 to 1 for 0). ScottPlot widened such an axis by 1 each side, whatever v's magnitude:
    /// an FVU of 0.0123 sat at the "0" tick of a -1..1 axis, 3e30 at ticks that all read "3E+30", and rates all 0 on an axis
    /// that showed negative rates.
    /// </summary>
    public static void Apply(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new SpanAwareTicks();
        // Each plottable's own limits: ScottPlot's GetDataLimits knows none before the first render.
        AxisLimits[] data = [.. plot.GetPlottables().Select(p => p.GetAxisLimits()).Where(l => double.IsFinite(l.Bottom) && double.IsFinite(l.Top))];
        if (data.Length == 0)
            return;
        double low = data.Min(l => l.Bottom), high = data.Max(l => l.Top);
        if (low == high)
            plot.Axes.SetLimitsY(Math.Min(0, 2 * low), low == 0 ? 1 : Math.Max(0, 2 * low));
    }

    /// <summary>
    /// The label of a tick at <paramref name="value"/> on an axis spanning <paramref name="span"/>: from <see cref="ScientificFrom"/> on,
    /// up to 15 significant digits ("3.2E+30"); below it, rounded to 10^-<see cref="PlacesBelowSpan"/> of the span's leading digit and written
    /// without trailing zeros ("12,345.25", "1.5E-11", "0.2"); in the invariant culture, as every label of the charts (<see cref="ChartSize.RenderPng"/>).
    /// A span that is not positive and finite gives ScottPlot's label.
    /// </summary>
    public static string Format(double value, double span)
    {
        if (Math.Abs(value) >= ScientificFrom)
            return value.ToString("0.##############E+00", CultureInfo.InvariantCulture);
        if (!(span > 0 && double.IsFinite(span)))
            return LabelFormatters.Numeric(value);
        int lastPlace = (int)Math.Floor(Math.Log10(span)) - PlacesBelowSpan;
        // A tick at 0 may be computed as 1e-17 (or as the -0 of "-0"): within half the last place it reads 0.
        if (Math.Abs(value) < Math.Pow(10, lastPlace) / 2)
            return "0";
        int digits = Math.Clamp((int)Math.Floor(Math.Log10(Math.Abs(value))) - lastPlace + 1, 1, 15);
        double rounded = double.Parse(value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return Math.Abs(rounded) >= 1000
            ? rounded.ToString("#,0.##############", CultureInfo.InvariantCulture)
            : rounded.ToString("G", CultureInfo.InvariantCulture);
    }

    /// <summary>ScottPlot's automatic ticks, labelled by <see cref="Format"/> over the span of the axis they are made for.</summary>
    private sealed class SpanAwareTicks : ITickGenerator
    {
        private readonly NumericAutomatic _ticks = new();

        public Tick[] Ticks => _ticks.Ticks;

        public int MaxTickCount
        {
            get => _ticks.MaxTickCount;
            set => _ticks.MaxTickCount = value;
        }

        public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
        {
            double span = Math.Abs(range.Span);
            // Set before the ticks are made: ScottPlot measures the labels to space them.
            _ticks.LabelFormatter = value => Format(value, span);
            _ticks.Regenerate(range, edge, size, paint, labelStyle);
        }
    }
}
