namespace SparseAe.Visualization.Tests;

/// <summary>What ThroughputChart draws, and every bad argument it refuses.</summary>
public class ThroughputChartTests
{
    private static readonly string[] Settings = ["32", "64", "128"];

    private static byte[] Render(params (string Name, double[] Values)[] series)
        => ThroughputChart.RenderPng("t", "batch size", Settings, "samples/s", series);

    [Theory]
    [InlineData(0, 450, "width")]
    [InlineData(800, -5, "height")]
    [InlineData(100000, 450, "width")]
    public void A_size_out_of_range_is_refused(int width, int height, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => ThroughputChart.RenderPng("t", "batch size", Settings, "samples/s", [("CPU", [1.0, 2.0, 3.0])], width, height));
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"{name} must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels", e.Message);
    }
}
