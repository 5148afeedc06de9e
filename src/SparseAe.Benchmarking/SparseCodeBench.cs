using System.Globalization;
using SparseAe.MLNet;
using SparseAe.Objective;

namespace SparseAe.Benchmarking;

/// <summary>
/// The sparse codes at the sizes of today's dictionaries (V = 64, H = 4,096, K = 32, batch 1,024): a TopK
/// training step against a dense ReLU step of the same sizes, and Transform plus a cursor of a TopK model.
/// </summary>
internal static class SparseCodeBench
{
    private const int V = 64, H = 4096, K = 32, Batch = 1024;

    public static IEnumerable<string> Run(BenchMachine machine, BenchClock clock)
    {
        int threads = machine.Threads;
        var relu = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.ReLU);
        var topK = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK, K: K);
        machine.Refresh();
        double reluRate = Rate(relu);
        yield return string.Format(CultureInfo.InvariantCulture, "codes relu V={0} H={1} B={2} threads={3} samples/s={4} {5}",
            V, H, Batch, threads, BenchData.Rate(reluRate), TrainingBench.Flops(reluRate, V, H, machine.Peak(threads)));
        machine.Refresh();
        double topKRate = Rate(topK);
        yield return string.Format(CultureInfo.InvariantCulture, "codes topk V={0} H={1} K={2} B={3} threads={4} samples/s={5} vs-relu={6:F2}x",
            V, H, K, Batch, threads, BenchData.Rate(topKRate), topKRate / reluRate);

        // The code alone, then the code and the reconstruction error of each row (an anomaly score read with its code).
        foreach (var (error, name) in new[] { ((string?)null, "transform+cursor"), ("Error", "transform+cursor code+error") })
        {
            var workload = new TransformWorkload(200_000, new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "Features", ReconstructionErrorColumnName = error,
                HiddenCount = H, Activation = ActivationKind.TopK, K = K, Epochs = 1, Threads = threads,
            });
            yield return InferenceBench.Transform(clock, workload, $"codes {name} topk V={V} H={H} K={K}");
        }

        double Rate(ObjectiveSettings settings)
        {
            using var step = new TrainingStep(V, H, Batch, threads, settings);
            return clock.Rate(step.Run);
        }
    }
}
