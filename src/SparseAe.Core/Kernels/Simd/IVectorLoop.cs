using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SparseAe.Kernels.Simd;

/// <summary>
/// A kernel's loop, written once over any vector type: <see cref="Run{TO, TV}"/> processes whole
/// vectors of TV from <c>start</c> and returns the index where it stopped, which the next narrower
/// width takes up (<see cref="VectorLoop.Run{TL}"/>). Implemented by small ref structs that carry the
/// kernel's spans.
/// </summary>
internal interface IVectorLoop
{
    nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct;
}

/// <summary>Runs a kernel's loop at every accelerated width, widest first, then on plain floats.</summary>
internal static class VectorLoop
{
    /// <summary>
    /// 512-bit vectors where accelerated, then 256-bit, then 128-bit (each for what the wider one
    /// left), then plain floats for the rest. The checks are JIT-time constants.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TL>(ref TL loop) where TL : IVectorLoop, allows ref struct
    {
        nint i = 0;
        if (Vector512.IsHardwareAccelerated) i = loop.Run<Float512, Vector512<float>>(i);
        if (Vector256.IsHardwareAccelerated) i = loop.Run<Float256, Vector256<float>>(i);
        if (Vector128.IsHardwareAccelerated) i = loop.Run<Float128, Vector128<float>>(i);
        loop.Run<Float1, float>(i);
    }
}
