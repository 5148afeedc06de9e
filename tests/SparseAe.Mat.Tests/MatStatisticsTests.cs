using SparseAe.Mat;
using Xunit;

namespace SparseAe.Mat.Tests;

/// <summary>MatStatistics' rules, each on values whose sum is known exactly.</summary>
public class MatStatisticsTests
{
    private static MatStatistics Of(params double[] values) => MatVariable.FromDoubles("x", [values.Length, 1], values).GetStatistics();

    [Fact]
    public void The_sum_is_compensated()
        => Assert.Equal(1.0, Of(1e16, 1, -1e16).Sum);   // a plain running sum gives 0

    [Fact]
    public void An_infinite_element_or_a_sum_beyond_doubles_range_is_an_infinite_sum_not_NaN()
    {
        // The error terms used to take inf - inf and make the sum NaN.
        var withInfinity = Of(0, 1, double.PositiveInfinity, 2);
        Assert.Equal((0.0, double.PositiveInfinity, double.PositiveInfinity), (withInfinity.Minimum, withInfinity.Maximum, withInfinity.Sum));
        Assert.Equal(double.NegativeInfinity, Of(5, double.NegativeInfinity).Sum);
        Assert.Equal(double.PositiveInfinity, Of(1e308, 1e308).Sum);
        Assert.Equal(double.NegativeInfinity, Of(-1e308, -1e308, 3).Sum);
        Assert.True(double.IsNaN(Of(double.PositiveInfinity, double.NegativeInfinity).Sum));
    }

    [Fact]
    public void A_NaN_makes_every_statistic_NaN_and_an_empty_array_sums_to_0()
    {
        var nan = Of(1, double.NaN, 3);
        Assert.True(double.IsNaN(nan.Minimum) && double.IsNaN(nan.Maximum) && double.IsNaN(nan.Sum));
        var empty = MatVariable.FromDoubles("x", [0, 1], []).GetStatistics();
        Assert.Equal((0.0, 0L), (empty.Sum, empty.Count));
    }
}
