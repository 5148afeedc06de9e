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
}
