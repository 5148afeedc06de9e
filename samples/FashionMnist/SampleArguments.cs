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
        var (values, switches) = SparseAe.Samples.SampleCommandLine.Parse(args,
            new Dictionary<string, string> { ["--data-dir"] = "a folder", ["--output-dir"] = "a folder" }, ["--quick"]);
        return new SampleArguments(
            values.GetValueOrDefault("--data-dir", DefaultDataDirectory),
            values.GetValueOrDefault("--output-dir", DefaultOutputDirectory),
            switches.Contains("--quick"));
    }
}
