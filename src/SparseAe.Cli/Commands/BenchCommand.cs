using System.CommandLine;
using SparseAe.Benchmarking;
using SparseAe.Cli.Bench;
using SparseAe.Cli.Infrastructure;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae bench</c>: a first line that says what it measured on (instruction sets, vector width,
/// cores, the FMA peak measured in the same run, the CPU), then one line per measurement
/// (<c>train B=1024 threads=2 samples/s=... %peak=...</c>), each the median of repeated runs after a
/// warm-up; training figures come with the ratio to the plain scalar reference measured in the same
/// process. <c>--each-width</c> runs the whole bench again for every narrower vector path of the CPU
/// (child processes with DOTNET_EnableAVX512=0, DOTNET_PreferredVectorBitWidth=128, DOTNET_EnableAVX2=0,
/// DOTNET_EnableHWIntrinsic=0: <see cref="BenchWidths"/>).
/// The workloads are src/SparseAe.Benchmarking's (<see cref="BenchSuite"/>); this command parses the
/// options, prints the lines and draws the charts. docs/performance.md records the figures.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var parts = string.Join(", ", BenchSuite.Parts);
        var only = new Option<string[]>("--only") { Description = $"Run only these parts: {parts} (default: all but streaming).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var threads = new Option<int>("--threads") { Description = $"Threads for the multi-threaded figures, {SparseAe.Training.TrainerSettings.ThreadsRule}.", DefaultValueFactory = _ => Defaults.Threads };
        var quick = new Option<bool>("--quick") { Description = "Short warm-up and runs (a smoke test; the figures are rough); fit and streaming time whole trainings either way." };
        var rows = new Option<long>("--streaming-rows") { Description = "Rows in the .idv file of the streaming part, at least 1.", DefaultValueFactory = _ => 10_000_000 };
        var plot = new Option<string?>("--plot-folder") { Description = "Also draw the train and growth figures as PNG charts into this folder (this process's path; not --each-width's children)." };
        var folder = new Option<string>("--folder") { Description = "Where the streaming part writes its temporary .idv file.", DefaultValueFactory = _ => Path.GetTempPath() };
        var eachWidth = new Option<bool>("--each-width") { Description = "Then run the same bench on each narrower vector path of this CPU (256-bit, 128-bit, scalar), in child processes." };
        var command = new Command("bench", "Measure training, inference, Fit, Transform and streaming throughput.") { only, threads, quick, rows, folder, plot, eachWidth };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            // A part named twice (--only train train, or two --only) is measured once.
            IReadOnlyList<string> chosen = r.GetValue(only) is { Length: > 0 } named ? named.Distinct().ToArray() : BenchSuite.DefaultParts;
            if (BenchSuite.FirstUnknown(chosen) is { } unknown) throw new UsageException($"--only takes {parts}, but got '{unknown}'.");
            // Every option is checked before minutes of measuring (ResolveThreads would turn -3 into all cores).
            int requested = r.GetValue(threads);
            SparseAe.Training.TrainerSettings.CheckThreads(requested, threads.Name);
            int t = Defaults.ResolveThreads(requested);
            long streamingRows = r.GetValue(rows);
            if (streamingRows < 1) throw new UsageException($"--streaming-rows must be at least 1, but is {streamingRows}.");
            if (r.GetValue(plot) is string plotTo) CliFiles.RequireFolder(plotTo, "--plot-folder");
            if (chosen.Contains("streaming")) CliFiles.RequireFolder(r.GetValue(folder)!, "--folder");
            // As in train, an option the run would not use is refused rather than ignored (only one given counts).
            else if (new Option[] { folder, rows }.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } unused)
                throw new UsageException($"{unused.Name}: it is for the streaming part, which this run does not measure (--only {string.Join(" ", chosen)}); add streaming to --only, or leave it out.");
            // The charts are of the train and growth parts: without them the folder was checked and then left empty.
            if (!chosen.Contains("train") && !chosen.Contains("growth") && r.GetResult(plot) is { Implicit: false })
                throw new UsageException($"--plot-folder: it is for the train and growth parts, which this run does not measure (--only {string.Join(" ", chosen)}); add train or growth to --only, or leave it out.");
            // fit and streaming time whole trainings: --quick with only them was ignored, and the run took its full minutes.
            if (chosen.All(BenchSuite.Unclocked.Contains) && r.GetResult(quick) is { Implicit: false })
                throw new UsageException($"--quick: it shortens the warm-up and timed runs, which {string.Join(" and ", BenchSuite.Unclocked)} do not have (each times whole trainings), and this run measures only them (--only {string.Join(" ", chosen)}); leave it out.");
            // Ctrl+C stops the run after the measurement under way (the streaming part at its next row or training
            // check), so that the streaming part deletes its .idv file of gigabytes: the process used to end at
            // once and leave it half-written in --folder.
            using var ctrlC = new CtrlC("stopping after the measurement under way (Ctrl+C again to stop at once)");
            var printed = Print(BenchSuite.Run(chosen, t, r.GetValue(quick) ? BenchClock.Quick : BenchClock.Full, streamingRows, r.GetValue(folder)!, ctrlC.Token), r.GetValue(folder)!, Console.Out);
            if (r.GetValue(plot) is string plotFolder) BenchCharts.Write(printed, plotFolder);
            if (r.GetValue(eachWidth)) BenchWidths.RunNarrower(ChildArguments(r), ctrlC.Token);
        }));
        return command;
    }

    /// <summary>
    /// Writes each of the run's <paramref name="lines"/> as it is measured, and returns them; a failure to write the
    /// streaming part's file into <paramref name="folder"/> (a full disk) is said under --folder.
    /// </summary>
    internal static List<string> Print(IEnumerable<string> lines, string folder, TextWriter output)
    {
        var printed = new List<string>();
        CliFiles.Write("--folder", StreamingBench.IdvPath(folder), () =>
        {
            foreach (var line in lines)
            {
                output.WriteLine(line);
                printed.Add(line);
            }
        });
        return printed;
    }

    /// <summary>
    /// The --each-width children's arguments from this run's parsed tokens: a response file (@opts.rsp) is given to them
    /// expanded, so that its --each-width and --plot-folder are left out as well.
    /// </summary>
    internal static IEnumerable<string> ChildArguments(ParseResult parsed) => ChildArguments(parsed.Tokens.Select(t => t.Value));

    /// <summary>
    /// This run's arguments for the --each-width children: without --each-width (with its value in any spelling: a
    /// child given --each-width=true ran the narrower paths again), and without --plot-folder and
    /// its folder, whose charts are this process's (each child redrew them, so the scalar path's were left).
    /// </summary>
    internal static IEnumerable<string> ChildArguments(IEnumerable<string> arguments)
    {
        string? previous = null;
        foreach (var a in arguments)
        {
            string? after = previous;
            previous = a;
            if (after == "--plot-folder") continue;
            // --each-width's own value, which the parser takes after it (--each-width true): the child refused it.
            if (after == "--each-width" && bool.TryParse(a, out _)) continue;
            if (a is "--each-width" or "--plot-folder" || IsWithValue(a, "--each-width") || IsWithValue(a, "--plot-folder")) continue;
            yield return a;
        }

        static bool IsWithValue(string a, string flag)
            => a.StartsWith(flag + "=", StringComparison.Ordinal) || a.StartsWith(flag + ":", StringComparison.Ordinal);
    }
}
