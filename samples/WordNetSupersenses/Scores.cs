namespace WordNetSupersensesSample;

/// <summary>Accuracy and macro-F1 from a confusion matrix (row: true class, column: predicted class).</summary>
internal sealed record Scores(int[,] Confusion)
{
    public int Classes => Confusion.GetLength(0);

    public double Accuracy
    {
        get
        {
            long right = 0, total = 0;
            for (int r = 0; r < Classes; r++)
                for (int c = 0; c < Classes; c++) { total += Confusion[r, c]; if (r == c) right += Confusion[r, c]; }
            return total == 0 ? 0 : (double)right / total;
        }
    }

    /// <summary>
    /// The mean of F1 = 2 TP / (2 TP + FP + FN) over the classes that the test rows or the predictions
    /// hold; a class with neither (2 TP + FP + FN = 0, a --data file without that supersense) is left
    /// out, not counted 0, so that a perfect prediction scores 1 (scikit-learn's macro average does the same).
    /// </summary>
    public double MacroF1
    {
        get
        {
            double sum = 0;
            int present = 0;
            for (int k = 0; k < Classes; k++)
            {
                long tp = Confusion[k, k], fp = 0, fn = 0;
                for (int j = 0; j < Classes; j++)
                {
                    if (j == k) continue;
                    fp += Confusion[j, k];
                    fn += Confusion[k, j];
                }
                if (2 * tp + fp + fn == 0) continue;
                sum += 2.0 * tp / (2 * tp + fp + fn);
                present++;
            }
            return present == 0 ? 0 : sum / present;
        }
    }

    public static Scores From(IEnumerable<(string Truth, string Predicted)> pairs, IReadOnlyList<string> classes)
    {
        var index = classes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        var confusion = new int[classes.Count, classes.Count];
        foreach (var (truth, predicted) in pairs) confusion[index[truth], index[predicted]]++;
        return new Scores(confusion);
    }
}
