using System.Runtime.CompilerServices;
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
        var loop = new UnaryLoop<SigmoidOperator>(x, y);
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
    /// e^x for float32 as in Cephes' expf (S. Moshier): x = n ln2 + r with n = round(x log2 e) and
    /// |r| &lt;= ln2/2, ln2 split in two parts (Cody and Waite 1980) so that r is exact enough;
    /// e^r = 1 + r + r^2 P(r), P of degree 5 (Cephes' coefficients); e^x = e^r 2^n. Relative error
    /// about 2e-7. x is clamped to [-87.3, 88.3] so that 2^n is a normal float: below -87.3 the result
    /// stays at e^-87.3 (1.2e-38) instead of falling to 0. NaN stays NaN.
    /// </summary>
    /// <remarks>
    /// n is rounded by adding 1.5 * 2^23 (the float then holds n in its low mantissa bits, rounded to
    /// nearest even), and 2^n is made from those bits by a shift: two integer operations instead of a
    /// rounding, a saturating conversion and a shift. The clamp compares and selects rather than calling
    /// Min/Max, whose IEEE NaN rules cost about ten instructions each on x86.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Exp<TO, TV>(TV x) where TO : struct, IFloatVector<TV> where TV : struct
    {
        x = TO.Clamp(x, TO.Splat(-87.3f), TO.Splat(88.3f));
        TV shifter = TO.Splat(12582912f);   // 1.5 * 2^23
        TV k = TO.MultiplyAdd(x, TO.Splat(1.44269504088896341f), shifter);
        TV n = TO.Subtract(k, shifter);
        TV r = TO.MultiplyAdd(n, TO.Splat(-0.693359375f), x);
        r = TO.MultiplyAdd(n, TO.Splat(2.12194440e-4f), r);
        TV p = TO.MultiplyAdd(TO.Splat(1.9875691500e-4f), r, TO.Splat(1.3981999507e-3f));
        p = TO.MultiplyAdd(p, r, TO.Splat(8.3334519073e-3f));
        p = TO.MultiplyAdd(p, r, TO.Splat(4.1665795894e-2f));
        p = TO.MultiplyAdd(p, r, TO.Splat(1.6666665459e-1f));
        p = TO.MultiplyAdd(p, r, TO.Splat(5.0000001201e-1f));
        TV er = TO.MultiplyAdd(p, TO.Multiply(r, r), TO.Add(r, TO.Splat(1f)));
        return TO.Multiply(er, TO.Pow2OfShifted(k));
    }

    /// <summary>1 / (1 + e^-x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Sigmoid<TO, TV>(TV x) where TO : struct, IFloatVector<TV> where TV : struct
    {
        TV one = TO.Splat(1f);
        return TO.Divide(one, TO.Add(one, Exp<TO, TV>(TO.Subtract(TO.Splat(0f), x))));
    }

    private readonly struct SigmoidOperator : IUnaryOperator
    {
        public static TV Apply<TO, TV>(TV x) where TO : struct, IFloatVector<TV> where TV : struct => Sigmoid<TO, TV>(x);
    }

    // d a (1 - a)
    private readonly struct SigmoidDerivativeOperator : IBinaryOperator
    {
        public static TV Apply<TO, TV>(TV d, TV a) where TO : struct, IFloatVector<TV> where TV : struct
            => TO.Multiply(d, TO.Multiply(a, TO.Subtract(TO.Splat(1f), a)));
    }
}
