using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Kernels;
using SparseAe.MLNet;
using SparseAe.Objective;

namespace SparseAe.Benchmarking;

/// <summary>
/// Sparse inputs (issue 16, item 2) at a gloss's sizes: V = 8,192 inputs, 15 nonzeros a row at random
/// positions with counts 1-3, H = 512. Measures, rows stored sparse against the same rows stored dense:
/// Transform plus a cursor of a TopK (K = 32) model; a TopK training step (objective, Adam and the
/// decoder's renormalisation) on a batch of 1,024; a ReLU step on a batch of 256, and the share of the
/// dense ReLU step that its V-wide reconstruction's three products (Y = A1 W2^T, D3^T A1, D3 W2) take,
/// timed alone at the step's sizes on one thread: what sparse inputs cannot remove (docs/sparse-codes.md);
/// and L-BFGS's evaluation (cost and gradient, no update) of the default sigmoid model (H = 100, sigmoid
/// decoder) over 4,096 held rows.
/// The quick clock takes an eighth of the rows and batches (each line says its sizes), so that a
/// test's unoptimised build finishes.
/// </summary>
internal static class SparseInputBench
{
    private const int V = 8192, H = 512, K = 32, Nonzeros = 15;

    public sealed class Row
    {
        [VectorType(V)]
        public VBuffer<float> Features { get; set; }
    }

    public static IEnumerable<string> Run(BenchMachine machine, BenchClock clock)
    {
        int threads = machine.Threads;
        int scale = ReferenceEquals(clock, BenchClock.Quick) ? 8 : 1;
        int TopKBatch = 1024 / scale, ReluBatch = 256 / scale, TransformRows = 2048 / scale, LbfgsRows = 4096 / scale;
        var rows = Rows(TransformRows, 7);
        var ml = new MLContext(seed: 1);
        var sparseView = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = new VBuffer<float>(V, r.Indices.Length, r.Values, r.Indices) }).ToList());
        var denseView = ml.Data.LoadFromEnumerable(rows.Select(r =>
        {
            var x = new float[V];
            for (int k = 0; k < r.Indices.Length; k++) x[r.Indices[k]] = r.Values[k];
            return new Row { Features = new VBuffer<float>(V, x) };
        }).ToList());
        // A TopK model from one Adam epoch on the sparse rows (its weights do not matter to the speed).
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = H, Activation = ActivationKind.TopK, K = K,
            Epochs = 1, BatchSize = 256, Threads = threads, Seed = 1,
        }).Fit(sparseView);
        double denseRate = clock.Rate(() => TransformWorkload.Read(model, denseView));
        yield return Line("sparse transform+cursor topk", $"K={K} rows={TransformRows} stored=dense", "rows/s", denseRate, null);
        double sparseRate = clock.Rate(() => TransformWorkload.Read(model, sparseView));
        yield return Line("sparse transform+cursor topk", $"K={K} rows={TransformRows} stored=sparse", "rows/s", sparseRate, sparseRate / denseRate);

        var topK = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK, K: K);
        foreach (var line in Steps(clock, "step topk", H, $"K={K}", topK, TopKBatch, threads)) yield return line;
        var relu = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.ReLU);
        double denseRelu = 0;
        foreach (var line in Steps(clock, "step relu", H, "", relu, ReluBatch, 1, rate => denseRelu = rate)) yield return line;
        foreach (var line in Steps(clock, "lbfgs-evaluation sigmoid", Defaults.HiddenCount, "", new ObjectiveSettings(), LbfgsRows, threads, evaluateOnly: true)) yield return line;

        // The reconstruction's three products of a dense ReLU step (each V x H x B multiply-adds), on
        // one thread at the step's sizes: Y (B, V) = A1 (B, Hp) W2^T (Hp, V); dJ/dW2's D3^T A1 (V, Hp);
        // D3 W2 (B, Hp) with W2 (V, Hp). Hp = H here (512 is a multiple of every vector width).
        foreach (var line in Reconstruction(clock, ReluBatch, denseRelu)) yield return line;
    }

    // The share of a dense ReLU step (denseRelu samples/s at this batch, one thread) that its three V-wide products take.
    private static IEnumerable<string> Reconstruction(BenchClock clock, int ReluBatch, double denseRelu)
    {
        var a1 = BenchData.Rows(ReluBatch, H, 11);
        var w2t = BenchData.Rows(H, V, 12);
        var w2 = BenchData.Rows(V, H, 13);
        var d3 = new float[ReluBatch * V];
        var gradientW2 = new float[V * H];
        var delta = new float[ReluBatch * H];
        double productRate = clock.Rate(() =>
        {
            MatrixKernels.MultiplyAB(a1, w2t, d3, ReluBatch, H, V);
            MatrixKernels.MultiplyAtB(d3, a1, gradientW2, ReluBatch, V, H);
            MatrixKernels.MultiplyAB(d3, w2, delta, ReluBatch, V, H);
            return ReluBatch;
        });
        yield return string.Format(CultureInfo.InvariantCulture,
            "sparse reconstruction relu V={0} H={1} B={2} threads=1 products=3 samples/s={3} share-of-dense-step={4:F2} bound={5:F2}x",
            V, H, ReluBatch, BenchData.Rate(productRate), denseRelu / productRate, productRate / denseRelu);   // share = time of the products / time of the step; bound = 1 / share
    }

    // A training step (or, evaluateOnly, the cost and gradient alone) on the same batch stored dense, then sparse: samples/s and the ratio.
    private static IEnumerable<string> Steps(BenchClock clock, string name, int h, string extra, ObjectiveSettings settings, int batch, int threads,
        Action<double>? denseRate = null, bool evaluateOnly = false)
    {
        var rows = Rows(batch, 3);
        var starts = new int[batch + 1];
        for (int r = 0; r < batch; r++) starts[r + 1] = starts[r] + rows[r].Indices.Length;
        var sparse = new SparseRowBatch(V, batch, starts, rows.SelectMany(r => r.Indices).ToArray(), rows.SelectMany(r => r.Values).ToArray());
        var x = new float[(long)batch * V];
        sparse.CopyTo(0, batch, x);
        string what = $"sparse {name} V={V} H={h} {extra}{(extra.Length > 0 ? " " : "")}B={batch} nnz={Nonzeros} threads={threads}";
        double dense;
        using (var step = new TrainingStep(x, V, h, batch, threads, settings, null)) dense = StepRate(step, clock.Runs, evaluateOnly);
        denseRate?.Invoke(dense);
        yield return string.Format(CultureInfo.InvariantCulture, "{0} stored=dense samples/s={1}", what, BenchData.Rate(dense));
        double sparseRate;
        using (var step = new TrainingStep(x, V, h, batch, threads, settings, sparse)) sparseRate = StepRate(step, clock.Runs, evaluateOnly);
        yield return string.Format(CultureInfo.InvariantCulture, "{0} stored=sparse samples/s={1} ratio={2:F2}x", what, BenchData.Rate(sparseRate), sparseRate / dense);

        // Steps take up to a second here: a warm-up of two steps, then the median of the clock's runs, one step each.
        static double StepRate(TrainingStep step, int runs, bool evaluateOnly)
        {
            long Once()
            {
                if (!evaluateOnly) return step.Run();
                step.Evaluate();
                return step.Rows;
            }
            Once();
            Once();
            return BenchClock.Median(Enumerable.Range(0, runs).Select(_ =>
            {
                var clock = Stopwatch.StartNew();
                long samples = Once();
                return samples / clock.Elapsed.TotalSeconds;
            }).ToArray());
        }
    }

    private static string Line(string name, string extra, string unit, double rate, double? ratio)
        => string.Format(CultureInfo.InvariantCulture, "{0} V={1} H={2} {3} nnz={4} {5}={6}{7}",
            name, V, H, extra, Nonzeros, unit, BenchData.Rate(rate), ratio is double q ? string.Format(CultureInfo.InvariantCulture, " ratio={0:F2}x", q) : "");

    // Rows of V values with 15 nonzeros at distinct random positions (ascending), counts 1-3.
    private static List<(int[] Indices, float[] Values)> Rows(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<(int[], float[])>(count);
        var chosen = new HashSet<int>();
        for (int r = 0; r < count; r++)
        {
            chosen.Clear();
            while (chosen.Count < Nonzeros) chosen.Add(rng.Next(V));
            var indices = chosen.Order().ToArray();
            rows.Add((indices, indices.Select(_ => (float)rng.Next(1, 4)).ToArray()));
        }
        return rows;
    }
}
