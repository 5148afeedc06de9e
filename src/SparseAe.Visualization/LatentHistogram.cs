namespace SparseAe.Visualization;

/// <summary>
/// The bins of <see cref="LatentFrequencyChart"/>: the latents that fired, counted by log10 of their firing rate,
/// and those of rate 0 (the chart does not call them dead), counted apart because log10 0 is -infinity.
/// </summary>
/// <remarks>
/// The axis runs from <see cref="Low"/> = min(floor(log10 smallest positive rate), -2) to <see cref="High"/> = 0
/// (rate 1, the largest there is): whole decades, and at least two, so the dense line at 0.1 is always on it. Bins
/// are 0.1 decade wide (ten per decade) up to 8 decades; wider ranges get 80 bins of (High - Low) / 80, so a rate of
/// 1e-300 gives a readable chart rather than thousands of bins. Bin i holds the rates with
/// Low + i w &lt;= log10 rate &lt; Low + (i + 1) w; the last bin also holds rate 1.
/// </remarks>
internal sealed record LatentHistogram(double Low, double High, double BinWidth, int[] Counts, int Dead, int Active, int Dense)
{
    /// <summary>Where the dead latents' bar stands: left of <see cref="Low"/> by 15% of the axis, clear of every bin and tick label.</summary>
    public double DeadPosition => Low - 0.15 * (High - Low);

    /// <summary>The dead bar's width: 6% of the axis, so it reads as one bar, not as a bin of the histogram.</summary>
    public double DeadBarWidth => 0.06 * (High - Low);

    /// <summary>Checks the rates and bins them.</summary>
    public static LatentHistogram Of(IReadOnlyList<double> firingRate)
    {
        ArgumentNullException.ThrowIfNull(firingRate);
        if (firingRate.Count == 0)
            throw new ArgumentException("firingRate is empty: there must be at least one latent to draw.", nameof(firingRate));
        double minLog = 0;
        int dead = 0, dense = 0;
        for (int j = 0; j < firingRate.Count; j++)
        {
            double r = firingRate[j];
            if (!(r >= 0 && r <= 1))
                throw new ArgumentException(
                    $"firingRate[{j}] (latent {j}) is {r}; a firing rate is the share of rows on which the latent is active and must lie in [0, 1].",
                    nameof(firingRate));
            if (r == 0) dead++;
            else minLog = Math.Min(minLog, Math.Log10(r));
            if (r > LatentFrequencyChart.DenseRate) dense++;
        }

        double low = Math.Min(Math.Floor(minLog), -2), high = 0;
        double decades = high - low;
        double width = decades <= 8 ? 0.1 : decades / 80;
        int bins = (int)Math.Round(decades / width);
        var counts = new int[bins];
        foreach (double r in firingRate)
        {
            if (r == 0) continue;
            int b = (int)Math.Floor((Math.Log10(r) - low) / width);
            counts[Math.Clamp(b, 0, bins - 1)]++;   // rate 1 (log 0) falls on the upper edge: the last bin
        }
        return new LatentHistogram(low, high, width, counts, dead, firingRate.Count - dead, dense);
    }
}
