namespace WordNetSupersensesSample;

internal static class Report
{
    private const int NameWidth = 52;

    /// <summary>
    /// The table twice, accuracy then macro-F1, so that every line ends in its one figure (the CI check
    /// allows a tolerance on a line's last figure, 0.05 for this sample, and compares the others exactly), then the issue's two goals.
    /// </summary>
    public static void Table(TextWriter w, IReadOnlyList<Result> results, IReadOnlyList<int> codeSizes)
    {
        foreach (var (heading, score) in new (string, Func<Scores, double>)[] { ("accuracy", s => s.Accuracy), ("macro-F1", s => s.MacroF1) })
        {
            w.WriteLine($"  {"features",-NameWidth}{"dimensions",12}{heading,10}");
            foreach (var r in results)
                w.WriteLine($"  {r.Name,-NameWidth}{r.Dimensions,12}{score(r.Scores),10:F4}");
        }
        Result Row(string prefix) => results.First(r => r.Name.StartsWith(prefix, StringComparison.Ordinal));
        foreach (int h in codeSizes)
            Goal(w, $"the code ({h}) against LDA ({h} topics)", Row($"(d) sparse code ({h})"), Row($"(c) LDA, {h} topics"));
        foreach (int h in codeSizes)
        {
            Goal(w, $"code ({h}) + token counts against token counts alone", Row($"(e) code ({h})"), Row("(a) token counts"));
            Goal(w, $"code ({h}) + token counts, weight validated, against token counts alone", Row($"(f) code ({h})"), Row("(a) token counts"));
            Goal(w, $"code ({h}) + token counts, weight and L2 validated, against token counts, L2 validated", Row($"(f') code ({h})"), Row("(a') token counts"));
        }
    }

    /// <summary>
    /// Table 3: per part of the labels, (a), (a'), (d), (e), (f) and (f'), accuracy then macro-F1, then (e)
    /// and (f) against (a) and (f') against (a') for each part.
    /// </summary>
    public static void FewerLabels(TextWriter w, IReadOnlyList<(int Labelled, Result Row)> rows)
    {
        foreach (var (heading, score) in new (string, Func<Scores, double>)[] { ("accuracy", s => s.Accuracy), ("macro-F1", s => s.MacroF1) })
        {
            w.WriteLine($"  {"labelled",8}  {"features",-NameWidth}{heading,10}");
            foreach (var (labelled, r) in rows)
                w.WriteLine($"  {labelled,8}  {r.Name,-NameWidth}{score(r.Scores),10:F4}");
        }
        foreach (var part in rows.GroupBy(r => r.Labelled))
        {
            Result Row(string prefix) => part.First(r => r.Row.Name.StartsWith(prefix, StringComparison.Ordinal)).Row;
            var code = Row("(e)");
            Goal(w, $"{code.Name[4..]} against token counts alone, {part.Key} labelled", code, Row("(a)"));
            Goal(w, $"{code.Name[4..]}, weight validated, against token counts alone, {part.Key} labelled", Row("(f)"), Row("(a)"));
            Goal(w, $"{code.Name[4..]}, weight and L2 validated, against token counts, L2 validated, {part.Key} labelled", Row("(f')"), Row("(a')"));
        }
    }

    /// <summary>
    /// One line per measure, each ending in the difference (candidate minus baseline). No verdict word:
    /// a small difference can change sign on another CPU while staying within the check's tolerance, so
    /// the README reads the verdicts off the full run.
    /// </summary>
    private static void Goal(TextWriter w, string claim, Result candidate, Result baseline)
    {
        foreach (var (measure, score) in new (string, Func<Scores, double>)[] { ("accuracy", s => s.Accuracy), ("macro-F1", s => s.MacroF1) })
        {
            double difference = score(candidate.Scores) - score(baseline.Scores);
            w.WriteLine($"  {claim}, {measure} difference: {difference:+0.0000;-0.0000;0.0000}");
        }
    }
}
