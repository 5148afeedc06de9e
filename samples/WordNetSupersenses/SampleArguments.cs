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
        string data = DefaultDataFile, output = DefaultOutputDirectory;
        bool quick = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--data": data = Value(args, ref i, "a file"); break;
                case "--output-dir": output = Value(args, ref i, "a folder"); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return new SampleArguments(data, output, quick);
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string what)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
            throw new ArgumentException($"{args[i]} needs {what} after it");
        return args[++i];
    }
}
