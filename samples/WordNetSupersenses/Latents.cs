using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;

namespace WordNetSupersensesSample;

/// <summary>What a few latents of a code "mean": for some supersenses, the latent most particular to them, and its decoder's top tokens.</summary>
internal static class Latents
{
    public static readonly string[] Shown =
        ["noun.animal", "noun.plant", "noun.person", "noun.food", "noun.location", "noun.body", "noun.time", "noun.artifact", "noun.feeling", "noun.quantity"];

    /// <summary>
    /// For each supersense of <see cref="Shown"/>: the latent whose mean activation over that class's
    /// training rows most exceeds its mean over all training rows, among the latents not already shown
    /// for a supersense before it in <see cref="Shown"/> (each latent is shown once), and the tokens whose
    /// decoder weights (the latent's column of W2, the direction it adds to the reconstruction) are largest.
    /// A code of fewer latents than that gets a line for each of its latents, in the same order.
    /// </summary>
    public static List<string> Describe(IDataView trainTokens, SparseAutoencoderTransformer code, IReadOnlyList<string> tokenNames, int topTokens = 10)
    {
        int h = code.Weights.HiddenCount, v = code.Weights.VisibleCount;
        var classes = WordNetData.Supersenses;
        var sums = new double[classes.Count, h];
        var rows = new int[classes.Count];
        var all = new double[h];
        int total = 0;
        var coded = code.Transform(trainTokens);
        var codeColumn = coded.Schema["Code"];
        var labelColumn = coded.Schema[nameof(TextRow.Label)];
        using (var cursor = coded.GetRowCursor([codeColumn, labelColumn]))
        {
            var getCode = cursor.GetGetter<VBuffer<float>>(codeColumn);
            var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(labelColumn);
            VBuffer<float> value = default;
            ReadOnlyMemory<char> label = default;
            var index = classes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
            while (cursor.MoveNext())
            {
                getCode(ref value);
                getLabel(ref label);
                int k = index[label.ToString()];
                rows[k]++;
                total++;
                var values = value.GetValues();
                var indices = value.GetIndices();
                for (int i = 0; i < values.Length; i++)
                {
                    int j = value.IsDense ? i : indices[i];
                    sums[k, j] += values[i];
                    all[j] += values[i];
                }
            }
        }
        var w2 = code.Weights.W2.ToArray();   // (V, H) row-major: latent j's decoder column is W2[i * H + j]
        var lines = new List<string>();
        var used = new HashSet<int>();
        foreach (var name in Shown)
        {
            int k = classes.ToList().IndexOf(name);
            if (rows[k] == 0) continue;
            // A code smaller than Shown has no latent left for the last supersenses (First() threw there).
            if (used.Count == h) break;
            int best = Enumerable.Range(0, h).Where(j => !used.Contains(j))
                .OrderByDescending(j => sums[k, j] / rows[k] - all[j] / total).ThenBy(j => j).First();
            used.Add(best);
            var top = Enumerable.Range(0, v).OrderByDescending(i => w2[i * h + best]).ThenBy(i => i).Take(topTokens)
                .Select(i => $"'{tokenNames[i]}'");
            lines.Add($"latent {best,3} ({name}, mean {sums[k, best] / rows[k]:F3} in class, {all[best] / total:F3} overall): {string.Join(" ", top)}");
        }
        return lines;
    }
}
