using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

internal static partial class VectorKernels
{
    /// <summary>
    /// Output-layer delta of the squared error through a sigmoid, fused: for each element
    /// e = a - x, returns sum e^2 (float per call, the caller keeps rows short) and overwrites
    /// a with e * a * (1 - a). a holds sigmoid outputs y, x the targets.
    /// </summary>
    public static float OutputDelta(Span<float> a, ReadOnlySpan<float> x)
    {
        CheckLengths(a.Length, x.Length, "a", "x");
        var loop = new OutputDeltaLoop(a, x, throughSigmoid: true);
        VectorLoop.Run(ref loop);
        return loop.SquaredError;
    }

    /// <summary>
    /// Output delta of the squared error through a linear decoder: overwrites a with e = a - x and
    /// returns sum e^2 (float).
    /// </summary>
    public static float OutputDeltaLinear(Span<float> a, ReadOnlySpan<float> x)
    {
        CheckLengths(a.Length, x.Length, "a", "x");
        var loop = new OutputDeltaLoop(a, x, throughSigmoid: false);
        VectorLoop.Run(ref loop);
        return loop.SquaredError;
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
