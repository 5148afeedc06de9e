using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SparseAe.Threading;

namespace SparseAe.Kernels.Simd;

/// <summary>
/// The floating-point peak this process can reach, measured: <see cref="Chains"/> independent
/// multiply-add chains of the widest accelerated vector, run on every thread at once. A core keeps
/// pipes x latency multiply-adds in flight: on x86 two FMA pipes with a latency of 4 (8 chains), or
/// without FMA (DOTNET_EnableAVX2=0, the scalar path) two multiplies and two adds a cycle whose chained
/// latency is about 7 on Zen 3 (14: twelve reached 86% of that peak, fourteen 93%), and fourteen
/// registers plus the two operands fill x86's sixteen (sixteen chains spill: half the rate); ARM64 cores with four 128-bit FMA pipes of latency 4 (Neoverse V1 and
/// V2, Apple M) need 16, which with the operands fit NEON's 32 registers. It is the yardstick of the kernels'
/// "%peak" in <c>sparseae bench</c>, and it moves with the machine: a busy neighbour or a slower
/// second core lowers it along with the kernels.
/// </summary>
internal static class FmaPeak
{
    /// <summary>Independent multiply-add chains the probe runs (16 on ARM64, 14 elsewhere).</summary>
    public static int Chains { get; } = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 14;

    /// <summary>GFLOP/s of <paramref name="threads"/> threads together (2 FLOPs per lane and multiply-add).</summary>
    public static double Measure(int threads, double seconds = 0.3)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be at least 1, but is {threads}.");
        var runs = new Probe[threads];
        using var pool = new WorkerPool(threads);
        pool.Run(threads, t => runs[t] = MeasureOne(seconds / 3));   // warm-up: JIT and clocks
        pool.Run(threads, t => runs[t] = MeasureOne(seconds));
        return Together(runs) / 1e9;
    }

    /// <summary>The FLOPs one thread did between two <see cref="Stopwatch.GetTimestamp"/> readings.</summary>
    internal readonly record struct Probe(double Flops, long Start, long End);

    /// <summary>
    /// FLOP/s of <paramref name="runs"/>, one a thread, together: all their FLOPs over the time from the first start to
    /// the last end. The sum of each thread's own rate counted a core once for every thread that took turns on it (more
    /// threads than cores): bench --threads 2000 on 2 cores said fma-peak=2142.5GFLOP/s, and every %peak was 1/10 of itself.
    /// </summary>
    internal static double Together(IReadOnlyList<Probe> runs)
        => runs.Sum(r => r.Flops) / Stopwatch.GetElapsedTime(runs.Min(r => r.Start), runs.Max(r => r.End)).TotalSeconds;

    // The calling thread's FLOPs and when it did them.
    private static Probe MeasureOne(double seconds)
    {
        if (Vector512.IsHardwareAccelerated) return Run<Float512, Vector512<float>>(seconds);
        if (Vector256.IsHardwareAccelerated) return Run<Float256, Vector256<float>>(seconds);
        if (Vector128.IsHardwareAccelerated) return Run<Float128, Vector128<float>>(seconds);
        return Run<Float1, float>(seconds);
    }

    private static Probe Run<TO, TV>(double seconds) where TO : struct, IFloatVector<TV> where TV : struct
    {
        const int inner = 4096;
        long iterations = 0;
        float sink = 0;
        long start = Stopwatch.GetTimestamp(), end = start;
        while (Stopwatch.GetElapsedTime(start, end).TotalSeconds < seconds)
        {
            sink += Chains == 16 ? Chains16<TO, TV>(inner) : Chains14<TO, TV>(inner);
            iterations += inner;
            end = Stopwatch.GetTimestamp();
        }
        GC.KeepAlive(sink);
        return new Probe(iterations * (double)Chains * 2 * TO.Count, start, end);
    }

    // 14 chains of s = s * m + c with m just below 1, so the values stay finite for any length.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains14<TO, TV>(int n) where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV m = TO.Splat(0.999f), c = TO.Splat(1e-3f);
        TV s0 = TO.Splat(1f), s1 = TO.Splat(2f), s2 = TO.Splat(3f), s3 = TO.Splat(4f), s4 = TO.Splat(5f), s5 = TO.Splat(6f), s6 = TO.Splat(7f);
        TV s7 = TO.Splat(8f), s8 = TO.Splat(9f), s9 = TO.Splat(10f), s10 = TO.Splat(11f), s11 = TO.Splat(12f), s12 = TO.Splat(13f), s13 = TO.Splat(14f);
        for (int i = 0; i < n; i++)
        {
            s0 = TO.MultiplyAdd(s0, m, c); s1 = TO.MultiplyAdd(s1, m, c); s2 = TO.MultiplyAdd(s2, m, c); s3 = TO.MultiplyAdd(s3, m, c);
            s4 = TO.MultiplyAdd(s4, m, c); s5 = TO.MultiplyAdd(s5, m, c); s6 = TO.MultiplyAdd(s6, m, c); s7 = TO.MultiplyAdd(s7, m, c);
            s8 = TO.MultiplyAdd(s8, m, c); s9 = TO.MultiplyAdd(s9, m, c); s10 = TO.MultiplyAdd(s10, m, c); s11 = TO.MultiplyAdd(s11, m, c);
            s12 = TO.MultiplyAdd(s12, m, c); s13 = TO.MultiplyAdd(s13, m, c);
        }
        TV sum = TO.Add(TO.Add(TO.Add(s0, s1), TO.Add(s2, s3)), TO.Add(TO.Add(s4, s5), TO.Add(s6, s7)));
        return TO.Sum(TO.Add(sum, TO.Add(TO.Add(TO.Add(s8, s9), TO.Add(s10, s11)), TO.Add(s12, s13))));
    }

    // 16 chains, for ARM64's four FMA pipes (18 of its 32 registers).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains16<TO, TV>(int n) where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV m = TO.Splat(0.999f), c = TO.Splat(1e-3f);
        TV s0 = TO.Splat(1f), s1 = TO.Splat(2f), s2 = TO.Splat(3f), s3 = TO.Splat(4f), s4 = TO.Splat(5f), s5 = TO.Splat(6f), s6 = TO.Splat(7f), s7 = TO.Splat(8f);
        TV s8 = TO.Splat(9f), s9 = TO.Splat(10f), s10 = TO.Splat(11f), s11 = TO.Splat(12f), s12 = TO.Splat(13f), s13 = TO.Splat(14f), s14 = TO.Splat(15f), s15 = TO.Splat(16f);
        for (int i = 0; i < n; i++)
        {
            s0 = TO.MultiplyAdd(s0, m, c); s1 = TO.MultiplyAdd(s1, m, c); s2 = TO.MultiplyAdd(s2, m, c); s3 = TO.MultiplyAdd(s3, m, c);
            s4 = TO.MultiplyAdd(s4, m, c); s5 = TO.MultiplyAdd(s5, m, c); s6 = TO.MultiplyAdd(s6, m, c); s7 = TO.MultiplyAdd(s7, m, c);
            s8 = TO.MultiplyAdd(s8, m, c); s9 = TO.MultiplyAdd(s9, m, c); s10 = TO.MultiplyAdd(s10, m, c); s11 = TO.MultiplyAdd(s11, m, c);
            s12 = TO.MultiplyAdd(s12, m, c); s13 = TO.MultiplyAdd(s13, m, c); s14 = TO.MultiplyAdd(s14, m, c); s15 = TO.MultiplyAdd(s15, m, c);
        }
        TV low = TO.Add(TO.Add(TO.Add(s0, s1), TO.Add(s2, s3)), TO.Add(TO.Add(s4, s5), TO.Add(s6, s7)));
        TV high = TO.Add(TO.Add(TO.Add(s8, s9), TO.Add(s10, s11)), TO.Add(TO.Add(s12, s13), TO.Add(s14, s15)));
        return TO.Sum(TO.Add(low, high));
    }
}
