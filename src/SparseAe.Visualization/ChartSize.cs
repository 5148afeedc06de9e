namespace SparseAe.Visualization;

/// <summary>The one size rule of the charts (<see cref="TrainingCurve"/>, <see cref="LatentFrequencyChart"/>, <see cref="SparsityTradeoffChart"/>, <see cref="ThroughputChart"/>, <see cref="ConfusionMatrixChart"/>).</summary>
internal static class ChartSize
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the side when width or height lies outside TrainingCurve.MinSide..MaxSide.</summary>
    public static void Check(int width, int height)
    {
        if (width < TrainingCurve.MinSide || width > TrainingCurve.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels, but is {width}.");
        if (height < TrainingCurve.MinSide || height > TrainingCurve.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"height must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels, but is {height}.");
    }
}
