using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe;
using SparseAe.MLNet;
using WordNetSupersensesSample;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The WordNet sample's report of what a few latents mean (samples/WordNetSupersenses/Latents.cs).</summary>
public class WordNetLatentsTests
{
    private const int TokenCount = 12;

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(TokenCount)]
        public float[] Tokens { get; set; } = [];
    }

    private sealed class CodeRow
    {
        public string Label { get; set; } = "";
        public float[] Code { get; set; } = [];
    }

    /// <summary>The latents whose mean over <paramref name="name"/>'s rows most exceeds their overall mean, none excluded.</summary>
    private static int[] AllBest(List<CodeRow> coded, string name)
    {
        var mine = coded.Where(r => r.Label == name).ToList();
        var lift = Enumerable.Range(0, 16).Select(j => mine.Average(r => (double)r.Code[j]) - coded.Average(r => (double)r.Code[j])).ToArray();
        return Enumerable.Range(0, 16).Where(j => lift[j] == lift.Max()).ToArray();
    }

    /// <summary>
    /// Nine of the ten shown supersenses (noun.quantity has no row, so no line) and noun.Tops, which only the overall
    /// means count; each supersense's rows lean on a token of their own, but noun.plant's on noun.animal's, so that the
    /// latent most particular to noun.plant is the one already shown for noun.animal, and it must take another.
    /// </summary>
    private static (MLContext Ml, IDataView View, SparseAutoencoderTransformer Code) Fit(int hidden, int k)
    {
        var classes = Latents.Shown.Where(n => n != "noun.quantity").Append("noun.Tops").ToArray();
        var random = new Random(5);
        var rows = classes.SelectMany((name, c) => Enumerable.Range(0, 8).Select(_ =>
        {
            var tokens = Enumerable.Range(0, TokenCount).Select(_ => (float)random.NextDouble() * 0.2f).ToArray();
            tokens[name == "noun.plant" ? 0 : c] += 1;
            return new Row { Label = name, Tokens = tokens };
        })).ToList();
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(rows);
        var code = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Tokens", HiddenCount = hidden, Activation = ActivationKind.TopK, K = k,
            Epochs = 20, BatchSize = 16, LearningRate = 0.01, Seed = 1, Threads = 1,
        }).Fit(view);
        return (ml, view, code);
    }

    [Fact]
    public void Each_shown_supersense_gets_the_unused_latent_most_above_its_overall_mean_and_that_latents_largest_decoder_tokens()
    {
        var (ml, view, code) = Fit(hidden: 16, k: 4);
        string[] names = Enumerable.Range(0, TokenCount).Select(i => $"t{i}").ToArray();

        var lines = Latents.Describe(view, code, names, topTokens: 3);

        // Worked out here from the code's own output, row by row, and the decoder as AutoencoderWeights documents it.
        var coded = ml.Data.CreateEnumerable<CodeRow>(code.Transform(view), reuseRowObject: false).ToList();
        var w2 = code.Weights.W2.ToArray();   // (V, H) row-major
        var expected = new List<string>();
        var used = new List<int>();
        foreach (var name in Latents.Shown)
        {
            var mine = coded.Where(r => r.Label == name).ToList();
            if (mine.Count == 0) continue;
            double InClass(int j) => mine.Sum(r => (double)r.Code[j]) / mine.Count;
            double Overall(int j) => coded.Sum(r => (double)r.Code[j]) / coded.Count;
            int best = -1;
            for (int j = 0; j < 16; j++)
                if (!used.Contains(j) && (best < 0 || InClass(j) - Overall(j) > InClass(best) - Overall(best))) best = j;
            used.Add(best);
            var decoder = Enumerable.Range(0, TokenCount).Select(i => w2[i * 16 + best]).ToArray();
            var top = Enumerable.Range(0, TokenCount).OrderByDescending(i => decoder[i]).ThenBy(i => i).Take(3).Select(i => $"'t{i}'");
            expected.Add($"latent {best,3} ({name}, mean {InClass(best):F3} in class, {Overall(best):F3} overall): {string.Join(" ", top)}");
        }
        Assert.Equal(9, expected.Count);
        Assert.Equal(9, used.Distinct().Count());
        Assert.Contains(used[0], AllBest(coded, "noun.plant"));   // without the rule, noun.plant would show noun.animal's latent
        Assert.Equal(expected, lines);
    }

    // A code of fewer latents than the supersenses shown: each latent gets one line, for the first supersenses with rows
    // in the shown order, and the rest get none (Describe threw InvalidOperationException from First() there).
    [Fact]
    public void A_code_of_fewer_latents_than_the_shown_supersenses_shows_each_latent_once()
    {
        var (_, view, code) = Fit(hidden: 3, k: 1);
        var lines = Latents.Describe(view, code, Enumerable.Range(0, TokenCount).Select(i => $"t{i}").ToArray(), topTokens: 2);
        Assert.Equal(["noun.animal", "noun.plant", "noun.person"], lines.Select(l => l.Split('(', ',')[1]));
        Assert.Equal([0, 1, 2], lines.Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).Order());
    }
}
