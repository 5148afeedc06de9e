using System.Globalization;
using Microsoft.ML;

namespace WordNetSupersensesSample;

// Settings chosen on held-out training rows: the code's weight ((f)) and the classifier's L2 ((a'), (f')), each on the
// same seeded fifth of the rows the classifier is trained on. The test rows play no part.
internal sealed partial class Experiment
{
    /// <summary>
    /// The classifier's L2 weight (SDCA's L2Regularization) that validates best with <paramref name="setup"/>'s
    /// featurizer, which is then fitted with it on all of <paramref name="v"/>. The weights tried are a ladder
    /// of half-decade steps, 10^(k/2): first 1e-6 to 1e-3, around the 2.7e-5 to 3.0e-5 that ML.NET picks by
    /// itself at every size here (20 / (expected passes x rows), e.g. 20 / (10 x 65,692) = 3.0e-5); then, while
    /// an end of those tried has the best accuracy (alone or tied), one step beyond it, down to 1e-8 and up to
    /// 1e-2, so that the choice is not where the ladder happened to stop. Of equals, the larger L2.
    /// </summary>
    private Fitted ValidatedL2(IDataView v, Func<float, IDataView, Fitted> setup, string features, string what)
    {
        const int first = -12, last = -6, lowest = -16, highest = -4;
        static float L2(int k) => (float)Math.Pow(10, k / 2.0);
        var split = ValidationSplit(v);
        var accuracy = new SortedDictionary<int, double>();
        void Try(int k) => accuracy[k] = ValidationAccuracy(split, rows => setup(L2(k), rows), features);
        int Best() => accuracy.OrderByDescending(a => a.Value).ThenByDescending(a => a.Key).First().Key;
        for (int k = first; k <= last; k++) Try(k);
        // Beyond an end whose accuracy is the best, tied or not: with the tie rule alone, an end that tied an inner
        // step ended the search there, and the best was reached at the end of the ladder after all.
        while (true)
        {
            double most = accuracy.Values.Max();
            int low = accuracy.Keys.First(), high = accuracy.Keys.Last();
            if (accuracy[low] == most && low > lowest) Try(low - 1);
            else if (accuracy[high] == most && high < highest) Try(high + 1);
            else break;
        }
        string Said(int k) => string.Create(CultureInfo.InvariantCulture, $"{L2(k):0.#E+0}");
        log.WriteLine($"{what} validation accuracy by L2 {string.Join(", ", accuracy.Select(a => string.Create(CultureInfo.InvariantCulture, $"{Said(a.Key)}: {a.Value:F4}")))}; " +
                      $"chosen {Said(Best())}");
        return setup(L2(Best()), v);
    }

    /// <summary>
    /// The candidate that validates best, the first of equals; its featurizer is not refitted here. Every one of
    /// <paramref name="candidates"/> is tried, then each of <paramref name="beyond"/> in turn while the last one
    /// tried validates best, alone or tied (as <see cref="ValidatedL2"/> steps beyond an end of its ladder). The
    /// test rows play no part in the choice. The validation figures and the choice go to standard error, as they
    /// may differ between CPUs where figures are close.
    /// </summary>
    private T Validated<T>(IDataView v, IReadOnlyList<T> candidates, IReadOnlyList<T> beyond, Func<T, IDataView, Fitted> setup, string features,
        Func<T, string> describe, string what)
    {
        var split = ValidationSplit(v);
        T chosen = candidates[0];
        double best = double.NegativeInfinity, last = double.NaN;
        var figures = new List<string>();
        void Try(T candidate)
        {
            last = ValidationAccuracy(split, rows => setup(candidate, rows), features);
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"{describe(candidate)}: {last:F4}"));
            if (last > best) (best, chosen) = (last, candidate);
        }
        foreach (var candidate in candidates) Try(candidate);
        foreach (var candidate in beyond)
        {
            if (last < best) break;
            Try(candidate);
        }
        log.WriteLine($"{what} {string.Join(", ", figures)}; chosen {describe(chosen)}");
        return chosen;
    }

    /// <summary>
    /// Four fifths of the training rows <paramref name="v"/> to fit on and the other fifth to validate on: a
    /// seeded split, the same for every choice made on <paramref name="v"/>.
    /// </summary>
    private (IDataView Fit, IDataView Check) ValidationSplit(IDataView v) => ValidationSplit(ml, v);

    // Seeded, so which rows it holds out follows their positions alone: a context of its own gives the run's split.
    private static (IDataView Fit, IDataView Check) ValidationSplit(MLContext ml, IDataView v)
    {
        var split = ml.Data.TrainTestSplit(v, testFraction: 0.2, seed: 1);
        return (split.TrainSet, split.TestSet);
    }

    /// <summary>
    /// Refuses labelled rows (a table's training rows, or a part of them for table 3) whose validation split the
    /// validated rows cannot use: SDCA fitted on rows of one supersense fails ("numClasses ... Must be at least 2"),
    /// and a held-out fifth without rows has no accuracy. The split is the run's, on these labels in this order, so
    /// that a data file too small for it is refused before any training, not after a table's first rows.
    /// </summary>
    /// <exception cref="InvalidDataException">The four fifths hold fewer than 2 supersenses, or the fifth no row; the message gives the counts.</exception>
    public static void RequireValidationSplit(string path, IReadOnlyList<string> labels)
    {
        var ml = new MLContext(seed: 1);
        var (fit, check) = ValidationSplit(ml, ml.Data.LoadFromEnumerable(labels.Select(l => new TextRow { Label = l })));
        var fitLabels = ml.Data.CreateEnumerable<TextRow>(fit, reuseRowObject: false).Select(r => r.Label).ToList();
        int checkRows = ml.Data.CreateEnumerable<TextRow>(check, reuseRowObject: false).Count();
        var classes = fitLabels.Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count >= 2 && checkRows >= 1) return;
        string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
        string named = string.Join(", ", classes.Take(3)) + (classes.Count > 3 ? ", ..." : "");
        throw new InvalidDataException(
            $"{path}: the classifiers of (a'), (f) and (f') are chosen on a held-out fifth of the {Count(labels.Count, "training synset")}, " +
            "so the other four fifths, on which they are fitted, must hold at least 2 supersenses and the fifth at least 1 synset, " +
            $"but they hold {Count(fitLabels.Count, "synset")} of {Count(classes.Count, "supersense")}{(classes.Count > 0 ? $" ({named})" : "")} " +
            $"and {Count(checkRows, "synset")}");
    }

    /// <summary>The accuracy on the held-out fifth of the classifier fitted on the other four, with <paramref name="setup"/>'s featurizer and L2.</summary>
    private double ValidationAccuracy((IDataView Fit, IDataView Check) split, Func<IDataView, Fitted> setup, string features)
    {
        var (result, _) = Score("validation", split.Fit, split.Check, setup, features, 0);
        return result.Scores.Accuracy;
    }
}
