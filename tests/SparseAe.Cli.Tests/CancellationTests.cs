using System.Diagnostics;
using System.Reflection;
using System.Text;
using SparseAe.Cli.Infrastructure;
using Xunit;

namespace SparseAe.Cli.Tests;

public class CancellationTests
{
    /// <summary>A `sparseae` run, started and waited for until it is busy.</summary>
    private sealed class Run : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stderr;

        private Run(string dir, string[] args, Action<Process> waitUntilBusy)
        {
            _process = Process.Start(Cli.StartInfo(dir, args))!;
            _stderr = _process.StandardError.ReadToEndAsync();
            waitUntilBusy(_process);
        }

        /// <summary>`sparseae train`, read up to "training a ...": its data are prepared, and Fit starts.</summary>
        public static Run Train(string dir, params string[] args) => new(dir, ["train", .. args], process =>
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("training a")) { }
            Assert.True(line is not null, "sparseae ended before training");
        });

        /// <summary>`sparseae featurize ... --out f.csv`, once its temporary file for f.csv holds bytes: rows are being written.</summary>
        /// <remarks>Not once such a file exists: the check that --out is writable, before Ctrl+C is caught, makes and
        /// deletes an empty one of the same pattern, and a SIGINT sent then ended the process as Ctrl+C ends any
        /// program (exit 130, no note), which failed this test once under CI's load.</remarks>
        public static Run Featurize(string dir, params string[] args) => new(dir, ["featurize", .. args, "--out", "f.csv"], process =>
        {
            var clock = Stopwatch.StartNew();
            while (!Directory.GetFiles(dir, ".f.csv.*.tmp").Any(f => new FileInfo(f) is { Exists: true, Length: > 0 }))
            {
                Assert.False(process.HasExited, "sparseae featurize ended before it wrote");
                Assert.True(clock.Elapsed.TotalSeconds < 60, "sparseae featurize did not start writing within a minute");
                Thread.Sleep(20);
            }
        });

        /// <summary>`sparseae featurize ... --out /dev/stdout`, once its header line has been read: rows are being written.</summary>
        public static Run FeaturizeToStandardOutput(string dir, params string[] args) => new(dir, ["featurize", .. args, "--out", "/dev/stdout"], process =>
            Assert.True(process.StandardOutput.ReadLine() is { } header && header.StartsWith("h0,"), "sparseae featurize ended before it wrote"));

        /// <summary>`sparseae bench ... --folder .`, once the streaming part's .idv file holds bytes.</summary>
        public static Run Bench(string dir, params string[] args) => new(dir, ["bench", .. args, "--folder", "."], process =>
        {
            var clock = Stopwatch.StartNew();
            while (!Directory.GetFiles(dir, "sparseae-bench-*.idv").Any(f => new FileInfo(f) is { Exists: true, Length: > 0 }))
            {
                Assert.False(process.HasExited, "sparseae bench ended before it wrote its .idv file");
                Assert.True(clock.Elapsed.TotalSeconds < 60, "sparseae bench did not start writing within a minute");
                Thread.Sleep(20);
            }
        });

        /// <summary>`sparseae bench ... --each-width`, read up to its first child's heading.</summary>
        public static Run EachWidth(string dir, params string[] args) => new(dir, ["bench", .. args, "--each-width"], process =>
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("--- DOTNET_")) { }
            Assert.True(line is not null, "sparseae bench ended before its first child");
        });

        /// <summary>
        /// `sparseae bench` (no streaming part), read up to its first line, the machine's, and 200 ms more: the first part
        /// is being measured.
        /// </summary>
        /// <remarks>The first measurement starts only after bench's check for Ctrl+C that follows the machine's line: a SIGINT
        /// sent as soon as the line was read could, under CI's load (a writer preempted by the reader it woke), come before that
        /// check, and no measurement would be made. The wait covers that; the measurement then under way takes seconds of
        /// wall clock whatever the load (the full clock, not --quick's half second), so it cannot end before the signal.</remarks>
        public static Run BenchMeasuring(string dir, params string[] args) => new(dir, ["bench", .. args], process =>
        {
            string? line = process.StandardOutput.ReadLine();
            Assert.True(line is not null && line.StartsWith("isa="), $"sparseae bench began with '{line}'");
            Thread.Sleep(200);
        });

        /// <summary>Standard output after the lines the start read, once <see cref="End"/> has returned.</summary>
        public Task<string>? Output { get; private set; }

        /// <summary>Sends SIGINT, as a terminal's Ctrl+C does.</summary>
        public void Interrupt()
        {
            using var kill = Process.Start("kill", ["-INT", _process.Id.ToString()])!;
            kill.WaitForExit();
        }

        /// <summary>Waits at most a minute for the exit (a hang guard) and returns the exit code and standard error.</summary>
        public async Task<(int Code, string Err)> End()
        {
            // Not ReadToEnd: it waits for the exit, past the guard.
            Output = _process.StandardOutput.ReadToEndAsync();
            Assert.True(_process.WaitForExit(60_000), "sparseae did not stop within a minute of SIGINT");
            return (_process.ExitCode, await _stderr);
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    // The second case: ZCA's fit (20,000 rows of 4096: seconds of covariance, then minutes of eigendecomposition)
    // never saw the CLI's Ctrl+C, which reached only the autoencoder's training after it: the first Ctrl+C waited
    // minutes. The CLI now cancels its MLContext too, which ZCA checks every 256 rows of its covariance.
    [Theory]
    [InlineData("--iterations", "100000", "--patches", "2000")]
    [InlineData("--whiten", "zca", "--patch", "64", "--patches", "20000", "--hidden", "4")]
    public async Task Ctrl_C_during_training_or_ZCA_s_fit_stops_it_and_writes_nothing(params string[] args)
    {
        using var dir = new TempFolder();
        using var run = Run.Train(dir, args);
        Thread.Sleep(500);
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        Assert.Contains("cancelled: nothing was written", err);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // The first Ctrl+C is seen only by training's checks; the steps before it (here ZCA's fit of 4096-wide
    // patches, 3.5 minutes on 2 cores) and the writing after it never look. Every Ctrl+C was swallowed, so
    // two of them 1 s into ZCA's fit were ignored and the run went on for 3.5 minutes before it exited 130.
    // ZCA's covariance now checks (the test above); its eigendecomposition, which follows about 2 s of
    // covariance here, cannot, so the Ctrl+Cs come 6 s in. (Should the covariance still run then, the first
    // stops it, and the test passes without the second.)
    [Fact]
    public async Task A_second_Ctrl_C_ends_the_run_at_once_where_the_first_cannot_be_seen()
    {
        using var dir = new TempFolder();
        using var run = Run.Train(dir, "--whiten", "zca", "--patch", "64", "--patches", "2000", "--hidden", "4");
        Thread.Sleep(6000);
        run.Interrupt();
        Thread.Sleep(1000);
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        Assert.Contains("Ctrl+C again to stop at once", err);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // featurize streams its rows into --out's temporary file, for as long as the CSV lasts. Ctrl+C ended the
    // process then, and left the temporary file (.f.csv.PID.GUID.tmp) beside --out.
    [Fact]
    public async Task Ctrl_C_during_featurize_stops_it_keeps_the_old_output_and_leaves_no_temporary_file()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(Path.Combine(dir, "in.csv"), Enumerable.Range(0, 50).Select(r => string.Join(',', Enumerable.Range(0, 16).Select(i => $"0.{1 + (r + i) % 8}"))));
        Assert.Equal(0, Cli.Run(dir, "train", "--csv", "in.csv", "--hidden", "6", "--iterations", "10").ExitCode);
        string row = string.Join(',', Enumerable.Range(0, 16).Select(i => $"0.{1 + i % 8}"));
        File.WriteAllText(Path.Combine(dir, "big.csv"), string.Concat(Enumerable.Repeat(row + "\n", 2_000_000)));
        File.WriteAllText(Path.Combine(dir, "f.csv"), "old");
        using var run = Run.Featurize(dir, "--model", "model.zip", "--csv", "big.csv");
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        Assert.Contains("cancelled: nothing was written", err);
        Assert.Equal("old", File.ReadAllText(Path.Combine(dir, "f.csv")));
        Assert.Empty(Directory.GetFiles(dir, ".f.csv.*"));
    }

    // Features sent to standard output (a pipe) go out as they come: Ctrl+C then said "cancelled: nothing was written"
    // after thousands of rows had reached the reader. It says how many did.
    [Fact]
    public async Task Ctrl_C_during_featurize_to_standard_output_says_how_many_rows_were_written_not_that_none_were()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempFolder();
        File.WriteAllLines(Path.Combine(dir, "in.csv"), Enumerable.Range(0, 50).Select(r => string.Join(',', Enumerable.Range(0, 16).Select(i => $"0.{1 + (r + i) % 8}"))));
        Assert.Equal(0, Cli.Run(dir, "train", "--csv", "in.csv", "--hidden", "6", "--iterations", "10").ExitCode);
        string row = string.Join(',', Enumerable.Range(0, 16).Select(i => $"0.{1 + i % 8}"));
        File.WriteAllText(Path.Combine(dir, "big.csv"), string.Concat(Enumerable.Repeat(row + "\n", 2_000_000)));
        using var run = Run.FeaturizeToStandardOutput(dir, "--model", "model.zip", "--csv", "big.csv");
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        int rows = (await run.Output!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;   // the header was read before
        Assert.True(rows > 0 && rows < 2_000_000, $"{rows} rows");
        Assert.Contains($"cancelled: the features of the first {rows} rows were written to --out '/dev/stdout'", err);
        Assert.DoesNotContain("nothing was written", err);
    }

    // The streaming part writes an .idv file of gigabytes (10M rows by default) and deletes it when done. Ctrl+C
    // ended the process as it ends any program, and the half-written file was left in --folder.
    [Fact]
    public async Task Ctrl_C_during_the_bench_s_streaming_stops_it_and_removes_its_idv_file()
    {
        using var dir = new TempFolder();
        using var run = Run.Bench(dir, "--only", "streaming", "--streaming-rows", "3000000", "--threads", "1");
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        Assert.Contains("cancelled: nothing was written", err);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // "stopping after the measurement under way": that measurement was made and then dropped, since Ctrl+C was checked
    // between a line's measurement and its printing. It is printed now, and the next part is not started.
    [Fact]
    public async Task Ctrl_C_during_a_bench_measurement_prints_it_and_starts_no_other()
    {
        using var dir = new TempFolder();
        using var run = Run.BenchMeasuring(dir, "--only", "transform", "encode", "--threads", "1");
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        Assert.Contains("cancelled", err);
        var lines = (await run.Output!).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("transform+cursor "), $"after the machine's line: {string.Join(" | ", lines)}");
    }

    // A terminal's Ctrl+C reaches --each-width's child too, which then ends with 130; the parent is told here
    // alone (the child runs on), and says it was cancelled rather than that a child failed or was wrong.
    [Fact]
    public async Task Ctrl_C_during_each_width_s_children_ends_the_bench_as_cancelled()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;   // no narrower path: no child
        using var dir = new TempFolder();
        using var run = Run.EachWidth(dir, "--only", "transform", "--quick", "--threads", "1");
        run.Interrupt();
        var (code, err) = await run.End();
        Assert.Equal(130, code);
        Assert.Contains("cancelled: nothing was written", err);
    }

    // .NET runs each SIGINT's handlers on a thread-pool thread, so a handler can run beside another (Ctrl+C twice
    // while the first note waits on a slow standard error) and after CtrlC.Dispose (Ctrl+C as the command ends).
    // The second was caught too, as if first, and so could not end the run; a handler after Dispose threw
    // ObjectDisposedException from CancellationTokenSource.Cancel on that thread, which ends the process.
    [Fact]
    public async Task CtrlC_catches_only_the_first_of_two_handlers_at_once_and_none_throws_after_Dispose()
    {
        const string note = "a note only this test writes";
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var error = Console.Error;
        Console.SetError(new HoldingWriter(error, note, entered, release));
        try
        {
            var ctrlC = new CtrlC(note);
            var handler = Handler(ctrlC);
            var (first, second) = (Args(), Args());
            // Each handler on a thread of its own, as .NET's may be: on the thread pool, the second waited for a thread while the
            // first held one, and a pool busy with other tests adds a thread only every half second or so; 2 s could pass
            // before it even started, and a correct CtrlC read as "caught as well". The defect blocks until release: any wait shows it.
            var firstRun = Task.Factory.StartNew(() => handler(null, first), TaskCreationOptions.LongRunning);
            Assert.True(entered.Wait(10_000), "the first handler did not write its note");
            var secondRun = Task.Factory.StartNew(() => handler(null, second), TaskCreationOptions.LongRunning);
            bool secondReturned = await Task.WhenAny(secondRun, Task.Delay(10_000)) == secondRun;
            release.Set();
            await Task.WhenAll(firstRun, secondRun);
            Assert.True(first.Cancel);
            Assert.True(secondReturned && !second.Cancel, "the second Ctrl+C was caught as well");
            Assert.True(ctrlC.Token.IsCancellationRequested);

            var late = new CtrlC(note);
            var lateHandler = Handler(late);
            late.Dispose();
            lateHandler(null, Args());
        }
        finally
        {
            release.Set();
            Console.SetError(error);
        }
    }

    private static ConsoleCancelEventHandler Handler(CtrlC ctrlC)
        => (ConsoleCancelEventHandler)typeof(CtrlC).GetField("_handler", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(ctrlC)!;

    private static ConsoleCancelEventArgs Args()
        => (ConsoleCancelEventArgs)Activator.CreateInstance(typeof(ConsoleCancelEventArgs), BindingFlags.NonPublic | BindingFlags.Instance, null, [ConsoleSpecialKey.ControlC], null)!;

    // Standard error that holds a line holding `note` until released (a slow terminal or a full pipe); others pass.
    private sealed class HoldingWriter(TextWriter inner, string note, ManualResetEventSlim entered, ManualResetEventSlim release) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            if (value is not null && value.Contains(note))
            {
                entered.Set();
                release.Wait(10_000);
                return;
            }
            inner.WriteLine(value);
        }
    }
}
