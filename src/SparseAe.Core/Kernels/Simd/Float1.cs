using System.Runtime.CompilerServices;

namespace SparseAe.Kernels.Simd;

/// <summary>
/// One float: the scalar fallback of every kernel (the tails shorter than a vector, and everything
/// where no vector width is accelerated). Same formulas and rounding as the vector types.
/// </summary>
internal readonly struct Float1 : IFloatVector<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Splat(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe float SplatFrom(float* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Divide(float a, float b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MultiplyAdd(float a, float b, float c) => float.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Max(float a, float b) => MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sqrt(float a) => MathF.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float KeepWherePositive(float mask, float value) => mask > 0 ? value : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Clamp(float x, float lo, float hi) => x < lo ? lo : x > hi ? hi : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow2OfShifted(float k) => BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(k) << 23) + 0x3F800000);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllFinite(float v) => float.IsFinite(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(float v) => v;
}
