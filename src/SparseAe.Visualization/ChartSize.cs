using System.Globalization;
using ScottPlot;

namespace SparseAe.Visualization;

/// <summary>The one size rule of the charts (<see cref="TrainingCurve"/>, <see cref="LatentFrequencyChart"/>, <see cref="SparsityTradeoffChart"/>, <see cref="ThroughputChart"/>, <see cref="ConfusionMatrixChart"/>).</summary>
internal static class ChartSize
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the side when width or height lies outside TrainingCurve.MinSide..MaxSide.</summary>
    public static void Check(int width, int height)
    {
        CheckSide(width, nameof(width));
        CheckSide(height, nameof(height));
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> when <paramref name="side"/> lies outside TrainingCurve.MinSide..MaxSide.</summary>
    public static void CheckSide(int side, string name)
    {
        if (side < TrainingCurve.MinSide || side > TrainingCurve.MaxSide)
            throw new ArgumentOutOfRangeException(name, side, $"{name} must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels, but is {side}.");
    }

    /// <summary>The least share of the picture's width and of its height that the data area keeps.</summary>
    internal const double DataShare = 0.5;

    // The smallest probe scale (16^-4): a frame larger than 65,536 times the picture is drawn at that scale.
    private const double MinProbe = 1.0 / 65536;

    /// <summary>
    /// The plot as a PNG of width x height pixels. Its title, axis labels, ticks and legend take a fixed number of pixels
    /// (a training curve's about 250 across and 90 down), which at small sizes left the data no room: at 100 x 100 none of
    /// it showed. So where they would take more than half the width or the height, the whole layout is drawn smaller
    /// (ScottPlot's ScaleFactor) until they take half: the text shrinks with the picture and the data keeps half of each side.
    /// </summary>
    public static byte[] RenderPng(Plot plot, int width, int height)
    {
        // Every label in the invariant culture, ScottPlot's own as well as ours (LinearTicks, LogTicks), which ScottPlot
        // formats as it renders: under de-DE one axis read "500.000.000" beside "1.5E+09", and a picture depended on the
        // machine's culture where it depends on nothing else (the font is embedded).
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return RenderInvariant(plot, width, height);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static byte[] RenderInvariant(Plot plot, int width, int height)
    {
        // The frame's size at full scale: a layout 16 times the picture, drawn at 1/16 so as to cost only the picture's
        // pixels, leaves the data area what the frame does not take (ScottPlot's DataRect is in layout units). A frame that
        // fills even that layout (a legend of a series named in 300 characters at 100 pixels) leaves a data area of 0,
        // which measures nothing: probed again in a layout 16 times larger (it was measured as the layout, and the data kept
        // no pixels).
        double probe = 1.0 / 16;
        PixelRect data;
        while (true)
        {
            plot.ScaleFactor = probe;
            plot.RenderInMemory(width, height);
            data = plot.RenderManager.LastRender.DataRect;
            if ((data.Width >= 1 && data.Height >= 1) || probe <= MinProbe) break;
            probe /= 16;
        }
        double frameWidth = width / probe - data.Width, frameHeight = height / probe - data.Height;
        plot.ScaleFactor = Math.Min(1, Math.Min(DataShare * width / frameWidth, DataShare * height / frameHeight));
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
