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

    [Fact]
    public void Int64_and_uint64_statistics_are_exact_beyond_2_to_the_53()
    {
        // They were computed in double: 2^53 + 1 read as 2^53, int64's maximum as 2^63, which int64 does not hold.
        long big = (1L << 53) + 1;
        var int64 = MatVariable.FromColumnMajorArray("i", [1, 3], new[] { big, big, long.MaxValue }).GetStatistics();
        Assert.Equal(((Int128?)big, (Int128?)long.MaxValue, (Int128?)(2 * (Int128)big + long.MaxValue)),
            (int64.ExactMinimum, int64.ExactMaximum, int64.ExactSum));
        var uint64 = MatVariable.FromColumnMajorArray("u", [1, 2], new[] { ulong.MaxValue, ulong.MaxValue }).GetStatistics();
        Assert.Equal(((Int128?)ulong.MaxValue, (Int128?)(2 * (Int128)ulong.MaxValue)), (uint64.ExactMaximum, uint64.ExactSum));
        Assert.Equal((double)(2 * (Int128)ulong.MaxValue), uint64.Sum);   // the double sum is the exact one rounded once
        Assert.Null(Of(1, 2).ExactSum);   // double and single have no exact integer figures
    }

    [Fact]
    public void An_empty_integer_array_has_an_exact_sum_of_0_and_no_exact_extremes()
    {
        var empty = MatVariable.FromColumnMajorArray("i", [0, 1], Array.Empty<short>()).GetStatistics();
        Assert.Equal(((Int128?)0, (Int128?)null, (Int128?)null, 0L), (empty.ExactSum, empty.ExactMinimum, empty.ExactMaximum, empty.Count));
    }
}
