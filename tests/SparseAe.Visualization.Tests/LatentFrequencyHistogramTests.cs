namespace SparseAe.Visualization.Tests;

/// <summary>How LatentFrequencyChart bins the firing rates: by log10 rate, with the dead latents counted apart.</summary>
public class LatentFrequencyHistogramTests
{
    [Fact]
    public void Dead_latents_are_counted_apart_from_the_bins()
    {
        var h = LatentHistogram.Of([0, 0.5, 0, 0.01, 1, 0]);
        Assert.Equal(3, h.Dead);
        Assert.Equal(3, h.Active);
        Assert.Equal(3, h.Counts.Sum());
    }

    [Fact]
    public void Each_rate_falls_in_the_tenth_of_a_decade_that_holds_its_log()
    {
        // Low = floor(log10 0.001) = -3; bins of 0.1 decade.
        var h = LatentHistogram.Of([0.001, 0.5, 1]);
        Assert.Equal(-3, h.Low);
        Assert.Equal(0, h.High);
        Assert.Equal(0.1, h.BinWidth, 12);
        Assert.Equal(30, h.Counts.Length);
        Assert.Equal(1, h.Counts[0]);    // log10 0.001 = -3, the lower edge of bin 0
        Assert.Equal(1, h.Counts[26]);   // log10 0.5 = -0.301: (3 - 0.301) / 0.1 = 26.99
        Assert.Equal(1, h.Counts[29]);   // rate 1 sits on the upper edge and goes in the last bin
    }

    [Fact]
    public void The_axis_spans_at_least_two_decades_so_the_dense_line_is_on_it()
    {
        Assert.Equal(-2, LatentHistogram.Of([0.5, 0.9]).Low);
        Assert.Equal(-2, LatentHistogram.Of([0, 0, 0]).Low);
    }

    [Fact]
    public void When_every_latent_is_dead_no_bin_holds_any()
    {
        var h = LatentHistogram.Of([0, 0, 0, 0]);
        Assert.Equal(4, h.Dead);
        Assert.Equal(0, h.Active);
        Assert.All(h.Counts, c => Assert.Equal(0, c));
    }

    [Fact]
    public void A_range_of_more_than_eight_decades_gets_eighty_wider_bins()
    {
        var h = LatentHistogram.Of([1e-300, 0.5]);
        Assert.Equal(-300, h.Low);
        Assert.Equal(80, h.Counts.Length);
        Assert.Equal(300.0 / 80, h.BinWidth, 12);
        Assert.Equal(1, h.Counts[0]);
        Assert.Equal(1, h.Counts[79]);
    }

    [Fact]
    public void Dense_latents_are_those_firing_on_more_than_a_tenth_of_the_rows()
    {
        Assert.Equal(2, LatentHistogram.Of([0.1, 0.1000001, 0.5, 0.09, 0]).Dense);
    }

    [Fact]
    public void The_dead_bar_stands_left_of_every_bin()
    {
        var h = LatentHistogram.Of([0, 0.001]);
        Assert.True(h.DeadPosition + h.DeadBarWidth / 2 < h.Low, $"dead bar at {h.DeadPosition} (width {h.DeadBarWidth}), first bin at {h.Low}");
    }
}
