using SparseAe.Kernels;
using SparseAe.Kernels.Simd;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// The vector path the kernels take is the one the environment selects: CI runs the core tests again
/// with DOTNET_EnableAVX512=0, DOTNET_PreferredVectorBitWidth=128 (128-bit vectors with FMA, as on
/// ARM64), DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0, and this test
/// fails if a switch did not take effect (so those runs really check the narrower paths). .NET 10
/// renamed AVX-512's switch: DOTNET_EnableAVX512F=0 no longer has any effect, DOTNET_EnableAVX512=0 does
/// (seen on a Zen 4, where the old name left the 512-bit path on).
/// </summary>
public class SimdPathTests
{
    [Fact]
    public void The_environment_selects_the_vector_path()
    {
        static bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";
        int widest = SimdWidths.WidestBits;
        if (Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.Equal(32, widest);
            Assert.Equal("scalar", SimdWidths.InstructionSets);
        }
        else if (Off("DOTNET_EnableAVX2") && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Equal(128, widest);
            Assert.False(SimdWidths.FusedMultiplyAdd);
        }
        else if (Environment.GetEnvironmentVariable("DOTNET_PreferredVectorBitWidth") == "128")
        {
            Assert.Equal(128, widest);   // 128-bit vectors, and FMA where the CPU has it: ARM64's shape
            Assert.Equal(System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, SimdWidths.FusedMultiplyAdd);
        }
        else if (Off("DOTNET_EnableAVX512"))
        {
            // The 256-bit path where the CPU has AVX2 (this run exists for it), not merely "not 512": a run that fell to
            // 128 bits or plain floats passed.
            Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported ? 256 : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? 128 : 32, widest);
        }
    }

    // The bench's isa= names the instruction sets the JIT encodes the kernels in, at every width: with
    // AVX on, 128-bit vectors too are VEX-encoded AVX (vmulps, vbroadcastss; with AVX2, AVX2's too), so
    // DOTNET_EnableAVX2=0 and DOTNET_PreferredVectorBitWidth=128 are not SSE4.2 code (which CPUs without
    // AVX, such as Atom-derived Celerons, would run), though they were reported as sse4.2.
    [Fact]
    public void The_instruction_sets_name_the_encoding_at_every_width()
    {
        if (!System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) return;
        string isa = SimdWidths.InstructionSets;
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported) Assert.StartsWith("avx", isa);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) Assert.Matches("^avx(2|512f)[+]fma$", isa);
    }

    [Fact]
    public void Aligned_arrays_start_on_a_cache_line()
    {
        for (int length = 0; length < 40; length++)
        {
            var array = new AlignedArray(length);
            Assert.Equal(length, array.Span.Length);
            unsafe
            {
                fixed (float* p = array.Span) Assert.True(length == 0 || (nint)p % 64 == 0, $"length {length}: address {(nint)p:X}");
            }
        }
        Assert.Contains("length must lie in", Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedArray(-1)).Message);
    }

    // A core keeps pipes x latency multiply-adds in flight: x86's two FMA pipes of latency 4 need 8
    // chains, but without FMA (DOTNET_EnableAVX2=0, the scalar path) a multiply and an add chain for
    // about 7 cycles at two a cycle on Zen 3: 14 (twelve measured 86% of that peak), ARM64's four 128-bit pipes of
    // latency 4 (Neoverse V1/V2, Apple M) need 16; fewer, and the probe reports less than the peak and
    // every %peak too high. The chains and the two operands must fit the registers (16 on x86
    // without AVX-512, 32 on ARM64), or they spill.
    [Fact]
    public void The_peak_probe_runs_enough_chains_to_fill_the_FMA_pipes_without_spilling()
    {
        bool arm64 = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64;
        Assert.True(FmaPeak.Chains >= (arm64 ? 16 : 14), $"{FmaPeak.Chains} chains");
        Assert.True(FmaPeak.Chains + 2 <= (arm64 ? 32 : 16), $"{FmaPeak.Chains} chains");
    }

    // Each thread's own rate was summed: threads that took turns on a core (more threads than cores, bench --threads 2000 on 2)
    // each counted the whole core, and the bench said fma-peak=2142.5GFLOP/s of a machine that does about 230.
    [Fact]
    public void Threads_that_took_turns_count_their_FLOPs_over_the_time_they_took_together()
    {
        long second = System.Diagnostics.Stopwatch.Frequency;
        double oneEach = FmaPeak.Together([new(1e9, 0, second), new(1e9, 0, second)]);
        double inTurn = FmaPeak.Together([new(1e9, 0, second), new(1e9, second, 2 * second)]);
        Assert.Equal(2e9, oneEach, 1e-6);
        Assert.Equal(1e9, inTurn, 1e-6);
    }

    [Fact]
    public void The_peak_probe_measures_a_positive_rate()
        => Assert.True(FmaPeak.Measure(1, seconds: 0.02) > 0);
}
