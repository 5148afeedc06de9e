using System.Globalization;
using Microsoft.ML;
using SparseAe.Cli.Experiment;
using SparseAe.Cli.Infrastructure;
using SparseAe.Visualization;
using SparseAe.MLNet;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;

namespace SparseAe.Cli.Commands;

/// <summary>Where a training run writes its files (null: not written).</summary>
/// <remarks><paramref name="FiltersGiven"/>: --filters was given, so a filter grid too large to draw is refused before
/// training; otherwise the default picture is left out (Filters null) with a note.</remarks>
internal sealed record TrainOutputs(string Model, string? Filters, string Curve, string? WeightsCsv, string? WeightsMat, string? MetricsJson = null, string? Rows = null,
    string? Latents = null, bool FiltersGiven = false)
{
    /// <summary>Each output with the flag that names it, in the order they are written: what is checked before training and listed after it.</summary>
    public (string Flag, string? Path)[] ByFlag =>
    [
        ("--model", Model), ("--filters", Filters), ("--curve", Curve), ("--latents", Latents), ("--weights-csv", WeightsCsv),
        ("--weights-mat", WeightsMat), ("--metrics-json", MetricsJson), ("--save-rows", Rows),
    ];
}

/// <summary>Prepares the data, trains, writes every output and prints the summary.</summary>
internal static class TrainRunner
{
    public static void Run(DataOptions data, SparseAutoencoderOptions options, TrainOutputs outputs, TextWriter output, IReadOnlyDictionary<string, string> flagOf)
    {
        // Ctrl+C (SIGINT) cancels training between iterations, and ZCA's fit every 256 rows (through the
        // MLContext); nothing is written then, because every output is written only after training, each
        // through a temporary file and a rename. The steps before them (reading, whitening), ZCA's
        // eigendecomposition and the writing after training do not look, so a second Ctrl+C is not
        // swallowed: the process ends at once, as Ctrl+C ends any program, and each output is its old file
        // or the complete new one.
        using var ctrlC = new CtrlC("stopping at training's or ZCA's next check (Ctrl+C again to stop at once)");
        RunCore(data, options, outputs, output, flagOf, ctrlC.Token);
    }

    /// <summary>The optimizer a run uses: the one given, or the activation's default (lbfgs for the sigmoid, adam for the sparse codes).</summary>
    public static OptimizerKind OptimizerOf(SparseAutoencoderOptions options) => options.Optimizer ?? Defaults.OptimizerFor(options.Activation);

    // The filter grid is drawn after training; whether it can be is known once the tiles' shape is: before any
    // data work for image patches (P x P), once a CSV is read for its rows. Too large a picture asked for by --filters is refused before the training it would follow (it
    // used to fail after it, with only the model written); the default picture is left out with a note
    // instead, since the model is what the run is for (wide CSV rows, whose filters no grid can hold, used to
    // be refused for a picture nobody asked for). Returns the outputs to write.
    internal static TrainOutputs CheckFilterGrid(int hiddenCount, int patchHeight, int patchWidth, TrainOutputs outputs)
    {
        if (outputs.Filters is null || ModelOutputs.GridTooLarge(hiddenCount, patchHeight, patchWidth) is not { } tooLarge) return outputs;
        if (tooLarge.OtherHeight is int height)
        {
            string show = $"sparseae show --model {outputs.Model} --patch-height {height}";
            if (outputs.FiltersGiven)
                throw new UsageException($"--filters: {tooLarge.Problem}; leave out --filters and draw the grid after training with `{show}`, or give fewer hidden units (--hidden).");
            Console.Error.WriteLine($"note: {outputs.Filters} is not drawn: {tooLarge.Problem}; draw the grid after training with `{show}`.");
        }
        else
        {
            string fewer = tooLarge.MostHidden > 0 ? $"--hidden {tooLarge.MostHidden} or fewer would fit" : "not even one filter fits";
            if (outputs.FiltersGiven)
                throw new UsageException($"--filters: {tooLarge.Problem}, in tiles of any shape ({fewer}); leave out --filters to train without the picture.");
            Console.Error.WriteLine($"note: {outputs.Filters} is not drawn: {tooLarge.Problem}, in tiles of any shape ({fewer}).");
        }
        return outputs with { Filters = null };
    }

    /// <summary>
    /// The library's size rules, said under --hidden with the most that fit: 2HV + H + V parameters (H more for
    /// JumpReLU's thresholds) in one array, and blocks of 128 rows of max(V, H) values in one array each
    /// (<see cref="SparseAutoencoderObjective.CheckSizes"/>); Fit applied them only after the data was prepared.
    /// </summary>
    /// <remarks>When V alone is too wide (not even one hidden unit fits), the refusal is said under what sets V instead:
    /// --patch, with the largest patch at which the hidden units given fit, or --csv.</remarks>
    internal static void CheckParameters(int visibleCount, SparseAutoencoderOptions options, DataOptions data)
    {
        bool thresholds = options.Activation == ActivationKind.JumpReLU;
        try
        {
            SparseAutoencoderObjective.CheckSizes(visibleCount, options.HiddenCount, thresholds);
        }
        catch (ArgumentOutOfRangeException e)
        {
            string said = Messages.OneLine(e).TrimEnd('.');
            int most = SparseAutoencoderObjective.MaxHiddenCount(visibleCount, thresholds);
            if (most >= 1) throw new UsageException($"--hidden: {said}; give --hidden {most} or fewer.", e);
            if (data.Csv is not null)
                throw new UsageException($"--csv '{data.Csv}': {said}; its rows of {visibleCount} values are too wide for even one hidden unit.", e);
            // The largest patch at which these hidden units fit, else at which one does (and --hidden must come down too).
            int p = (int)Math.Min(data.PatchSize - 1L, 46_340);   // 46,340^2 is the last square within int
            while (p > 1 && SparseAutoencoderObjective.MaxHiddenCount(p * p, thresholds) < options.HiddenCount) p--;
            string advice = SparseAutoencoderObjective.MaxHiddenCount(p * p, thresholds) >= options.HiddenCount
                ? $"give --patch {p} or less" : $"give a smaller --patch and fewer hidden units (--hidden {SparseAutoencoderObjective.MaxHiddenCount(1, thresholds)} or fewer at --patch 1)";
            throw new UsageException($"--patch: {said}; {advice}.", e);
        }
    }

    /// <summary>
    /// L-BFGS holds every row: the library refuses too many in its own settings (MaximumRows, Optimizer = Adam),
    /// the first of which the command line does not have; said here in flags. The rows are --patches for image
    /// patches, known before any data work, and a CSV's, known once it is read.
    /// </summary>
    internal static void CheckLbfgsRows(long rows, int visibleCount, SparseAutoencoderOptions options, DataOptions data)
    {
        long most = SparseAe.Training.FullBatchTrainer.MaxRows(visibleCount, options.HiddenCount);
        if (OptimizerOf(options) != OptimizerKind.Lbfgs || rows <= most) return;
        // Fewer hidden units raise the limit only while the hidden layer (padded) is wider than a row of V.
        bool hiddenDecides = SparseAe.Training.FullBatchTrainer.MaxRows(visibleCount, 1) > most;
        throw new UsageException($"L-BFGS holds every training row in memory, at most {most} rows of {English.Article(visibleCount)} {visibleCount}-{options.HiddenCount}-{visibleCount} autoencoder, " +
            $"but there are {rows} ({(data.Csv is not null ? $"the rows of --csv '{data.Csv}'" : "--patches")}); " +
            $"give fewer rows{(hiddenDecides ? " or fewer hidden units (--hidden)" : "")}, or --optimizer adam, which streams every row.");
    }

    /// <summary>
    /// Adam's two rules on the rows, the library's (AutoencoderTraining.Run), said here in flags and of the rows the user
    /// gave: a mini-batch's activations are single arrays, and a model counts at most int.MaxValue steps. The library's
    /// "Epochs is 30000000, but ... passes over the 100 rows of column 'Features' ...; raise BatchSize or lower Epochs"
    /// named its own properties and a column the user never named, and came after the patches were prepared. The rows
    /// are --patches, known before any data work, or a CSV's, known once it is read.
    /// </summary>
    internal static void CheckAdamRows(long rows, int visibleCount, SparseAutoencoderOptions options, DataOptions data)
    {
        if (OptimizerOf(options) != OptimizerKind.Adam) return;
        int v = visibleCount, h = options.HiddenCount;
        var settings = options.ToTrainerSettings(options.Seed ?? Defaults.Seed, null, null);
        int batchRows = SparseAe.Training.MemoryBudget.MiniBatchRows(settings, rows).BatchRows;
        long most = SparseAe.Objective.SparseAutoencoderObjective.MaxRows(v, h);
        string what = data.Csv is not null ? $"the {rows} rows of --csv '{data.Csv}'" : $"the {rows} patches (--patches)";
        // Fewer hidden units raise the limit only while the hidden layer (padded) is wider than a row of V, as for L-BFGS.
        if (batchRows > most)
            throw new UsageException($"--batch-size is {options.BatchSize}, but a mini-batch of {English.Article(v)} {v}-{h}-{v} autoencoder holds at most {most} rows " +
                $"(its activations are single arrays); give a smaller --batch-size{(SparseAe.Objective.SparseAutoencoderObjective.MaxRows(v, 1) > most ? " or fewer hidden units (--hidden)" : "")}.");
        var steps = SparseAe.Optimization.Adam.StepsFor(rows, batchRows, options.Epochs);
        if (steps > SparseAe.Optimization.Adam.MaxSteps)
            throw new UsageException($"{options.Epochs} passes (--epochs) over {what} in mini-batches of {batchRows} (--batch-size) are {steps} Adam steps, " +
                $"more than the {SparseAe.Optimization.Adam.MaxSteps} a model counts (it saves its step count as an int32); give a larger --batch-size or fewer --epochs.");
    }

    /// <summary>
    /// ZCA copies the rows it fits on: the estimator checks their memory, but advises its maximumRows, which the
    /// command line does not have ("train --patches 600000 --whiten zca" under a 256 MB heap said "set maximumRows to
    /// fit on a random sample of the rows"); checked first here, in flags.
    /// </summary>
    private static void CheckZcaMemory(PreparedData prepared, DataOptions data)
    {
        // The matrices alone first, as the estimator checks them: when they are the bulk, fewer rows do not help.
        SparseAe.Whitening.ZcaWhitening.EnsureMemory(prepared.Dimension);
        SparseAe.Whitening.ZcaWhitening.EnsureMemory(prepared.Dimension, prepared.Count, readSoFar: false, $"{FewerRows(prepared, data)}, or --whiten none");
    }

    /// <summary>
    /// L-BFGS's memory: the library refuses it naming MaximumRows and LbfgsMemory, settings the command line does not
    /// have ("train --patch 8 --patches 900000" under a 256 MB heap said "set MaximumRows to train on a random sample of
    /// the rows, use fewer hidden units, keep fewer correction pairs (LbfgsMemory, now 100), or use Adam"); checked
    /// first here, in flags, with the library's own estimate: the optimiser and objective over every row, and the
    /// copy of the rows it reads from the view.
    /// </summary>
    private static void CheckLbfgsMemory(PreparedData prepared, SparseAutoencoderOptions options, DataOptions data)
    {
        if (OptimizerOf(options) != OptimizerKind.Lbfgs) return;
        int v = prepared.Dimension, h = options.HiddenCount;
        var settings = options.ToTrainerSettings(options.Seed ?? Defaults.Seed, null, null);
        SparseAe.Training.MemoryBudget.Ensure(SparseAe.Training.MemoryBudget.FullBatchBytes(v, h, prepared.Count, settings) + 4L * prepared.Count * v,
            $"Training {English.Article(v)} {v}-{h}-{v} autoencoder with L-BFGS on {prepared.Count} rows",
            $"{FewerRows(prepared, data)} or fewer hidden units (--hidden, now {h}), or --optimizer adam, which streams the rows");
    }

    /// <summary>
    /// Adam's memory, as <see cref="CheckLbfgsMemory"/> is L-BFGS's: the library refuses it naming ShufflePoolRows and
    /// BatchSize ("train --patch 28 --hidden 1000000 --optimizer adam" said "lower ShufflePoolRows (now 65536) or
    /// BatchSize (now 256)"), and the command line has no ShufflePoolRows; checked first here, in flags, with the
    /// library's own estimate. Its shuffle pool holds every row (up to 65,536), so where the pool is the bulk fewer rows
    /// are advised instead.
    /// </summary>
    private static void CheckAdamMemory(PreparedData prepared, SparseAutoencoderOptions options, DataOptions data)
    {
        if (OptimizerOf(options) != OptimizerKind.Adam) return;
        int v = prepared.Dimension, h = options.HiddenCount;
        var settings = options.ToTrainerSettings(options.Seed ?? Defaults.Seed, null, null);
        var (poolRows, batchRows) = SparseAe.Training.MemoryBudget.MiniBatchRows(settings, prepared.Count);
        long bytes = SparseAe.Training.MemoryBudget.MiniBatchBytes(v, h, settings, prepared.Count);
        // Above ShufflePoolRows the pool holds that many of the rows, still the bulk: fewer rows lower it (and the rows held).
        bool poolIsTheBulk = 4.0 * poolRows * v * 2 >= bytes;
        SparseAe.Training.MemoryBudget.Ensure(bytes, $"Training {English.Article(v)} {v}-{h}-{v} autoencoder with Adam in batches of {batchRows}",
            poolIsTheBulk ? $"{FewerRows(prepared, data)}: Adam's shuffle pool holds {(poolRows == prepared.Count ? "them all" : $"{poolRows} of them")}"
                : $"use fewer hidden units (--hidden, now {h}) or a smaller --batch-size (now {options.BatchSize})");
    }

    // The flag that gives fewer rows, in the memory refusals' advice: --patches, or a CSV of fewer rows.
    private static string FewerRows(PreparedData prepared, DataOptions data)
        => data.Csv is null ? $"give fewer --patches (now {data.PatchCount})" : $"give fewer rows than the {prepared.Count} of --csv '{data.Csv}'";

    /// <summary>
    /// A component warning in the command line's terms: it names the columns this command makes, 'Features' (the rows as
    /// prepared) and 'White' (the same after --whiten zca), which the user never named, and the sigmoid decoder's range
    /// warning advised scaling the inputs alone ("UFLDL rescales patches to [0.1, 0.9]"), which ZCA's rows had been and
    /// --decoder linear does not need. The options' properties ("Try a smaller LearningRate") are said as their flags, as refusals say them.
    /// </summary>
    internal static string WarningInFlags(string message, IReadOnlyDictionary<string, string> flagOf)
    {
        // The library's own offer of its option, said first below in flags.
        string said = TrainCommand.InFlags(message.Replace(" or use the linear decoder (Decoder Linear)", "", StringComparison.Ordinal), flagOf);
        const string scale = "the sigmoid decoder reconstructs only [0, 1], so scale the inputs (UFLDL rescales patches to [0.1, 0.9])";
        const string linear = "the sigmoid decoder reconstructs only [0, 1], so give --decoder linear, which reconstructs any range";
        // ZCA's rows have each feature's mean removed: they hold negatives however the inputs are scaled, so scaling is no advice.
        if (said.StartsWith("Column 'White' holds", StringComparison.Ordinal))
            return said.Replace("Column 'White' holds", "The training rows as --whiten zca leaves them hold", StringComparison.Ordinal)
                .Replace(scale, $"{linear} (ZCA's rows are centred: no scaling of the inputs brings them into [0, 1])", StringComparison.Ordinal);
        return said.Replace("Column 'Features' holds", "The training rows hold", StringComparison.Ordinal)
            .Replace(scale, $"{linear}, or scale the inputs (UFLDL rescales patches to [0.1, 0.9])", StringComparison.Ordinal);
    }

    private static void RunCore(DataOptions data, SparseAutoencoderOptions options, TrainOutputs outputs, TextWriter output, IReadOnlyDictionary<string, string> flagOf,
        CancellationToken cancellation)
    {
        options.CancellationToken = cancellation;
        var ml = new MLContext(seed: options.Seed);
        using var cancelMl = cancellation.Register(() => HostAccess.CancelExecution(ml));   // ZCA's fit takes no token
        // The component's warnings (inputs outside the sigmoid decoder's range, say) go to the log, which
        // a library user reads; here they go to standard error, one line each.
        ml.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) Console.Error.WriteLine($"warning: {WarningInFlags(e.RawMessage.ReplaceLineEndings(" "), flagOf)}"); };
        var prepared = TrainingData.Prepare(data, message => output.WriteLine(message));
        CheckParameters(prepared.Dimension, options, data);
        CheckLbfgsRows(prepared.Count, prepared.Dimension, options, data);
        CheckAdamRows(prepared.Count, prepared.Dimension, options, data);
        if (prepared.UseZca) CheckZcaMemory(prepared, data);
        CheckLbfgsMemory(prepared, options, data);
        CheckAdamMemory(prepared, options, data);
        outputs = CheckFilterGrid(options.HiddenCount, prepared.PatchHeight, prepared.PatchWidth, outputs);
        // The seed and the thread count decide the bits (the count groups the sums); --threads 0 is the logical processors this
        // process may use, which taskset or a container lowers: said, so that a run can be repeated elsewhere.
        int threads = SparseAe.Defaults.ResolveThreads(options.Threads);
        string threadsSaid = $"{threads} thread{(threads == 1 ? "" : "s")}";
        output.WriteLine($"training {English.Article(prepared.Dimension)} {prepared.Dimension}-{options.HiddenCount}-{prepared.Dimension} sparse autoencoder on {prepared.Description} " +
            $"(seed {options.Seed}, {(options.Threads == 0 ? $"--threads 0: {threadsSaid}, the logical processors this process may use" : threadsSaid)})");

        var view = ml.Data.LoadFromRowSource(new ArrayRowSource(prepared.Rows, prepared.Count, prepared.Dimension), "Features", prepared.Count);
        bool adam = OptimizerOf(options) == OptimizerKind.Adam;
        var (model, ae) = TrainProgress.Run(adam ? options.Epochs : options.MaxIterations, adam ? "epochs" : "iterations", output, progress =>
        {
            options.Progress = progress;
            if (prepared.UseZca)
            {
                options.InputColumnName = "White";
                try
                {
                    // The rows named as the user gave them, not as the estimator's input column, 'Features', which the user never named.
                    var zca = new ZcaWhiteningEstimator(HostAccess.GetEnvironment(ml.Transforms), "White", "Features", SparseAe.Defaults.ZcaEpsilon,
                        rowsName: TrainingData.ZcaRowsName(data, prepared.Count));
                    var chain = zca.Append(ml.Transforms.SparseAutoencoder(options)).Fit(view);
                    return ((ITransformer)chain, chain.LastTransformer);
                }
                catch (ArgumentException e) when (e.InnerException is ArgumentException { ParamName: "x" } rows)
                {
                    throw new UsageException($"--whiten zca: {Messages.OneLine(rows)}", e);
                }
            }
            var single = ml.Transforms.SparseAutoencoder(options).Fit(view);
            return ((ITransformer)single, single);
        });

        // Every output of ByFlag, all or nothing: one that fails (a full disk) leaves every one as it was.
        using (var set = new OutputSet())
        {
            foreach (var (flag, path) in outputs.ByFlag)
            {
                if (path is null) continue;
                set.Add(flag, path, flag switch
                {
                    "--model" => ModelOutputs.Model(ml, model, view.Schema),
                    "--filters" => ModelOutputs.Filters(ae.Weights, prepared.PatchHeight, prepared.PatchWidth),
                    "--curve" => ModelOutputs.Curve(ae),
                    "--latents" => ModelOutputs.Latents(ae),
                    "--weights-csv" => ModelOutputs.WeightsCsv(ae),
                    "--weights-mat" => ModelOutputs.WeightsMat(ae, ModelFiles.Flatten(model).OfType<ZcaWhiteningTransformer>().FirstOrDefault()?.Whitening),
                    "--metrics-json" => ModelOutputs.MetricsJson(ae),
                    "--save-rows" => ModelOutputs.Rows(prepared),
                    _ => throw new System.Diagnostics.UnreachableException($"No content for the output {flag}."),
                });
            }
            set.Commit();
        }

        var s = ae.Summary;
        var c = s.FinalCost;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "done: {0} iterations{1}, exit {2}, {3:F2} s", s.Iterations, s.Epochs > 0 ? $" ({s.Epochs} epochs)" : "", s.ExitReason, s.Elapsed.TotalSeconds));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "final cost J {0:G6} = reconstruction {1:G6} + weight decay {2:G6} + sparsity {3:G6}", c.Total, c.Reconstruction, c.WeightDecay, c.Sparsity));
        if (s.CodeMetrics is { } m)
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                // An FVU can be huge where the rows barely vary (subnormal values: 4.9E+75), which F4 wrote as 76 digits.
                "metrics: L0={0:F2} FVU={1} dead={2:F1}% dense={3:F1}%", m.L0, m.Fvu.ToString(m.Fvu < 1e4 ? "F4" : "G4", CultureInfo.InvariantCulture),
                100 * m.DeadFraction, 100 * m.DenseFraction));
        else
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "mean activation {0:G4}{1}, min {2:G4}, max {3:G4}", s.MeanActivation.Average(),
                // L1's penalty has no target (rho is KL's alone): "(target 0.01)" beside it was no setting of the run.
                options.Penalty == SparsityPenalty.KLDivergence ? string.Format(CultureInfo.InvariantCulture, " (target {0:G4})", options.SparsityTarget) : "",
                s.MeanActivation.Min(), s.MeanActivation.Max()));
        output.WriteLine($"wrote {string.Join(", ", outputs.ByFlag.Select(o => o.Path).OfType<string>())}");
    }
}
