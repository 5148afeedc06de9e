using System.Numerics;
using System.Numerics.Tensors;

namespace SparseAe.Kernels;

/// <summary>Element-wise helpers that TensorPrimitives does not offer as one fused pass.</summary>
public static class VectorKernels
{
    /// <summary>d[i] *= a[i] * (1 - a[i]): the chain rule through a sigmoid whose output is a.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void MultiplySigmoidDerivative(Span<float> d, ReadOnlySpan<float> a)
    {
        if (a.Length != d.Length) throw new ArgumentException($"Lengths differ: d has {d.Length}, a has {a.Length}.");
        int w = Vector<float>.Count, i = 0;
        var one = Vector<float>.One;
        for (; i + w <= d.Length; i += w)
        {
            var av = new Vector<float>(a.Slice(i));
            (new Vector<float>(d.Slice(i)) * av * (one - av)).CopyTo(d.Slice(i));
        }
        for (; i < d.Length; i++) d[i] *= a[i] * (1 - a[i]);
    }

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

    /// <summary>
    /// Adds the column sums of X (rows by cols, row-major) to <paramref name="sums"/> in double,
    /// summing blocks of 256 rows in float first (so the float error is bounded by one block).
    /// The block sums run on the matrix micro-kernel as ones^T X, with no call per row.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<double> sums, Span<float> scratch)
    {
        const int block = 256;
        if (scratch.Length < cols) throw new ArgumentException($"scratch needs {cols} values but has {scratch.Length}.", nameof(scratch));
        float one = 1f;
        ref float rx = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float rs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(scratch);
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int n = Math.Min(block, rows - r0);
            scratch.Slice(0, cols).Clear();
            // A(0, t) = 1 for every t: a one-row "matrix" with zero strides.
            GemmMicroKernels.Run(ref one, 0, 0, ref System.Runtime.CompilerServices.Unsafe.Add(ref rx, r0 * cols), cols, ref rs, cols, 1, n, cols);
            for (int j = 0; j < cols; j++) sums[j] += scratch[j];
        }
    }

    /// <summary>Index of the first NaN or infinity in x, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x)
    {
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) return i;
        return -1;
    }

    /// <summary>
    /// Output-layer delta of the squared error through a sigmoid, fused: for each element
    /// e = a - x, returns sum e^2 (float per call, the caller keeps rows short) and overwrites
    /// a with e * a * (1 - a). a holds sigmoid outputs y, x the targets.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float OutputDelta(Span<float> a, ReadOnlySpan<float> x)
    {
        if (a.Length != x.Length) throw new ArgumentException($"Lengths differ: a has {a.Length}, x has {x.Length}.");
        int w = Vector<float>.Count, i = 0;
        var one = Vector<float>.One;
        var acc = Vector<float>.Zero;
        for (; i + w <= a.Length; i += w)
        {
            var av = new Vector<float>(a.Slice(i));
            var e = av - new Vector<float>(x.Slice(i));
            acc += e * e;
            (e * av * (one - av)).CopyTo(a.Slice(i));
        }
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++)
        {
            float e = a[i] - x[i];
            sum += e * e;
            a[i] = e * a[i] * (1 - a[i]);
        }
        return sum;
    }

    /// <summary>
    /// matrix[i, :] += row for every row i of a (rows, cols) row-major matrix: one call for a whole
    /// block, where a TensorPrimitives.Add per row would pay its call overhead rows times.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void AddToEachRow(Span<float> matrix, int rows, int cols, ReadOnlySpan<float> row)
    {
        if (row.Length != cols || matrix.Length < rows * cols)
            throw new ArgumentException($"A ({rows}, {cols}) matrix needs a row of {cols} values and {rows * cols} elements; got {row.Length} and {matrix.Length}.");
        int w = Vector<float>.Count;
        for (int i = 0; i < rows; i++)
        {
            var m = matrix.Slice(i * cols, cols);
            int j = 0;
            for (; j + w <= cols; j += w) (new Vector<float>(m.Slice(j)) + new Vector<float>(row.Slice(j))).CopyTo(m.Slice(j));
            for (; j < cols; j++) m[j] += row[j];
        }
    }

    /// <summary>
    /// Output delta of the squared error through a linear decoder: overwrites a with e = a - x and
    /// returns sum e^2 (float).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float OutputDeltaLinear(Span<float> a, ReadOnlySpan<float> x)
    {
        if (a.Length != x.Length) throw new ArgumentException($"Lengths differ: a has {a.Length}, x has {x.Length}.");
        TensorPrimitives.Subtract(a, x, a);
        return TensorPrimitives.SumOfSquares(a);
    }
}
