using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace SparseAe.Visualization;

/// <summary>
/// A log-scale y axis for ScottPlot 5, which has no log axis of its own: the data are plotted as log10(value),
/// and the tick labels show 10^tick. This is the method of ScottPlot 5's cookbook ("Log Scale" recipe).
/// </summary>
internal static class LogTicks
{
    /// <summary>
    /// Sets the left axis of <paramref name="plot"/> to label log10 positions with their values.
    /// <paramref name="decades"/> is log10(max / min) of the data: over a decade or more the major ticks are the
    /// powers of ten, with minor ticks at 2..9 times them; below one decade integer-only ticks would leave the axis
    /// bare, so ticks go where ScottPlot puts them and only their labels are converted.
    /// </summary>
    public static void Apply(Plot plot, double decades)
    {
        int digits = DigitsFor(decades);
        var ticks = new NumericAutomatic { LabelFormatter = position => Format(position, digits) };
        if (decades >= 1.0)
        {
            ticks.IntegerTicksOnly = true;
            ticks.MinorTickGenerator = new LogMinorTickGenerator();
        }
        plot.Axes.Left.TickGenerator = ticks;
    }

    /// <summary>
    /// The stride between labelled ticks at the integers <paramref name="first"/>..<paramref name="last"/> (powers
    /// of ten or of two): 1, or as much as keeps them to about ten, so that labels never overlap however wide the range.
    /// </summary>
    public static int LabelStep(int first, int last) => Math.Max(1, (last - first + 9) / 10);

    /// <summary>10^position, in at most 3 significant digits ("0.001", "10", "1E+06"), invariant culture.</summary>
    public static string Format(double position) => Format(position, 3);

    /// <summary>10^position in at most <paramref name="digits"/> significant digits, invariant culture.</summary>
    public static string Format(double position, int digits)
        => Math.Pow(10, position).ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>
    /// The significant digits that tell apart the labels of ticks over <paramref name="decades"/> (log10(max / min)):
    /// 3, and for a range narrower than a tenth of a decade one more for each tenfold narrowing, up to 15. Ticks
    /// about a fifth of the range apart differ in value by about 2.3 decades / 5; over 10.000..10.002 (8.7e-5
    /// decades) every label read "10" in 3 digits.
    /// </summary>
    public static int DigitsFor(double decades)
        => decades >= 0.1 || !(decades > 0) ? 3 : Math.Min(15, 3 + (int)Math.Ceiling(Math.Log10(0.1 / decades)));
}
