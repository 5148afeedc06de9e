using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

/// <summary>
/// One row times a matrix: z = x W + bias with x (V), W (V, N) row-major and bias, z (N). The one-row
/// encoder's product (an ML.NET cursor or PredictionEngine encodes a row at a time).
/// </summary>
/// <remarks>
/// The product is latency- and load-bound, not FMA-bound: every multiply-add needs its own W load, and
/// a two-pipe FMA unit with a 4-6 cycle latency needs about a dozen independent chains. With 7 to 13
/// vectors of columns in flight, one pass over W's rows gives each column its own chain and reads W
/// front to back once: on a Zen 3 (AVX2, H = 100, 13 vectors) one pass of 13 took 269 ns a row where
/// two passes of 6 vectors and one of 1 took 387 ns, because a neighbour on the core's other
/// hyperthread shares its 32 KB L1 and W (26 KB) then streams from L2, where a strided second pass
/// costs more than a sequential one. Wider outputs go in balanced passes of 7-13 vectors (14 registers
/// with the broadcast; x86 has 16, ARM64 and AVX-512 32). Narrow outputs (up to 6 vectors) split
/// the steps instead: even and odd steps into two sets of 6, four sets of 3, eight single vectors.
/// N must be a multiple of the widest accelerated vector (<see cref="PaddedWidth"/>): every column
/// goes to that width, and the accumulators of the first set start from the bias.
/// </remarks>
internal static class RowMatrixKernels
{
    /// <summary>N rounded up to a whole number of the widest accelerated vector.</summary>
    public static int PaddedWidth(int n)
    {
        int w = Math.Max(1, SimdWidths.WidestBits / 32);
        return (n + w - 1) / w * w;
    }

    public static void MultiplyAdd(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> z)
    {
        int n = z.Length;
        if (n != PaddedWidth(n) || bias.Length != n || w.Length != (long)x.Length * n)
            throw new ArgumentException($"x W + bias needs W of {(long)x.Length * n} values and a bias of {n} (a multiple of the vector width {PaddedWidth(1)}); got {w.Length} and {bias.Length}.");
        var loop = new Product(x, w, bias, z);
        VectorLoop.Run(ref loop);
    }

    private readonly ref struct Product(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> z) : IVectorLoop
    {
        private readonly ReadOnlySpan<float> _x = x, _w = w, _bias = bias;
        private readonly Span<float> _z = z;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            nint vw = TO.Count, n = _z.Length, j = start;
            int steps = _x.Length;
            ref float rx = ref MemoryMarshal.GetReference(_x);
            ref float rw = ref MemoryMarshal.GetReference(_w);
            ref float rb = ref MemoryMarshal.GetReference(_bias);
            ref float rz = ref MemoryMarshal.GetReference(_z);
            nint vectors = (n - j) / vw;
            if (vectors >= 7)
            {
                // ceil(vectors / 13) passes of 7-13 vectors each, the larger ones first.
                nint passes = (vectors + 12) / 13;
                for (nint p = 0; p < passes; p++)
                {
                    nint k = vectors / passes + (p < vectors % passes ? 1 : 0);
                    ref float wj = ref Unsafe.Add(ref rw, j);
                    ref float bj = ref Unsafe.Add(ref rb, j);
                    ref float zj = ref Unsafe.Add(ref rz, j);
                    switch (k)
                    {
                        case 7: Pass<TO, TV, Seven>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                        case 8: Pass<TO, TV, Eight>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                        case 9: Pass<TO, TV, Nine>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                        case 10: Pass<TO, TV, Ten>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                        case 11: Pass<TO, TV, Eleven>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                        case 12: Pass<TO, TV, Twelve>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                        default: Pass<TO, TV, Thirteen>(ref rx, steps, ref wj, n, ref bj, ref zj); break;
                    }
                    j += k * vw;
                }
                return j;
            }
            for (; j + 6 * vw <= n; j += 6 * vw)
                Block6<TO, TV>(ref rx, steps, ref Unsafe.Add(ref rw, j), n, ref Unsafe.Add(ref rb, j), ref Unsafe.Add(ref rz, j));
            for (; j + 3 * vw <= n; j += 3 * vw)
                Block3<TO, TV>(ref rx, steps, ref Unsafe.Add(ref rw, j), n, ref Unsafe.Add(ref rb, j), ref Unsafe.Add(ref rz, j));
            for (; j + vw <= n; j += vw)
                Block1<TO, TV>(ref rx, steps, ref Unsafe.Add(ref rw, j), n, ref Unsafe.Add(ref rb, j), ref Unsafe.Add(ref rz, j));
            return j;
        }
    }

    private interface IVectorCount { static abstract int Value { get; } }
    private readonly struct Seven : IVectorCount { public static int Value => 7; }
    private readonly struct Eight : IVectorCount { public static int Value => 8; }
    private readonly struct Nine : IVectorCount { public static int Value => 9; }
    private readonly struct Ten : IVectorCount { public static int Value => 10; }
    private readonly struct Eleven : IVectorCount { public static int Value => 11; }
    private readonly struct Twelve : IVectorCount { public static int Value => 12; }
    private readonly struct Thirteen : IVectorCount { public static int Value => 13; }

    // K = TK.Value vectors (7-13) in one pass over the steps, one chain each. K is a JIT-time constant
    // for each TK, so the accumulators past K and their lines vanish from the compiled code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pass<TO, TV, TK>(ref float x, int steps, ref float w, nint n, ref float bias, ref float z)
        where TO : struct, IFloatVector<TV> where TV : struct where TK : struct, IVectorCount
    {
        nint v = TO.Count;
        int k = TK.Value;
        TV s0 = TO.Load(ref bias, 0), s1 = TO.Load(ref bias, v), s2 = TO.Load(ref bias, 2 * v), s3 = TO.Load(ref bias, 3 * v);
        TV s4 = TO.Load(ref bias, 4 * v), s5 = TO.Load(ref bias, 5 * v), s6 = TO.Load(ref bias, 6 * v);
        TV s7 = k > 7 ? TO.Load(ref bias, 7 * v) : default, s8 = k > 8 ? TO.Load(ref bias, 8 * v) : default;
        TV s9 = k > 9 ? TO.Load(ref bias, 9 * v) : default, s10 = k > 10 ? TO.Load(ref bias, 10 * v) : default;
        TV s11 = k > 11 ? TO.Load(ref bias, 11 * v) : default, s12 = k > 12 ? TO.Load(ref bias, 12 * v) : default;
        nint wo = 0;
        for (int t = 0; t < steps; t++, wo += n)
        {
            TV xt = TO.Splat(Unsafe.Add(ref x, t));
            s0 = TO.MultiplyAdd(xt, TO.Load(ref w, wo), s0);
            s1 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + v), s1);
            s2 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 2 * v), s2);
            s3 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 3 * v), s3);
            s4 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 4 * v), s4);
            s5 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 5 * v), s5);
            s6 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 6 * v), s6);
            if (k > 7) s7 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 7 * v), s7);
            if (k > 8) s8 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 8 * v), s8);
            if (k > 9) s9 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 9 * v), s9);
            if (k > 10) s10 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 10 * v), s10);
            if (k > 11) s11 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 11 * v), s11);
            if (k > 12) s12 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 12 * v), s12);
        }
        TO.Store(s0, ref z, 0); TO.Store(s1, ref z, v); TO.Store(s2, ref z, 2 * v); TO.Store(s3, ref z, 3 * v);
        TO.Store(s4, ref z, 4 * v); TO.Store(s5, ref z, 5 * v); TO.Store(s6, ref z, 6 * v);
        if (k > 7) TO.Store(s7, ref z, 7 * v);
        if (k > 8) TO.Store(s8, ref z, 8 * v);
        if (k > 9) TO.Store(s9, ref z, 9 * v);
        if (k > 10) TO.Store(s10, ref z, 10 * v);
        if (k > 11) TO.Store(s11, ref z, 11 * v);
        if (k > 12) TO.Store(s12, ref z, 12 * v);
    }

    // 6 vectors; even steps into s, odd steps into u.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block6<TO, TV>(ref float x, int steps, ref float w, nint n, ref float bias, ref float z)
        where TO : struct, IFloatVector<TV> where TV : struct
    {
        nint v = TO.Count;
        TV s0 = TO.Load(ref bias, 0), s1 = TO.Load(ref bias, v), s2 = TO.Load(ref bias, 2 * v);
        TV s3 = TO.Load(ref bias, 3 * v), s4 = TO.Load(ref bias, 4 * v), s5 = TO.Load(ref bias, 5 * v);
        TV u0 = TO.Splat(0f), u1 = u0, u2 = u0, u3 = u0, u4 = u0, u5 = u0;
        int t = 0;
        nint wo = 0;
        for (; t + 2 <= steps; t += 2, wo += 2 * n)
        {
            TV xt = TO.Splat(Unsafe.Add(ref x, t));
            s0 = TO.MultiplyAdd(xt, TO.Load(ref w, wo), s0);
            s1 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + v), s1);
            s2 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 2 * v), s2);
            s3 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 3 * v), s3);
            s4 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 4 * v), s4);
            s5 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 5 * v), s5);
            TV xu = TO.Splat(Unsafe.Add(ref x, t + 1));
            nint wu = wo + n;
            u0 = TO.MultiplyAdd(xu, TO.Load(ref w, wu), u0);
            u1 = TO.MultiplyAdd(xu, TO.Load(ref w, wu + v), u1);
            u2 = TO.MultiplyAdd(xu, TO.Load(ref w, wu + 2 * v), u2);
            u3 = TO.MultiplyAdd(xu, TO.Load(ref w, wu + 3 * v), u3);
            u4 = TO.MultiplyAdd(xu, TO.Load(ref w, wu + 4 * v), u4);
            u5 = TO.MultiplyAdd(xu, TO.Load(ref w, wu + 5 * v), u5);
        }
        if (t < steps)
        {
            TV xt = TO.Splat(Unsafe.Add(ref x, t));
            s0 = TO.MultiplyAdd(xt, TO.Load(ref w, wo), s0);
            s1 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + v), s1);
            s2 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 2 * v), s2);
            s3 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 3 * v), s3);
            s4 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 4 * v), s4);
            s5 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 5 * v), s5);
        }
        TO.Store(TO.Add(s0, u0), ref z, 0); TO.Store(TO.Add(s1, u1), ref z, v); TO.Store(TO.Add(s2, u2), ref z, 2 * v);
        TO.Store(TO.Add(s3, u3), ref z, 3 * v); TO.Store(TO.Add(s4, u4), ref z, 4 * v); TO.Store(TO.Add(s5, u5), ref z, 5 * v);
    }

    // 3 vectors; steps t, t+1, t+2, t+3 into four sets of accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block3<TO, TV>(ref float x, int steps, ref float w, nint n, ref float bias, ref float z)
        where TO : struct, IFloatVector<TV> where TV : struct
    {
        nint v = TO.Count;
        TV a0 = TO.Load(ref bias, 0), a1 = TO.Load(ref bias, v), a2 = TO.Load(ref bias, 2 * v);
        TV b0 = TO.Splat(0f), b1 = b0, b2 = b0, c0 = b0, c1 = b0, c2 = b0, d0 = b0, d1 = b0, d2 = b0;
        int t = 0;
        nint wo = 0;
        for (; t + 4 <= steps; t += 4, wo += 4 * n)
        {
            TV xt = TO.Splat(Unsafe.Add(ref x, t));
            a0 = TO.MultiplyAdd(xt, TO.Load(ref w, wo), a0);
            a1 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + v), a1);
            a2 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 2 * v), a2);
            nint w1 = wo + n;
            xt = TO.Splat(Unsafe.Add(ref x, t + 1));
            b0 = TO.MultiplyAdd(xt, TO.Load(ref w, w1), b0);
            b1 = TO.MultiplyAdd(xt, TO.Load(ref w, w1 + v), b1);
            b2 = TO.MultiplyAdd(xt, TO.Load(ref w, w1 + 2 * v), b2);
            nint w2 = wo + 2 * n;
            xt = TO.Splat(Unsafe.Add(ref x, t + 2));
            c0 = TO.MultiplyAdd(xt, TO.Load(ref w, w2), c0);
            c1 = TO.MultiplyAdd(xt, TO.Load(ref w, w2 + v), c1);
            c2 = TO.MultiplyAdd(xt, TO.Load(ref w, w2 + 2 * v), c2);
            nint w3 = wo + 3 * n;
            xt = TO.Splat(Unsafe.Add(ref x, t + 3));
            d0 = TO.MultiplyAdd(xt, TO.Load(ref w, w3), d0);
            d1 = TO.MultiplyAdd(xt, TO.Load(ref w, w3 + v), d1);
            d2 = TO.MultiplyAdd(xt, TO.Load(ref w, w3 + 2 * v), d2);
        }
        for (; t < steps; t++, wo += n)
        {
            TV xt = TO.Splat(Unsafe.Add(ref x, t));
            a0 = TO.MultiplyAdd(xt, TO.Load(ref w, wo), a0);
            a1 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + v), a1);
            a2 = TO.MultiplyAdd(xt, TO.Load(ref w, wo + 2 * v), a2);
        }
        TO.Store(TO.Add(TO.Add(a0, b0), TO.Add(c0, d0)), ref z, 0);
        TO.Store(TO.Add(TO.Add(a1, b1), TO.Add(c1, d1)), ref z, v);
        TO.Store(TO.Add(TO.Add(a2, b2), TO.Add(c2, d2)), ref z, 2 * v);
    }

    // 1 vector; steps t..t+7 into eight accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1<TO, TV>(ref float x, int steps, ref float w, nint n, ref float bias, ref float z)
        where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV s0 = TO.Load(ref bias, 0), s1 = TO.Splat(0f), s2 = s1, s3 = s1, s4 = s1, s5 = s1, s6 = s1, s7 = s1;
        int t = 0;
        nint wo = 0;
        for (; t + 8 <= steps; t += 8, wo += 8 * n)
        {
            s0 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t)), TO.Load(ref w, wo), s0);
            s1 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 1)), TO.Load(ref w, wo + n), s1);
            s2 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 2)), TO.Load(ref w, wo + 2 * n), s2);
            s3 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 3)), TO.Load(ref w, wo + 3 * n), s3);
            s4 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 4)), TO.Load(ref w, wo + 4 * n), s4);
            s5 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 5)), TO.Load(ref w, wo + 5 * n), s5);
            s6 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 6)), TO.Load(ref w, wo + 6 * n), s6);
            s7 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t + 7)), TO.Load(ref w, wo + 7 * n), s7);
        }
        for (; t < steps; t++, wo += n)
            s0 = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref x, t)), TO.Load(ref w, wo), s0);
        TO.Store(TO.Add(TO.Add(TO.Add(s0, s1), TO.Add(s2, s3)), TO.Add(TO.Add(s4, s5), TO.Add(s6, s7))), ref z, 0);
    }
}
