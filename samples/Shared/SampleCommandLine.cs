namespace SparseAe.Samples;

/// <summary>
/// The samples' command line (compiled into each sample that takes options): options that take a value
/// (<c>--output-dir DIR</c>) and switches (<c>--quick</c>), each given at most once, so that a repeated
/// option is refused rather than the last one silently winning.
/// </summary>
internal static class SampleCommandLine
{
    /// <summary>
    /// True when <c>--help</c> or <c>-h</c> is among the arguments, wherever (as sparseae's own commands take it): the
    /// sample prints its usage to standard output and exits 0.
    /// </summary>
    public static bool AsksForHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h");

    /// <summary>
    /// Parses <paramref name="args"/>. <paramref name="valueOptions"/> maps each option that takes a value to
    /// what it takes ("a folder"), for the message when it is missing. Returns the values given and the
    /// switches set; throws <see cref="ArgumentException"/> with a one-line reason.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Switches) Parse(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, string> valueOptions, IReadOnlyCollection<string> switches)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (switches.Contains(name))
            {
                if (!set.Add(name)) throw new ArgumentException($"{name} is given twice; give it once");
            }
            else if (valueOptions.TryGetValue(name, out var what))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
                    throw new ArgumentException($"{name} needs {what} after it");
                string value = args[++i];
                if (values.TryGetValue(name, out var first))
                    throw new ArgumentException($"{name} is given twice ('{first}' and '{value}'); give it once");
                values[name] = value;
            }
            else
            {
                throw new ArgumentException($"unknown argument '{name}'");
            }
        }
        return (values, set);
    }
}
