using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SparseAe.Kernels.Simd;

/// <summary>256-bit vectors (AVX2). Used where <c>Vector256.IsHardwareAccelerated</c>.</summary>
internal readonly struct Float256 : IFloatVector<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector256<float> SplatFrom(float* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sqrt(Vector256<float> a) => Vector256.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepWherePositive(Vector256<float> mask, Vector256<float> value)
        => Vector256.ConditionalSelect(Vector256.GreaterThan(mask, Vector256<float>.Zero), value, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> x, Vector256<float> lo, Vector256<float> hi)
        => Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, Vector256.ConditionalSelect(Vector256.GreaterThan(x, hi), hi, x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2OfShifted(Vector256<float> k) => (Vector256.ShiftLeft(k.AsInt32(), 23) + Vector256.Create(0x3F800000)).AsSingle();

    // x - x is 0 for a finite x and NaN for NaN or an infinity.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllFinite(Vector256<float> v) => Vector256.EqualsAll(v - v, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);
}
