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
}
