namespace WordNetSupersensesSample;

internal static class Report
{
    private const int NameWidth = 36;

    /// <summary>
    /// The table twice, accuracy then macro-F1, so that every line ends in its one figure (the CI check
    /// allows 0.01 on a line's last figure and compares the others exactly), then the issue's two goals.
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
            Goal(w, $"the code ({h}) beats LDA ({h} topics)", Row($"(d) sparse code ({h})"), Row($"(c) LDA, {h} topics"));
        foreach (int h in codeSizes)
            Goal(w, $"code ({h}) + token counts beats token counts alone", Row($"(e) code ({h})"), Row("(a) token counts"));
    }

    // A difference this small is a tie: CI's check allows 0.01 on a figure, so a verdict on a smaller
    // margin could flip on another CPU (another vector width, another rounding) while the figures agree.
    private const double Tie = 0.01;

    /// <summary>
    /// One line per measure, each ending in the difference (candidate minus baseline): "yes" or "no"
    /// beyond <see cref="Tie"/>, "tie" within it.
    /// </summary>
    private static void Goal(TextWriter w, string claim, Result candidate, Result baseline)
    {
        foreach (var (measure, score) in new (string, Func<Scores, double>)[] { ("accuracy", s => s.Accuracy), ("macro-F1", s => s.MacroF1) })
        {
            double difference = score(candidate.Scores) - score(baseline.Scores);
            string verdict = Math.Abs(difference) <= Tie ? "tie (within 0.01)" : difference > 0 ? "yes" : "no";
            w.WriteLine($"  {claim}, by {measure}: {verdict}, {difference:+0.0000;-0.0000;0.0000}");
        }
    }
}
