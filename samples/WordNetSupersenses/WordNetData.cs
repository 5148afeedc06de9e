using System.Globalization;

namespace WordNetSupersensesSample;

/// <summary>One noun synset: its offset, its supersense (0..25), its lemmas (underscores as spaces) and its gloss.</summary>
internal sealed record Synset(long Offset, int Supersense, IReadOnlyList<string> Lemmas, string Gloss)
{
    /// <summary>Table 2's text: the lemmas, a colon, the gloss.</summary>
    public string LemmasAndGloss => $"{string.Join(", ", Lemmas)}: {Gloss}";
}

/// <summary>WordNet 3.0's data.noun, read into synsets, and the sample's fixed stratified split.</summary>
internal static class WordNetData
{
    /// <summary>The 26 noun supersenses, WordNet's lexicographer files 03 to 28 in order (lexnames(5WN)).</summary>
    public static readonly IReadOnlyList<string> Supersenses =
    [
        "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute", "noun.body",
        "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
        "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant",
        "noun.possession", "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
        "noun.substance", "noun.time",
    ];

    private const int FirstNounLexFile = 3;

    /// <summary>
    /// Reads data.noun: licence lines (two leading spaces) are skipped; every other line is
    /// offset, lex_filenum, ss_type, w_cnt (hex), w_cnt (lemma, lex_id) pairs, p_cnt and its pointers, "| gloss".
    /// </summary>
    /// <exception cref="InvalidDataException">A line does not have that shape.</exception>
    public static List<Synset> Load(string path)
    {
        var synsets = new List<Synset>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.StartsWith("  ", StringComparison.Ordinal) || line.Length == 0) continue;
            int bar = line.IndexOf(" | ", StringComparison.Ordinal);
            var f = (bar < 0 ? line : line[..bar]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (bar < 0 || f.Length < 6 || f[2] != "n" ||
                !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out long offset) ||
                !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int lexFile) ||
                lexFile < FirstNounLexFile || lexFile >= FirstNounLexFile + Supersenses.Count ||
                !int.TryParse(f[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int words) ||
                words < 1 || f.Length < 4 + 2 * words)
                throw new InvalidDataException($"{path}, line {number}: not a WordNet noun synset line");
            var lemmas = Enumerable.Range(0, words).Select(i => f[4 + 2 * i].Replace('_', ' ')).ToArray();
            synsets.Add(new Synset(offset, lexFile - FirstNounLexFile, lemmas, line[(bar + 3)..].Trim()));
        }
        if (synsets.Count == 0) throw new InvalidDataException($"{path}: no synsets");
        return synsets;
    }

    /// <summary>
    /// The fixed stratified split: within each supersense, the synsets in file order are shuffled with
    /// <c>new Random(seed)</c> (one generator, classes in order) and the first round(20%) go to test.
    /// </summary>
    public static (List<Synset> Train, List<Synset> Test) Split(IReadOnlyList<Synset> synsets, double testFraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<Synset>();
        var test = new List<Synset>();
        foreach (var group in ByClass(synsets))
        {
            random.Shuffle(group);
            int t = (int)Math.Round(group.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(group.Take(t));
            train.AddRange(group.Skip(t));
        }
        return (train, test);
    }

    /// <summary>A stratified subset of about <paramref name="count"/> synsets: the first round(n_c * count / n) of each class, at least one.</summary>
    public static List<Synset> Subset(IReadOnlyList<Synset> synsets, int count)
    {
        if (count >= synsets.Count) return synsets.ToList();
        double fraction = (double)count / synsets.Count;
        return ByClass(synsets)
            .SelectMany(g => g.Take(Math.Max(1, (int)Math.Round(g.Length * fraction, MidpointRounding.AwayFromZero))))
            .ToList();
    }

    private static IEnumerable<Synset[]> ByClass(IReadOnlyList<Synset> synsets) =>
        Enumerable.Range(0, Supersenses.Count).Select(c => synsets.Where(s => s.Supersense == c).ToArray()).Where(g => g.Length > 0);
}
