namespace FashionMnistSample;

internal static class Report
{
    /// <summary>Counts with true classes down and predicted classes across, and each class's recall.</summary>
    public static void ConfusionMatrix(TextWriter w, IReadOnlyList<IReadOnlyList<double>> counts, IReadOnlyList<string> names)
    {
        w.WriteLine("confusion matrix (rows: true class, columns: predicted class)");
        w.Write($"{"",-12}");
        for (int c = 0; c < counts.Count; c++) w.Write($"{c,6}");
        w.WriteLine("  recall");
        for (int r = 0; r < counts.Count; r++)
        {
            w.Write($"{r} {names[r],-10}");
            double total = 0;
            for (int c = 0; c < counts[r].Count; c++) { w.Write($"{counts[r][c],6:F0}"); total += counts[r][c]; }
            w.WriteLine($"  {(total > 0 ? counts[r][r] / total : 0):F4}");
        }
    }
}
