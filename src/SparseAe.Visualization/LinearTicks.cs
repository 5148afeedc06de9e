using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace SparseAe.Visualization;

/// <summary>
/// Tick labels of a linear value axis that stay short at any magnitude a chart accepts (up to
/// <see cref="TrainingCurve.MaxMagnitude"/>). ScottPlot's own labels write every digit of a large value
/// ("3,199,999,999,999,999,725,860,827,430,912" for 3.2E+30): they pushed the data aside, and from about 1e40
/// left no plot area at all.
/// </summary>
internal static class LinearTicks
{
    /// <summary>From this magnitude on, labels are in scientific notation.</summary>
    public const double ScientificFrom = 1e9;

    /// <summary>Sets the left axis of <paramref name="plot"/> to ScottPlot's automatic ticks labelled by <see cref="Format"/>.</summary>
    public static void Apply(Plot plot) => plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = Format };

    /// <summary>ScottPlot's label below <see cref="ScientificFrom"/> ("1,500", "0.25"); beyond it, up to 15 significant digits ("3.2E+30", invariant culture).</summary>
    public static string Format(double value)
        => Math.Abs(value) < ScientificFrom ? LabelFormatters.Numeric(value) : value.ToString("0.##############E+00", CultureInfo.InvariantCulture);
}
