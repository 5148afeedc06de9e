using System.Globalization;
using SparseAe.Model;
using SparseAe.Objective;

namespace SparseAe.Benchmarking;

/// <summary>
/// One training step (cost and gradient of a mini-batch, then an Adam update) in samples per second,
/// next to the plain scalar reference measured in the same process.
/// </summary>
internal static class TrainingBench
{
    /// <summary>Scalar reference samples/s for V-H-V (independent of the batch size: it loops per example).</summary>
    public static double ScalarRate(int v, int h, BenchClock clock)
    {
        const int batch = 64;
        var x = BenchData.Rows(batch, v, 2);
        var theta = ParameterInitializer.Initialize(v, h, 1).Theta;
        var gradient = new float[theta.Length];
        var reference = new ScalarReferenceObjective(v, h, new ObjectiveSettings());
        return clock.Rate(() => { reference.Evaluate(theta, x, batch, gradient); return batch; });
    }

    /// <summary>Samples/s of <see cref="TrainingStep"/> (cost, gradient and an Adam update).</summary>
    public static double Rate(int v, int h, int batch, int threads, BenchClock clock)
    {
        using var step = new TrainingStep(v, h, batch, threads);
        return clock.Rate(step.Run);
    }

    public static IEnumerable<string> Run(BenchMachine machine, BenchClock clock)
    {
        double scalar = ScalarRate(64, 100, clock);
        yield return $"train-scalar-reference V=64 H=100 threads=1 samples/s={BenchData.Rate(scalar)}";
        foreach (int threads in BenchMachine.ThreadCounts(machine.Threads))
            foreach (int batch in new[] { 256, 1024, 10_000 })
            {
                machine.Refresh();
                double rate = Rate(64, 100, batch, threads, clock);
                yield return string.Format(CultureInfo.InvariantCulture, "train B={0} threads={1} samples/s={2} vs-scalar={3:F1}x {4}",
                    batch, threads, BenchData.Rate(rate), rate / scalar, Flops(rate, 64, 100, machine.Peak(threads)));
            }
    }

    /// <summary><c>GFLOP/s=... %peak=...</c> of a training rate: 10 V H FLOPs per sample (five V x H products).</summary>
    public static string Flops(double samplesPerSecond, int v, int h, double peak)
    {
        double gflops = samplesPerSecond * 10.0 * v * h / 1e9;
        return string.Format(CultureInfo.InvariantCulture, "GFLOP/s={0:F1} %peak={1:F0}", gflops, 100 * gflops / peak);
    }

    /// <summary>Throughput as the hidden and input sizes grow (10 V H flops per sample).</summary>
    public static IEnumerable<string> Growth(BenchMachine machine, BenchClock clock)
    {
        int threads = machine.Threads;
        foreach (var (v, h) in new[] { (64, 100), (64, 400), (64, 1600), (784, 100) })
        {
            machine.Refresh();
            double rate = Rate(v, h, 1024, threads, clock);
            yield return string.Format(CultureInfo.InvariantCulture, "growth V={0} H={1} B=1024 threads={2} samples/s={3} {4}",
                v, h, threads, BenchData.Rate(rate), Flops(rate, v, h, machine.Peak(threads)));
        }
    }
}
