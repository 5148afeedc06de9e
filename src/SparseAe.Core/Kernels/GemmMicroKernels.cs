using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

/// <summary>
/// The one inner kernel behind <see cref="MatrixKernels"/>: for R rows of C,
/// <code>C[r, j] += sum_{t &lt; T} A(r, t) * B[t, j],   A(r, t) = a[r * aRowStride + t * aStepStride]</code>
/// B is (T, N) with row stride <c>bStride</c>, C is (R, N) with row stride <c>cStride</c>.
/// With (aRowStride, aStepStride) = (K, 1) this is C += A B; with (1, K) it is C += A^T B, so both
/// products share one tuned loop.
/// </summary>
/// <remarks>
/// C is cut into panels of P vectors' width (P = 3, 2 or 1) and each panel into tiles of 4 rows by P
/// vectors: every step t loads P vectors of B, broadcasts four A values and issues 4P independent
/// multiply-adds into accumulators that stay in registers (BLIS's register-blocked micro-kernel,
/// Van Zee and van de Geijn 2015, without packing: our B is at most a few hundred KB). P = 3 gives
/// 12 accumulators + 3 B vectors + 1 broadcast = 16 registers, which fits AVX2's 16 ymm (and x86
/// SSE's 16 xmm) and keeps two FMA pipes with a 4-cycle latency busy (8 FMAs in flight are needed);
/// AVX-512 and NEON have 32 registers and use the same tile. Without FMA (x86 before AVX2: the 128-bit
/// path there) a multiply-add is a product and a sum, and the product needs a register of its own, so
/// 4 x 3 spills; such CPUs take panels of at most 2 vectors (8 accumulators + 2 B + 1 broadcast + 1
/// product), whose chains wait on the sum's latency only (measured on Zen 5 with
/// <c>DOTNET_EnableAVX2=0</c>: training 0.45-0.47M -> 0.57-0.59M samples/s, one thread, B = 1,024).
/// The four A values of a step are broadcast straight from memory (<see cref="IFloatVector{TV}.SplatFrom"/>),
/// which without AVX2 saves a shuffle each (on Zen 3, one thread, B = 1,024: 0.38M -> 0.44M samples/s).
/// Panels are the outer loop, so a panel of B (T rows of 3 vectors) stays in L1 while every row tile
/// of C passes over it.
/// <para>
/// Widths: the widest accelerated vector takes as many whole panels as fit, each narrower
/// accelerated width takes what is left, and plain floats take the last columns (all of them where
/// nothing is accelerated); see <see cref="SimdWidths"/>.
/// </para>
/// <para>
/// Rows: the last tile of fewer than 4 rows repeats an existing A row for the missing ones and sends
/// their results to a scratch buffer, so no separate one-row loop is needed. A tile's accumulators
/// start from C (C += A B), from a bias row (C = A B + 1 bias^T: the layer's bias costs nothing) or
/// from zeros, so C = A B never reads C.
/// </para>
/// </remarks>
[SkipLocalsInit]
internal static unsafe class GemmMicroKernels
{
    // Floats in the widest panel: 3 vectors of 16 (AVX-512).
    private const int PanelFloats = 3 * 16;

    // What an empty tile starts from when C = A B is asked for without a bias.
    private static readonly float[] Zeros = new float[PanelFloats];

    /// <summary>
    /// C += A B when <c>accumulate</c>; otherwise C = A B, plus <c>bias</c> (N values) added to every row
    /// when it is not empty, and C is then only written, never read. Strides: see the type's summary.
    /// </summary>
    public static void Run(ref float a, int aRowStride, int aStepStride, ref float b, int bStride,
        ref float c, int cStride, int rows, int steps, int columns, bool accumulate, ReadOnlySpan<float> bias = default)
    {
        if (rows <= 0 || columns <= 0) return;
        var operands = new Operands(ref a, aRowStride, aStepStride, ref b, bStride, ref c, cStride, rows, steps, columns, accumulate, bias);
        VectorLoop.Run(ref operands);
    }

    private ref struct Operands(ref float a, nint aRowStride, nint aStepStride, ref float b, nint bStride,
        ref float c, nint cStride, int rows, int steps, int columns, bool accumulate, ReadOnlySpan<float> bias) : IVectorLoop
    {
        public ref float A = ref a;
        public ref float B = ref b;
        public ref float C = ref c;
        public readonly ReadOnlySpan<float> Bias = bias;
        public readonly nint ARowStride = aRowStride, AStepStride = aStepStride, BStride = bStride, CStride = cStride;
        public readonly int Rows = rows, Steps = steps, Columns = columns;
        public readonly bool Accumulate = accumulate;

        // Columns [start, ...) in panels of whole TV vectors; returns the first column left for a narrower
        // width. Panel widths in vectors: 3 while at least 5 or exactly 3 remain, then 2, then 1 (4 = 2 + 2,
        // not 3 + 1, because a 1-vector panel has fewer independent accumulators).
        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            int w = TO.Count, j = (int)start, vectors = (Columns - j) / w;
            while (vectors > 0)
            {
                int width = !SimdWidths.FusedMultiplyAdd && TO.Count > 1 ? (vectors >= 2 ? 2 : 1)   // no FMA: 4 x 3 would spill
                    : vectors >= 5 || vectors == 3 ? 3 : vectors >= 2 ? 2 : 1;
                Panel<TO, TV>(ref this, j, width);
                j += width * w;
                vectors -= width;
            }
            return j;
        }
    }

    // One tile's operands: A rows starting at A0..A3 (step t reads A_r[t * AStep]) and B (step t reads
    // row t, B[t * BStride]); C rows C0..C3, whose accumulators start from C itself (Accumulate) or
    // from the row at Start (the bias, or zeros). The loops index from these fixed starts rather than
    // moving refs, so no ref ever points past the end of its array (which the GC does not allow).
    // A's rows are pointers into memory that Panel pins: each step broadcasts one A value a row, and
    // x86 broadcasts from memory only through a pointer (IFloatVector.SplatFrom).
    private ref struct Tile
    {
        public float* A0, A1, A2, A3;
        public ref float B, C0, C1, C2, C3, Start;
        public nint AStep, BStride;
        public int Steps;
        public bool Accumulate;

        public readonly ref float Initial0 => ref Accumulate ? ref C0 : ref Start;
        public readonly ref float Initial1 => ref Accumulate ? ref C1 : ref Start;
        public readonly ref float Initial2 => ref Accumulate ? ref C2 : ref Start;
        public readonly ref float Initial3 => ref Accumulate ? ref C3 : ref Start;
    }

    private static void Panel<TO, TV>(ref Operands p, int j, int width) where TO : struct, IFloatVector<TV> where TV : struct
    {
        nint ars = p.ARowStride, cs = p.CStride;
        scoped Tile t = default;
        t.B = ref Unsafe.Add(ref p.B, j);
        t.Start = ref p.Bias.IsEmpty ? ref Zeros[0] : ref Unsafe.Add(ref MemoryMarshal.GetReference(p.Bias), j);
        t.BStride = p.BStride;
        t.AStep = p.AStepStride;
        t.Steps = p.Steps;
        t.Accumulate = p.Accumulate;
        fixed (float* a = &p.A)
        {
            int r = 0;
            for (; r + 4 <= p.Rows; r += 4)
            {
                t.A0 = a + r * ars;
                t.A1 = t.A0 + ars;
                t.A2 = t.A0 + 2 * ars;
                t.A3 = t.A0 + 3 * ars;
                t.C0 = ref Unsafe.Add(ref p.C, r * cs + j);
                t.C1 = ref Unsafe.Add(ref t.C0, cs);
                t.C2 = ref Unsafe.Add(ref t.C0, 2 * cs);
                t.C3 = ref Unsafe.Add(ref t.C0, 3 * cs);
                Run<TO, TV>(width, ref t);
            }
            int left = p.Rows - r;
            if (left == 0) return;
            // 1-3 rows: the missing rows read A's row r again and write into spare.
            const int spareRow = PanelFloats;
            Span<float> spare = stackalloc float[3 * spareRow];
            ref float s = ref MemoryMarshal.GetReference(spare);
            t.A0 = a + r * ars;
            t.A1 = left > 1 ? t.A0 + ars : t.A0;
            t.A2 = left > 2 ? t.A0 + 2 * ars : t.A0;
            t.A3 = t.A0;
            t.C0 = ref Unsafe.Add(ref p.C, r * cs + j);
            t.C1 = ref left > 1 ? ref Unsafe.Add(ref t.C0, cs) : ref s;
            t.C2 = ref left > 2 ? ref Unsafe.Add(ref t.C0, 2 * cs) : ref Unsafe.Add(ref s, spareRow);
            t.C3 = ref Unsafe.Add(ref s, 2 * spareRow);
            Run<TO, TV>(width, ref t);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<TO, TV>(int width, ref Tile t) where TO : struct, IFloatVector<TV> where TV : struct
    {
        if (width == 3) Tile4x3<TO, TV>(ref t);
        else if (width == 2) Tile4x2<TO, TV>(ref t);
        else Tile4x1<TO, TV>(ref t);
    }

    // 4 rows x 3 vectors: 12 accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x3<TO, TV>(ref Tile t) where TO : struct, IFloatVector<TV> where TV : struct
    {
        nint w = TO.Count, w2 = 2 * TO.Count, ats = t.AStep, bs = t.BStride, ao = 0, bo = 0;
        float* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3;
        ref float b = ref t.B;
        TV s00 = TO.Load(ref t.Initial0, 0), s01 = TO.Load(ref t.Initial0, w), s02 = TO.Load(ref t.Initial0, w2);
        TV s10 = TO.Load(ref t.Initial1, 0), s11 = TO.Load(ref t.Initial1, w), s12 = TO.Load(ref t.Initial1, w2);
        TV s20 = TO.Load(ref t.Initial2, 0), s21 = TO.Load(ref t.Initial2, w), s22 = TO.Load(ref t.Initial2, w2);
        TV s30 = TO.Load(ref t.Initial3, 0), s31 = TO.Load(ref t.Initial3, w), s32 = TO.Load(ref t.Initial3, w2);
        for (int k = t.Steps; k > 0; k--)
        {
            TV b0 = TO.Load(ref b, bo), b1 = TO.Load(ref b, bo + w), b2 = TO.Load(ref b, bo + w2);
            TV x = TO.SplatFrom(a0 + ao);
            s00 = TO.MultiplyAdd(x, b0, s00); s01 = TO.MultiplyAdd(x, b1, s01); s02 = TO.MultiplyAdd(x, b2, s02);
            x = TO.SplatFrom(a1 + ao);
            s10 = TO.MultiplyAdd(x, b0, s10); s11 = TO.MultiplyAdd(x, b1, s11); s12 = TO.MultiplyAdd(x, b2, s12);
            x = TO.SplatFrom(a2 + ao);
            s20 = TO.MultiplyAdd(x, b0, s20); s21 = TO.MultiplyAdd(x, b1, s21); s22 = TO.MultiplyAdd(x, b2, s22);
            x = TO.SplatFrom(a3 + ao);
            s30 = TO.MultiplyAdd(x, b0, s30); s31 = TO.MultiplyAdd(x, b1, s31); s32 = TO.MultiplyAdd(x, b2, s32);
            ao += ats;
            bo += bs;
        }
        TO.Store(s00, ref t.C0, 0); TO.Store(s01, ref t.C0, w); TO.Store(s02, ref t.C0, w2);
        TO.Store(s10, ref t.C1, 0); TO.Store(s11, ref t.C1, w); TO.Store(s12, ref t.C1, w2);
        TO.Store(s20, ref t.C2, 0); TO.Store(s21, ref t.C2, w); TO.Store(s22, ref t.C2, w2);
        TO.Store(s30, ref t.C3, 0); TO.Store(s31, ref t.C3, w); TO.Store(s32, ref t.C3, w2);
    }

    // 4 rows x 2 vectors: 8 accumulators. Two steps a pass: without FMA a step is 26 instructions for 8
    // products and 8 sums, more than Zen 3 dispatches in the 4 cycles those take (6 a cycle); the pass
    // shares the loop's own instructions (one core of a Zen 3 with DOTNET_EnableAVX2=0, the tile alone:
    // 38 -> 42 GFLOP/s of 49).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x2<TO, TV>(ref Tile t) where TO : struct, IFloatVector<TV> where TV : struct
    {
        nint w = TO.Count, ats = t.AStep, bs = t.BStride, ao = 0, bo = 0;
        float* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3;
        ref float b = ref t.B;
        TV s00 = TO.Load(ref t.Initial0, 0), s01 = TO.Load(ref t.Initial0, w);
        TV s10 = TO.Load(ref t.Initial1, 0), s11 = TO.Load(ref t.Initial1, w);
        TV s20 = TO.Load(ref t.Initial2, 0), s21 = TO.Load(ref t.Initial2, w);
        TV s30 = TO.Load(ref t.Initial3, 0), s31 = TO.Load(ref t.Initial3, w);
        int k = t.Steps;
        for (; k >= 2; k -= 2)
        {
            Step4x2<TO, TV>(a0 + ao, a1 + ao, a2 + ao, a3 + ao, ref b, bo, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            nint au = ao + ats;
            Step4x2<TO, TV>(a0 + au, a1 + au, a2 + au, a3 + au, ref b, bo + bs, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            ao += 2 * ats;
            bo += 2 * bs;
        }
        if (k == 1) Step4x2<TO, TV>(a0 + ao, a1 + ao, a2 + ao, a3 + ao, ref b, bo, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
        TO.Store(s00, ref t.C0, 0); TO.Store(s01, ref t.C0, w);
        TO.Store(s10, ref t.C1, 0); TO.Store(s11, ref t.C1, w);
        TO.Store(s20, ref t.C2, 0); TO.Store(s21, ref t.C2, w);
        TO.Store(s30, ref t.C3, 0); TO.Store(s31, ref t.C3, w);
    }

    // One step of the 4 x 2 tile: the A values at a0..a3 (one a row) times B's row at bo.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step4x2<TO, TV>(float* a0, float* a1, float* a2, float* a3, ref float b, nint bo, ref TV s00, ref TV s01, ref TV s10, ref TV s11,
        ref TV s20, ref TV s21, ref TV s30, ref TV s31) where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV b0 = TO.Load(ref b, bo), b1 = TO.Load(ref b, bo + TO.Count);
        TV x = TO.SplatFrom(a0);
        s00 = TO.MultiplyAdd(x, b0, s00); s01 = TO.MultiplyAdd(x, b1, s01);
        x = TO.SplatFrom(a1);
        s10 = TO.MultiplyAdd(x, b0, s10); s11 = TO.MultiplyAdd(x, b1, s11);
        x = TO.SplatFrom(a2);
        s20 = TO.MultiplyAdd(x, b0, s20); s21 = TO.MultiplyAdd(x, b1, s21);
        x = TO.SplatFrom(a3);
        s30 = TO.MultiplyAdd(x, b0, s30); s31 = TO.MultiplyAdd(x, b1, s31);
    }

    // 4 rows x 1 vector (the last vector of a panel row, and plain-float columns). Four chains would leave
    // the FMA units waiting on their latency, so even and odd steps go to two sets of accumulators
    // (8 chains), added at the end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1<TO, TV>(ref Tile t) where TO : struct, IFloatVector<TV> where TV : struct
    {
        nint ats = t.AStep, bs = t.BStride, ao = 0, bo = 0;
        float* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3;
        ref float b = ref t.B;
        TV s0 = TO.Load(ref t.Initial0, 0), s1 = TO.Load(ref t.Initial1, 0), s2 = TO.Load(ref t.Initial2, 0), s3 = TO.Load(ref t.Initial3, 0);
        TV u0 = TO.Splat(0f), u1 = u0, u2 = u0, u3 = u0;
        int k = t.Steps;
        for (; k >= 2; k -= 2)
        {
            TV bv = TO.Load(ref b, bo), bu = TO.Load(ref b, bo + bs);
            nint au = ao + ats;
            s0 = TO.MultiplyAdd(TO.SplatFrom(a0 + ao), bv, s0);
            s1 = TO.MultiplyAdd(TO.SplatFrom(a1 + ao), bv, s1);
            s2 = TO.MultiplyAdd(TO.SplatFrom(a2 + ao), bv, s2);
            s3 = TO.MultiplyAdd(TO.SplatFrom(a3 + ao), bv, s3);
            u0 = TO.MultiplyAdd(TO.SplatFrom(a0 + au), bu, u0);
            u1 = TO.MultiplyAdd(TO.SplatFrom(a1 + au), bu, u1);
            u2 = TO.MultiplyAdd(TO.SplatFrom(a2 + au), bu, u2);
            u3 = TO.MultiplyAdd(TO.SplatFrom(a3 + au), bu, u3);
            ao += 2 * ats;
            bo += 2 * bs;
        }
        if (k == 1)
        {
            TV bv = TO.Load(ref b, bo);
            s0 = TO.MultiplyAdd(TO.SplatFrom(a0 + ao), bv, s0);
            s1 = TO.MultiplyAdd(TO.SplatFrom(a1 + ao), bv, s1);
            s2 = TO.MultiplyAdd(TO.SplatFrom(a2 + ao), bv, s2);
            s3 = TO.MultiplyAdd(TO.SplatFrom(a3 + ao), bv, s3);
        }
        TO.Store(TO.Add(s0, u0), ref t.C0, 0); TO.Store(TO.Add(s1, u1), ref t.C1, 0);
        TO.Store(TO.Add(s2, u2), ref t.C2, 0); TO.Store(TO.Add(s3, u3), ref t.C3, 0);
    }
}
