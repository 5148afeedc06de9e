using System.Text;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;

namespace SparseAe.Persistence;

/// <summary>
/// The binary format of a saved autoencoder, shared by the writer and the reader below.
/// </summary>
/// <remarks>
/// The block is framed by <see cref="ChecksummedBlock"/> (magic "SPAE" = 0x45415053, versions,
/// payload length, CRC-32). A sigmoid model is written as version 2 (minimum reader 2), a sparse code
/// (ReLU, TopK, JumpReLU) as version 3 (minimum reader 3); the first builds wrote version 1. The
/// payload, all little-endian, offsets relative to its start:
/// <code>
///   0   i32  V >= 1              4   i32  H >= 1
///   8   i32  penalty (0 KL, 1 L1)
///   12  f64  rho in (0,1)        20  f64  beta >= 0          28  f64  lambda >= 0
///   36  i32  optimizer (0 L-BFGS, 1 Adam)
///   40  i32  iterations >= 0     44  i32  epochs >= 0
///   48  i32  exit reason (0 iteration limit, 1 gradient tolerance, 2 function tolerance, 3 step tolerance,
///            4 line search failed, 5 epochs completed: OptimizerExitReason)
///   52  i64  training rows >= 0  60  f64  elapsed seconds, 0..TimeSpan.MaxValue's
///   68  4 x f64 final cost: total, reconstruction, weight decay, sparsity, each finite
///   100 i32  C, cost-history entries, then C x (4 x f64, in the final cost's order, each finite)
///       H x f64 mean activation of each hidden unit, each in [0,1] (sparse codes: at least 0)
///       (2HV + H + V) x f32 theta = [W1 (H,V) | W2 (V,H) | b1 (H) | b2 (V)], each row-major, each finite
///       i32  N in 0..64, column names, then N x (i32 byte length in 0..4096, UTF-8 bytes)
///   version 1 ends here
///       i32  decoder (0 sigmoid, 1 linear)
///   version 2 ends here
///       i32  activation (1 ReLU, 2 TopK, 3 JumpReLU; 0 sigmoid is read, never written: a sigmoid is version 2)
///       i32  k >= 1 (at most H for TopK)   f64 L1 weight >= 0   f64 L0 weight >= 0
///       i32  AuxK: -1 (a power of two near V/2) or 0..H for TopK, -1 or more otherwise (unused)   i32  dead-latent window >= 1
///       i32  sparse-code metrics: 0 not recorded, 1 present, then
///            f64 FVU >= 0, f64 dead fraction in [0,1], H x f64 firing rate of each latent in [0,1]
///       H x f32 log-threshold of each latent, ln(theta_j), each with exp(t) a finite float (t up to ~88.72)   JumpReLU only
///   version 3 ends here
/// </code>
/// Versions 1 and 2 are sigmoid models (version 1 also with the sigmoid decoder), and a sparse code
/// must have the linear decoder (1). A host names the columns it needs (the ML.NET entry: output,
/// input, error column or "" for none); a featurizer's nested autoencoder holds none.
/// Every decoded size is checked against the bytes that remain before anything is allocated, and
/// every value against its rule; a failure is an <see cref="InvalidDataException"/> naming the field
/// (a weight as W1[j, i], W2[i, j], b1[j], b2[i] or log-threshold[j], j a hidden unit and i an input),
/// its offset and the value. The writer holds every field to the same rule (one definition serves
/// both, see FieldRules.cs) and refuses with an <see cref="ArgumentException"/> in the same words
/// before writing anything, so whatever is saved loads back.
/// </remarks>
public static class ModelFormat
{
    /// <summary>The block's first four bytes, "SPAE" in ASCII (little-endian).</summary>
    public const uint Magic = 0x45415053;

    private const string What = "SparseAe model";

    /// <summary>
    /// Version 2 added the decoder (after the column names); version 1 models are sigmoid. Version 3
    /// added the activation, its settings and the sparse-code metrics; version 1 and 2 models are sigmoid.
    /// </summary>
    public const uint CurrentVersion = 3;

    /// <summary>
    /// A version-1 reader would find 4 bytes after the column names that it does not expect (and could
    /// not honour a linear decoder), so version-2 blocks need a version-2 reader. Readers refuse bytes
    /// after the last field they know, so a version that appends a field is the minimum reader of its blocks.
    /// </summary>
    public const uint MinReadableVersion = 3;

    // The version a sigmoid model is written as (see Write).
    private const uint SigmoidVersion = 2;

    /// <summary>At most this many column names are saved with a model, a ZCA whitening or a featurizer.</summary>
    public const int MaxColumnNames = 64;

    /// <summary>A saved column name takes at most this many bytes in UTF-8.</summary>
    public const int MaxColumnNameBytes = 4096;

    // The rule of each checked field, used by the writer and the reader alike (see FieldRules).
    private static readonly IntField V = new("V", 1, int.MaxValue), H = new("H", 1, int.MaxValue), Penalty = new("penalty", 0, 1),
        Optimizer = new("optimizer", 0, 1), Iterations = new("iterations", 0, int.MaxValue), Epochs = new("epochs", 0, int.MaxValue),
        ExitReason = new("exit reason", 0, (int)OptimizerExitReason.EpochsCompleted), Decoder = new("decoder", 0, 1);
    private static readonly DoubleField Rho = new("rho", 0, 1, Exclusive: true), Beta = new("beta", 0, double.MaxValue),
        Lambda = new("lambda", 0, double.MaxValue), ElapsedSeconds = new("elapsed seconds", 0, TimeSpan.MaxValue.TotalSeconds),
        MeanActivation = new("mean activation", 0, 1), CodeMeanActivation = new("mean activation", 0, double.MaxValue),
        L1Weight = new("L1 weight", 0, double.MaxValue), L0Weight = new("L0 weight", 0, double.MaxValue), Fvu = new("FVU", 0, double.MaxValue), DeadFraction = new("dead fraction", 0, 1),
        FiringRate = new("firing rate", 0, 1);
    private static readonly IntField Activation = new("activation", 0, (int)ActivationKind.JumpReLU),
        DeadLatentWindow = new("dead-latent window", 1, int.MaxValue), MetricsFlag = new("sparse-code metrics flag", 0, 1);
    // K and AuxK are TopK's alone: held to H there, and only to their type's range for the other codes, which
    // ignore them (an AuxK over H with ReLU trained, then could not be saved).
    private static int TopKLimit(ActivationKind activation, int h) => activation == ActivationKind.TopK ? h : int.MaxValue;
    private static IntField KOf(ActivationKind activation, int h) => new("K", 1, TopKLimit(activation, h));
    private static IntField AuxKOf(ActivationKind activation, int h) => new("AuxK", -1, TopKLimit(activation, h));
    private static readonly LongField TrainingRows = new("training rows", 0);
    private static readonly IntField NameCount = new("column-name count", 0, MaxColumnNames);
    private static IntField NameLength(int i) => new($"UTF-8 length of column name {i}", 0, MaxColumnNameBytes);

    /// <summary>
    /// Writes the model to the stream. Throws <see cref="ArgumentException"/>, naming the field, its
    /// value and the rule, for anything <see cref="Read(Stream)"/> would refuse; nothing is written then.
    /// </summary>
    public static void Write(Stream stream, SavedAutoencoder model)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(model.Parameters, "model.Parameters");
        ArgumentNullException.ThrowIfNull(model.Summary, "model.Summary");
        ArgumentNullException.ThrowIfNull(model.Objective, "model.Objective");
        ArgumentNullException.ThrowIfNull(model.ColumnNames, "model.ColumnNames");
        var p = model.Parameters;
        var s = model.Summary;
        var o = model.Objective;
        using var w = new PayloadWriter("SparseAe model");
        w.Int(V, p.VisibleCount); w.Int(H, p.HiddenCount);
        w.Int(Penalty, (int)o.Penalty);
        w.Double(Rho, o.SparsityTarget); w.Double(Beta, o.SparsityWeight); w.Double(Lambda, o.WeightDecay);
        w.Int(Optimizer, (int)s.Optimizer); w.Int(Iterations, s.Iterations); w.Int(Epochs, s.Epochs); w.Int(ExitReason, (int)s.ExitReason);
        w.Long(TrainingRows, s.TrainingRows); w.Double(ElapsedSeconds, s.Elapsed.TotalSeconds);
        w.Cost("final cost", s.FinalCost);
        w.Int(s.CostHistory.Count);
        foreach (var c in s.CostHistory) w.Cost("cost history", c);
        if (s.MeanActivation.Count != p.HiddenCount)
            throw w.Refusal("mean-activation count", $"is {s.MeanActivation.Count}; it must equal H = {p.HiddenCount}");
        w.Doubles(o.IsSparseCode ? CodeMeanActivation : MeanActivation, s.MeanActivation);
        if (p.HasThresholds != o.HasThresholds)
            throw w.Refusal("log-thresholds", $"are {(p.HasThresholds ? "present" : "absent")}; a {o.Activation} model must have {(o.HasThresholds ? "one per hidden unit" : "none")}");
        int weights = AutoencoderParameters.CountFor(p.VisibleCount, p.HiddenCount);
        w.Floats("parameter", p.Theta.AsSpan(0, weights), i => AutoencoderParameters.ParameterName(p.VisibleCount, p.HiddenCount, i));
        WriteNames(w, model.ColumnNames);
        w.Int(Decoder, (int)o.Decoder);
        if (!o.IsSparseCode)
        {
            // A sigmoid model has none of version 3's fields: it is written as version 2, which every
            // reader since version 2 loads.
            CheckAcrossFields(w, o, p.HiddenCount);
            ChecksummedBlock.Write(stream, Magic, SigmoidVersion, SigmoidVersion, w.Written);
            return;
        }
        w.Int(Activation, (int)o.Activation);
        w.Int(KOf(o.Activation, p.HiddenCount), o.K);
        w.Double(L1Weight, o.L1Weight);
        w.Double(L0Weight, o.L0Weight);
        w.Int(AuxKOf(o.Activation, p.HiddenCount), o.AuxK ?? -1);
        w.Int(DeadLatentWindow, o.DeadLatentWindow);
        var m = s.CodeMetrics;
        w.Int(MetricsFlag, m is null ? 0 : 1);   // present whenever Adam trained the code; null if a caller built the summary without it
        if (m is not null)
        {
            // FiringRate is never null: SparseCodeMetrics refuses a null one where it is made.
            if (m.FiringRate.Count != p.HiddenCount)
                throw w.Refusal("firing-rate count", $"is {m.FiringRate.Count}; it must equal H = {p.HiddenCount}");
            w.Double(Fvu, m.Fvu); w.Double(DeadFraction, m.DeadFraction);
            w.Doubles(FiringRate, m.FiringRate);
        }
        if (o.HasThresholds)
        {
            string Name(int j) => AutoencoderParameters.ParameterName(p.VisibleCount, p.HiddenCount, weights + j);
            w.Floats("log-threshold", p.LogThresholds, Name);
            for (int j = 0; j < p.HiddenCount; j++)
                if (AutoencoderParameters.LogThresholdProblem(p.LogThresholds[j]) is { } problem) throw w.Refusal(Name(j), problem);
        }
        CheckAcrossFields(w, o, p.HiddenCount);
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, w.Written);
    }

    // Last, after each field's own rule, the rules across fields that the reader checks too (a sparse code
    // with a sigmoid decoder was written, then refused on reading).
    private static void CheckAcrossFields(PayloadWriter w, ObjectiveSettings o, int hiddenCount)
    {
        try
        {
            o.Validate(hiddenCount);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw w.Refusal("objective settings", $"break a rule ({ArgumentMessages.Text(e).TrimEnd('.')})");
        }
    }

    /// <summary>Reads and validates a model; throws <see cref="InvalidDataException"/> on anything wrong.</summary>
    public static SavedAutoencoder Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>
    /// Reads as the reader of format version <paramref name="readerVersion"/> did: its header check
    /// (refusing a block whose minimum reader version is above it) and its layout. Fields are only
    /// ever appended, so that reader is this one stopped after the fields its version knew; the tests
    /// run today's bytes through older readers with it.
    /// </summary>
    internal static SavedAutoencoder Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        var (payload, written) = ChecksummedBlock.Read(stream, Magic, readerVersion, What);
        return Parse(payload, ChecksummedBlock.HeaderBytes, Math.Min(written, readerVersion));
    }

    /// <summary>i32 K, then K x (i32 UTF-8 byte length, the bytes): the column names of every format.</summary>
    internal static void WriteNames(PayloadWriter w, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        w.Int(NameCount, names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is null) throw w.Refusal($"column name {i}", "is null; a name may be empty but not null");
            if (LoneSurrogateProblem(names[i]) is { } problem) throw w.Refusal($"column name {i}", problem);
            var bytes = Encoding.UTF8.GetBytes(names[i]);
            w.Int(NameLength(i), bytes.Length);
            w.Bytes(bytes);
        }
    }

    /// <summary>
    /// Null when a column name can be saved and loaded back unchanged, else what is wrong with it (the
    /// rules of <see cref="WriteNames"/>, in its words): the estimators check their column names with
    /// this when they are made, so that a model never fails at Save, where ML.NET has already opened
    /// the file.
    /// </summary>
    internal static string? ColumnNameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (LoneSurrogateProblem(name) is { } lone) return lone;
        return NameLength(0).Problem(Encoding.UTF8.GetByteCount(name)) is { } length ? $"has a UTF-8 length that {length}" : null;
    }

    private static string? LoneSurrogateProblem(string name)
    {
        int lone = IndexOfLoneSurrogate(name);
        return lone < 0 ? null : $"holds a lone surrogate (U+{(int)name[lone]:X4} at index {lone}); it must be valid Unicode, for it is stored as UTF-8";
    }

    // UTF-8 would replace such a char with U+FFFD, and the name would load back changed.
    private static int IndexOfLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return i;
        }
        return -1;
    }

    internal static string[] ReadNames(ref PayloadReader r)
    {
        int count = r.Int(NameCount);
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            int length = r.Int(NameLength(i));
            names[i] = r.Utf8(length, $"column name {i}");
        }
        return names;
    }

    private static SavedAutoencoder Parse(ReadOnlySpan<byte> payload, long baseOffset, uint version)
    {
        var r = new PayloadReader(payload, baseOffset, What, version);
        int v = r.Int(V);
        int h = r.Int(H);
        // In Int128: at V = H = int.MaxValue the bytes, 4 (2 H V + H + V), pass a long, and the wrapped figure passed the
        // check (the block was then refused as a damaged version field, naming neither size).
        Int128 weightBytes = 4 * (2 * (Int128)h * v + h + v);
        long thetaCount = 2L * h * v + h + v;
        if (weightBytes > payload.Length)
            throw new InvalidDataException($"The sizes V={v}, H={h} at offset {baseOffset} need {weightBytes} bytes of weights but the payload has {payload.Length}.");
        var penalty = (SparsityPenalty)r.Int(Penalty);
        double rho = r.Double(Rho);
        double beta = r.Double(Beta);
        double lambda = r.Double(Lambda);
        var optimizer = (OptimizerKind)r.Int(Optimizer);
        int iterations = r.Int(Iterations);
        int epochs = r.Int(Epochs);
        var exit = (OptimizerExitReason)r.Int(ExitReason);
        long rows = r.Long(TrainingRows);
        double seconds = r.Double(ElapsedSeconds);
        var finalCost = r.Cost("final cost");
        int historyCount = r.Int("cost-history count", 0, r.Remaining / 32);
        var history = new CostBreakdown[historyCount];
        for (int i = 0; i < historyCount; i++) history[i] = r.Cost("cost history");
        r.Need((long)h * 8, "mean activations");
        var mean = new double[h];
        long meanOffset = r.Offset;
        for (int j = 0; j < h; j++) mean[j] = r.Double(CodeMeanActivation);   // [0, 1] for the sigmoid: checked below
        var theta = r.Floats(thetaCount, "parameter", i => AutoencoderParameters.ParameterName(v, h, i));
        var names = ReadNames(ref r);
        var decoder = version >= 2 ? (DecoderKind)r.Int(Decoder) : DecoderKind.Sigmoid;
        var objective = new ObjectiveSettings(rho, beta, lambda, penalty, decoder);
        SparseCodeMetrics? metrics = null;
        if (version >= 3)
        {
            var activation = (ActivationKind)r.Int(Activation);
            int k = r.Int(KOf(activation, h));
            double l1 = r.Double(L1Weight);
            double l0 = r.Double(L0Weight);
            int auxK = r.Int(AuxKOf(activation, h));
            int window = r.Int(DeadLatentWindow);
            objective = objective with { Activation = activation, K = k, L1Weight = l1, L0Weight = l0, AuxK = auxK < 0 ? null : auxK, DeadLatentWindow = window };
            if (r.Int(MetricsFlag) == 1)
            {
                double fvu = r.Double(Fvu), dead = r.Double(DeadFraction);
                r.Need((long)h * 8, "firing rates");
                var firing = new double[h];
                for (int j = 0; j < h; j++) firing[j] = r.Double(FiringRate);
                metrics = new SparseCodeMetrics(fvu, dead, firing);
            }
            if (objective.HasThresholds)
            {
                string Name(long j) => AutoencoderParameters.ParameterName(v, h, thetaCount + j);
                long at = r.Offset;
                float[] logThresholds = r.Floats(h, "log-threshold", Name);
                for (int j = 0; j < h; j++)
                    if (AutoencoderParameters.LogThresholdProblem(logThresholds[j]) is { } problem) throw PayloadReader.Invalid(Name(j), at + 4L * j, problem);
                theta = [.. theta, .. logThresholds];
            }
        }
        r.End();
        if (!objective.IsSparseCode)
            for (int j = 0; j < h; j++)
                if (MeanActivation.Problem(mean[j]) is { } problem) throw PayloadReader.Invalid(MeanActivation.What, meanOffset + 8L * j, problem);
        if (objective.IsSparseCode && decoder != DecoderKind.Linear)
            throw new InvalidDataException($"The model's activation is {objective.Activation} with a {decoder} decoder; a sparse code needs the linear decoder.");

        var summary = new TrainingSummary(optimizer, iterations, epochs, exit, finalCost, mean, TimeSpan.FromSeconds(seconds), rows, history, metrics);
        return new SavedAutoencoder(new AutoencoderParameters(v, h, theta, objective.HasThresholds), objective, summary, names);
    }
}
