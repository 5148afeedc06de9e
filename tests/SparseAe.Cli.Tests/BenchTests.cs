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
    }

    [Fact]
    public void A_part_named_twice_is_measured_once()
    {
        // --only encode encode measured encode twice, and two --only the same.
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "bench", "--only", "encode", "encode", "--only", "encode", "--quick", "--threads", "1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Single(output.Split('\n'), l => l.StartsWith("encode-row ", StringComparison.Ordinal));
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
}
