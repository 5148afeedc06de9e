using System.Globalization;
using SparseAe.Data;

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
    /// Reads data.noun: licence lines (two leading spaces) are skipped; every other line is a synset in
    /// wndb(5)'s layout: synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt
    /// [ptr...] | gloss, each pointer being pointer_symbol synset_offset pos source/target.
    /// </summary>
    /// <exception cref="InvalidDataException">A line does not have that shape; the message names the line, the field, the rule and the value.</exception>
    public static List<Synset> Load(string path)
    {
        TextFiles.RequireText(path, path, "--data needs WordNet 3.0's data.noun");
        var synsets = new List<Synset>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.StartsWith("  ", StringComparison.Ordinal) || line.Length == 0) continue;
            synsets.Add(ParseLine(line, $"{path}, line {number}"));
        }
        if (synsets.Count == 0) throw new InvalidDataException($"{path}: no synsets");
        return synsets;
    }

    /// <summary>The noun pointer symbols wndb(5) lists; data.noun of WordNet 3.0 uses each of them and no other.</summary>
    private static readonly HashSet<string> NounPointerSymbols =
        ["!", "@", "@i", "~", "~i", "#m", "#s", "#p", "%m", "%s", "%p", "=", "+", ";c", "-c", ";r", "-r", ";u", "-u"];

    private static Synset ParseLine(string line, string where)
    {
        int bar = line.IndexOf(" | ", StringComparison.Ordinal);
        if (bar < 0)
            throw new InvalidDataException($"{where}: a synset line must end in ' | ' and the gloss, but this one has no ' | ': \"{TextFiles.Shorten(line)}\"");
        var f = line[..bar].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Every field is checked before it is used, so that a field out of place is named, not met later as a wrong count.
        string Field(int i, string name)
        {
            if (i >= f.Length)
                throw new InvalidDataException($"{where}: field {i + 1}, {name}, is missing: the line has only {f.Length} fields before ' | '");
            return f[i];
        }
        InvalidDataException Bad(int i, string name, string rule) =>
            new($"{where}: field {i + 1}, {name}, must be {rule}, but is '{TextFiles.Shorten(f[i])}'");

        if (!IsDecimal(Field(0, "synset_offset"), 8))
            throw Bad(0, "synset_offset", "8 decimal digits (a byte offset)");
        long offset = long.Parse(f[0], NumberStyles.None, CultureInfo.InvariantCulture);
        if (!int.TryParse(Field(1, "lex_filenum"), NumberStyles.None, CultureInfo.InvariantCulture, out int lexFile) ||
            lexFile < FirstNounLexFile || lexFile >= FirstNounLexFile + Supersenses.Count)
            throw Bad(1, "lex_filenum", $"a noun lexicographer file, {FirstNounLexFile:D2} to {FirstNounLexFile + Supersenses.Count - 1:D2} (lexnames(5WN))");
        if (Field(2, "ss_type") != "n")
            throw Bad(2, "ss_type", "'n' (a noun synset)");
        // w_cnt is two hex digits (at most 255 words), so the field positions below cannot overflow an int.
        int words = IsHex(Field(3, "w_cnt"), 2) ? int.Parse(f[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : 0;
        if (words < 1)
            throw Bad(3, "w_cnt", "2 hexadecimal digits counting at least 1 word (01 to ff)");
        var lemmas = new string[words];
        for (int w = 0; w < words; w++)
        {
            lemmas[w] = Field(4 + 2 * w, $"word {w + 1} of w_cnt {f[3]}").Replace('_', ' ');
            if (!IsHex(Field(5 + 2 * w, $"lex_id of word {w + 1}"), 1))
                throw Bad(5 + 2 * w, $"lex_id of word {w + 1}", "1 hexadecimal digit");
        }
        int p = 4 + 2 * words;
        if (!IsDecimal(Field(p, "p_cnt"), 3))
            throw Bad(p, "p_cnt", "3 decimal digits (000 to 999)");
        int pointers = int.Parse(f[p], NumberStyles.None, CultureInfo.InvariantCulture);
        for (int k = 0; k < pointers; k++)
        {
            int q = p + 1 + 4 * k;
            string which = $"of pointer {k + 1} of p_cnt {f[p]}";
            if (!NounPointerSymbols.Contains(Field(q, $"pointer_symbol {which}")))
                throw Bad(q, $"pointer_symbol {which}", $"a noun pointer symbol of wndb(5) ({string.Join(' ', NounPointerSymbols)})");
            if (!IsDecimal(Field(q + 1, $"synset_offset {which}"), 8))
                throw Bad(q + 1, $"synset_offset {which}", "8 decimal digits");
            if (Field(q + 2, $"pos {which}") is not ("n" or "v" or "a" or "s" or "r"))
                throw Bad(q + 2, $"pos {which}", "one of n, v, a, s, r");
            if (!IsHex(Field(q + 3, $"source/target {which}"), 4))
                throw Bad(q + 3, $"source/target {which}", "4 hexadecimal digits");
        }
        int end = p + 1 + 4 * pointers;
        if (f.Length > end)
            throw new InvalidDataException(
                $"{where}: field {end + 1} is '{TextFiles.Shorten(f[end])}', but a noun synset line ends after its pointers: w_cnt {f[3]} and p_cnt {f[p]} " +
                $"account for {end} fields before ' | ', and the line has {f.Length}");
        return new Synset(offset, lexFile - FirstNounLexFile, lemmas, line[(bar + 3)..].Trim());
    }

    private static bool IsHex(string field, int digits) => field.Length == digits && field.All(char.IsAsciiHexDigit);

    private static bool IsDecimal(string field, int digits) => field.Length == digits && field.All(char.IsAsciiDigit);

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

    /// <summary>
    /// Refuses a split the experiment cannot score: the classifier needs training synsets of at least two
    /// supersenses (SDCA given one class fails, or on a single row never returns), and accuracy needs at
    /// least one test synset.
    /// </summary>
    /// <exception cref="InvalidDataException">The split has training synsets of fewer than 2 supersenses, or no test synsets; the message gives the counts.</exception>
    public static void RequireScorableSplit(string path, IReadOnlyList<Synset> synsets, IReadOnlyList<Synset> train, IReadOnlyList<Synset> test, double testFraction)
    {
        var classes = train.Select(s => s.Supersense).Distinct().Order().ToList();
        if (classes.Count >= 2 && test.Count >= 1) return;
        string named = string.Join(", ", classes.Take(3).Select(c => Supersenses[c])) + (classes.Count > 3 ? ", ..." : "");
        string Percent(double f) => $"{f * 100:0}%";
        string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
        throw new InvalidDataException(
            $"{path}: the stratified {Percent(1 - testFraction)}/{Percent(testFraction)} split must give training synsets of at least 2 supersenses " +
            $"and at least 1 test synset (a supersense puts round({Percent(testFraction)}) of its synsets in the test set, so it needs " +
            $"{(int)Math.Ceiling(0.5 / testFraction)} or more for one), but its {Count(synsets.Count, "synset")} split into {Count(train.Count, "training synset")} " +
            $"in {Count(classes.Count, "supersense")}{(classes.Count > 0 ? $" ({named})" : "")} and {Count(test.Count, "test synset")}");
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
