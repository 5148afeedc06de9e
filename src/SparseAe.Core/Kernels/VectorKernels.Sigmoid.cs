using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

internal static partial class VectorKernels
{
    /// <summary>y = 1 / (1 + e^-x) element-wise (x and y may be the same span).</summary>
    /// <remarks>
    /// Our own, not TensorPrimitives.Sigmoid: measured on a Zen 3 (AVX2), TensorPrimitives took 1.4 ns an
    /// element (it computes e^x in double) and 38 ns without AVX2, where this takes about 0.2 ns and 1 ns;
    /// at 64-100-64 the sigmoids would otherwise cost as much as the five matrix products. Relative
    /// error below 4e-7 (VectorKernelTests); the same bits at every width on one CPU.
    /// </remarks>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length, "x", "y");
        var loop = new SigmoidLoop(x, y);
        VectorLoop.Run(ref loop);
    }

    /// <summary>d[i] *= a[i] * (1 - a[i]): the chain rule through a sigmoid whose output is a.</summary>
    public static void MultiplySigmoidDerivative(Span<float> d, ReadOnlySpan<float> a)
    {
        CheckLengths(d.Length, a.Length, "d", "a");
        var loop = new BinaryLoop<SigmoidDerivativeOperator>(d, a, d);
        VectorLoop.Run(ref loop);
    }

    /// <summary>
    /// e^x of four vectors for float32 as in Cephes' expf (S. Moshier): x = n ln2 + r with
    /// n = round(x log2 e) and |r| &lt;= ln2/2, ln2 split in two parts (Cody and Waite 1980) so that r is
    /// exact enough; e^r = 1 + r + r^2 P(r), P of degree 5 (Cephes' coefficients); e^x = e^r 2^n.
    /// Relative error about 2e-7. x is clamped to [-87.3, 88.3] so that 2^n is a normal float: below
    /// -87.3 the result stays at e^-87.3 (1.2e-38) instead of falling to 0. NaN stays NaN.
    /// </summary>
    /// <remarks>
    /// Four vectors in lockstep, because the JIT emits statements in source order: one e^x is a chain of
    /// about 20 dependent operations, and on Zen 3 the out-of-order window did not overlap consecutive
    /// vectors' chains (measured per element: 0.70-0.77 ns one vector at a time, 0.53-0.67 ns two in
    /// lockstep, 0.43-0.57 ns four). Fewer than four vectors pass copies of one of them.
    /// n is rounded by adding 1.5 * 2^23 (the float then holds n in its low mantissa bits, rounded to
    /// nearest even), and 2^n is made from those bits by a shift: two integer operations instead of a
    /// rounding, a saturating conversion and a shift. The clamp compares and selects rather than calling
    /// Min/Max, whose IEEE NaN rules cost about ten instructions each on x86.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Exp<TO, TV>(ref TV x0, ref TV x1, ref TV x2, ref TV x3) where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV lo = TO.Splat(-87.3f), hi = TO.Splat(88.3f), shifter = TO.Splat(12582912f);   // 1.5 * 2^23
        TV a0 = TO.Clamp(x0, lo, hi), a1 = TO.Clamp(x1, lo, hi), a2 = TO.Clamp(x2, lo, hi), a3 = TO.Clamp(x3, lo, hi);
        TV c = TO.Splat(1.44269504088896341f);
        TV k0 = TO.MultiplyAdd(a0, c, shifter), k1 = TO.MultiplyAdd(a1, c, shifter), k2 = TO.MultiplyAdd(a2, c, shifter), k3 = TO.MultiplyAdd(a3, c, shifter);
        TV n0 = TO.Subtract(k0, shifter), n1 = TO.Subtract(k1, shifter), n2 = TO.Subtract(k2, shifter), n3 = TO.Subtract(k3, shifter);
        c = TO.Splat(-0.693359375f);
        TV r0 = TO.MultiplyAdd(n0, c, a0), r1 = TO.MultiplyAdd(n1, c, a1), r2 = TO.MultiplyAdd(n2, c, a2), r3 = TO.MultiplyAdd(n3, c, a3);
        c = TO.Splat(2.12194440e-4f);
        r0 = TO.MultiplyAdd(n0, c, r0); r1 = TO.MultiplyAdd(n1, c, r1); r2 = TO.MultiplyAdd(n2, c, r2); r3 = TO.MultiplyAdd(n3, c, r3);
        TV c5 = TO.Splat(1.9875691500e-4f);
        c = TO.Splat(1.3981999507e-3f);
        TV p0 = TO.MultiplyAdd(c5, r0, c), p1 = TO.MultiplyAdd(c5, r1, c), p2 = TO.MultiplyAdd(c5, r2, c), p3 = TO.MultiplyAdd(c5, r3, c);
        c = TO.Splat(8.3334519073e-3f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c); p2 = TO.MultiplyAdd(p2, r2, c); p3 = TO.MultiplyAdd(p3, r3, c);
        c = TO.Splat(4.1665795894e-2f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c); p2 = TO.MultiplyAdd(p2, r2, c); p3 = TO.MultiplyAdd(p3, r3, c);
        c = TO.Splat(1.6666665459e-1f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c); p2 = TO.MultiplyAdd(p2, r2, c); p3 = TO.MultiplyAdd(p3, r3, c);
        c = TO.Splat(5.0000001201e-1f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c); p2 = TO.MultiplyAdd(p2, r2, c); p3 = TO.MultiplyAdd(p3, r3, c);
        c = TO.Splat(1f);
        p0 = TO.MultiplyAdd(p0, TO.Multiply(r0, r0), TO.Add(r0, c)); p1 = TO.MultiplyAdd(p1, TO.Multiply(r1, r1), TO.Add(r1, c));
        p2 = TO.MultiplyAdd(p2, TO.Multiply(r2, r2), TO.Add(r2, c)); p3 = TO.MultiplyAdd(p3, TO.Multiply(r3, r3), TO.Add(r3, c));
        x0 = TO.Multiply(p0, TO.Pow2OfShifted(k0)); x1 = TO.Multiply(p1, TO.Pow2OfShifted(k1));
        x2 = TO.Multiply(p2, TO.Pow2OfShifted(k2)); x3 = TO.Multiply(p3, TO.Pow2OfShifted(k3));
    }

    // y[i] = 1 / (1 + e^-x[i]), four vectors a step; x and y may be the same span.
    private readonly ref struct SigmoidLoop(ReadOnlySpan<float> x, Span<float> y) : IVectorLoop
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly Span<float> _y = y;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float rx = ref MemoryMarshal.GetReference(_x);
            ref float ry = ref MemoryMarshal.GetReference(_y);
            nint i = start, w = TO.Count, n = _x.Length;
            for (; i + 4 * w <= n; i += 4 * w)
            {
                TV e0 = TO.Load(ref rx, i), e1 = TO.Load(ref rx, i + w), e2 = TO.Load(ref rx, i + 2 * w), e3 = TO.Load(ref rx, i + 3 * w);
                Negate<TO, TV>(ref e0, ref e1, ref e2, ref e3);
                Exp<TO, TV>(ref e0, ref e1, ref e2, ref e3);
                TO.Store(Reciprocal1p<TO, TV>(e0), ref ry, i);
                TO.Store(Reciprocal1p<TO, TV>(e1), ref ry, i + w);
                TO.Store(Reciprocal1p<TO, TV>(e2), ref ry, i + 2 * w);
                TO.Store(Reciprocal1p<TO, TV>(e3), ref ry, i + 3 * w);
            }
            nint left = (n - i) / w;   // 0-3 whole vectors: one more step over copies of the last
            if (left > 0)
            {
                TV e0 = TO.Load(ref rx, i), e1 = TO.Load(ref rx, i + (left - 1) * w), e2 = TO.Load(ref rx, i + (left > 2 ? w : 0)), e3 = e0;
                Negate<TO, TV>(ref e0, ref e1, ref e2, ref e3);
                Exp<TO, TV>(ref e0, ref e1, ref e2, ref e3);
                TO.Store(Reciprocal1p<TO, TV>(e0), ref ry, i);
                TO.Store(Reciprocal1p<TO, TV>(e1), ref ry, i + (left - 1) * w);
                TO.Store(Reciprocal1p<TO, TV>(e2), ref ry, i + (left > 2 ? w : 0));
                i += left * w;
            }
            return i;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Negate<TO, TV>(ref TV e0, ref TV e1, ref TV e2, ref TV e3) where TO : struct, IFloatVector<TV> where TV : struct
        {
            TV zero = TO.Splat(0f);
            e0 = TO.Subtract(zero, e0); e1 = TO.Subtract(zero, e1); e2 = TO.Subtract(zero, e2); e3 = TO.Subtract(zero, e3);
        }

        // 1 / (1 + e)
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Reciprocal1p<TO, TV>(TV e) where TO : struct, IFloatVector<TV> where TV : struct
        {
            TV one = TO.Splat(1f);
            return TO.Divide(one, TO.Add(one, e));
        }
    }

    /// <summary>d[i] = a[i] &gt; 0 ? d[i] : 0: the chain rule through a ReLU-like unit whose output is a.</summary>
    public static void MultiplyStep(Span<float> d, ReadOnlySpan<float> a)
    {
        CheckLengths(d.Length, a.Length, "d", "a");
        var loop = new BinaryLoop<StepOperator>(d, a, d);
        VectorLoop.Run(ref loop);
    }

    /// <summary>y[i] = x[i] &gt; 0 ? 1 : 0 (x and y may be the same span): which units are active.</summary>
    public static void Step(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLengths(x.Length, y.Length, "x", "y");
        var loop = new UnaryLoop<StepUnitOperator>(x, y);
        VectorLoop.Run(ref loop);
    }

    /// <summary>y[i] = z[i] &gt; theta[i] ? z[i] : 0 (z and y may be the same span): JumpReLU.</summary>
    public static void KeepAbove(ReadOnlySpan<float> z, ReadOnlySpan<float> theta, Span<float> y)
    {
        CheckLengths(z.Length, theta.Length, "z", "theta");
        CheckLengths(z.Length, y.Length, "z", "y");
        var loop = new BinaryLoop<KeepAboveOperator>(z, theta, y);
        VectorLoop.Run(ref loop);
    }

    // z - theta > 0 exactly when z > theta (a positive difference of floats never rounds to 0).
    private readonly struct KeepAboveOperator : IBinaryOperator
    {
        public static TV Apply<TO, TV>(TV z, TV theta) where TO : struct, IFloatVector<TV> where TV : struct => TO.KeepWherePositive(TO.Subtract(z, theta), z);
    }

    private readonly struct StepOperator : IBinaryOperator
    {
        public static TV Apply<TO, TV>(TV d, TV a) where TO : struct, IFloatVector<TV> where TV : struct => TO.KeepWherePositive(a, d);
    }

    private readonly struct StepUnitOperator : IUnaryOperator
    {
        public static TV Apply<TO, TV>(TV x) where TO : struct, IFloatVector<TV> where TV : struct => TO.KeepWherePositive(x, TO.Splat(1f));
    }

    // d a (1 - a)
    private readonly struct SigmoidDerivativeOperator : IBinaryOperator
    {
        public static TV Apply<TO, TV>(TV d, TV a) where TO : struct, IFloatVector<TV> where TV : struct
            => TO.Multiply(d, TO.Multiply(a, TO.Subtract(TO.Splat(1f), a)));
    }
}
