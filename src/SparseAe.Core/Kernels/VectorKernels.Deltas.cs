using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

internal static partial class VectorKernels
{
    /// <summary>
    /// Output-layer delta of the squared error through a sigmoid, fused: for each element
    /// e = a - x, returns sum e^2 and overwrites a with e * a * (1 - a). a holds sigmoid outputs y,
    /// x the targets.
    /// </summary>
    public static double OutputDelta(Span<float> a, ReadOnlySpan<float> x) => OutputDelta(a, x, throughSigmoid: true);

    /// <summary>
    /// Output delta of the squared error through a linear decoder: overwrites a with e = a - x and
    /// returns sum e^2.
    /// </summary>
    public static double OutputDeltaLinear(Span<float> a, ReadOnlySpan<float> x) => OutputDelta(a, x, throughSigmoid: false);

    // sum e^2 is kept in float over slices of at most SquaredErrorSlice elements (one accumulator per
    // vector lane), and the slices' sums are added in double. A block of 128 rows of 64 inputs is one
    // slice, as before; a block of 128 x 2,085, summed in one float on the scalar path, came out
    // 2.8e-5 off in relative terms (the float64 reference in SparseCodeObjectiveTests).
    private const int SquaredErrorSlice = 8192;

    private static double OutputDelta(Span<float> a, ReadOnlySpan<float> x, bool throughSigmoid)
    {
        CheckLengths(a.Length, x.Length, "a", "x");
        double total = 0;
        for (int i = 0; i < a.Length; i += SquaredErrorSlice)
        {
            int n = Math.Min(SquaredErrorSlice, a.Length - i);
            var loop = new OutputDeltaLoop(a.Slice(i, n), x.Slice(i, n), throughSigmoid);
            VectorLoop.Run(ref loop);
            total += loop.SquaredError;
        }
        return total;
    }

    // e = a - x; SquaredError += sum e^2 (one vector accumulator per width, then its lanes); a = e, or
    // e a (1 - a) through a sigmoid.
    private ref struct OutputDeltaLoop(Span<float> a, ReadOnlySpan<float> x, bool throughSigmoid) : IVectorLoop
    {
        private readonly Span<float> _a = a;
        private readonly ReadOnlySpan<float> _x = x;
        private readonly bool _sigmoid = throughSigmoid;
        public float SquaredError;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float ra = ref MemoryMarshal.GetReference(_a);
            ref float rx = ref MemoryMarshal.GetReference(_x);
            nint i = start, w = TO.Count;
            TV sum = TO.Splat(0f);
            for (; i + w <= _a.Length; i += w)
            {
                TV y = TO.Load(ref ra, i);
                TV e = TO.Subtract(y, TO.Load(ref rx, i));
                sum = TO.MultiplyAdd(e, e, sum);
                TO.Store(_sigmoid ? TO.Multiply(e, TO.Multiply(y, TO.Subtract(TO.Splat(1f), y))) : e, ref ra, i);
            }
            SquaredError += TO.Sum(sum);
            return i;
        }
    }
}
