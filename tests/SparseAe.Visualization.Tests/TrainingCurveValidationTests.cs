using SparseAe.Objective;

namespace SparseAe.Visualization.Tests;

/// <summary>Every bad argument to TrainingCurve is refused with a message naming it.</summary>
public class TrainingCurveValidationTests
{
    [Fact]
    public void An_empty_history_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng([]));
        Assert.Equal("history", e.ParamName);
        Assert.Contains("history is empty: there must be at least one iteration", e.Message);
    }

    [Fact]
    public void A_null_history_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => TrainingCurve.RenderPng(null!));
        Assert.Equal("history", e.ParamName);
    }

    [Theory]
    [InlineData(0, "J (total)")]
    [InlineData(1, "reconstruction")]
    [InlineData(2, "weight decay")]
    [InlineData(3, "sparsity")]
    public void A_NaN_is_refused_naming_the_iteration_and_the_term(int term, string name)
    {
        List<CostBreakdown> history = CurveHistories.Typical(20);
        CostBreakdown c = history[12];
        history[12] = term switch
        {
            0 => c with { Total = double.NaN },
            1 => c with { Reconstruction = double.NaN },
            2 => c with { WeightDecay = double.NaN },
            _ => c with { Sparsity = double.NaN },
        };
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng(history));
        Assert.Equal("history", e.ParamName);
        Assert.Contains($"history[12] (iteration 12) has {name} = NaN; every value must be a finite number.", e.Message);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void An_infinity_is_refused_naming_the_iteration(double bad)
    {
        List<CostBreakdown> history = CurveHistories.Typical(5);
        history[0] = history[0] with { Reconstruction = bad };
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng(history));
        Assert.Contains($"history[0] (iteration 0) has reconstruction = {bad}", e.Message);
    }

    [Theory]
    [InlineData(double.MaxValue)]
    [InlineData(-8e307)]
    [InlineData(1.0000000000000001e300 * 2)]
    public void A_value_near_doubles_range_is_refused_instead_of_breaking_the_axis(double bad)
    {
        // double.MaxValue threw ScottPlot's "limits returned by the autoscaler" InvalidOperationException.
        List<CostBreakdown> history = CurveHistories.Typical(5);
        history[2] = history[2] with { Total = bad };
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng(history));
        Assert.Contains($"history[2] (iteration 2) has J (total) = {bad:R}; a value drawn must lie within +-1E+300.", e.Message);
        history[2] = history[2] with { Total = 1e300 };
        Assert.NotEmpty(TrainingCurve.RenderPng(history));   // the limit itself is drawn
    }

    [Theory]
    [InlineData(TrainingCurve.MinSide - 1)]
    [InlineData(TrainingCurve.MaxSide + 1)]
    [InlineData(0)]
    public void A_width_out_of_range_is_refused(int width)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingCurve.RenderPng(CurveHistories.Typical(3), width, 500));
        Assert.Equal("width", e.ParamName);
        Assert.Contains($"width must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels, but is {width}.", e.Message);
    }

    [Theory]
    [InlineData(TrainingCurve.MinSide - 1)]
    [InlineData(TrainingCurve.MaxSide + 1)]
    public void A_height_out_of_range_is_refused(int height)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingCurve.RenderPng(CurveHistories.Typical(3), 800, height));
        Assert.Equal("height", e.ParamName);
        Assert.Contains($"height must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels, but is {height}.", e.Message);
    }

    [Fact]
    public void A_null_title_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => TrainingCurve.RenderPng(CurveHistories.Typical(3), title: null!));
        Assert.Equal("title", e.ParamName);
    }

    [Fact]
    public void An_undefined_scale_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingCurve.RenderPng(CurveHistories.Typical(3), yScale: (CurveYScale)7));
        Assert.Equal("yScale", e.ParamName);
        Assert.Contains("yScale must be Auto, Linear or Log, but is 7.", e.Message);
    }
}
