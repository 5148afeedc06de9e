// An independent float64 reference for the TopK sparse autoencoder recipe of Gao et al. (2024),
// "Scaling and evaluating sparse autoencoders", arXiv 2406.04093. See README.md in this folder.
using System.Diagnostics;
using System.Globalization;
using SparseAe.GaoReference;

const string Usage = """
Usage:
  train (the default):
    --rows FILE            training rows: one per line, comma-separated numbers, no header (required)
    --latents N            latents (dictionary size) [256]
    --k N                  active latents per row [8]
    --epochs N             passes over the rows [30]
    --batch-size N         rows per Adam step [1024]
    --learning-rate X      Adam step size [1e-3]
    --seed N               initial weights and shuffling, at least 0 [1]
    --aux-k N              AuxK latents; 0 disables AuxK [power of two nearest V/2]
    --dead-window ROWS     a latent is dead after this many rows without firing [10000]
    --pre-bias mean|median b_pre's initial value: the data mean or geometric median [mean]
    --true-atoms FILE      synthetic data's dictionary (one atom per line): report its recovery
  synth (writes synthetic rows with a known dictionary):
    synth --out FILE [--rows 10000] [--dim 64] [--atoms 256] [--k 8] [--noise 0.05] [--seed 7] [--orthonormal 0|1]
    writes FILE and FILE.atoms.csv, and prints the noise floor (the FVU of the true decomposition).
  gradcheck: checks the analytic gradients against finite differences on a tiny random problem.
""";

try
{
    var (mode, opts) = Parse(args);
    if (opts.ContainsKey("help")) { Console.WriteLine(Usage); return 0; }
    string[] known = mode == "synth" ? ["out", "rows", "dim", "atoms", "k", "noise", "seed", "orthonormal"]
        : mode == "gradcheck" ? []
        : ["rows", "latents", "k", "epochs", "batch-size", "learning-rate", "seed", "aux-k", "dead-window", "pre-bias", "true-atoms"];
    if (opts.Keys.FirstOrDefault(key => !known.Contains(key)) is { } unknown)
        throw new ArgumentException($"unknown option --{unknown}");
    return mode switch { "synth" => Synth(opts), "gradcheck" => GradCheck.Run(), _ => Train(opts) };
}
catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

static int Train(Dictionary<string, string> o)
{
    var sw = Stopwatch.StartNew();
    string path = Str(o, "rows", null) ?? throw new ArgumentException("--rows is required");
    var rows = Data.ReadRows(path);
    int v = rows[0].Length;
    // Read before training, so that a wrong file fails in a second: atoms of another length than the rows would be
    // compared with the decoder over the shorter of the two, a figure for no dictionary of these rows.
    string? atomsPath = Str(o, "true-atoms", null);
    var trueAtoms = atomsPath is null ? null : Data.ReadRows(atomsPath);
    if (trueAtoms is not null && trueAtoms[0].Length != v)
        throw new ArgumentException($"--true-atoms: the atoms in '{atomsPath}' have {trueAtoms[0].Length} values, the rows {v}");
    var s = new TrainSettings(
        Latents: Int(o, "latents", 256),
        K: Int(o, "k", 8),
        AuxK: Int(o, "aux-k", NearestPowerOfTwo(v / 2.0)),
        DeadWindowRows: Int(o, "dead-window", 10_000),
        Epochs: Int(o, "epochs", 30),
        BatchSize: Int(o, "batch-size", 1024),
        LearningRate: Dbl(o, "learning-rate", 1e-3),
        Seed: Int(o, "seed", 1),
        PreBiasInit: Str(o, "pre-bias", "mean")!);
    AtLeast("--latents", s.Latents, 1);
    AtLeast("--k", s.K, 1);
    if (s.K > s.Latents) throw new ArgumentException($"--k must be at most --latents ({s.Latents}), but is {s.K}");
    AtLeast("--aux-k", s.AuxK, 0);
    AtLeast("--dead-window", s.DeadWindowRows, 1);
    AtLeast("--epochs", s.Epochs, 0);
    AtLeast("--batch-size", s.BatchSize, 1);
    AtLeast("--seed", s.Seed, 0);   // System.Random draws the same numbers for -s as for s
    if (!(double.IsFinite(s.LearningRate) && s.LearningRate > 0))
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--learning-rate must be a finite number greater than 0, but is {s.LearningRate}"));
    if (s.PreBiasInit is not ("mean" or "median")) throw new ArgumentException($"--pre-bias must be mean or median, but is '{s.PreBiasInit}'");

    Console.WriteLine(
        $"settings: rows={rows.Length} V={v} latents={s.Latents} k={s.K} aux-k={s.AuxK} aux-weight=1/32 " +
        $"dead-window={s.DeadWindowRows} epochs={s.Epochs} batch-size={s.BatchSize} learning-rate={s.LearningRate.ToString("R", CultureInfo.InvariantCulture)} " +
        $"adam=(0.9, 0.999, eps 6.25e-10) seed={s.Seed} pre-bias={s.PreBiasInit} loss=MSE/var(x) float64");

    // s2: mean squared deviation of an entry from the data mean, the main loss's constant normaliser.
    var mu = Metrics.Mean(rows);
    double s2 = Metrics.TotalSquaredDeviation(rows, mu) / ((double)rows.Length * v);
    if (!(s2 > 0)) throw new ArgumentException("the rows have no variance");

    var rng = new Random(s.Seed);
    var model = new TopKSae(v, s.Latents, s.K);
    model.Initialise(rng, s.PreBiasInit == "median" ? Metrics.GeometricMedian(rows) : mu);
    var trainer = new Trainer(model, s);
    trainer.Train(rows, s2, rng);
    double trainSeconds = sw.Elapsed.TotalSeconds;

    var ev = Metrics.Evaluate(model, rows);
    var inv = CultureInfo.InvariantCulture;
    Console.WriteLine(string.Create(inv,
        $"reference: FVU={ev.Fvu:F5} L0={ev.L0:F3} dead={ev.DeadPercent:F2}% dense={ev.DensePercent:F2}%"));
    Console.WriteLine(string.Create(inv, $"pca: k={s.K} FVU={Metrics.PcaFvu(rows, s.K):F5}"));
    if (trueAtoms is not null)
    {
        var (meanCos, frac) = Metrics.Recovery(model, trueAtoms);
        Console.WriteLine(string.Create(inv, $"recovery: mean max cos={meanCos:F4} atoms with max cos > 0.9={100 * frac:F1}%"));
    }
    Console.WriteLine(string.Create(inv, $"time: load and train {trainSeconds:F1} s, total {sw.Elapsed.TotalSeconds:F1} s"));
    return 0;
}

static int Synth(Dictionary<string, string> o)
{
    string outPath = Str(o, "out", null) ?? throw new ArgumentException("synth needs --out");
    var (rows, atoms, floor) = Data.Synthetic(
        Int(o, "rows", 10_000), Int(o, "dim", 64), Int(o, "atoms", 256), Int(o, "k", 8), Dbl(o, "noise", 0.05), Int(o, "seed", 7),
        Int(o, "orthonormal", 0) != 0);
    Data.WriteRows(outPath, rows);
    Data.WriteRows(outPath + ".atoms.csv", atoms);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"synth: wrote {rows.Length} rows of {rows[0].Length} to {outPath} and {atoms.Length} atoms to {outPath}.atoms.csv; noise floor FVU={floor:F5}"));
    return 0;
}

// The power of two nearest x (the paper's k_aux is "a power of two close to d_model / 2", section A.2).
static int NearestPowerOfTwo(double x)
{
    if (x <= 1) return 1;
    int lo = 1; while (lo * 2 <= x) lo *= 2;
    return x - lo <= 2 * lo - x ? lo : 2 * lo;
}

static (string Mode, Dictionary<string, string> Opts) Parse(string[] a)
{
    string mode = "train"; int i = 0;
    if (a.Length > 0 && !a[0].StartsWith("--", StringComparison.Ordinal)) { mode = a[0]; i = 1; }
    if (mode is not ("train" or "synth" or "gradcheck")) throw new ArgumentException($"unknown command '{mode}'");
    var d = new Dictionary<string, string>();
    for (; i < a.Length; i++)
    {
        if (a[i] is "--help" or "-h") { d["help"] = ""; continue; }
        if (!a[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= a.Length)
            throw new ArgumentException($"expected --name value, got '{a[i]}'");
        d[a[i][2..]] = a[++i];
    }
    return (mode, d);
}

static void AtLeast(string option, int value, int least)
{
    if (value < least) throw new ArgumentException($"{option} must be at least {least}, but is {value}");
}

static string? Str(Dictionary<string, string> o, string k, string? def) => o.TryGetValue(k, out var v) ? v : def;
static int Int(Dictionary<string, string> o, string k, int def) =>
    o.TryGetValue(k, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : def;
static double Dbl(Dictionary<string, string> o, string k, double def) =>
    o.TryGetValue(k, out var v) ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : def;
