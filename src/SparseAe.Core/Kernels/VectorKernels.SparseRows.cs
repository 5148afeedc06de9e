using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

internal static partial class VectorKernels
{
    /// <summary>
    /// One sparse row times a matrix: z = bias + sum_k values[k] W[indices[k], :], with x the sparse
    /// row of nnz = indices.Length nonzeros, W (rows, stride) row-major (only its first z.Length
    /// columns are read), bias and z (N = z.Length). The encoder's product for a sparse input
    /// (z = x W1^T + b1 over the nonzero inputs' rows of W1^T), nnz x N multiply-adds instead of V x N.
    /// </summary>
    /// <remarks>
    /// Blocks of four vectors of z stay in registers while every nonzero's row segment is added
    /// (one chain per vector; with ~15 nonzeros the chains are short, and W's rows are read once each).
    /// The indices are not checked here (the callers check them once: <see cref="CheckSparseRow"/>);
    /// W's length is checked against the largest row a caller may name.
    /// </remarks>
    public static void SparseRowProduct(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> w, int stride,
        ReadOnlySpan<float> bias, Span<float> z)
    {
        CheckLengths(indices.Length, values.Length, "indices", "values");
        CheckLengths(bias.Length, z.Length, "bias", "z");
        if (stride < z.Length)
            throw new ArgumentException($"W's row stride must be at least N = {z.Length}, but is {stride}.", nameof(stride));
        // The furthest element read: the last column of the largest row named (memory safety; the
        // callers' CheckSparseRow gives the message about the row itself).
        int maxRow = 0;
        foreach (int i in indices)
        {
            if (i < 0) throw new ArgumentOutOfRangeException(nameof(indices), i, $"A sparse row's index is {i}; indices must not be negative.");
            maxRow = Math.Max(maxRow, i);
        }
        if (indices.Length > 0 && (long)maxRow * stride + z.Length > w.Length)
            throw new ArgumentException($"W holds {w.Length} values, but row {maxRow} of stride {stride} needs {(long)maxRow * stride + z.Length}.", nameof(w));
        var loop = new SparseRowLoop(indices, values, w, stride, bias, z);
        VectorLoop.Run(ref loop);
    }

    /// <summary>
    /// The rules of a sparse row of a <paramref name="length"/>-value vector: as many indices as values,
    /// indices strictly ascending within [0, length). Throws naming <paramref name="what"/>, the rule and the value.
    /// </summary>
    public static void CheckSparseRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int length, string what)
    {
        if (FindSparseRowFault(indices, values, length) is { } fault) throw fault.ToException(what);
    }

    /// <summary>
    /// The first rule of <see cref="CheckSparseRow"/> that the row breaks, or null. For callers that name
    /// the row with a formatted string: they format it only when the row is refused, not for every row.
    /// </summary>
    public static SparseRowFault? FindSparseRowFault(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int length)
    {
        if (indices.Length != values.Length) return new SparseRowFault(SparseRowRule.OneIndexPerValue, length, indices.Length, values.Length);
        if (indices.Length > length) return new SparseRowFault(SparseRowRule.AtMostLength, length, indices.Length, 0);
        int previous = -1;
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            if ((uint)i >= (uint)length) return new SparseRowFault(SparseRowRule.InRange, length, k, i);
            if (i <= previous) return new SparseRowFault(SparseRowRule.Ascending, length, k, i, previous);
            previous = i;
        }
        return null;
    }

    private readonly ref struct SparseRowLoop(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> w, int stride,
        ReadOnlySpan<float> bias, Span<float> z) : IVectorLoop
    {
        private readonly ReadOnlySpan<int> _indices = indices;
        private readonly ReadOnlySpan<float> _values = values, _w = w, _bias = bias;
        private readonly Span<float> _z = z;
        private readonly int _stride = stride;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            int nnz = _indices.Length;
            nint n = _z.Length, j = start, vw = TO.Count, stride = _stride;
            ref int ri = ref MemoryMarshal.GetReference(_indices);
            ref float rv = ref MemoryMarshal.GetReference(_values);
            ref float rw = ref MemoryMarshal.GetReference(_w);
            ref float rb = ref MemoryMarshal.GetReference(_bias);
            ref float rz = ref MemoryMarshal.GetReference(_z);
            for (; j + 4 * vw <= n; j += 4 * vw)
            {
                TV s0 = TO.Load(ref rb, j), s1 = TO.Load(ref rb, j + vw), s2 = TO.Load(ref rb, j + 2 * vw), s3 = TO.Load(ref rb, j + 3 * vw);
                for (int k = 0; k < nnz; k++)
                {
                    TV xk = TO.Splat(Unsafe.Add(ref rv, k));
                    ref float row = ref Unsafe.Add(ref rw, Unsafe.Add(ref ri, k) * stride + j);
                    s0 = TO.MultiplyAdd(xk, TO.Load(ref row, 0), s0);
                    s1 = TO.MultiplyAdd(xk, TO.Load(ref row, vw), s1);
                    s2 = TO.MultiplyAdd(xk, TO.Load(ref row, 2 * vw), s2);
                    s3 = TO.MultiplyAdd(xk, TO.Load(ref row, 3 * vw), s3);
                }
                TO.Store(s0, ref rz, j); TO.Store(s1, ref rz, j + vw); TO.Store(s2, ref rz, j + 2 * vw); TO.Store(s3, ref rz, j + 3 * vw);
            }
            for (; j + vw <= n; j += vw)
            {
                TV s = TO.Load(ref rb, j);
                for (int k = 0; k < nnz; k++)
                    s = TO.MultiplyAdd(TO.Splat(Unsafe.Add(ref rv, k)), TO.Load(ref rw, Unsafe.Add(ref ri, k) * stride + j), s);
                TO.Store(s, ref rz, j);
            }
            return j;
        }
    }
}
