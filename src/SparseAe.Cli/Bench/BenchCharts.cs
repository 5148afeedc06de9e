using SparseAe.Persistence;
using System.Globalization;
using System.Text.RegularExpressions;
using SparseAe.Cli.Infrastructure;
using SparseAe.Visualization;

namespace SparseAe.Cli.Bench;

/// <summary>Draws the bench lines it printed: throughput against batch size, and against model size.</summary>
internal static partial class BenchCharts
{
    /// <summary>Writes the charts of the printed <paramref name="lines"/> into <paramref name="folder"/>, which must exist.</summary>
    public static void Write(IReadOnlyList<string> lines, string folder)
    {
        CliFiles.RequireFolder(folder, "--plot-folder");
        var train = lines.Select(l => TrainLine().Match(l)).Where(m => m.Success).ToList();
        if (train.Count > 0)
        {
            // The batches the lines give, smallest first: a batch the bench adds is charted without a list to keep here in step.
            string[] batches = train.Select(m => m.Groups["b"].Value).Distinct().OrderBy(b => long.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            var series = train.GroupBy(m => m.Groups["t"].Value).Select(g => ($"{g.Key} thread(s)",
                batches.Select(b => g.FirstOrDefault(m => m.Groups["b"].Value == b) is { } m ? Rate(m) / 1e6 : double.NaN).ToArray())).ToList();
            var png = ThroughputChart.RenderPng("Training step, 64-100-64 (cost, gradient, Adam update)", "batch size", batches, "million samples/s", series);
            WritePng(Path.Combine(folder, "throughput-batch.png"), png);
        }
        var growth = lines.Select(l => GrowthLine().Match(l)).Where(m => m.Success).ToList();
        if (growth.Count > 0)
        {
            var labels = growth.Select(m => $"V={m.Groups["v"].Value} H={m.Groups["h"].Value}").ToArray();
            string batch = string.Join(", ", growth.Select(m => m.Groups["b"].Value).Distinct());
            WritePng(Path.Combine(folder, "throughput-size.png"), ThroughputChart.RenderPng(
                $"Training step against model size (B = {batch})", "model", labels, "GFLOP/s",
                [("GFLOP/s (10 V H per sample)", growth.Select(m => double.Parse(m.Groups["g"].Value, CultureInfo.InvariantCulture)).ToArray())]));
        }
    }

    // A write that fails (a full disk) is said under --plot-folder, not as AtomicFile's bare "Cannot write ...".
    private static void WritePng(string path, byte[] png) => CliFiles.Write("--plot-folder", path, () => AtomicFile.WriteBytes(path, png));

    private static double Rate(Match m) => double.Parse(m.Groups["r"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^train B=(?<b>\d+) threads=(?<t>\d+) samples/s=(?<r>[0-9.e+]+)")]
    private static partial Regex TrainLine();

    [GeneratedRegex(@"^growth V=(?<v>\d+) H=(?<h>\d+) B=(?<b>\d+) .* GFLOP/s=(?<g>[0-9.]+)")]
    private static partial Regex GrowthLine();
}
