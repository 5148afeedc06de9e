using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

public static partial class VectorKernels
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
    /// e^x0 and e^x1 for float32 as in Cephes' expf (S. Moshier): x = n ln2 + r with n = round(x log2 e)
    /// and |r| &lt;= ln2/2, ln2 split in two parts (Cody and Waite 1980) so that r is exact enough;
    /// e^r = 1 + r + r^2 P(r), P of degree 5 (Cephes' coefficients); e^x = e^r 2^n. Relative error
    /// about 2e-7. x is clamped to [-87.3, 88.3] so that 2^n is a normal float: below -87.3 the result
    /// stays at e^-87.3 (1.2e-38) instead of falling to 0. NaN stays NaN.
    /// </summary>
    /// <remarks>
    /// Two vectors in lockstep, because the JIT emits statements in source order: one e^x is a chain of
    /// about 20 dependent operations, and on Zen 3 the out-of-order window did not overlap consecutive
    /// vectors' chains well enough (measured 0.70-0.77 ns an element one vector at a time, 0.53-0.56 two
    /// interleaved). A single vector passes itself twice.
    /// n is rounded by adding 1.5 * 2^23 (the float then holds n in its low mantissa bits, rounded to
    /// nearest even), and 2^n is made from those bits by a shift: two integer operations instead of a
    /// rounding, a saturating conversion and a shift. The clamp compares and selects rather than calling
    /// Min/Max, whose IEEE NaN rules cost about ten instructions each on x86.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Exp<TO, TV>(ref TV x0, ref TV x1) where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV lo = TO.Splat(-87.3f), hi = TO.Splat(88.3f), shifter = TO.Splat(12582912f);   // 1.5 * 2^23
        TV log2e = TO.Splat(1.44269504088896341f), ln2Hi = TO.Splat(-0.693359375f), ln2Lo = TO.Splat(2.12194440e-4f);
        TV a0 = TO.Clamp(x0, lo, hi), a1 = TO.Clamp(x1, lo, hi);
        TV k0 = TO.MultiplyAdd(a0, log2e, shifter), k1 = TO.MultiplyAdd(a1, log2e, shifter);
        TV n0 = TO.Subtract(k0, shifter), n1 = TO.Subtract(k1, shifter);
        TV r0 = TO.MultiplyAdd(n0, ln2Hi, a0), r1 = TO.MultiplyAdd(n1, ln2Hi, a1);
        r0 = TO.MultiplyAdd(n0, ln2Lo, r0); r1 = TO.MultiplyAdd(n1, ln2Lo, r1);
        TV c5 = TO.Splat(1.9875691500e-4f), c4 = TO.Splat(1.3981999507e-3f);
        TV p0 = TO.MultiplyAdd(c5, r0, c4), p1 = TO.MultiplyAdd(c5, r1, c4);
        TV c = TO.Splat(8.3334519073e-3f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c);
        c = TO.Splat(4.1665795894e-2f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c);
        c = TO.Splat(1.6666665459e-1f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c);
        c = TO.Splat(5.0000001201e-1f);
        p0 = TO.MultiplyAdd(p0, r0, c); p1 = TO.MultiplyAdd(p1, r1, c);
        TV one = TO.Splat(1f);
        TV e0 = TO.MultiplyAdd(p0, TO.Multiply(r0, r0), TO.Add(r0, one));
        TV e1 = TO.MultiplyAdd(p1, TO.Multiply(r1, r1), TO.Add(r1, one));
        x0 = TO.Multiply(e0, TO.Pow2OfShifted(k0));
        x1 = TO.Multiply(e1, TO.Pow2OfShifted(k1));
    }

    // y[i] = 1 / (1 + e^-x[i]), two vectors a step; x and y may be the same span.
    private readonly ref struct SigmoidLoop(ReadOnlySpan<float> x, Span<float> y) : IVectorLoop
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly Span<float> _y = y;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float rx = ref MemoryMarshal.GetReference(_x);
            ref float ry = ref MemoryMarshal.GetReference(_y);
            nint i = start, w = TO.Count, n = _x.Length;
            TV zero = TO.Splat(0f), one = TO.Splat(1f);
            for (; i + 2 * w <= n; i += 2 * w)
            {
                TV e0 = TO.Subtract(zero, TO.Load(ref rx, i)), e1 = TO.Subtract(zero, TO.Load(ref rx, i + w));
                Exp<TO, TV>(ref e0, ref e1);
                TO.Store(TO.Divide(one, TO.Add(one, e0)), ref ry, i);
                TO.Store(TO.Divide(one, TO.Add(one, e1)), ref ry, i + w);
            }
            if (i + w <= n)
            {
                TV e0 = TO.Subtract(zero, TO.Load(ref rx, i)), e1 = e0;
                Exp<TO, TV>(ref e0, ref e1);
                TO.Store(TO.Divide(one, TO.Add(one, e0)), ref ry, i);
                i += w;
            }
            return i;
        }
    }

    // d a (1 - a)
    private readonly struct SigmoidDerivativeOperator : IBinaryOperator
    {
        public static TV Apply<TO, TV>(TV d, TV a) where TO : struct, IFloatVector<TV> where TV : struct
            => TO.Multiply(d, TO.Multiply(a, TO.Subtract(TO.Splat(1f), a)));
    }
}
