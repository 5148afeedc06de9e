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
            Assert.True(widest <= 256, $"widest {widest}");
        }
        Assert.Contains(widest, new[] { 32, 128, 256, 512 });
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

    [Fact]
    public void The_peak_probe_measures_a_positive_rate()
        => Assert.True(FmaPeak.Measure(1, seconds: 0.02) > 0);
}
