namespace WordNetSupersensesSample;

/// <summary>The sample's command line: --data FILE, --output-dir DIR, --quick.</summary>
internal sealed record SampleArguments(string DataFile, string OutputDirectory, bool Quick)
{
    public const string DefaultDataFile = "/usr/share/wordnet/data.noun";
    public const string DefaultOutputDirectory = "wordnet-supersenses-output";

    public const string Usage =
        "usage: WordNetSupersenses [--data FILE] [--output-dir DIR] [--quick]\n" +
        $"  --data FILE       WordNet 3.0's data.noun (default {DefaultDataFile}, from\n" +
        "                    `apt-get install -y wordnet-base`)\n" +
        $"  --output-dir DIR  where the confusion picture and the latents' tokens are written (default ./{DefaultOutputDirectory})\n" +
        "  --quick           a few thousand glosses, a smaller vocabulary and short training: a check that runs in a minute or two";

    /// <summary>Parses the arguments; throws ArgumentException with a one-line reason.</summary>
    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        var (values, switches) = SparseAe.Samples.SampleCommandLine.Parse(args,
            new Dictionary<string, string> { ["--data"] = "a file", ["--output-dir"] = "a folder" }, ["--quick"]);
        return new SampleArguments(
            values.GetValueOrDefault("--data", DefaultDataFile),
            values.GetValueOrDefault("--output-dir", DefaultOutputDirectory),
            switches.Contains("--quick"));
    }
}
