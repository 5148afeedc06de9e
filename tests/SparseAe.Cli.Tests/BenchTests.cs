using System.Text.RegularExpressions;
using Xunit;

namespace SparseAe.Cli.Tests;

public class BenchTests
{
    [Fact]
    public void Bench_prints_one_line_per_measurement_with_the_scalar_ratio_and_the_peak()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "train", "encode", "--quick", "--threads", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var lines = output.TrimEnd().Split('\n');
        Assert.Matches(@"^isa=((avx512f|avx2|avx|sse4\.2|sse2|neon)(\+fma)?|scalar) vector=(512|256|128|32) cores=\d+ threads=2 fma-peak=\d+\.\dGFLOP/s fma-peak-1-thread=\d+\.\dGFLOP/s cpu="".+"" runtime=", lines[0]);
        Assert.Matches(@"^train-scalar-reference V=64 H=100 threads=1 samples/s=\d\.\d{3}e\d+$", lines[1]);
        foreach (var b in new[] { 256, 1024, 10000 })
            foreach (var t in new[] { 1, 2 })
                Assert.Contains(lines, l => Regex.IsMatch(l, $@"^train B={b} threads={t} samples/s=\d\.\d{{3}}e\d+ vs-scalar=\d+\.\dx GFLOP/s=\d+\.\d %peak=\d+$"));
        Assert.Contains(lines, l => l.StartsWith("encode-row V=64 H=100 threads=1 rows/s="));
        Assert.Contains(lines, l => l.StartsWith("encode-batch V=64 H=100 B=10000 threads=2 rows/s="));
        Assert.Matches(@"^fma-peak-used threads=2 fma-peak=\d+\.\dGFLOP/s fma-peak-1-thread=\d+\.\dGFLOP/s$", lines[^1]);
        // The figures, computed here from the printed rates and peaks: vs-scalar is the rate over the scalar reference's,
        // GFLOP/s and %peak those of 64,000 FLOPs a sample against the probe of the line's thread count.
        double scalar = Figure(lines[1], "samples/s");
        foreach (var t in new[] { 1, 2 })
            foreach (var line in lines.Where(l => l.StartsWith("train B=", StringComparison.Ordinal) && l.Contains($" threads={t} ")))
            {
                AssertNear(Figure(line, "samples/s") / scalar, Figure(line, "vs-scalar"), 0.1, line);
                AssertFlops(line, 64, 100, t, lines);
            }
    }

    [Fact]
    public void A_part_named_twice_is_measured_once()
    {
        // --only encode encode measured encode twice, and two --only the same.
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "encode", "encode", "--only", "encode", "--quick", "--threads", "1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Single(output.Split('\n'), l => l.StartsWith("encode-row ", StringComparison.Ordinal));
        Assert.Single(output.Split('\n'), l => l.StartsWith("encode-batch ", StringComparison.Ordinal));   // --threads 1: one thread count
    }

    [Fact]
    public void The_onnx_part_measures_ONNX_Runtime_beside_our_inference()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "onnx", "--quick", "--threads", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        foreach (var what in new[] { "onnx-runtime batch=4096 threads=1", "onnx-runtime batch=1 threads=1", "onnx-runtime batch=4096 threads=2", "onnx-apply-onnx-model+cursor threads=1" })
            Assert.Matches($@"(?m)^{Regex.Escape(what)} V=64 H=100 rows/s=\d\.\d{{3}}e\d+$", output);
    }

    [Fact]
    public void The_sparse_part_measures_sparse_inputs_against_the_same_rows_stored_dense()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "sparse", "--quick", "--threads", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        const string rate = @"\d\.\d{3}e\d+";
        Assert.Matches($@"(?m)^sparse transform\+cursor topk V=8192 H=512 K=32 rows=256 stored=dense nnz=15 rows/s={rate}$", output);
        Assert.Matches($@"(?m)^sparse transform\+cursor topk V=8192 H=512 K=32 rows=256 stored=sparse nnz=15 rows/s={rate} ratio=\d+\.\d\dx$", output);
        Assert.Matches($@"(?m)^sparse step topk V=8192 H=512 K=32 B=128 nnz=15 threads=2 stored=dense samples/s={rate}$", output);
        Assert.Matches($@"(?m)^sparse step topk V=8192 H=512 K=32 B=128 nnz=15 threads=2 stored=sparse samples/s={rate} ratio=\d+\.\d\dx$", output);
        Assert.Matches($@"(?m)^sparse step relu V=8192 H=512 B=32 nnz=15 threads=1 stored=sparse samples/s={rate} ratio=\d+\.\d\dx$", output);
        Assert.Matches($@"(?m)^sparse lbfgs-evaluation sigmoid V=8192 H=100 B=512 nnz=15 threads=2 stored=sparse samples/s={rate} ratio=\d+\.\d\dx$", output);
        Assert.Matches($@"(?m)^sparse reconstruction relu V=8192 H=512 B=32 threads=1 products=3 samples/s={rate} share-of-dense-step=\d\.\d\d bound=\d+\.\d\dx$", output);
        // The ratios, computed here from the printed rates: each is the sparse rows' rate over the dense rows'; the share is
        // the time of the three products over the dense ReLU step's (its rate over theirs) and the bound its inverse.
        var lines = output.Split('\n');
        foreach (var sparse in lines.Where(l => l.Contains(" stored=sparse ")))
        {
            string what = sparse[..sparse.IndexOf(" stored=", StringComparison.Ordinal)];
            string dense = Assert.Single(lines, l => l.StartsWith(what + " stored=dense ", StringComparison.Ordinal));
            AssertNear(Figure(sparse, sparse.Contains("rows/s=") ? "rows/s" : "samples/s") / Figure(dense, dense.Contains("rows/s=") ? "rows/s" : "samples/s"), Figure(sparse, "ratio"), 0.01, sparse);
        }
        string products = Assert.Single(lines, l => l.StartsWith("sparse reconstruction ", StringComparison.Ordinal));
        double step = Figure(Assert.Single(lines, l => l.StartsWith("sparse step relu ", StringComparison.Ordinal) && l.Contains(" stored=dense ")), "samples/s");
        AssertNear(step / Figure(products, "samples/s"), Figure(products, "share-of-dense-step"), 0.01, products);
        AssertNear(Figure(products, "samples/s") / step, Figure(products, "bound"), 0.01, products);
    }

    // --each-width runs the bench again in a child process per narrower path; on an x86-64 machine with
    // AVX2 the 128-bit runs (with FMA, as on ARM64, and without AVX2 and FMA) and the scalar run are
    // among them, each saying which path it measured.
    [Fact]
    public void Each_width_runs_the_narrower_paths_in_child_processes()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;   // no narrower 128-bit path to switch to
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "encode", "--quick", "--threads", "1", "--each-width");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("--- DOTNET_PreferredVectorBitWidth=128 ---", output);
        Assert.Matches(@"(?m)^isa=(avx2|avx512f)\+fma vector=128 ", output);   // VEX/EVEX-encoded 128-bit vectors
        Assert.Contains("--- DOTNET_EnableAVX2=0 ---", output);
        Assert.Contains("--- DOTNET_EnableHWIntrinsic=0 ---", output);
        Assert.Matches(@"(?m)^isa=avx vector=128 ", output);   // AVX2 and FMA off, AVX still on
        Assert.Matches(@"(?m)^isa=scalar vector=32 ", output);
    }

    // Each child got --plot-folder too and redrew the charts, so the folder was left with the scalar path's.
    [Fact]
    public void Each_width_children_are_not_given_the_plot_folder()
    {
        Assert.Equal(["bench", "--only", "train", "--threads", "2"],
            SparseAe.Cli.Commands.BenchCommand.ChildArguments(["bench", "--only", "train", "--plot-folder", "charts", "--each-width", "--threads", "2"]));
        Assert.Equal(["bench", "--quick"], SparseAe.Cli.Commands.BenchCommand.ChildArguments(["bench", "--plot-folder=charts", "--quick", "--plot-folder:c2"]));
    }

    // The parser takes --each-width's value too (--each-width true, --each-width=true, --each-width:true), which
    // went to the children: "true" alone made each child refuse it (the parent then failed as if the child's
    // path were wrong), and --each-width=true made each child run the narrower paths again, its own children too.
    [Fact]
    public void Each_width_children_are_not_given_each_width_in_any_spelling()
    {
        Assert.Equal(["bench", "--quick"], SparseAe.Cli.Commands.BenchCommand.ChildArguments(["bench", "--each-width", "true", "--quick"]));
        Assert.Equal(["bench", "--quick"], SparseAe.Cli.Commands.BenchCommand.ChildArguments(["bench", "--each-width=true", "--quick", "--each-width:True"]));
        Assert.Equal(["bench", "--quick"], SparseAe.Cli.Commands.BenchCommand.ChildArguments(["bench", "--each-width", "--quick"]));
    }

    // A response file (sparseae bench @opts.rsp), which the parser expands, went to the children as "@opts.rsp": its
    // --each-width made each child run the narrower paths again, and its --plot-folder made each redraw the charts.
    // The children get the parsed tokens, the file's options among them.
    [Fact]
    public void Each_width_children_get_a_response_file_s_options_without_each_width_and_the_plot_folder()
    {
        using var dir = new TempFolder();
        var rsp = Path.Combine(dir, "opts.rsp");
        File.WriteAllText(rsp, "--only train\n--each-width\n--plot-folder charts\n");
        var parsed = new System.CommandLine.RootCommand { SparseAe.Cli.Commands.BenchCommand.Create() }.Parse(["bench", "@" + rsp, "--quick"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(["bench", "--only", "train", "--quick"], SparseAe.Cli.Commands.BenchCommand.ChildArguments(parsed));
    }

    // `dotnet run` starts the apphost (sparseae, not dotnet sparseae.dll): its children must be started
    // the same way, without the .dll as a first argument (it was taken for an unknown command).
    [Fact]
    public void Each_width_runs_its_children_from_the_apphost_too()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;
        string apphost = System.IO.Path.ChangeExtension(Cli.Path, OperatingSystem.IsWindows() ? ".exe" : null);
        Assert.True(File.Exists(apphost), $"no apphost beside {Cli.Path}");
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "bench", "--only", "encode", "--quick", "--threads", "1", "--each-width");
        start.FileName = apphost;
        start.ArgumentList.RemoveAt(0);   // the .dll that "dotnet" needs
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"(?m)^isa=scalar vector=32 ", output);
    }

    // The line is "transform+cursor ... allocated-bytes/row": the bytes of the Transform call count as
    // well as the cursor's. They were taken from after Transform, so its allocations (the mapped view,
    // its schema and mapper) were left out of a figure whose label and target name Transform.
    [Fact]
    public void Transform_allocated_bytes_count_the_Transform_call_as_well_as_the_cursor()
    {
        var workload = new SparseAe.Benchmarking.TransformWorkload(2000);
        workload.ReadAll();   // first-use set-up (JIT, caches) out of the way
        long before = GC.GetAllocatedBytesForCurrentThread();
        long reported = workload.ReadAll();
        long whole = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(whole, reported);
    }

    // peak-working-set-MB is the streaming's peak: Process.PeakWorkingSet64 is the process's high-water
    // mark since it started (VmHWM on Linux), so a part, or the .idv file's writing, that had used more
    // memory before the streaming Fit was reported as the streaming's peak.
    [Fact]
    public void The_streaming_peak_working_set_is_not_what_ran_before_the_streaming()
    {
        if (!OperatingSystem.IsLinux()) return;   // the high-water mark is reset through /proc
        const long touched = 600L << 20;
        var block = System.Runtime.InteropServices.Marshal.AllocHGlobal((nint)touched);   // malloc'd by mmap: freed back to the OS
        unsafe { for (long i = 0; i < touched; i += 4096) ((byte*)block)[i] = 1; }
        System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        long now = process.WorkingSet64 >> 20;
        using var dir = new TempFolder();
        var line = SparseAe.Benchmarking.StreamingBench.Run(2000, 1, dir).Single(l => l.Contains("source=idv"));
        long peak = long.Parse(Regex.Match(line, @" peak-working-set-MB=(\d+) ").Groups[1].Value);
        Assert.True(peak < now + 300, $"working set {now} MB after the 600 MB were freed; the line: {line}");
    }

    // B= is the mini-batch that ran: Adam takes min(BatchSize, rows), and 100 rows said "B=1024".
    [Fact]
    public void The_streaming_lines_say_the_batch_that_ran_on_fewer_rows_than_a_batch()
    {
        using var dir = new TempFolder();
        var lines = SparseAe.Benchmarking.StreamingBench.Run(100, 1, dir).Where(l => l.StartsWith("streaming adam ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Contains(" rows=100 epochs=2 B=100 ", line));
    }

    // A full disk under --folder as the streaming part wrote its .idv file was "internal error: InvalidOperationException:
    // Exception thrown in writing", exit 1: ML.NET's saver wraps the IOException, which then named neither flag nor cause.
    // Rows: few enough that the disk fills only as the file is closed; enough that it fills in the saver's own writing.
    [Theory]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void A_streaming_file_that_cannot_be_written_is_said_under_folder(int rows)
    {
        if (!File.Exists("/dev/full")) return;   // a file whose every write fails with "No space left on device"
        using var dir = new TempFolder();
        string path = SparseAe.Benchmarking.StreamingBench.IdvPath(dir);
        File.CreateSymbolicLink(path, "/dev/full");
        var e = Assert.Throws<SparseAe.Cli.Infrastructure.UsageException>(
            () => SparseAe.Cli.Commands.BenchCommand.Print(SparseAe.Benchmarking.StreamingBench.Run(rows, 1, dir), dir, TextWriter.Null));
        Assert.Equal($"--folder '{path}' cannot be written: No space left on device", e.Message);
        Assert.Equal(2, SparseAe.Cli.Infrastructure.CommandRunner.Describe(e).Code);
        Assert.False(File.Exists(path) || new FileInfo(path).LinkTarget is not null, "the streaming part's file was left behind");
    }

    [Fact]
    public void Bench_refuses_an_unknown_part()
    {
        using var dir = new TempFolder();
        var (code, _, error) = Cli.Run(dir, "bench", "--only", "everything");
        Assert.Equal(2, code);
        Assert.Contains("--only takes train, encode, transform, onnx, fit, growth, codes, sparse, streaming, but got 'everything'", error);
    }

    [Theory]
    [InlineData("--plot-folder", "--only", "train", "--plot-folder", "/proc")]
    [InlineData("--folder", "--only", "train", "streaming", "--folder", "/proc")]
    public void A_folder_no_file_can_be_made_in_is_refused_before_anything_is_measured(string flag, params string[] args)
    {
        // Both were checked only to exist: the charts failed after every measurement ("Cannot write
        // '/proc/throughput-batch.png': no file can be made in its folder"), the .idv file after the parts before it.
        if (!OperatingSystem.IsLinux()) return;   // /proc: a folder in which not even root makes a file
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, ["bench", "--quick", .. args]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        // Not "(Could not find file '/proc/.sparseae-check.PID.GUID.tmp')": the check's temporary file is nobody's business.
        Assert.Equal($"error: {flag} '/proc': no file can be made in it (the file system there takes no new files).", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    // A chart that cannot be written (here a folder in its place; a full disk the same) was said as
    // "error: Cannot write 'plots/throughput-batch.png': it is a folder.", naming no flag.
    [Fact]
    public void A_chart_that_cannot_be_written_is_said_under_plot_folder()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir, "plots", "throughput-batch.png"));
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "train", "--quick", "--threads", "1", "--plot-folder", "plots");
        Assert.Equal(2, code);
        Assert.Contains("train B=10000 threads=1 ", output);
        Assert.Single(output.Split('\n'), l => l.StartsWith("train B=256 ", StringComparison.Ordinal));   // --threads 1: one thread count
        Assert.Equal($"error: --plot-folder '{Path.Combine("plots", "throughput-batch.png")}' cannot be written: it is a folder", error.TrimEnd());
    }

    // bench said "--threads must lie in 0..65535 (0 = one per ...)", train "--threads: Threads must be in 0..65535 (0 means
    // one per ...)": one rule in two wordings, each written where it was checked, and train's help wrote 65535 out.
    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    public void Threads_are_refused_and_described_in_the_same_words_by_train_and_bench(string threads)
    {
        using var dir = new TempFolder();
        var bench = Cli.Run(dir, "bench", "--quick", "--only", "transform", "--threads", threads);
        var train = Cli.Run(dir, "train", "--threads", threads);
        Assert.Equal(2, bench.ExitCode);
        Assert.Equal(2, train.ExitCode);
        static string Rule(string error) => error[error.IndexOf(" must ", StringComparison.Ordinal)..].TrimEnd();
        Assert.Equal($" must be in 0..65535 (0 means one per logical processor this process may use), but is {threads}.", Rule(bench.Err));
        Assert.Equal(Rule(bench.Err), Rule(train.Err));
        static string Range(string help) => help.ReplaceLineEndings("\n").Split('\n').Single(l => l.TrimStart().StartsWith("--threads <", StringComparison.Ordinal)).Split(", ")[^1];
        Assert.Equal("in 0..65535 (0 means one per logical processor this process may use). [default: 0]", Range(Cli.Run(dir, "bench", "--help").Out));
        Assert.Equal(Range(Cli.Run(dir, "bench", "--help").Out), Range(Cli.Run(dir, "train", "--help").Out));
    }

    [Theory]
    [InlineData("error: --threads must be in 0..65535 (0 means one per logical processor this process may use), but is -3.", "--threads", "-3", "--only", "transform")]
    [InlineData("error: --threads must be in 0..65535 (0 means one per logical processor this process may use), but is 100000.", "--threads", "100000", "--only", "transform")]
    [InlineData("error: --streaming-rows must be at least 1, but is 0.", "--only", "streaming", "--streaming-rows", "0")]
    [InlineData("error: --folder 'nowhere' does not exist.", "--only", "streaming", "--folder", "nowhere")]
    [InlineData("error: --folder 'afile' is a file; give a folder.", "--only", "streaming", "--folder", "afile")]
    [InlineData("error: --plot-folder 'afile' is a file; give a folder.", "--only", "transform", "--plot-folder", "afile")]
    [InlineData("error: --plot-folder 'broken' does not exist.", "--only", "transform", "--plot-folder", "broken")]   // a link to nothing: it said "is a file"
    [InlineData("error: --folder is empty; give a folder.", "--only", "streaming", "--folder", "")]   // said "The value cannot be an empty string.", naming no flag
    [InlineData("error: --plot-folder is empty; give a folder.", "--only", "train", "--plot-folder", "")]
    [InlineData("error: --folder: it is for the streaming part, which this run does not measure (--only transform); add streaming to --only, or leave it out.", "--only", "transform", "--folder", ".")]
    [InlineData("error: --streaming-rows: it is for the streaming part, which this run does not measure (--only fit onnx); add streaming to --only, or leave it out.", "--only", "fit", "onnx", "--streaming-rows", "1000")]
    [InlineData("error: --plot-folder: it is for the train and growth parts, which this run does not measure (--only transform); add train or growth to --only, or leave it out.", "--only", "transform", "--plot-folder", ".")]
    [InlineData("error: --quick: it shortens the warm-up and timed runs, which fit and streaming do not have (each times whole trainings), and this run measures only them (--only fit streaming); leave it out.", "--only", "fit", "streaming")]
    public void Bad_options_are_refused_before_anything_is_measured(string message, params string[] args)
    {
        // -3 ran on all cores, 100000 failed inside the thread pool without naming the flag, and --folder was
        // first tried when the streaming part wrote its file, after the other parts' minutes; --folder and
        // --streaming-rows without the streaming part were ignored, and so was --quick with only fit and streaming,
        // which ran their full minutes.
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "afile"), "");
        File.CreateSymbolicLink(Path.Combine(dir, "broken"), Path.Combine(dir, "nothing"));
        var (code, output, error) = Cli.Run(dir, ["bench", "--quick", .. args]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(message, error.TrimEnd());
    }

    // ---- The printed figures against values computed here (mutation audit of the bench's arithmetic) ----

    // A figure of a bench line, e.g. Figure(line, "samples/s") of "... samples/s=1.257e6 vs-scalar=81.5x ..." is 1.257e6
    // ("GFLOP/s", "x" and the like after the number are left out).
    private static double Figure(string line, string name)
    {
        var m = Regex.Match(line, $@"(?:^| ){Regex.Escape(name)}=(?<v>\d[0-9.e+]*)");
        Assert.True(m.Success, $"no {name}= in the line: {line}");
        return double.Parse(m.Groups["v"].Value.TrimEnd('.'), System.Globalization.CultureInfo.InvariantCulture);
    }

    // A rate printed as 0.000e0 is within 0.05% of the rate; a ratio or GFLOP/s printed with one or two decimals is within
    // half its last digit of the value computed from the printed rates.
    private static void AssertNear(double expected, double printed, double lastDigit, string line)
        => Assert.True(Math.Abs(printed - expected) <= lastDigit / 2 + 2e-3 * Math.Abs(expected),
            $"expected {expected:G5} (computed from the printed figures), printed {printed}: {line}");

    // GFLOP/s counts 10 V H FLOPs a sample (docs/performance.md: 64,000 for 64-100-64), and %peak is against the
    // probe of the same thread count: at least the first line's and at most the last (the highest of the run).
    private static void AssertFlops(string line, int v, int h, int threads, string[] lines)
    {
        double rate = Figure(line, "samples/s"), gflops = Figure(line, "GFLOP/s");
        AssertNear(rate * v * h * 10 / 1e9, gflops, 0.1, line);
        string peak = threads == 1 ? "fma-peak-1-thread" : "fma-peak";
        double lowest = Figure(lines[0], peak), highest = Figure(lines[^1], peak), percent = Figure(line, "%peak");
        Assert.True(percent >= Math.Floor(100 * gflops / highest) - 1 && percent <= Math.Ceiling(100 * gflops / lowest) + 1,
            $"%peak={percent} of GFLOP/s={gflops} is not against the {threads}-thread peak ({lowest}..{highest}): {line}");
    }

    // The rate is the median run's items over that run's measured time, after a warm-up whose items do not count: each
    // step here sleeps 20 ms, longer than a run, so each run is one step, of 100, 1, then 10,000 items.
    [Fact]
    public void The_clock_gives_the_median_run_s_items_over_its_measured_time()
    {
        int calls = 0;
        long[] items = [100, 1, 10_000];
        double rate = new SparseAe.Benchmarking.BenchClock(0, 0.01, 3).Rate(() => { Thread.Sleep(20); return items[calls++]; });
        Assert.Equal(3, calls);   // three runs, no warm-up
        Assert.InRange(rate, 100 / 2.0, 100 / 0.02);   // 100 items in a run of at least 20 ms (and, on a loaded machine, under 2 s)
    }

    [Fact]
    public void The_clock_warms_up_before_its_timed_runs()
    {
        int calls = 0;
        double rate = new SparseAe.Benchmarking.BenchClock(0.1, 0.01, 3).Rate(() => { Thread.Sleep(20); return calls++ < 2 ? 1_000_000 : 1; });
        Assert.True(calls >= 5, $"{calls} steps: the warm-up of 0.1 s took none or one");
        Assert.True(rate <= 1 / 0.02, $"rate {rate}: the warm-up's steps of a million items were counted");
    }

    // docs/performance.md: "the median of five runs of at least half a second after a one-second warm-up (--quick:
    // three of 0.1 s after 0.2 s)".
    [Fact]
    public void The_full_and_quick_clocks_take_the_runs_and_times_the_docs_give()
    {
        Assert.Equal(5, SparseAe.Benchmarking.BenchClock.Full.Runs);
        Assert.Equal(3, SparseAe.Benchmarking.BenchClock.Quick.Runs);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SparseAe.Benchmarking.BenchClock.Quick.Rate(() => 1);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.2 + 3 * 0.1, 3);
    }

    // 64,000 FLOPs a sample of 64-100-64 (docs/performance.md): a million samples a second is 64 GFLOP/s, half of 128.
    [Theory]
    [InlineData(1e6, 64, 100, 128.0, "GFLOP/s=64.0 %peak=50")]
    [InlineData(2.5e5, 784, 100, 392.0, "GFLOP/s=196.0 %peak=50")]
    [InlineData(3e5, 64, 1600, 1000.0, "GFLOP/s=307.2 %peak=31")]
    public void Training_flops_count_ten_V_H_a_sample_against_the_peak(double samplesPerSecond, int v, int h, double peak, string expected)
        => Assert.Equal(expected, SparseAe.Benchmarking.TrainingBench.Flops(samplesPerSecond, v, h, peak));

    // The machine's line names this process's cores and the run's threads apart (3 threads on any core count), the widest
    // vector the hardware accelerates, and each peak under its own name; the peaks are the highest probes, never lower.
    [Fact]
    public void The_machine_line_names_the_cores_threads_vector_and_each_peak_in_its_place()
    {
        var machine = new SparseAe.Benchmarking.BenchMachine(3);
        double one = machine.Peak(1), three = machine.Peak(3);
        Assert.True(one > 0 && three > 0, $"peaks {one} and {three}");
        int vector = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 128 : 32;
        string peaks = string.Format(System.Globalization.CultureInfo.InvariantCulture, "fma-peak={0:F1}GFLOP/s fma-peak-1-thread={1:F1}GFLOP/s", three, one);
        Assert.Matches($@"^isa=\S+ vector={vector} cores={Environment.ProcessorCount} threads=3 {Regex.Escape(peaks)} cpu="".+"" runtime={Regex.Escape(Environment.Version.ToString())}$", machine.Describe());
        Assert.Equal($"fma-peak-used threads=3 {peaks}", machine.DescribePeaks());
        machine.Refresh();
        Assert.True(machine.Peak(1) >= one && machine.Peak(3) >= three, "a probe lowered a peak: each is the highest so far");
    }

    // /proc/cpuinfo's first processor: "model name", then "family F model M" (docs: cpu="AMD EPYC family 25 model 1").
    [Fact]
    public void The_cpu_is_named_with_its_family_and_model()
    {
        if (!File.Exists("/proc/cpuinfo")) return;
        string first = File.ReadAllText("/proc/cpuinfo").Split("\n\n")[0];
        string Field(string name) => Regex.Match(first, $@"(?m)^{name}\s*:\s*(.*?)\s*$").Groups[1].Value;
        if (Field("model name") is not { Length: > 0 } name) return;   // ARM64 kernels name no model
        Assert.Equal($"{name} family {Field("cpu family")} model {Field("model")}", SparseAe.Benchmarking.BenchMachine.CpuModel());
    }

    [Fact]
    public void The_default_parts_are_all_but_streaming_in_order_and_a_bad_run_is_refused_before_it_measures()
    {
        Assert.Equal(["train", "encode", "transform", "onnx", "fit", "growth", "codes", "sparse"], SparseAe.Benchmarking.BenchSuite.DefaultParts);
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseAe.Benchmarking.BenchSuite.Run(["encode"], 0, SparseAe.Benchmarking.BenchClock.Quick, 1, "."));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseAe.Benchmarking.BenchSuite.Run(["encode"], 1, SparseAe.Benchmarking.BenchClock.Quick, 0, "."));
    }

    // The growth part: each size's GFLOP/s is 10 V H FLOPs a sample of its own V and H, and its chart is drawn.
    [Fact]
    public void The_growth_part_counts_each_size_s_flops_and_draws_its_chart()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir, "charts"));
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "growth", "--quick", "--threads", "2", "--plot-folder", "charts");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var lines = output.TrimEnd().Split('\n');
        foreach (var (v, h) in new[] { (64, 100), (64, 400), (64, 1600), (784, 100) })
        {
            string line = Assert.Single(lines, l => l.StartsWith($"growth V={v} H={h} B=1024 threads=2 samples/s=", StringComparison.Ordinal));
            AssertFlops(line, v, h, 2, lines);
        }
        Assert.Equal(6, lines.Length);   // the machine, four sizes, the peaks
        Assert.True(File.Exists(Path.Combine(dir, "charts", "throughput-size.png")));
        Assert.False(File.Exists(Path.Combine(dir, "charts", "throughput-batch.png")), "a batch chart without train lines");
    }

    // The charts plot the printed figures: samples/s in millions by batch size, a line per thread count (a batch not
    // measured is a gap), and the growth lines' GFLOP/s by model size. Compared with the charts of those values drawn here.
    [Fact]
    public void The_charts_plot_the_printed_rates_in_millions_and_the_growth_gflops()
    {
        using var dir = new TempFolder();
        SparseAe.Cli.Bench.BenchCharts.Write([
            "isa=avx2+fma vector=256 cores=2 threads=2 fma-peak=100.0GFLOP/s fma-peak-1-thread=50.0GFLOP/s cpu=\"x\" runtime=10.0.0",
            "train-scalar-reference V=64 H=100 threads=1 samples/s=1.000e4",
            "train B=256 threads=1 samples/s=1.250e6 vs-scalar=125.0x GFLOP/s=80.0 %peak=80",
            "train B=10000 threads=1 samples/s=5.000e5 vs-scalar=50.0x GFLOP/s=32.0 %peak=64",
            "train B=256 threads=2 samples/s=2.000e6 vs-scalar=200.0x GFLOP/s=128.0 %peak=64",
            "train B=1024 threads=2 samples/s=3.000e6 vs-scalar=300.0x GFLOP/s=192.0 %peak=96",
            "train B=10000 threads=2 samples/s=7.500e5 vs-scalar=75.0x GFLOP/s=48.0 %peak=24",
            "growth V=64 H=100 B=1024 threads=2 samples/s=1.000e6 GFLOP/s=64.0 %peak=64",
            "growth V=784 H=100 B=1024 threads=2 samples/s=1.000e5 GFLOP/s=78.4 %peak=78",
            "fma-peak-used threads=2 fma-peak=100.0GFLOP/s fma-peak-1-thread=50.0GFLOP/s",
        ], dir);
        AssertCharts(dir, ["256", "1024", "10000"], [("1 thread(s)", [1.25, double.NaN, 0.5]), ("2 thread(s)", [2.0, 3.0, 0.75])],
            1024, ["V=64 H=100", "V=784 H=100"], [64.0, 78.4]);
    }

    // The batches and the growth's B are the lines' own: the chart's list of batches was a copy of the bench's, so a batch the
    // bench added would have been left off without a word.
    [Fact]
    public void The_charts_take_their_batches_from_the_lines()
    {
        using var dir = new TempFolder();
        SparseAe.Cli.Bench.BenchCharts.Write([
            "train B=2048 threads=1 samples/s=1.000e6 vs-scalar=100.0x GFLOP/s=64.0 %peak=64",
            "train B=512 threads=1 samples/s=2.000e6 vs-scalar=200.0x GFLOP/s=128.0 %peak=96",
            "growth V=64 H=100 B=256 threads=1 samples/s=1.000e6 GFLOP/s=64.0 %peak=64",
        ], dir);
        AssertCharts(dir, ["512", "2048"], [("1 thread(s)", [2.0, 1.0])], 256, ["V=64 H=100"], [64.0]);
    }

    // The two charts Write drew in dir, byte for byte the charts of these figures drawn here.
    private static void AssertCharts(string dir, string[] batches, (string Name, double[] Values)[] rates, int growthBatch, string[] models, double[] gflops)
    {
        var batch = SparseAe.Visualization.ThroughputChart.RenderPng("Training step, 64-100-64 (cost, gradient, Adam update)", "batch size",
            batches, "million samples/s", rates);
        Assert.Equal(batch, File.ReadAllBytes(Path.Combine(dir, "throughput-batch.png")));
        var size = SparseAe.Visualization.ThroughputChart.RenderPng($"Training step against model size (B = {growthBatch})", "model",
            models, "GFLOP/s", [("GFLOP/s (10 V H per sample)", gflops)]);
        Assert.Equal(size, File.ReadAllBytes(Path.Combine(dir, "throughput-size.png")));
    }

    // file/memory is the file's samples/s over memory's; each samples/s is rows x epochs over no more than the time the
    // line took to make (the Fit is within it).
    [Fact]
    public void The_streaming_rates_count_every_epoch_and_their_ratio_is_file_over_memory()
    {
        using var dir = new TempFolder();
        var lines = new List<(string Line, double Seconds)>();
        using (var e = SparseAe.Benchmarking.StreamingBench.Run(3000, 1, dir).GetEnumerator())
            for (var clock = System.Diagnostics.Stopwatch.StartNew(); e.MoveNext(); clock.Restart()) lines.Add((e.Current, clock.Elapsed.TotalSeconds));
        var (file, fileSeconds) = lines.Single(l => l.Line.Contains(" source=idv "));
        var (memory, memorySeconds) = lines.Single(l => l.Line.Contains(" source=memory "));
        Assert.True(Figure(file, "samples/s") * fileSeconds >= 3000 * 2 * 0.999, $"{file} in {fileSeconds:F3} s");
        Assert.True(Figure(memory, "samples/s") * memorySeconds >= 3000 * 2 * 0.999, $"{memory} in {memorySeconds:F3} s");
        AssertNear(Figure(file, "samples/s") / Figure(memory, "samples/s"), Figure(memory, "file/memory"), 0.01, memory);
    }

    // A run with a narrower vector path of its own (DOTNET_PreferredVectorBitWidth=128 for the parent too) runs only the
    // paths narrower than that: the scalar one, not the 128-bit ones again.
    [Fact]
    public void Each_width_runs_only_the_paths_narrower_than_the_run_s_own()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "bench", "--only", "encode", "--quick", "--threads", "1", "--each-width");
        start.Environment["DOTNET_PreferredVectorBitWidth"] = "128";
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(["--- DOTNET_EnableHWIntrinsic=0 ---"], output.Split('\n').Where(l => l.StartsWith("--- ", StringComparison.Ordinal)));
        Assert.Matches(@"(?m)^isa=scalar vector=32 ", output);
    }

    // A child of --each-width fails the run when its first line names another width than its switch's (.NET 10 renamed
    // AVX-512's switch, and the old one measured the 512-bit path under the 256-bit heading), or when it exits with a code
    // other than 0, before its first line or after; each failure names the switch, and carries the child's exit code
    // (0 for another width). Children here are shells that print what a bench child could.
    private const string Complete = " (its own message, if it gave one, is above); the figures before it are complete.";

    [Theory]
    [InlineData("echo 'isa=avx2+fma vector=256 cores=2'; echo 'train B=256'; exit 0", null, 0)]
    [InlineData("echo 'isa=avx512f+fma vector=512 cores=2'; exit 0", "DOTNET_X=0 should select the 256-bit path, but the bench reported: isa=avx512f+fma vector=512 cores=2", 0)]
    [InlineData("echo 'isa=avx2+fma vector=2560 cores=2'; exit 0", "DOTNET_X=0 should select the 256-bit path, but the bench reported: isa=avx2+fma vector=2560 cores=2", 0)]
    [InlineData("exit 0", "DOTNET_X=0 should select the 256-bit path, but the bench reported: nothing", 0)]
    [InlineData("echo 'error: no space' >&2; exit 2", "the bench with DOTNET_X=0 exited with code 2" + Complete, 2)]
    [InlineData("echo 'isa=avx2+fma vector=256 cores=2'; echo 'train B=256'; exit 3", "the bench with DOTNET_X=0 exited with code 3" + Complete, 3)]
    public void An_each_width_child_on_another_width_or_failing_fails_the_run_naming_its_switch(string script, string? failure, int exitCode)
    {
        if (!File.Exists("/bin/sh")) return;
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var output = new StringWriter();
        var run = () => SparseAe.Benchmarking.BenchWidths.RunChild(start, 256, "DOTNET_X", "0", output);
        if (failure is null) run();
        else
        {
            var e = Assert.Throws<SparseAe.Benchmarking.BenchChildException>(run);
            Assert.Equal((failure, exitCode), (e.Message, e.ExitCode));
        }
        if (script.Contains("train B=256")) Assert.Equal("isa=avx2+fma vector=256 cores=2\ntrain B=256\n", output.ToString().ReplaceLineEndings("\n"));
        if (!script.Contains("echo 'isa")) Assert.Equal("", output.ToString());
    }

    // A child that exits 130 was stopped by a Ctrl+C that reached it before this process's handler ran: the run is
    // cancelled (exit 130, "cancelled: ..."), not failed.
    [Fact]
    public void An_each_width_child_stopped_by_Ctrl_C_cancels_the_run()
    {
        if (!File.Exists("/bin/sh")) return;
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "echo 'isa=avx2+fma vector=256 cores=2'; exit 130"]) { UseShellExecute = false, RedirectStandardOutput = true };
        var e = Assert.Throws<OperationCanceledException>(() => SparseAe.Benchmarking.BenchWidths.RunChild(start, 256, "DOTNET_X", "0", new StringWriter()));
        Assert.Equal(SparseAe.Cli.Infrastructure.ExitCodes.Cancelled, SparseAe.Cli.Infrastructure.CommandRunner.Describe(e).Code);
    }

    // allocated-bytes/row is the bytes of all the clock's passes over all the rows they read: about what one pass allocates
    // over its rows, measured here.
    [Fact]
    public void Transform_allocated_bytes_per_row_are_a_pass_s_bytes_over_its_rows()
    {
        var workload = new SparseAe.Benchmarking.TransformWorkload(2000);
        string line = SparseAe.Benchmarking.InferenceBench.Transform(SparseAe.Benchmarking.BenchClock.Quick, workload, "transform+cursor");
        Assert.StartsWith("transform+cursor rows=2000 rows/s=", line);
        double perRow = workload.ReadAll() / 2000.0, printed = Figure(line, "allocated-bytes/row");
        Assert.InRange(printed, perRow / 2, perRow * 2 + 0.01);
    }

    // --quick is refused only when every part asked for is one it does not shorten (fit, streaming): beside a clocked
    // part it shortens that part, and the run goes ahead (here encode, and a streaming file of one row).
    [Fact]
    public void Quick_beside_fit_or_streaming_shortens_the_other_parts_and_is_taken()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "encode", "streaming", "--quick", "--threads", "1", "--streaming-rows", "1", "--folder", ".");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("encode-row V=64 H=100 threads=1 rows/s=", output);
        Assert.Contains("streaming adam source=memory rows=1 ", output);
    }
}
