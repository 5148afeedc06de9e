namespace SparseAe.Benchmarking;

/// <summary>
/// The whole bench as lines: first what it measures on (<see cref="BenchMachine.Describe"/>), then one
/// line per measurement of each part asked for, last the FMA peaks the %peak figures used. The lines
/// are made as the parts run, so a caller that prints each at once shows progress.
/// </summary>
internal static class BenchSuite
{
    /// <summary>The parts, in the order a full run takes them.</summary>
    public static IReadOnlyList<string> Parts { get; } = ["train", "encode", "transform", "onnx", "fit", "growth", "codes", "sparse", "streaming"];

    /// <summary>What runs when no part is named: all but streaming (it writes a file of gigabytes).</summary>
    public static IReadOnlyList<string> DefaultParts { get; } = Parts.Where(p => p != "streaming").ToArray();

    /// <summary>The parts that take no <see cref="BenchClock"/>: each times whole trainings, without a warm-up and timed runs to shorten.</summary>
    public static IReadOnlyList<string> Unclocked { get; } = ["fit", "streaming"];

    /// <summary>The first of <paramref name="parts"/> that is not a part's name, or null when all are.</summary>
    public static string? FirstUnknown(IEnumerable<string> parts) => parts.FirstOrDefault(p => !Parts.Contains(p));

    /// <param name="parts">Names from <see cref="Parts"/>, run in the order given.</param>
    /// <param name="threads">Threads of the multi-threaded figures (at least 1).</param>
    /// <param name="clock">How long the warm-up and the timed runs take.</param>
    /// <param name="streamingRows">Rows of the streaming part's .idv file.</param>
    /// <param name="folder">Where the streaming part writes that file.</param>
    /// <param name="cancel">Stops the run after the measurement under way (the streaming part: at its next row or
    /// training check, its file deleted) with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">A part not in <see cref="Parts"/> (before anything runs).</exception>
    public static IEnumerable<string> Run(IReadOnlyList<string> parts, int threads, BenchClock clock, long streamingRows, string folder, CancellationToken cancel = default)
    {
        if (FirstUnknown(parts) is { } unknown) throw new ArgumentException($"Unknown bench part '{unknown}'; the parts are {string.Join(", ", Parts)}.", nameof(parts));
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(streamingRows, 1);
        return Lines(parts, threads, clock, streamingRows, folder, cancel);
    }

    private static IEnumerable<string> Lines(IReadOnlyList<string> parts, int threads, BenchClock clock, long streamingRows, string folder, CancellationToken cancel)
    {
        var machine = new BenchMachine(threads);
        yield return machine.Describe();
        foreach (var part in parts)
        {
            var lines = part switch
            {
                "train" => TrainingBench.Run(machine, clock),
                "encode" => InferenceBench.Run(threads, clock),
                "transform" => InferenceBench.Transform(clock),
                "onnx" => OnnxBench.Run(threads, clock),
                "fit" => FitBench.Run(threads),
                "growth" => TrainingBench.Growth(machine, clock),
                "codes" => SparseCodeBench.Run(machine, clock),
                "sparse" => SparseInputBench.Run(machine, clock),
                _ => StreamingBench.Run(streamingRows, threads, folder, cancel),
            };
            // Ctrl+C is checked before each measurement starts (each part's MoveNext measures its next line), and the one
            // under way when it came is still printed: checked between a line's measurement and its printing, the figure
            // the user had waited for after "stopping after the measurement under way" was dropped.
            using var next = lines.GetEnumerator();
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                if (!next.MoveNext()) break;
                yield return next.Current;
            }
        }
        yield return machine.DescribePeaks();
    }
}
