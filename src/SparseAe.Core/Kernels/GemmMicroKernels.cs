using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SparseAe.Kernels;

/// <summary>
/// The one inner kernel behind <see cref="MatrixKernels"/>: for a block of R rows of C,
/// <code>C[r, j] += sum_{t &lt; T} A(r, t) * B[t, j],   A(r, t) = a[r * aRowStride + t * aStepStride]</code>
/// B is (T, N) with row stride <c>bStride</c>, C is (R, N) with row stride <c>cStride</c>.
/// With (aRowStride, aStepStride) = (K, 1) this is C += A B; with (1, K) it is C += A^T B, so both
/// products share one tuned loop.
/// </summary>
/// <remarks>
/// Register tile: 4 rows of C by 16 columns (8 accumulators of Vector256), so each step loads two B
/// vectors and broadcasts four A values for eight FMAs, which keeps a Zen 4 core's two FMA pipes busy
/// instead of waiting on loads. Column tails use 8 wide, then 4 wide (Vector128), then scalars, so
/// H = 100 costs no scalar work. Measured on the 64-100-64 shapes (docs/performance.md).
/// </remarks>
internal static class GemmMicroKernels
{
    public static void Run(ref float a, int aRowStride, int aStepStride, ref float b, int bStride,
        ref float c, int cStride, int rows, int steps, int columns)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
            Rows4(ref Unsafe.Add(ref a, r * aRowStride), aRowStride, aStepStride, ref b, bStride,
                ref Unsafe.Add(ref c, r * cStride), cStride, steps, columns);
        for (; r < rows; r++)
            Row1(ref Unsafe.Add(ref a, r * aRowStride), aStepStride, ref b, bStride,
                ref Unsafe.Add(ref c, r * cStride), steps, columns);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4(ref float a, int ars, int ats, ref float b, int bs, ref float c, int cs, int steps, int n)
    {
        ref float c0 = ref c;
        ref float c1 = ref Unsafe.Add(ref c, cs);
        ref float c2 = ref Unsafe.Add(ref c, 2 * cs);
        ref float c3 = ref Unsafe.Add(ref c, 3 * cs);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 32 <= n; j += 32)
            {
                var s00 = Vector512.LoadUnsafe(ref c0, (nuint)j); var s01 = Vector512.LoadUnsafe(ref c0, (nuint)(j + 16));
                var s10 = Vector512.LoadUnsafe(ref c1, (nuint)j); var s11 = Vector512.LoadUnsafe(ref c1, (nuint)(j + 16));
                var s20 = Vector512.LoadUnsafe(ref c2, (nuint)j); var s21 = Vector512.LoadUnsafe(ref c2, (nuint)(j + 16));
                var s30 = Vector512.LoadUnsafe(ref c3, (nuint)j); var s31 = Vector512.LoadUnsafe(ref c3, (nuint)(j + 16));
                ref float at = ref a;
                ref float bt = ref Unsafe.Add(ref b, j);
                for (int t = 0; t < steps; t++)
                {
                    var b0 = Vector512.LoadUnsafe(ref bt);
                    var b1 = Vector512.LoadUnsafe(ref bt, 16);
                    var a0 = Vector512.Create(at);
                    s00 = Vector512.FusedMultiplyAdd(a0, b0, s00); s01 = Vector512.FusedMultiplyAdd(a0, b1, s01);
                    var a1 = Vector512.Create(Unsafe.Add(ref at, ars));
                    s10 = Vector512.FusedMultiplyAdd(a1, b0, s10); s11 = Vector512.FusedMultiplyAdd(a1, b1, s11);
                    var a2 = Vector512.Create(Unsafe.Add(ref at, 2 * ars));
                    s20 = Vector512.FusedMultiplyAdd(a2, b0, s20); s21 = Vector512.FusedMultiplyAdd(a2, b1, s21);
                    var a3 = Vector512.Create(Unsafe.Add(ref at, 3 * ars));
                    s30 = Vector512.FusedMultiplyAdd(a3, b0, s30); s31 = Vector512.FusedMultiplyAdd(a3, b1, s31);
                    at = ref Unsafe.Add(ref at, ats);
                    bt = ref Unsafe.Add(ref bt, bs);
                }
                s00.StoreUnsafe(ref c0, (nuint)j); s01.StoreUnsafe(ref c0, (nuint)(j + 16));
                s10.StoreUnsafe(ref c1, (nuint)j); s11.StoreUnsafe(ref c1, (nuint)(j + 16));
                s20.StoreUnsafe(ref c2, (nuint)j); s21.StoreUnsafe(ref c2, (nuint)(j + 16));
                s30.StoreUnsafe(ref c3, (nuint)j); s31.StoreUnsafe(ref c3, (nuint)(j + 16));
            }
        }
        for (; j + 16 <= n; j += 16)
        {
            var s00 = Load8(ref c0, j); var s01 = Load8(ref c0, j + 8);
            var s10 = Load8(ref c1, j); var s11 = Load8(ref c1, j + 8);
            var s20 = Load8(ref c2, j); var s21 = Load8(ref c2, j + 8);
            var s30 = Load8(ref c3, j); var s31 = Load8(ref c3, j + 8);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                var b0 = Vector256.LoadUnsafe(ref bt);
                var b1 = Vector256.LoadUnsafe(ref bt, 8);
                var a0 = Vector256.Create(at);
                s00 = Vector256.FusedMultiplyAdd(a0, b0, s00); s01 = Vector256.FusedMultiplyAdd(a0, b1, s01);
                var a1 = Vector256.Create(Unsafe.Add(ref at, ars));
                s10 = Vector256.FusedMultiplyAdd(a1, b0, s10); s11 = Vector256.FusedMultiplyAdd(a1, b1, s11);
                var a2 = Vector256.Create(Unsafe.Add(ref at, 2 * ars));
                s20 = Vector256.FusedMultiplyAdd(a2, b0, s20); s21 = Vector256.FusedMultiplyAdd(a2, b1, s21);
                var a3 = Vector256.Create(Unsafe.Add(ref at, 3 * ars));
                s30 = Vector256.FusedMultiplyAdd(a3, b0, s30); s31 = Vector256.FusedMultiplyAdd(a3, b1, s31);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            Store8(s00, ref c0, j); Store8(s01, ref c0, j + 8);
            Store8(s10, ref c1, j); Store8(s11, ref c1, j + 8);
            Store8(s20, ref c2, j); Store8(s21, ref c2, j + 8);
            Store8(s30, ref c3, j); Store8(s31, ref c3, j + 8);
        }
        for (; j + 8 <= n; j += 8)
        {
            var s0 = Load8(ref c0, j); var s1 = Load8(ref c1, j); var s2 = Load8(ref c2, j); var s3 = Load8(ref c3, j);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                var bv = Vector256.LoadUnsafe(ref bt);
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(at), bv, s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref at, ars)), bv, s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref at, 2 * ars)), bv, s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref at, 3 * ars)), bv, s3);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            Store8(s0, ref c0, j); Store8(s1, ref c1, j); Store8(s2, ref c2, j); Store8(s3, ref c3, j);
        }
        for (; j + 4 <= n; j += 4)
        {
            var s0 = Load4(ref c0, j); var s1 = Load4(ref c1, j); var s2 = Load4(ref c2, j); var s3 = Load4(ref c3, j);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                var bv = Vector128.LoadUnsafe(ref bt);
                s0 = Vector128.FusedMultiplyAdd(Vector128.Create(at), bv, s0);
                s1 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref at, ars)), bv, s1);
                s2 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref at, 2 * ars)), bv, s2);
                s3 = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref at, 3 * ars)), bv, s3);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            s0.StoreUnsafe(ref c0, (nuint)j); s1.StoreUnsafe(ref c1, (nuint)j);
            s2.StoreUnsafe(ref c2, (nuint)j); s3.StoreUnsafe(ref c3, (nuint)j);
        }
        for (; j < n; j++)
        {
            float s0 = Unsafe.Add(ref c0, j), s1 = Unsafe.Add(ref c1, j), s2 = Unsafe.Add(ref c2, j), s3 = Unsafe.Add(ref c3, j);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                float bv = bt;
                s0 = MathF.FusedMultiplyAdd(at, bv, s0);
                s1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref at, ars), bv, s1);
                s2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref at, 2 * ars), bv, s2);
                s3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref at, 3 * ars), bv, s3);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            Unsafe.Add(ref c0, j) = s0; Unsafe.Add(ref c1, j) = s1; Unsafe.Add(ref c2, j) = s2; Unsafe.Add(ref c3, j) = s3;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1(ref float a, int ats, ref float b, int bs, ref float c, int steps, int n)
    {
        int j = 0;
        for (; j + 16 <= n; j += 16)
        {
            var s0 = Load8(ref c, j); var s1 = Load8(ref c, j + 8);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                var av = Vector256.Create(at);
                s0 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref bt), s0);
                s1 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref bt, 8), s1);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            Store8(s0, ref c, j); Store8(s1, ref c, j + 8);
        }
        for (; j + 8 <= n; j += 8)
        {
            var s0 = Load8(ref c, j);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Create(at), Vector256.LoadUnsafe(ref bt), s0);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            Store8(s0, ref c, j);
        }
        for (; j < n; j++)
        {
            float s0 = Unsafe.Add(ref c, j);
            ref float at = ref a;
            ref float bt = ref Unsafe.Add(ref b, j);
            for (int t = 0; t < steps; t++)
            {
                s0 = MathF.FusedMultiplyAdd(at, bt, s0);
                at = ref Unsafe.Add(ref at, ats);
                bt = ref Unsafe.Add(ref bt, bs);
            }
            Unsafe.Add(ref c, j) = s0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load8(ref float r, int offset) => Vector256.LoadUnsafe(ref r, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Load4(ref float r, int offset) => Vector128.LoadUnsafe(ref r, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector256<float> v, ref float r, int offset) => v.StoreUnsafe(ref r, (nuint)offset);
}
