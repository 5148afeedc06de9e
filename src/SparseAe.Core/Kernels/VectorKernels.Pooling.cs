using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

internal static partial class VectorKernels
{
    /// <summary>
    /// Pools one position's soft-threshold features (Coates and Ng 2011, with the polarity split):
    /// positive[j] += max(0, z[j] - alpha) and negative[j] += max(0, -z[j] - alpha), in one pass over z.
    /// </summary>
    /// <remarks>
    /// Seven TensorPrimitives calls per position did the same through a scratch row (441 positions x
    /// 400 units per Fashion-MNIST image); one pass reads z once and each pooled row once.
    /// </remarks>
    public static void AddSoftThreshold(ReadOnlySpan<float> z, float alpha, Span<float> positive, Span<float> negative)
    {
        CheckLengths(z.Length, positive.Length, "z", "positive");
        CheckLengths(z.Length, negative.Length, "z", "negative");
        var loop = new SoftThresholdLoop(z, alpha, positive, negative);
        VectorLoop.Run(ref loop);
    }

    private readonly ref struct SoftThresholdLoop(ReadOnlySpan<float> z, float alpha, Span<float> positive, Span<float> negative) : IVectorLoop
    {
        private readonly ReadOnlySpan<float> _z = z;
        private readonly Span<float> _positive = positive, _negative = negative;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float rz = ref MemoryMarshal.GetReference(_z);
            ref float rp = ref MemoryMarshal.GetReference(_positive);
            ref float rn = ref MemoryMarshal.GetReference(_negative);
            TV a = TO.Splat(alpha), zero = TO.Splat(0f);
            nint i = start, w = TO.Count;
            for (; i + w <= _z.Length; i += w)
            {
                TV v = TO.Load(ref rz, i);
                TO.Store(TO.Add(TO.Load(ref rp, i), TO.Max(TO.Subtract(v, a), zero)), ref rp, i);
                TO.Store(TO.Add(TO.Load(ref rn, i), TO.Max(TO.Subtract(TO.Subtract(zero, v), a), zero)), ref rn, i);
            }
            return i;
        }
    }
}
