namespace FashionMnistSample;

/// <summary>The sample's command line: --data-dir DIR, --output-dir DIR, --quick.</summary>
internal sealed record SampleArguments(string DataDirectory, string OutputDirectory, bool Quick)
{
    public const string DefaultDataDirectory = "/usr/share/datasets/fashion-mnist";
    public const string DefaultOutputDirectory = "fashion-mnist-output";

    public const string Usage =
        "usage: FashionMnist [--data-dir DIR] [--output-dir DIR] [--quick]\n" +
        $"  --data-dir DIR    the four Fashion-MNIST IDX files (default {DefaultDataDirectory}, from\n" +
        "                    `apt-get install -y dataset-fashion-mnist`)\n" +
        $"  --output-dir DIR  where the model and the pictures are written (default ./{DefaultOutputDirectory})\n" +
        "  --quick           a few thousand images and short training: a check that runs in about a minute";

    /// <summary>Parses the arguments; throws ArgumentException with a one-line reason.</summary>
    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        string data = DefaultDataDirectory, output = DefaultOutputDirectory;
        bool quick = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--data-dir": data = Value(args, ref i); break;
                case "--output-dir": output = Value(args, ref i); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return new SampleArguments(data, output, quick);
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
            throw new ArgumentException($"{args[i]} needs a folder after it");
        return args[++i];
    }
}
