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

    /// <summary>
    /// The plot as a PNG of width x height pixels. Its title, axis labels, ticks and legend take a fixed number of pixels
    /// (a training curve's about 250 across and 90 down), which at small sizes left the data no room: at 100 x 100 none of
    /// it showed. So where they would take more than half the width or the height, the whole layout is drawn smaller
    /// (ScottPlot's ScaleFactor) until they take half: the text shrinks with the picture and the data keeps half of each side.
    /// </summary>
    public static byte[] RenderPng(Plot plot, int width, int height)
    {
        // The frame's size at full scale: a layout 16 times the picture, drawn at 1/16 so as to cost only the picture's
        // pixels, leaves the data area what the frame does not take (ScottPlot's DataRect is in layout units).
        const double Probe = 1.0 / 16;
        plot.ScaleFactor = Probe;
        plot.RenderInMemory(width, height);
        PixelRect data = plot.RenderManager.LastRender.DataRect;
        double frameWidth = width / Probe - data.Width, frameHeight = height / Probe - data.Height;
        plot.ScaleFactor = Math.Min(1, Math.Min(DataShare * width / frameWidth, DataShare * height / frameHeight));
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}
