namespace SparseAe.Visualization.Tests;

/// <summary>Every bad argument to LatentFrequencyChart is refused with a message naming it, the rule and the value.</summary>
public class LatentFrequencyChartValidationTests
{
    [Fact]
    public void A_null_list_of_rates_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => LatentFrequencyChart.RenderPng(null!));
        Assert.Equal("firingRate", e.ParamName);
    }

    [Fact]
    public void An_empty_list_of_rates_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => LatentFrequencyChart.RenderPng([]));
        Assert.Equal("firingRate", e.ParamName);
        Assert.Contains("firingRate is empty: there must be at least one latent to draw.", e.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.25)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_rate_that_is_not_a_share_is_refused_naming_the_latent_and_the_value(double bad)
    {
        double[] rates = [0.1, 0.2, bad, 0.3];
        var e = Assert.Throws<ArgumentException>(() => LatentFrequencyChart.RenderPng(rates));
        Assert.Equal("firingRate", e.ParamName);
        Assert.Contains($"firingRate[2] (latent 2) is {bad}; a firing rate is the share of rows on which the latent is active and must lie in [0, 1].", e.Message);
    }

    [Theory]
    [InlineData(LatentFrequencyChart.MinSide - 1)]
    [InlineData(LatentFrequencyChart.MaxSide + 1)]
    [InlineData(0)]
    public void A_width_out_of_range_is_refused(int width)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LatentFrequencyChart.RenderPng([0.5], width, 500));
        Assert.Equal("width", e.ParamName);
        Assert.Contains($"width must lie in 100..10000 pixels, but is {width}.", e.Message);
    }

    [Theory]
    [InlineData(LatentFrequencyChart.MinSide - 1)]
    [InlineData(LatentFrequencyChart.MaxSide + 1)]
    public void A_height_out_of_range_is_refused(int height)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LatentFrequencyChart.RenderPng([0.5], 800, height));
        Assert.Equal("height", e.ParamName);
        Assert.Contains($"height must lie in 100..10000 pixels, but is {height}.", e.Message);
    }

    [Fact]
    public void A_null_title_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => LatentFrequencyChart.RenderPng([0.5], title: null!));
        Assert.Equal("title", e.ParamName);
    }
}
