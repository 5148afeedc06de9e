using System.Globalization;
using SparseAe.Kernels.Simd;

namespace SparseAe.Benchmarking;

/// <summary>
/// What a bench run measured on: the CPU, the instruction sets and vector width the kernels use, and
/// the FMA peak of one thread and of all the threads used, measured in the same run
/// (<see cref="FmaPeak"/>), against which the training figures are given as %peak.
/// </summary>
/// <remarks>
/// On a shared virtual machine a core is sometimes partly taken by a neighbour for seconds at a time
/// (seen here: a second core giving 40-75 GFLOP/s instead of 90), so the peak is the highest of
/// several probes: at the start and again before each training figure (<see cref="Refresh"/>).
/// </remarks>
internal sealed class BenchMachine
{
    private readonly Dictionary<int, double> _peaks = new();

    public BenchMachine(int threads)
    {
        Threads = threads;
        for (int probe = 0; probe < 3; probe++) Refresh();
    }

    /// <summary>Probes the peak again; each figure keeps the highest probe so far.</summary>
    public void Refresh()
    {
        foreach (int t in ThreadCounts(Threads))
            _peaks[t] = Math.Max(_peaks.GetValueOrDefault(t), FmaPeak.Measure(t, seconds: 0.2));
    }

    public int Threads { get; }

    /// <summary>
    /// The thread counts a part measures at when the run has <paramref name="threads"/>: 1, and that many when more. The peaks
    /// are probed at the same counts, so every training figure's %peak has its peak.
    /// </summary>
    public static int[] ThreadCounts(int threads) => threads > 1 ? [1, threads] : [1];

    /// <summary>GFLOP/s of the peak probe on this many threads (1 or the run's thread count).</summary>
    public double Peak(int threads) => _peaks[threads];

    /// <summary>e.g. <c>isa=avx2+fma vector=256 cores=2 threads=2 fma-peak=178.2GFLOP/s fma-peak-1-thread=89.6GFLOP/s cpu="AMD EPYC" runtime=10.0.12</c>.</summary>
    public string Describe() => string.Format(CultureInfo.InvariantCulture,
        "isa={0} vector={1} cores={2} threads={3} fma-peak={4:F1}GFLOP/s fma-peak-1-thread={5:F1}GFLOP/s cpu=\"{6}\" runtime={7}",
        SimdWidths.InstructionSets, SimdWidths.WidestBits, Environment.ProcessorCount, Threads, Peak(Threads), Peak(1), CpuModel(), Environment.Version);

    /// <summary>The peaks the %peak figures were computed from (the highest probes of the run), for its last line.</summary>
    public string DescribePeaks() => string.Format(CultureInfo.InvariantCulture,
        "fma-peak-used threads={0} fma-peak={1:F1}GFLOP/s fma-peak-1-thread={2:F1}GFLOP/s", Threads, Peak(Threads), Peak(1));

    /// <summary>
    /// The CPU as the OS reports it (Linux: /proc/cpuinfo's model name, family and model, e.g.
    /// "AMD EPYC family 25 model 1": family 25 is Zen 3 or Zen 4, which virtual machines often do not
    /// name), or the architecture elsewhere.
    /// </summary>
    public static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var fields = new Dictionary<string, string>();
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.Length == 0) break;   // the first processor is enough
                    int colon = line.IndexOf(':');
                    if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
                if (fields.TryGetValue("model name", out var name))
                    return fields.TryGetValue("cpu family", out var family) && fields.TryGetValue("model", out var model)
                        ? $"{name} family {family} model {model}" : name;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
