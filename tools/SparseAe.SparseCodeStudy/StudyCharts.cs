using SparseAe.Visualization;

namespace SparseAe.SparseCodeStudy;

/// <summary>The study's pictures: FVU against L0 with the PCA line, and (labelled data) test accuracy against L0.</summary>
internal static class StudyCharts
{
    // The sweeps are lines; a single model (the sigmoid, TopK without AuxK) is a lone marker.
    private static readonly string[] LineSeries = ["TopK", "ReLU", "JumpReLU"];

    /// <param name="energyWeighted">x is each code's L0 weighted by the rows' variance (<see cref="CodeMeasurement.EnergyWeightedL0"/>)
    /// rather than its plain mean: the latents the rows that make up FVU get.</param>
    public static byte[] Fvu(string title, IReadOnlyList<StudyResult> results, PcaBaseline pca, bool energyWeighted = false)
    {
        Func<StudyResult, double> x = energyWeighted ? r => r.Code!.EnergyWeightedL0 : r => r.L0;
        var series = Series(results, x, r => r.Code!.Fvu);
        double maxL0 = results.Where(r => r.Code is not null && r.Configuration!.Activation != ActivationKind.Sigmoid).Select(x).DefaultIfEmpty(32).Max();
        // PCA with k = 1 .. up to the largest sparse L0, and no lower than half the codes' smallest FVU: PCA's FVU falls to 0
        // at the data's rank (63 for patches with their means removed), which would stretch a log axis over 15 decades.
        double floor = 0.5 * results.Where(r => r.Code is not null).Select(r => r.Code!.Fvu).DefaultIfEmpty(0.01).Min();
        var ks = Enumerable.Range(1, Math.Min(pca.Dimension - 1, (int)Math.Ceiling(maxL0 * 1.5)))
            .Where(k => pca.Fvu(k) >= floor).Select(k => (double)k).ToArray();
        if (ks.Length > 0)
            series.Add(new TradeoffSeries("PCA, k = L0 components", ks, ks.Select(k => pca.Fvu((int)k)).ToArray(), TradeoffSeriesStyle.Reference));
        // A log y axis only when the values span more than a decade: below that its ticks fall on odd values (0.794).
        var ys = series.SelectMany(s => s.Y).ToArray();
        return SparsityTradeoffChart.RenderPng(series, title, "FVU over the training rows", logY: ys.Max() / ys.Min() > 10,
            xLabel: energyWeighted ? "L0 weighted by each row's variance ||x - mean||^2 (log scale)" : "L0: mean active latents per row (log scale)");
    }

    public static byte[] Accuracy(string title, IReadOnlyList<StudyResult> results)
    {
        var coded = results.Where(r => r.Code is not null && !double.IsNaN(r.Accuracy)).ToList();
        var series = Series(coded, r => r.L0, r => r.Accuracy);
        if (results.FirstOrDefault(r => r.Code is null && !double.IsNaN(r.Accuracy)) is { } pixels)
        {
            // The raw-pixel classifier, drawn flat across the codes' L0 range: a level to beat, not a point of the sweep.
            double lo = coded.Min(r => r.L0), hi = coded.Max(r => r.L0);
            series.Add(new TradeoffSeries($"raw pixels ({pixels.L0:F0} values)", [lo, hi], [pixels.Accuracy, pixels.Accuracy], TradeoffSeriesStyle.Reference));
        }
        return SparsityTradeoffChart.RenderPng(series, title, "test accuracy, linear classifier on the code");
    }

    private static List<TradeoffSeries> Series(IReadOnlyList<StudyResult> results, Func<StudyResult, double> x, Func<StudyResult, double> y)
    {
        var coded = results.Where(r => r.Code is not null).ToList();
        // The four activations first, always in this order, so that each keeps its colour from chart to chart; the comparison rows after.
        string[] main = ["TopK", "ReLU", "JumpReLU", "sigmoid + KL"];
        return coded.Select(r => r.Series).Distinct().OrderBy(name => Array.IndexOf(main, name) is int i && i >= 0 ? i : main.Length)
            .Select(name =>
            {
                var points = coded.Where(r => r.Series == name).ToList();
                var style = LineSeries.Contains(name) && points.Count > 1 ? TradeoffSeriesStyle.Line : TradeoffSeriesStyle.Markers;
                string label = name == "sigmoid + KL" ? "sigmoid + KL (no zeros: L0 = H)" : name;
                return new TradeoffSeries(label, points.Select(x).ToArray(), points.Select(y).ToArray(), style);
            })
            .ToList();
    }
}
