using WordNetSupersensesSample;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The WordNet sample's accuracy and macro-F1 (samples/WordNetSupersenses/Scores.cs).</summary>
public class WordNetScoresTests
{
    private static readonly string[] Classes = ["a", "b", "c", "d"];

    [Fact]
    public void Macro_f1_is_the_mean_f1_of_the_classes_the_test_rows_or_predictions_hold()
    {
        // Classes a and b only, every row right: a --data file with fewer supersenses than WordNet's 26
        // scored macro-F1 0.5 here (the absent classes' 0/0 counted as 0), which no perfect prediction is.
        var perfect = Scores.From([("a", "a"), ("a", "a"), ("b", "b")], Classes);
        Assert.Equal(1.0, perfect.Accuracy);
        Assert.Equal(1.0, perfect.MacroF1);

        // a: TP 1, FN 1 (F1 2/3); b: TP 1 (F1 1); c, never in the test rows but predicted once: FP 1 (F1 0); d absent.
        var mixed = Scores.From([("a", "a"), ("a", "c"), ("b", "b")], Classes);
        Assert.Equal((2.0 / 3 + 1 + 0) / 3, mixed.MacroF1, 12);
    }

    [Fact]
    public void A_class_never_predicted_and_a_class_never_true_each_score_f1_0_as_scikit_learns_zero_division_0_does()
    {
        // Hand-computed, rows true class, columns predicted (a, b, c; d absent from both, left out):
        //   a: 2 a, 0 b, 1 c      F1(a) = 2*2 / (2*2 + 1 + 1) = 2/3   (FP 1: the b taken for a; FN 1: the a taken for c)
        //   b: 1 a, 0 b, 1 c      F1(b) = 0 / (0 + 0 + 2) = 0         (true twice, never predicted: recall 0, precision 0/0)
        //   c: 0 a, 0 b, 0 c      F1(c) = 0 / (0 + 2 + 0) = 0         (predicted twice, never true: precision 0, recall 0/0)
        // scikit-learn: f1_score(["a","a","a","b","b"], ["a","a","c","a","c"], average="macro") = 2/9, its labels
        // those of y_true or y_pred, a 0/0 precision or recall counted 0 (zero_division's default).
        var s = Scores.From([("a", "a"), ("a", "a"), ("a", "c"), ("b", "a"), ("b", "c")], Classes);
        Assert.Equal(new[,] { { 2, 0, 1, 0 }, { 1, 0, 1, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } }, s.Confusion);
        Assert.Equal(2.0 / 5, s.Accuracy, 12);
        Assert.Equal(2.0 / 9, s.MacroF1, 12);
    }

    [Fact]
    public void No_test_rows_score_0_not_NaN()
    {
        var s = Scores.From([], Classes);
        Assert.Equal(0, s.Accuracy);
        Assert.Equal(0, s.MacroF1);
    }
}
