using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.ML;
using SparseAe.Cli.Experiment;
using SparseAe.Cli.Infrastructure;
using SparseAe.Visualization;
using SparseAe.MLNet;
using SparseAe.Objective;
using SparseAe.Optimization;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae train</c>: the seed experiment in one line. With no data option it whitens the
/// embedded photographs, samples 10,000 8x8 patches and trains a 64-100-64 sparse autoencoder with
/// the component's defaults, then writes model.zip, filters.png and curve.png.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Where a sparse code's latent-frequency histogram goes when --latents is not given.</summary>
    public const string DefaultLatents = "latents.png";

    // The command line's names of the enum settings: what --penalty and --activation accept, and, for
    // the value in Defaults, what their help shows as the default.
    private static readonly (string Name, SparsityPenalty Value)[] Penalties = [("kl", SparsityPenalty.KLDivergence), ("l1", SparsityPenalty.L1)];
    private static readonly (string Name, ActivationKind Value)[] Activations =
        [("sigmoid", ActivationKind.Sigmoid), ("relu", ActivationKind.ReLU), ("topk", ActivationKind.TopK), ("jumprelu", ActivationKind.JumpReLU)];
    private static readonly (string Name, DecoderKind? Value)[] Decoders = [("auto", null), ("sigmoid", DecoderKind.Sigmoid), ("linear", DecoderKind.Linear)];
    private static readonly (string Name, OptimizerKind? Value)[] Optimizers = [("auto", null), ("lbfgs", OptimizerKind.Lbfgs), ("adam", OptimizerKind.Adam)];

    // The settings a library rule names with a value ("with Activation TopK", "but Decoder is Sigmoid"), each with the
    // tables above, so that a refusal says a value as the flag takes it. (--penalty's values break no rule it can reach.)
    private static readonly (string Property, (string Name, object? Value)[] Choices)[] ValuedSettings =
    [
        (nameof(AutoencoderTrainingOptions.Activation), [.. Activations.Select(c => (c.Name, (object?)c.Value))]),
        (nameof(AutoencoderTrainingOptions.Decoder), [.. Decoders.Select(c => (c.Name, (object?)c.Value))]),
        (nameof(AutoencoderTrainingOptions.Optimizer), [.. Optimizers.Select(c => (c.Name, (object?)c.Value))]),
    ];

    /// <summary>An activation as --activation names it (and --weights-mat and --metrics-json write it).</summary>
    internal static string ActivationName(ActivationKind activation) => NameOf(Activations, activation);

    /// <summary>A decoder as --decoder names it (and --weights-mat writes it).</summary>
    internal static string DecoderName(DecoderKind decoder) => NameOf(Decoders, decoder);

    public static Command Create()
    {
        // The flag behind each training option, recorded where the flags are declared, so that a rule
        // the options break (TrainerSettings.Validate names the property) is reported under the flag.
        var optionOf = new Dictionary<string, Option>();
        Option<T> Flag<T>(Option<T> option, string property)
        {
            optionOf[property] = option;
            return option;
        }

        var mat = new Option<string?>("--mat") { Description = "A MAT file holding an H x W x K (or H x W) array of images." };
        var variable = new Option<string>("--variable") { Description = "The array's name in --mat.", DefaultValueFactory = _ => "IMAGES" };
        var images = new Option<string[]>("--images") { Description = "Photographs: PNG, JPEG, GIF, BMP or WebP, used as stored (no EXIF rotation; an animation's first frame).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var idx = new Option<string?>("--idx") { Description = "An IDX file of images (MNIST, Fashion-MNIST; gzip or not)." };
        var csv = new Option<string?>("--csv") { Description = "A CSV file whose rows are the training vectors." };
        var patch = new Option<int>("--patch") { Description = "Patch side in pixels, at least 1.", DefaultValueFactory = _ => Defaults.PatchSize };
        var patches = new Option<int>("--patches") { Description = "Patches to sample, at least 1.", DefaultValueFactory = _ => Defaults.Patches };
        var downsample = new Option<int?>("--downsample") { Description = $"Reduce images by this factor, at least 1, before whitening (default: {Defaults.PhotographDownsample} for photographs, 1 for --mat and --idx)." };
        var whiten = new Option<string>("--whiten") { Description = FormattableString.Invariant($"auto | none | olshausen | zca (ZCA with epsilon {Defaults.ZcaEpsilon}, after --normalize); auto: olshausen for photographs, none for --mat, --idx, --csv."), DefaultValueFactory = _ => "auto" };
        var normalize = new Option<string>("--normalize") { Description = "auto | ufldl ([0.1, 0.9]) | standard (each patch's mean removed, then one scale for all values, to unit variance) | none; auto: ufldl for image patches, none for --csv.", DefaultValueFactory = _ => "auto" };
        var hidden = Flag(new Option<int>("--hidden") { Description = "Hidden units H, at least 1.", DefaultValueFactory = _ => Defaults.HiddenCount }, nameof(AutoencoderTrainingOptions.HiddenCount));
        var sparsity = Flag(new Option<double>("--sparsity") { Description = "Target activation rho of the KL penalty, in (0, 1).", DefaultValueFactory = _ => Defaults.SparsityTarget }, nameof(AutoencoderTrainingOptions.SparsityTarget));
        var sparsityWeight = Flag(new Option<double>("--sparsity-weight") { Description = "Sparsity weight beta, at least 0.", DefaultValueFactory = _ => Defaults.SparsityWeight }, nameof(AutoencoderTrainingOptions.SparsityWeight));
        var weightDecay = Flag(new Option<double>("--weight-decay") { Description = "Weight decay lambda, at least 0.", DefaultValueFactory = _ => Defaults.WeightDecay }, nameof(AutoencoderTrainingOptions.WeightDecay));
        var penalty = new Option<string>("--penalty") { Description = "kl | l1 (the sigmoid's penalty).", DefaultValueFactory = _ => NameOf(Penalties, Defaults.Penalty) };
        var activation = Flag(new Option<string>("--activation") { Description = "sigmoid (UFLDL) | relu | topk | jumprelu: the sparse codes, with exact zeros.", DefaultValueFactory = _ => NameOf(Activations, Defaults.Activation) }, nameof(AutoencoderTrainingOptions.Activation));
        var k = Flag(new Option<int>("--k") { Description = "TopK: latents kept per row, in 1..H.", DefaultValueFactory = _ => Defaults.K }, nameof(AutoencoderTrainingOptions.K));
        var auxK = Flag(new Option<int?>("--aux-k") { Description = "TopK: dead latents in the AuxK term, in 0..H, 0 = off (default: the power of two nearest V/2, at most H)." }, nameof(AutoencoderTrainingOptions.AuxK));
        var l1Weight = Flag(new Option<double>("--l1-weight") { Description = "ReLU: weight of the L1 penalty, at least 0.", DefaultValueFactory = _ => Defaults.L1Weight }, nameof(AutoencoderTrainingOptions.L1Weight));
        var l0Weight = Flag(new Option<double>("--l0-weight") { Description = "JumpReLU: weight of the L0 penalty, at least 0.", DefaultValueFactory = _ => Defaults.L0Weight }, nameof(AutoencoderTrainingOptions.L0Weight));
        var deadWindow = Flag(new Option<int>("--dead-window") { Description = "Sparse codes: rows without firing after which a latent is dead (counted in whole mini-batches: one that fires on any row of a batch counts as firing on its last), at least 1.", DefaultValueFactory = _ => Defaults.DeadLatentWindow }, nameof(AutoencoderTrainingOptions.DeadLatentWindow));
        var decoder = Flag(new Option<string>("--decoder") { Description = "auto | sigmoid (inputs in [0, 1]) | linear (any range, e.g. after --whiten zca); auto: sigmoid for --activation sigmoid, linear for the sparse codes.", DefaultValueFactory = _ => "auto" }, nameof(AutoencoderTrainingOptions.Decoder));
        var optimizer = Flag(new Option<string>("--optimizer") { Description = "auto | lbfgs | adam; auto: lbfgs for --activation sigmoid, adam for the sparse codes.", DefaultValueFactory = _ => "auto" }, nameof(AutoencoderTrainingOptions.Optimizer));
        var saveRows = new Option<string?>("--save-rows") { Description = "Also write the training rows as prepared (sampled, whitened, normalised; before --whiten zca) as CSV, so another implementation can train on the very same rows." };
        var metricsJson = new Option<string?>("--metrics-json") { Description = "Sparse codes: also write the metrics (L0, FVU, dead, dense, firing rates) as JSON." };
        var iterations = Flag(new Option<int>("--iterations") { Description = "L-BFGS iterations, at least 1.", DefaultValueFactory = _ => Defaults.MaxIterations }, nameof(AutoencoderTrainingOptions.MaxIterations));
        var epochs = Flag(new Option<int>("--epochs") { Description = "Adam epochs, at least 1.", DefaultValueFactory = _ => Defaults.Epochs }, nameof(AutoencoderTrainingOptions.Epochs));
        var batchSize = Flag(new Option<int>("--batch-size") { Description = "Adam mini-batch rows, at least 1.", DefaultValueFactory = _ => Defaults.BatchSize }, nameof(AutoencoderTrainingOptions.BatchSize));
        var learningRate = Flag(new Option<double>("--learning-rate") { Description = FormattableString.Invariant($"Adam step size, in {Adam.MinLearningRate:G3}..{float.MaxValue:G2} (the steps are floats)."), DefaultValueFactory = _ => Defaults.LearningRate }, nameof(AutoencoderTrainingOptions.LearningRate));
        var seed = Flag(new Option<int>("--seed") { Description = "Seed of patch sampling, initial weights and shuffling, at least 0.", DefaultValueFactory = _ => Defaults.Seed }, nameof(AutoencoderTrainingOptions.Seed));
        var threads = Flag(new Option<int>("--threads") { Description = $"Worker threads, {SparseAe.Training.TrainerSettings.ThreadsRule}.", DefaultValueFactory = _ => Defaults.Threads }, nameof(AutoencoderTrainingOptions.Threads));
        var model = new Option<string>("--model") { Description = "Where to write the ML.NET model zip.", DefaultValueFactory = _ => "model.zip" };
        var filters = new Option<string>("--filters") { Description = "Where to write the filter grid PNG.", DefaultValueFactory = _ => "filters.png" };
        var curve = new Option<string>("--curve") { Description = "Where to write the training-curve PNG.", DefaultValueFactory = _ => "curve.png" };
        // No default value here: null says the flag was not given, which decides between skipping the chart
        // quietly (the sigmoid) and refusing it (the sigmoid with --latents).
        var latents = new Option<string?>("--latents") { Description = $"Sparse codes: where to write the latent-frequency histogram PNG (default: {DefaultLatents})." };
        var weightsCsv = new Option<string?>("--weights-csv") { Description = "Also write W1 as CSV (one row per hidden unit, pixels row-major)." };
        var weightsMat = new Option<string?>("--weights-mat") { Description = "Also write W1, W2, b1, b2, the activation and decoder (with k, theta, and the ZCA's zcaMean and zcaW where the model has them) to a MAT file (level 5); W1's columns are a patch's pixels row-major, as in --weights-csv, not MATLAB's column-major patch(:)." };

        var command = new Command("train", "Train a sparse autoencoder (the seed experiment by default) and write the model, filters and curve.")
        {
            mat, variable, images, idx, csv, patch, patches, downsample, whiten, normalize, hidden, sparsity, sparsityWeight, weightDecay, penalty,
            activation, k, auxK, l1Weight, l0Weight, deadWindow, decoder, optimizer, iterations, epochs, batchSize, learningRate, seed, threads, model, filters, curve, latents,
            weightsCsv, weightsMat, metricsJson, saveRows,
        };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var flagOf = optionOf.ToDictionary(o => o.Key, o => o.Value.Name);
            var data = new DataOptions(r.GetValue(mat), r.GetValue(variable)!, r.GetValue(images) ?? [], r.GetValue(idx), r.GetValue(csv),
                r.GetValue(patch), r.GetValue(patches), r.GetValue(downsample),
                Parse<WhitenMode>("--whiten", r.GetValue(whiten)!, ("auto", WhitenMode.Auto), ("none", WhitenMode.None), ("olshausen", WhitenMode.Olshausen), ("zca", WhitenMode.Zca)),
                Parse<NormalizeMode>("--normalize", r.GetValue(normalize)!, ("auto", NormalizeMode.Auto), ("ufldl", NormalizeMode.Ufldl), ("standard", NormalizeMode.Standard), ("none", NormalizeMode.None)),
                r.GetValue(seed));
            var options = new SparseAutoencoderOptions
            {
                OutputColumnName = "Code",
                InputColumnName = "Features",
                HiddenCount = r.GetValue(hidden),
                SparsityTarget = r.GetValue(sparsity),
                SparsityWeight = r.GetValue(sparsityWeight),
                WeightDecay = r.GetValue(weightDecay),
                Penalty = Parse("--penalty", r.GetValue(penalty)!, Penalties),
                Activation = Parse("--activation", r.GetValue(activation)!, Activations),
                K = r.GetValue(k),
                AuxK = r.GetValue(auxK),
                L1Weight = r.GetValue(l1Weight),
                L0Weight = r.GetValue(l0Weight),
                DeadLatentWindow = r.GetValue(deadWindow),
                Decoder = Parse("--decoder", r.GetValue(decoder)!, Decoders),
                Optimizer = Parse("--optimizer", r.GetValue(optimizer)!, Optimizers),
                MaxIterations = r.GetValue(iterations),
                Epochs = r.GetValue(epochs),
                BatchSize = r.GetValue(batchSize),
                LearningRate = r.GetValue(learningRate),
                Seed = r.GetValue(seed),
                Threads = r.GetValue(threads),
            };
            bool sparseCode = options.Activation != ActivationKind.Sigmoid;
            // An option the run would not use is refused rather than ignored: a user who gives it expects an
            // effect. Only the options given count (their defaults apply to every run quietly).
            bool Given(Option option) => r.GetResult(option) is { Implicit: false };
            void OnlyWhen(bool applies, Option option, string why)
            {
                if (!applies && Given(option))
                    throw new UsageException($"{option.Name}: {why}");
            }
            string activationName = NameOf(Activations, options.Activation);
            string theData = data.Csv is not null ? $"the data is --csv '{data.Csv}', whose rows are used whole, as they are"
                : data.Mat is null ? $"--mat was not given" : "";
            foreach (var option in new Option[] { patch, patches, downsample })
                OnlyWhen(data.Csv is null, option, $"it is for image data (the embedded photographs, --images, --mat, --idx), but {theData}.");
            OnlyWhen(data.Mat is not null, variable, $"it names the array in a MAT file, but {theData}.");
            foreach (var option in new Option[] { k, auxK })
                OnlyWhen(options.Activation == ActivationKind.TopK, option, $"it is TopK's, for --activation topk only, but the activation is {activationName}.");
            OnlyWhen(options.Activation == ActivationKind.ReLU, l1Weight, $"it is ReLU's penalty, for --activation relu only, but the activation is {activationName}.");
            OnlyWhen(options.Activation == ActivationKind.JumpReLU, l0Weight, $"it is JumpReLU's penalty, for --activation jumprelu only, but the activation is {activationName}.");
            OnlyWhen(sparseCode, deadWindow, "a sigmoid code has no zeros, so no latent ever stops firing; the window is for a sparse code: give --activation relu, topk or jumprelu.");
            // The sparse codes' sparsity comes from their own settings (SparseAutoencoderObjective: the L1 or L0
            // weight, or K); rho, beta and the KL or L1 penalty enter the sigmoid's cost alone.
            foreach (var option in new Option[] { sparsity, sparsityWeight, penalty })
                OnlyWhen(!sparseCode, option, $"it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is {activationName}, whose sparsity is set by {SparsityFlagOf(options.Activation)}.");
            // L1's penalty is beta * mean |a| (SparsityPenalty.L1): rho enters KL's alone.
            OnlyWhen(sparseCode || options.Penalty != SparsityPenalty.L1, sparsity,
                "it is the KL penalty's target, but the penalty is l1 (--penalty l1), which has no target: beta * mean |a| (--sparsity-weight) alone sets it.");
            var optimizerKind = TrainRunner.OptimizerOf(options);
            string optimizerSaid = options.Optimizer is null ? $"the default for --activation {activationName}" : $"--optimizer {r.GetValue(optimizer)}";
            foreach (var option in new Option[] { epochs, batchSize, learningRate })
                OnlyWhen(optimizerKind == OptimizerKind.Adam, option, $"it is Adam's, but the optimizer is L-BFGS ({optimizerSaid}; --iterations sets its length, or give --optimizer adam).");
            OnlyWhen(optimizerKind == OptimizerKind.Lbfgs, iterations, $"it is L-BFGS's, but the optimizer is Adam ({optimizerSaid}; --epochs sets its length).");
            OnlyWhen(sparseCode, metricsJson, "the metrics are those of a sparse code; give --activation relu, topk or jumprelu.");
            OnlyWhen(sparseCode, latents, "a sigmoid code has no zeros, so no latent ever stops firing; the histogram is for a sparse code: give --activation relu, topk or jumprelu.");
            var outputs = new TrainOutputs(r.GetValue(model)!, r.GetValue(filters)!, r.GetValue(curve)!, r.GetValue(weightsCsv), r.GetValue(weightsMat), r.GetValue(metricsJson), r.GetValue(saveRows),
                sparseCode ? r.GetValue(latents) ?? DefaultLatents : null, FiltersGiven: Given(filters));
            Check(options, flagOf, property => Given(optionOf[property]));
            // An output written where its default puts it is said to be, so that a clash ("--filters latents.png" with a
            // sparse code) is not blamed on a flag the user never gave.
            var defaulted = new Option[] { model, filters, curve, latents }.Where(o => !Given(o)).Select(o => o.Name).ToHashSet();
            CliFiles.CheckOutputs(Inputs(data), [.. outputs.ByFlag.Select(o => (defaulted.Contains(o.Flag) ? $"{o.Flag} (by default)" : o.Flag, o.Path))]);
            // The sizes H and V decide are refused before any data work where V is known up front: P x P for
            // image patches ("--hidden 2147483647 --filters f.png" reduced and whitened the photographs first),
            // and so is L-BFGS's row limit, the rows being --patches. A CSV's V and rows are known once it is
            // read: RunCore checks then, in the same order. The sampler's own limit on --patches comes first: more
            // patches than one array holds are refused whatever the optimizer or --hidden, which L-BFGS's limit advises.
            if (data.Csv is null && data.PatchSize >= 1 && (long)data.PatchSize * data.PatchSize <= int.MaxValue)
            {
                TrainingData.CheckPatchCount(data);
                int v = data.PatchSize * data.PatchSize;
                TrainRunner.CheckParameters(v, options, data);
                TrainRunner.CheckLbfgsRows(data.PatchCount, v, options, data);
                TrainRunner.CheckAdamRows(data.PatchCount, v, options, data);
                outputs = TrainRunner.CheckFilterGrid(options.HiddenCount, data.PatchSize, data.PatchSize, outputs);
            }
            try
            {
                // An output on standard output (--weights-csv /dev/stdout) is data: the run's lines would be mixed into it.
                TrainRunner.Run(data, options, outputs, CliFiles.NoteFor(outputs.ByFlag.Select(o => o.Path), Console.Out), flagOf);
            }
            catch (Exception e) when (Messages.Innermost(e) is NonFiniteCostException cost)
            {
                // The library's advice names the options' properties ("Try a smaller LearningRate"); here they are flags.
                throw new UsageException(InFlags(cost.Message, flagOf), e);
            }
        }));
        return command;
    }

    // Validates the options before any data work, through the estimator (the one set of rules), and
    // reports a broken rule in flags.
    private static void Check(SparseAutoencoderOptions options, IReadOnlyDictionary<string, string> flagOf, Func<string, bool> given)
    {
        try
        {
            _ = new MLContext().Transforms.SparseAutoencoder(options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(RuleInFlags(e, flagOf, given), e);
        }
    }

    /// <summary>
    /// A rule the options break (the library's message, which starts with the property it names, <see cref="ArgumentException.ParamName"/>)
    /// said as the command line's own refusals are ("--patch must be at least 1, but is 0"): "--decoder must be linear with
    /// --activation topk (...), but is sigmoid." for the library's "Decoder must be Linear with Activation TopK (...), but is Sigmoid.".
    /// The subject becomes its flag, and a setting named with its value ("Activation TopK", "Decoder is Sigmoid", "must be
    /// Adam", the value it "is" at the end) the flag and the value as the flag takes it. Only there: the values' names are
    /// words of prose too ("the linear decoder"), and so is a property's ("the AuxK term"), which a whole-word renaming would change.
    /// </summary>
    private static string RuleInFlags(ArgumentException e, IReadOnlyDictionary<string, string> flagOf, Func<string, bool> given)
    {
        string text = Messages.OneLine(e);
        foreach (var (property, choices) in ValuedSettings)
        {
            if (!flagOf.TryGetValue(property, out var flag)) continue;
            foreach (var (name, value) in choices)
                if (value is not null)
                    text = Regex.Replace(text, $@"(?<![\w.]){Regex.Escape(property)}(?<verb> is| must be)? {Regex.Escape(value.ToString()!)}\b", $"{flag}${{verb}} {name}");
            // The value the setting has, at the end: the exception carries it.
            if (e is ArgumentOutOfRangeException { ActualValue: { } actual } && e.ParamName == property
                && choices.FirstOrDefault(c => Equals(c.Value, actual)).Name is { } actualName && text.EndsWith($", but is {actual}.", StringComparison.Ordinal))
                text = $"{text[..^$"{actual}.".Length]}{actualName}.";
        }
        if (e.ParamName is not { } p || !flagOf.TryGetValue(p, out var f)) return $"options: {text}";
        string? rest = text.StartsWith($"{p} ", StringComparison.Ordinal) ? text[p.Length..]
            : text.StartsWith($"{f} ", StringComparison.Ordinal) ? text[f.Length..] : null;
        // A default that breaks a rule (--k 8 with --hidden 4) is said as one, as outputs' defaults are: the user never typed the flag.
        if (given(p)) return rest is null ? $"{f}: {text}" : f + rest;
        if (rest is null) return $"{f} (by default): {text}";
        // "K (latents kept per row) must ...": one parenthesis, "--k (by default; latents kept per row) must ...".
        return rest.StartsWith(" (", StringComparison.Ordinal) ? $"{f} (by default; {rest[2..]}" : $"{f} (by default){rest}";
    }

    private static IEnumerable<(string Flag, string? Path)> Inputs(DataOptions data)
        => new[] { ("--mat", data.Mat), ("--idx", data.Idx), ("--csv", data.Csv) }.Concat(data.Images.Select(i => ("--images", (string?)i)));

    // A library message with each option's property name (a whole word) said as the flag that sets it.
    internal static string InFlags(string message, IReadOnlyDictionary<string, string> flagOf)
    {
        foreach (var (property, flag) in flagOf)
            message = ArgumentMessages.Rename(message, property, flag);
        return message;
    }

    // The flag that sets a sparse code's sparsity, named where --sparsity and its kin do not apply.
    private static string SparsityFlagOf(ActivationKind activation) => activation switch
    {
        ActivationKind.ReLU => "--l1-weight",
        ActivationKind.TopK => "--k",
        ActivationKind.JumpReLU => "--l0-weight",
        _ => "--sparsity, --sparsity-weight and --penalty",
    };

    private static string NameOf<T>((string Name, T Value)[] choices, T value)
        => choices.Single(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Name;

    private static T Parse<T>(string option, string value, params (string Name, T Value)[] choices)
    {
        foreach (var (name, v) in choices)
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) return v;
        throw new UsageException($"{option} must be one of {string.Join(", ", choices.Select(c => c.Name))}, but is '{value}'.");
    }
}
