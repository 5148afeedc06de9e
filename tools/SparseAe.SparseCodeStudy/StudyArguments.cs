using System.Globalization;

namespace SparseAe.SparseCodeStudy;

/// <summary>The study's command line: every setting with its default, so a run is reproducible from its arguments.</summary>
internal sealed record StudyArguments
{
    public const string Usage = """
        Usage: SparseAe.SparseCodeStudy --patches-csv rows.csv [options]
          --patches-csv FILE      whitened patches from `sparseae train --normalize standard --save-rows FILE` (required for patches)
          --fashion-dir DIR       Fashion-MNIST IDX files [/usr/share/datasets/fashion-mnist]
          --out DIR               where the CSV and the PNGs go [study-out]
          --only patches|fashion  run one data set [both]
          --fashion-train N       training images used, the first N [20000]
          --patch-hidden H        latents on the patches [256]
          --fashion-hidden H      latents on Fashion-MNIST [512]
          --patch-epochs N        Adam epochs on the patches [100]
          --fashion-epochs N      Adam epochs on Fashion-MNIST [20]
          --batch-size N          rows per Adam step [1024]
          --patch-lr RATES        Adam step size per activation on the patches [topk=0.01,relu=0.01,jumprelu=0.01,sigmoid=0.003]
          --fashion-lr RATES      the same on Fashion-MNIST [topk=0.003,relu=0.01,jumprelu=0.01,sigmoid=0.01]
          --learning-rate X       one step size for every activation on both data sets (for pilots)
          --seed N                at least 0 [1]
          --threads N             0..65535, 0 = one per logical processor [0]
          --topk LIST             k values, comma-separated [4,8,16,32]
          --relu-l1 LIST          ReLU L1 weights, for both data sets [patches 2,1,0.5,0.25,0.12; Fashion-MNIST 3,1.5,0.7,0.35]
          --jumprelu-l0 LIST      JumpReLU L0 weights, for both data sets [patches 1,0.3,0.1,0.03,0.01; Fashion-MNIST 10,3,1,0.4]
          --series LIST           train only these series, of topk, topk-noaux, relu, jumprelu, sigmoid (for pilots) [all]
          --no-probe              skip the linear classifier on Fashion-MNIST
        """;

    public bool Help { get; private init; }
    public string? PatchesCsv { get; private init; }
    public string FashionDir { get; private init; } = "/usr/share/datasets/fashion-mnist";
    public string Output { get; private init; } = "study-out";
    public string? Only { get; private init; }
    public int FashionTrain { get; private init; } = 20_000;
    public int PatchHidden { get; private init; } = 256;
    public int FashionHidden { get; private init; } = 512;
    public int PatchEpochs { get; private init; } = 100;
    public int FashionEpochs { get; private init; } = 20;
    public int BatchSize { get; private init; } = 1024;
    public LearningRates PatchRates { get; private init; } = new(TopK: 0.01, ReLU: 0.01, JumpReLU: 0.01, Sigmoid: 0.003);
    public LearningRates FashionRates { get; private init; } = new(TopK: 0.003, ReLU: 0.01, JumpReLU: 0.01, Sigmoid: 0.01);
    public int Seed { get; private init; } = 1;
    public int Threads { get; private init; }
    public int[] TopK { get; private init; } = [4, 8, 16, 32];
    public double[]? ReluL1 { get; private init; }
    public double[]? JumpL0 { get; private init; }
    public double[] PatchReluL1 => ReluL1 ?? [2, 1, 0.5, 0.25, 0.12];
    public double[] PatchJumpL0 => JumpL0 ?? [1, 0.3, 0.1, 0.03, 0.01];
    public double[] FashionReluL1 => ReluL1 ?? [3, 1.5, 0.7, 0.35];
    public double[] FashionJumpL0 => JumpL0 ?? [10, 3, 1, 0.4];
    public bool Probe { get; private init; } = true;
    public string[]? Series { get; private init; }

    /// <summary>The command-line name of a configuration's series (--series).</summary>
    public static string SeriesKey(StudyConfiguration c) => c switch
    {
        { Activation: ActivationKind.TopK, AuxK: 0 } => "topk-noaux",
        _ => c.Activation.ToString().ToLowerInvariant(),
    };

    /// <summary>The configurations --series keeps.</summary>
    public List<StudyConfiguration> Keep(List<StudyConfiguration> all) => Series is null ? all : all.Where(c => Series.Contains(SeriesKey(c))).ToList();

    public bool Runs(string dataSet) => Only is null || Only == dataSet;

    public static StudyArguments Parse(string[] args)
    {
        var a = new StudyArguments();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            a = name switch
            {
                "--help" or "-h" => a with { Help = true },
                "--patches-csv" => a with { PatchesCsv = Value() },
                "--fashion-dir" => a with { FashionDir = Value() },
                "--out" => a with { Output = Value() },
                "--only" => a with { Only = Value() is var o && o is "patches" or "fashion" ? o : throw new ArgumentException($"--only must be patches or fashion, but is '{o}'.") },
                "--fashion-train" => a with { FashionTrain = Int(name, Value(), 1) },
                "--patch-hidden" => a with { PatchHidden = Int(name, Value(), 1) },
                "--fashion-hidden" => a with { FashionHidden = Int(name, Value(), 1) },
                "--patch-epochs" => a with { PatchEpochs = Int(name, Value(), 1) },
                "--fashion-epochs" => a with { FashionEpochs = Int(name, Value(), 1) },
                "--batch-size" => a with { BatchSize = Int(name, Value(), 1) },
                "--learning-rate" => Double(name, Value()) is var r ? a with { PatchRates = LearningRates.All(r), FashionRates = LearningRates.All(r) } : a,
                "--patch-lr" => a with { PatchRates = Rates(name, Value()) },
                "--fashion-lr" => a with { FashionRates = Rates(name, Value()) },
                "--seed" => a with { Seed = Int(name, Value(), 0) },   // System.Random draws the same numbers for -s as for s
                "--threads" => a with { Threads = Int(name, Value(), 0, Defaults.MaxThreads) },
                "--topk" => a with { TopK = List(name, Value()).Select(x => x == Math.Floor(x) ? (int)x : throw new ArgumentException($"--topk lists whole numbers, but holds {x}.")).ToArray() },
                "--relu-l1" => a with { ReluL1 = List(name, Value()) },
                "--jumprelu-l0" => a with { JumpL0 = List(name, Value()) },
                "--no-probe" => a with { Probe = false },
                "--series" => a with { Series = SeriesList(Value()) },
                _ => throw new ArgumentException($"unknown option '{name}'.\n{Usage}"),
            };
        }
        if (!a.Help && a.Runs("patches") && a.PatchesCsv is null)
            throw new ArgumentException("--patches-csv is required for the patches (or give --only fashion).\n" + Usage);
        return a;
    }

    private static string[] SeriesList(string value)
    {
        string[] known = ["topk", "topk-noaux", "relu", "jumprelu", "sigmoid"];
        string[] list = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0 || list.Any(s => !known.Contains(s)))
            throw new ArgumentException($"--series must list some of {string.Join(", ", known)}, but is '{value}'.");
        return list;
    }

    // "topk=0.01,relu=0.01,jumprelu=0.01,sigmoid=0.003": all four, each once.
    private static LearningRates Rates(string name, string value)
    {
        var rates = new Dictionary<string, double>();
        foreach (string part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] kv = part.Split('=', StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[0] is not ("topk" or "relu" or "jumprelu" or "sigmoid") || !rates.TryAdd(kv[0], Double(name, kv[1])))
                throw new ArgumentException($"{name} must be topk=X,relu=X,jumprelu=X,sigmoid=X (each once), but holds '{part}'.");
        }
        if (rates.Count != 4)
            throw new ArgumentException($"{name} must give all four rates (topk, relu, jumprelu, sigmoid), but is '{value}'.");
        return new LearningRates(rates["topk"], rates["relu"], rates["jumprelu"], rates["sigmoid"]);
    }

    private static int Int(string name, string value, int min, int max = int.MaxValue)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n : throw new ArgumentException($"{name} must be an integer {(max == int.MaxValue ? $"of at least {min}" : $"in {min}..{max}")}, but is '{value}'.");

    private static double Double(string name, string value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0 && double.IsFinite(x)
            ? x : throw new ArgumentException($"{name} must be a finite number greater than 0, but is '{value}'.");

    private static double[] List(string name, string value)
        => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Double(name, v)).ToArray() is { Length: > 0 } list
            ? list : throw new ArgumentException($"{name} must list at least one value, but is '{value}'.");
}
