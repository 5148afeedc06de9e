using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Persistence;
using SparseAe.Training;

namespace SparseAe.Benchmarking;

/// <summary>
/// Adam streaming epochs from an ML.NET binary file (.idv) on disk against the same training in
/// memory: throughput of each and the process's peak working set while streaming (its high-water mark
/// reset before the streaming Fit).
/// </summary>
internal static class StreamingBench
{
    private const int V = 64, Batch = 1024, Epochs = 2;

    /// <summary>The training both sources stream: Adam, <see cref="Epochs"/> epochs of batches of <see cref="Batch"/> over the Features column.</summary>
    /// <param name="threads">Worker threads; 0 = one per logical processor this process may use.</param>
    public static SparseAutoencoderOptions AdamOptions(int threads) => new()
    {
        InputColumnName = "Features", Optimizer = OptimizerKind.Adam, Epochs = Epochs, BatchSize = Batch, Threads = threads,
    };

    /// <summary>Writes <paramref name="view"/> to <paramref name="path"/> as an ML.NET binary file (.idv), hidden columns left out.</summary>
    /// <exception cref="IOException">The file cannot be written (a full disk): "Cannot write 'path': ...".</exception>
    public static void WriteIdv(MLContext ml, IDataView view, string path)
    {
        try
        {
            using var file = File.Create(path);
            ml.Data.SaveAsBinary(view, file, keepHidden: false);
        }
        // A full disk reached the user as "internal error: InvalidOperationException: Exception thrown in writing" (ML.NET's
        // saver wraps the IOException of its writing) or as the bare IOException of the file's last flush, neither naming
        // the file as written for the user: both now say it as AtomicFile's writes do.
        catch (Exception e) when (IOExceptionIn(e) is { } io)
        {
            throw AtomicFile.CannotWrite(path, io, Path.GetFullPath(path), path);
        }
    }

    private static IOException? IOExceptionIn(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is IOException io) return io;
        return null;
    }

    /// <summary>The .idv file that <see cref="Run"/> writes into <paramref name="folder"/> (and deletes).</summary>
    public static string IdvPath(string folder) => Path.Combine(folder, $"sparseae-bench-{Environment.ProcessId}.idv");

    /// <param name="cancel">Stops the file's writing at its next row, or a training at its next check, with
    /// <see cref="OperationCanceledException"/>; the file is deleted either way.</param>
    public static IEnumerable<string> Run(long rows, int threads, string folder, CancellationToken cancel = default)
    {
        var ml = new MLContext(seed: 1);
        var path = IdvPath(folder);
        try
        {
            var writeClock = Stopwatch.StartNew();
            try
            {
                WriteIdv(ml, ml.Data.LoadFromRowSource(new GeneratedRows(rows, V, cancel), "Features", rows), path);
            }
            catch (Exception e) when (e is not OperationCanceledException && cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException("the .idv file's writing was cancelled", e, cancel);   // as ML.NET's saver wrapped it
            }
            yield return string.Format(CultureInfo.InvariantCulture, "streaming file rows={0} bytes={1} write-seconds={2:F1}",
                rows, new FileInfo(path).Length, writeClock.Elapsed.TotalSeconds);

            var options = AdamOptions(threads);
            options.CancellationToken = cancel;
            using var process = Process.GetCurrentProcess();
            // PeakWorkingSet64 is the high-water mark since the process started: without a reset it was
            // that of the file's writing or of an earlier part, whichever had used the most memory.
            bool reset = ResetPeakWorkingSet();
            process.Refresh();
            long baseline = process.WorkingSet64;
            var clock = Stopwatch.StartNew();
            ml.Transforms.SparseAutoencoder(options).Fit(ml.Data.LoadFromBinary(path));
            double fileRate = rows * Epochs / clock.Elapsed.TotalSeconds;
            process.Refresh();
            yield return string.Format(CultureInfo.InvariantCulture,
                // B= is the mini-batch that ran: Adam takes min(BatchSize, rows).
                "streaming adam source=idv rows={0} epochs={1} B={2} threads={3} samples/s={4} {5}peak-working-set-MB={6} start-working-set-MB={7}",
                rows, Epochs, Math.Min(Batch, rows), threads, BenchData.Rate(fileRate), reset ? "" : "process-", process.PeakWorkingSet64 / (1 << 20), baseline / (1 << 20));

            // The same passes from memory (a smaller slice, so the figure is per sample).
            int memoryRows = (int)Math.Min(rows, 2_000_000);
            var x = BenchData.Rows(memoryRows, V, 6);
            clock.Restart();
            ml.Transforms.SparseAutoencoder(options).Fit(ml.Data.LoadFromRowSource(new ArrayRowSource(x, memoryRows, V), "Features", memoryRows));
            double memoryRate = (double)memoryRows * Epochs / clock.Elapsed.TotalSeconds;
            yield return string.Format(CultureInfo.InvariantCulture,
                "streaming adam source=memory rows={0} epochs={1} B={2} threads={3} samples/s={4} file/memory={5:F2}",
                memoryRows, Epochs, Math.Min(Batch, memoryRows), threads, BenchData.Rate(memoryRate), fileRate / memoryRate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Resets the process's peak working set to the present one (Linux: "5" written to
    /// /proc/self/clear_refs resets VmHWM, which PeakWorkingSet64 reads); false where it cannot, and
    /// the line then names its figure process-peak-working-set-MB.
    /// </summary>
    private static bool ResetPeakWorkingSet()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Rows made on demand, so writing a 10M-row file needs no 2.5 GB array.</summary>
    /// <remarks>A cancelled <c>cancel</c> stops the rows (and the file's writing) with <see cref="OperationCanceledException"/>.</remarks>
    private sealed class GeneratedRows(long rows, int size, CancellationToken cancel) : IRowSource
    {
        public int VectorSize => size;

        public IRowReader OpenPass(int pass) => new Reader(rows, size, cancel);

        private sealed class Reader(long rows, int size, CancellationToken cancel) : IRowReader
        {
            private readonly Random _rng = new(7);
            private long _next;

            public bool TryReadRow(Span<float> destination)
            {
                cancel.ThrowIfCancellationRequested();
                if (_next++ >= rows) return false;
                for (int i = 0; i < size; i++) destination[i] = (float)(0.1 + 0.8 * _rng.NextDouble());
                return true;
            }

            public void Dispose() { }
        }
    }
}
