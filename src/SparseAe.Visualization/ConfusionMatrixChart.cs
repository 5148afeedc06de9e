using ScottPlot;

namespace SparseAe.Visualization;

/// <summary>
/// A confusion matrix as a picture: one square per (true class, predicted class), true classes down
/// (the first at the top), predicted classes across, each square shaded by its share of its row (white
/// 0, dark blue 1), so the diagonal reads as each class's recall whatever the class sizes.
/// </summary>
public static class ConfusionMatrixChart
{
    /// <summary>
    /// The most classes a chart draws: a square per pair of classes, n^2 of them. Measured (Zen 4, a 2,000-pixel chart):
    /// 1,000 classes took 6 s and 3.3 GB of allocations, 2,000 classes 19 s and 13 GB, for squares under 2 pixels wide.
    /// </summary>
    public const int MaxClasses = 1000;

    /// <summary>Renders the chart as a PNG.</summary>
    /// <param name="counts">counts[r, c]: rows of true class r predicted as c: not null, a non-empty square matrix (one row and one
    /// column per class) of at most <see cref="MaxClasses"/> classes, and a count of rows cannot be negative.</param>
    /// <param name="classNames">One name per class, in the matrix's order: not null, it must hold one name per class of counts, none null. Like all text of the charts, drawn in the embedded
    /// font (TrainingCurve's remarks), which has ASCII, Latin-1, Greek, dashes, quotes and a few maths signs only: any other
    /// character (Cyrillic, Hebrew, CJK, emoji, Latin Extended such as "ł") is left blank, so such names cannot be told apart.</param>
    /// <param name="title">The chart's title: not null.</param>
    /// <param name="size">Picture width and height in pixels: it must lie in 100..10000 pixels (TrainingCurve.MinSide..MaxSide).</param>
    public static byte[] RenderPng(int[,] counts, IReadOnlyList<string> classNames, string title, int size = 1000)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(title);
        int n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n)
            throw new ArgumentException(
                $"counts must be a non-empty square matrix (one row and one column per class), but is {n} x {counts.GetLength(1)}.", nameof(counts));
        if (n > MaxClasses)
            throw new ArgumentException(
                $"counts has {n} classes, and a confusion chart draws at most {MaxClasses} (a square for each pair of classes: {(long)n * n} squares); " +
                "chart the classes that matter, or a confusion matrix of class groups.", nameof(counts));
        if (classNames.Count != n)
            throw new ArgumentException($"classNames must hold one name per class of counts ({n}), but holds {classNames.Count}.", nameof(classNames));
        for (int i = 0; i < n; i++)
            if (classNames[i] is null) throw new ArgumentNullException(nameof(classNames), $"classNames[{i}] is null.");
        // A negative count would make a share below 0 or above 1, which Shade would clamp into a plausible colour.
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (counts[r, c] < 0)
                    throw new ArgumentException(
                        $"counts[{r}, {c}] (true '{classNames[r]}', predicted '{classNames[c]}') is {counts[r, c]}; a count of rows cannot be negative.",
                        nameof(counts));
        ChartSize.CheckSide(size, nameof(size));

        EmbeddedFont.EnsureRegistered();
        using var plot = new Plot();
        for (int r = 0; r < n; r++)
        {
            long total = 0;
            for (int c = 0; c < n; c++) total += counts[r, c];
            for (int c = 0; c < n; c++)
            {
                double share = total == 0 ? 0 : (double)counts[r, c] / total;
                double top = n - r, bottom = n - r - 1;
                var square = plot.Add.Rectangle(c, c + 1, bottom, top);
                square.FillColor = Shade(share);
                square.LineWidth = 0;
            }
        }
        double[] centres = Enumerable.Range(0, n).Select(i => i + 0.5).ToArray();
        plot.Axes.Bottom.SetTicks(centres, classNames.ToArray());
        plot.Axes.Left.SetTicks(centres.Reverse().ToArray(), classNames.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        // ScottPlot sizes an axis to its labels as they lie, not as turned: the names below, upright, were cut off at the
        // picture's edge beyond about 22 characters. Room for the widest, measured in the font they are drawn in.
        plot.Axes.Bottom.TickLabelStyle.FontName = EmbeddedFont.FamilyName;
        using (Paint paint = Paint.NewDisposablePaint())
            plot.Axes.Bottom.MinimumSize = Math.Max(150, plot.Axes.Bottom.TickLabelStyle.MeasureWidestString(classNames.ToArray(), paint).Item2.Length + 40);
        plot.Axes.SetLimits(0, n, 0, n);
        plot.Grid.IsVisible = false;
        plot.Title(title);
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Font.Set(EmbeddedFont.FamilyName);
        return ChartSize.RenderPng(plot, size, size);
    }

    /// <summary>White at 0 to dark blue (8, 48, 107) at 1.</summary>
    private static Color Shade(double share)
    {
        double t = Math.Clamp(share, 0, 1);
        byte Mix(byte to) => (byte)Math.Round(255 + (to - 255) * t);
        return new Color(Mix(8), Mix(48), Mix(107));
    }
}
