using SparseAe.Objective;

namespace SparseAe.Visualization.Tests;

/// <summary>How TrainingCurve chooses between a log and a linear y axis, and that log never meets 0 or a negative.</summary>
public class TrainingCurveAxisTests
{
    private static (bool Log, bool[] Drawn, double Decades) Choose(IReadOnlyList<CostBreakdown> history, CurveYScale scale)
        => TrainingCurve.ChooseAxis(TrainingCurve.ToSeries(history), scale);

    // Auto takes a log axis when the values span more than two decades (CurveYScale.Auto): exactly two (J from 100 to 1) is linear.
    [Fact]
    public void Auto_stays_linear_at_exactly_two_decades_and_goes_log_beyond()
    {
        Assert.False(Choose([new CostBreakdown(100, 100, 0, 0), new CostBreakdown(1, 1, 0, 0)], CurveYScale.Auto).Log);
        Assert.True(Choose([new CostBreakdown(100, 100, 0, 0), new CostBreakdown(0.99, 0.99, 0, 0)], CurveYScale.Auto).Log);
    }

    [Fact]
    public void Auto_uses_log_when_the_terms_span_several_decades()
    {
        var (log, drawn, decades) = Choose(CurveHistories.Typical(), CurveYScale.Auto);
        Assert.True(log);
        Assert.All(drawn, Assert.True);
        Assert.InRange(decades, 4, 5);   // 25.05 / 0.002
    }

    [Fact]
    public void Auto_uses_linear_when_the_values_span_two_decades_or_less()
    {
        var history = new List<CostBreakdown> { new(3, 2, 0.5, 0.5), new(2, 1.5, 0.25, 0.25) };
        Assert.False(Choose(history, CurveYScale.Auto).Log);
        Assert.True(Choose(history, CurveYScale.Log).Log);
    }

    [Fact]
    public void A_term_that_is_zero_at_every_iteration_is_left_off_a_log_axis()
    {
        var (log, drawn, _) = Choose(CurveHistories.Typical(zeroDecay: true), CurveYScale.Auto);
        Assert.True(log);
        Assert.Equal(new[] { true, true, false, true }, drawn);
    }

    [Fact]
    public void Auto_falls_back_to_linear_when_a_term_is_zero_at_some_iteration_only()
    {
        List<CostBreakdown> history = CurveHistories.Typical();
        history[7] = history[7] with { Sparsity = 0 };
        var (log, drawn, _) = Choose(history, CurveYScale.Auto);
        Assert.False(log);
        Assert.All(drawn, Assert.True);
        Assert.NotEmpty(TrainingCurve.RenderPng(history));
    }

    [Fact]
    public void Log_refuses_a_zero_at_some_iteration_naming_it()
    {
        List<CostBreakdown> history = CurveHistories.Typical();
        history[7] = history[7] with { Sparsity = 0 };
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng(history, yScale: CurveYScale.Log));
        Assert.Equal("history", e.ParamName);
        Assert.Contains("A log y axis cannot show history[7] (iteration 7) sparsity = 0", e.Message);
    }

    [Fact]
    public void Log_refuses_a_negative_value_naming_it()
    {
        List<CostBreakdown> history = CurveHistories.Typical();
        history[3] = history[3] with { WeightDecay = -1e-12 };
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng(history, yScale: CurveYScale.Log));
        Assert.Contains("history[3] (iteration 3) weight decay = -1E-12", e.Message);
    }

    [Fact]
    public void Log_refuses_a_history_that_is_zero_everywhere_and_auto_draws_it_linear()
    {
        var zeros = new List<CostBreakdown> { default, default };
        var e = Assert.Throws<ArgumentException>(() => TrainingCurve.RenderPng(zeros, yScale: CurveYScale.Log));
        Assert.Contains("every value is 0", e.Message);
        Assert.False(Choose(zeros, CurveYScale.Auto).Log);
        Assert.NotEmpty(TrainingCurve.RenderPng(zeros));
    }

    [Fact]
    public void Linear_is_linear_and_draws_everything()
    {
        var (log, drawn, _) = Choose(CurveHistories.Typical(zeroDecay: true), CurveYScale.Linear);
        Assert.False(log);
        Assert.All(drawn, Assert.True);
    }

    [Theory]
    [InlineData(0.0, "1")]
    [InlineData(-3.0, "0.001")]
    [InlineData(2.0, "100")]
    [InlineData(6.0, "1E+06")]
    [InlineData(0.30103, "2")]
    public void Log_tick_labels_show_the_value_not_its_logarithm(double position, string label)
        => Assert.Equal(label, LogTicks.Format(position));

    // From one decade on, the major ticks are the powers of ten: values 1..10 (exactly a decade) are labelled 1 and 10, not
    // at ScottPlot's fractional log positions ("1.58", "2.51", ...).
    [Fact]
    public void Log_ticks_over_exactly_one_decade_are_the_powers_of_ten()
    {
        using var plot = new ScottPlot.Plot();
        plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 });   // log10 of 1 and 10
        LogTicks.Apply(plot, 1.0);
        plot.RenderInMemory(800, 500);
        Assert.Equal(["1", "10"], plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label));
    }

    // A log axis over a narrow range (J from 10.000 to 10.002) labelled every tick "10": 3 significant digits.
    [Fact]
    public void Log_tick_labels_over_a_narrow_range_tell_the_ticks_apart()
    {
        var plot = new ScottPlot.Plot();
        double decades = Math.Log10(10.002 / 10.000);
        LogTicks.Apply(plot, decades);
        var format = ((ScottPlot.TickGenerators.NumericAutomatic)plot.Axes.Left.TickGenerator).LabelFormatter;
        string[] labels = [.. new[] { 10.0, 10.0005, 10.001, 10.0015, 10.002 }.Select(v => format(Math.Log10(v)))];
        Assert.Equal(labels.Length, labels.Distinct().Count());
        Assert.Equal("10.001", labels[2]);
        Assert.Equal(3, LogTicks.DigitsFor(1.0));   // a decade or more: as before
        Assert.Equal(3, LogTicks.DigitsFor(0.1));
        Assert.Equal(15, LogTicks.DigitsFor(1e-30));
        Assert.Equal(3, LogTicks.DigitsFor(0));
    }
}
