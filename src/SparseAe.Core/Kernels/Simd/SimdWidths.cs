using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SparseAe.Kernels.Simd;

/// <summary>
/// Which vector widths this process runs on, as the kernels choose them: every kernel takes the
/// widest accelerated width for the bulk of its data, then each narrower accelerated width for what
/// is left, then plain floats (<see cref="Float1"/>). The flags are JIT-time constants, so the paths
/// a CPU does not have are not compiled. <c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>
/// and <c>DOTNET_EnableHWIntrinsic=0</c> select the 256-bit, 128-bit and scalar paths on any x86
/// machine (the 128-bit path is the width ARM64's NEON has; on x86 it runs without FMA).
/// </summary>
internal static class SimdWidths
{
    /// <summary>The widest accelerated vector in bits, or 32 where only scalar code runs.</summary>
    public static int WidestBits =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Whether a multiply-add is fused (one rounding) in the kernels: x86 FMA or ARM64 AdvSimd.</summary>
    public static bool FusedMultiplyAdd => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>
    /// The instruction sets the kernels use, e.g. <c>avx512f+fma</c>, <c>avx2+fma</c>, <c>avx</c>,
    /// <c>sse4.2</c>, <c>neon+fma</c> or <c>scalar</c>: the encoding the JIT emits at every width (with
    /// AVX on, 128-bit vectors too are VEX-encoded AVX, so DOTNET_EnableAVX2=0 gives <c>avx</c> and
    /// DOTNET_PreferredVectorBitWidth=128 <c>avx2+fma</c>); <see cref="WidestBits"/> gives the width.
    /// </summary>
    public static string InstructionSets
    {
        get
        {
            if (!Vector128.IsHardwareAccelerated) return "scalar";
            string vectors = AdvSimd.IsSupported ? "neon"
                : Avx512F.IsSupported ? "avx512f"
                : Avx2.IsSupported ? "avx2"
                : Avx.IsSupported ? "avx"
                : Sse42.IsSupported ? "sse4.2" : "sse2";
            return FusedMultiplyAdd ? vectors + "+fma" : vectors;
        }
    }
}
