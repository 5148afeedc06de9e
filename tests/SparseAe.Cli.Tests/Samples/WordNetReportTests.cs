using WordNetSupersensesSample;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The WordNet sample's tables and goal lines (Report.cs), its sizes (RunSizes.cs) and its command line (SampleArguments.cs).</summary>
public class WordNetReportTests
{
    /// <summary>
    /// Two classes, 4 test rows all of the first, <paramref name="right"/> of them predicted right. By hand: accuracy right/4;
    /// F1 of class 0 = 2r / (2r + (4 - r)); class 1, predicted 4 - r times and never true, F1 0 (left out when r = 4).
    /// So r = 1: 0.25 and 0.2; r = 2: 0.5 and 1/3; r = 3: 0.75 and 3/7; r = 4: 1 and 1.
    /// </summary>
    private static Result Row(string name, int right) => new(name, 10, new Scores(new[,] { { right, 4 - right }, { 0, 0 } }), 0, 0);

    private static string Figure(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];

    [Fact]
    public void Table_gives_each_rows_accuracy_then_macro_f1_and_each_goal_as_candidate_minus_baseline()
    {
        Result[] rows =
        [
            Row("(a) token counts", 2), Row("(a') token counts, L2 validated", 3), Row("(c) LDA, 64 topics", 1),
            Row("(d) sparse code (64)", 3), Row("(e) code (64) + token counts", 4), Row("(f) code (64) + token counts, weight validated", 1),
            Row("(f') code (64) + token counts, weight and L2 validated", 4),
        ];
        var w = new StringWriter();
        Report.Table(w, rows, [64]);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(["accuracy", "0.5000", "0.7500", "0.2500", "0.7500", "1.0000", "0.2500", "1.0000"], lines[..8].Select(Figure));
        Assert.Equal(["macro-F1", "0.3333", "0.4286", "0.2000", "0.4286", "1.0000", "0.2000", "1.0000"], lines[8..16].Select(Figure));
        Assert.Equal(
        [
            "  the code (64) against LDA (64 topics), accuracy difference: +0.5000",
            "  the code (64) against LDA (64 topics), macro-F1 difference: +0.2286",
            "  code (64) + token counts against token counts alone, accuracy difference: +0.5000",
            "  code (64) + token counts against token counts alone, macro-F1 difference: +0.6667",
            "  code (64) + token counts, weight validated, against token counts alone, accuracy difference: -0.2500",
            "  code (64) + token counts, weight validated, against token counts alone, macro-F1 difference: -0.1333",
            "  code (64) + token counts, weight and L2 validated, against token counts, L2 validated, accuracy difference: +0.2500",
            "  code (64) + token counts, weight and L2 validated, against token counts, L2 validated, macro-F1 difference: +0.5714",
        ], lines[16..]);
    }

    [Fact]
    public void Fewer_labels_compares_e_and_f_with_a_and_f_prime_with_a_prime_within_each_part()
    {
        (int, Result)[] rows =
        [
            (1000, Row("(a) token counts", 2)), (1000, Row("(a') token counts, L2 validated", 4)), (1000, Row("(d) sparse code (256)", 1)),
            (1000, Row("(e) code (256) + token counts", 3)), (1000, Row("(f) code (256) + token counts, weight validated", 4)),
            (1000, Row("(f') code (256) + token counts, weight and L2 validated", 3)),
            (4000, Row("(a) token counts", 4)), (4000, Row("(a') token counts, L2 validated", 4)), (4000, Row("(d) sparse code (256)", 4)),
            (4000, Row("(e) code (256) + token counts", 4)), (4000, Row("(f) code (256) + token counts, weight validated", 4)),
            (4000, Row("(f') code (256) + token counts, weight and L2 validated", 4)),
        ];
        var w = new StringWriter();
        Report.FewerLabels(w, rows);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.StartsWith("      1000  (e) code (256) + token counts ", lines[4]);
        Assert.Equal("0.7500", Figure(lines[4]));
        Assert.Equal(
        [
            "  code (256) + token counts against token counts alone, 1000 labelled, accuracy difference: +0.2500",
            "  code (256) + token counts against token counts alone, 1000 labelled, macro-F1 difference: +0.0952",
            "  code (256) + token counts, weight validated, against token counts alone, 1000 labelled, accuracy difference: +0.5000",
            "  code (256) + token counts, weight validated, against token counts alone, 1000 labelled, macro-F1 difference: +0.6667",
            "  code (256) + token counts, weight and L2 validated, against token counts, L2 validated, 1000 labelled, accuracy difference: -0.2500",
            "  code (256) + token counts, weight and L2 validated, against token counts, L2 validated, 1000 labelled, macro-F1 difference: -0.5714",
        ], lines[26..32]);
        Assert.All(lines[32..], l => Assert.EndsWith("4000 labelled, " + l.Split(", 4000 labelled, ")[1], l));
        Assert.All(lines[32..], l => Assert.EndsWith("difference: 0.0000", l));
    }

    [Theory]
    [InlineData(64, 8)]
    [InlineData(143, 8)]
    [InlineData(144, 9)]
    [InlineData(256, 16)]
    [InlineData(1024, 64)]
    public void K_is_one_latent_in_16_and_at_least_8(int hidden, int k) => Assert.Equal(k, RunSizes.K(hidden));

    [Fact]
    public void The_arguments_default_to_debians_data_noun_and_the_output_folder_and_quick_is_off()
    {
        Assert.Equal(new SampleArguments("/usr/share/wordnet/data.noun", "wordnet-supersenses-output", false), SampleArguments.Parse([]));
        Assert.Equal(new SampleArguments("d.noun", "out", true), SampleArguments.Parse(["--output-dir", "out", "--quick", "--data", "d.noun"]));
    }
}
