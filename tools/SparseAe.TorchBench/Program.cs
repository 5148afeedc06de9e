using System.Globalization;
using SparseAe.Benchmarking;
using TorchSharp;
using static TorchSharp.torch;

// One line per batch size: SparseAe's training step, libtorch's and their ratio, with the scalar
// reference and the FMA peak of the same run (first line). Arguments: [threads] (default: all cores).
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
const int v = 64, h = 100;
var clock = BenchClock.Full;
var machine = new BenchMachine(threads);
Console.WriteLine(machine.Describe() + $" libtorch={torch.__version__} aten-capability={Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") ?? "auto"} mkl-instructions={Environment.GetEnvironmentVariable("MKL_ENABLE_INSTRUCTIONS") ?? "auto"}");
torch.set_num_threads(threads);
double scalar = TrainingBench.ScalarRate(v, h, clock);
Console.WriteLine($"train-scalar-reference V=64 H=100 threads=1 samples/s={BenchData.Rate(scalar)}");
foreach (int batch in new[] { 1024, 10_000 })
{
    double ours = TrainingBench.Rate(v, h, batch, threads, clock);
    double theirs = LibtorchStep.Rate(v, h, batch, clock);
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
        "train B={0} threads={1} sparseae samples/s={2} {3} vs-scalar={4:F1}x | libtorch samples/s={5} {6} vs-scalar={7:F1}x | sparseae/libtorch={8:F2}x",
        batch, threads, BenchData.Rate(ours), TrainingBench.Flops(ours, v, h, machine.Peak(threads)), ours / scalar,
        BenchData.Rate(theirs), TrainingBench.Flops(theirs, v, h, machine.Peak(threads)), theirs / scalar, ours / theirs));
}

/// <summary>
/// The UFLDL objective of SparseAutoencoderObjective (sigmoid layers, squared error / 2m, KL sparsity
/// toward rho = 0.01 with beta = 3, weight decay 1e-4 on W1 and W2) and an Adam step (lr 1e-4), in
/// float32 libtorch with autograd: the work the SparseAe figure measures.
/// </summary>
internal static class LibtorchStep
{
    public static double Rate(int v, int h, int batch, BenchClock clock)
    {
        const double rho = 0.01, beta = 3, lambda = 1e-4;
        var data = BenchData.Rows(batch, v, 3);
        using var x = tensor(data, [batch, v]);
        var generator = new Generator(1);
        var w1 = nn.Parameter(randn([h, v], generator: generator) * 0.1f);
        var w2 = nn.Parameter(randn([v, h], generator: generator) * 0.1f);
        var b1 = nn.Parameter(zeros(h));
        var b2 = nn.Parameter(zeros(v));
        var adam = optim.Adam([w1, w2, b1, b2], lr: 1e-4);
        return clock.Rate(() =>
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            var a1 = sigmoid(addmm(b1, x, w1.t(), 1, 1));
            var a2 = sigmoid(addmm(b2, a1, w2.t(), 1, 1));
            var reconstruction = (a2 - x).pow(2).sum() / (2.0 * batch);
            var q = a1.mean([0]);
            var sparsity = beta * (rho * log(rho / q) + (1 - rho) * log((1 - rho) / (1 - q))).sum();
            var decay = lambda / 2 * (w1.pow(2).sum() + w2.pow(2).sum());
            (reconstruction + sparsity + decay).backward();
            adam.step();
            return batch;
        });
    }
}
