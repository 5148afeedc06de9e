using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;
using SparseAe.Threading;

namespace SparseAe.Kernels;

/// <summary>
/// Element-wise and row/column kernels of the objective and the encoder that TensorPrimitives does
/// not offer as one pass, or offers slower (the sigmoid: see VectorKernels.Sigmoid.cs). Each is
/// written once over <see cref="IFloatVector{TV}"/> and runs at every accelerated width, then on
/// plain floats (<see cref="VectorLoop"/>); the tests check every path against naive loops.
/// </summary>
internal static partial class VectorKernels
{
    /// <summary>
    /// sum_i x[i]^2 accumulated in double: float partial sums over blocks of 256 keep the vectorised
    /// speed while bounding the float rounding error to one block.
    /// </summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        const int block = 256;
        double total = 0;
        for (int i = 0; i < x.Length; i += block)
            total += TensorPrimitives.SumOfSquares(x.Slice(i, Math.Min(block, x.Length - i)));
        return total;
    }

    /// <summary>Index of the first NaN or infinity in x, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x)
    {
        var loop = new FiniteLoop(x);
        VectorLoop.Run(ref loop);
        return loop.Found;
    }

    /// <summary>
    /// <see cref="IndexOfNonFinite(ReadOnlySpan{float})"/> of a long array searched by the pool's threads,
    /// a range each (<see cref="ParallelRanges"/>): the same answer, the first such index.
    /// </summary>
    public static int IndexOfNonFinite(float[] x, WorkerPool? pool)
    {
        int first = int.MaxValue;
        ParallelRanges.Run(pool, x.Length, (start, end) =>
        {
            int found = IndexOfNonFinite(x.AsSpan(start, end - start));
            if (found < 0) return;
            int index = start + found, seen;
            while (index < (seen = Volatile.Read(ref first)) && Interlocked.CompareExchange(ref first, index, seen) != seen) { }
        });
        return first == int.MaxValue ? -1 : first;
    }

    private ref struct FiniteLoop(ReadOnlySpan<float> x) : IVectorLoop
    {
        private readonly ReadOnlySpan<float> _x = x;
        public int Found = -1;

        // A vector with a non-finite lane is searched lane by lane for the first one.
        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            if (Found >= 0) return _x.Length;
            ref float rx = ref MemoryMarshal.GetReference(_x);
            nint i = start, w = TO.Count;
            for (; i + w <= _x.Length; i += w)
            {
                if (TO.AllFinite(TO.Load(ref rx, i))) continue;
                for (nint k = i; ; k++)
                    if (!float.IsFinite(Unsafe.Add(ref rx, k))) { Found = (int)k; return _x.Length; }
            }
            return i;
        }
    }

    internal static void CheckLengths(int a, int b, string nameA, string nameB)
    {
        if (a != b) throw new ArgumentException($"Lengths differ: {nameA} has {a}, {nameB} has {b}.");
    }
}
