using System.Diagnostics;

namespace SparseAe.Benchmarking;

/// <summary>
/// Times a repeated operation: a warm-up long enough for the JIT's tiering to finish, then several
/// timed runs; the figure is the median rate, because this machine's neighbours make single runs noisy.
/// </summary>
internal sealed class BenchClock(double warmupSeconds, double runSeconds, int runs)
{
    public static BenchClock Full { get; } = new(1.0, 0.5, 5);
    public static BenchClock Quick { get; } = new(0.2, 0.1, 3);

    /// <summary>Timed runs whose median is the figure (for timings that do one long step a run).</summary>
    public int Runs => runs;

    /// <summary>Median items per second; <paramref name="step"/> does some work and returns the items it did.</summary>
    public double Rate(Func<long> step)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < warmupSeconds) step();
        var rates = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            long items = 0;
            clock.Restart();
            while (clock.Elapsed.TotalSeconds < runSeconds) items += step();
            rates.Add(items / clock.Elapsed.TotalSeconds);
        }
        return Median(rates);
    }

    /// <summary>The middle of an odd number of figures (each clock's runs are 5 or 3); the upper middle of an even number.</summary>
    public static double Median(IEnumerable<double> figures)
    {
        var sorted = figures.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
