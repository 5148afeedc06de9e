using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SparseAe.Kernels.Simd;

/// <summary>128-bit vectors (SSE on x86, NEON on ARM64). Used where <c>Vector128.IsHardwareAccelerated</c>.</summary>
internal readonly struct Float128 : IFloatVector<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Splat(float value) => Vector128.Create(value);

    // Without AVX2 the JIT builds Vector128.Create(*source) as a scalar load and a vpermilps, a shuffle
    // that takes a floating-point pipe from the GEMM tile's products and sums; AVX's vbroadcastss from
    // memory is a load alone (with AVX2 the JIT emits it for Create as well). The 4 x 2 tile, one core
    // of a Zen 3 with DOTNET_EnableAVX2=0: 28 -> 38 GFLOP/s (its peak 49). ARM64 keeps Create.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<float> SplatFrom(float* source) => Avx.IsSupported ? Avx.BroadcastScalarToVector128(source) : Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref float source, nint offset) => Vector128.LoadUnsafe(ref Unsafe.Add(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sqrt(Vector128<float> a) => Vector128.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepWherePositive(Vector128<float> mask, Vector128<float> value)
        => Vector128.ConditionalSelect(Vector128.GreaterThan(mask, Vector128<float>.Zero), value, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Clamp(Vector128<float> x, Vector128<float> lo, Vector128<float> hi)
        => Vector128.ConditionalSelect(Vector128.LessThan(x, lo), lo, Vector128.ConditionalSelect(Vector128.GreaterThan(x, hi), hi, x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2OfShifted(Vector128<float> k) => (Vector128.ShiftLeft(k.AsInt32(), 23) + Vector128.Create(0x3F800000)).AsSingle();

    // x - x is 0 for a finite x and NaN for NaN or an infinity.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllFinite(Vector128<float> v) => Vector128.EqualsAll(v - v, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);
}
