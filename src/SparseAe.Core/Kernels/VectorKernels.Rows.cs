using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SparseAe.Kernels.Simd;

namespace SparseAe.Kernels;

internal static partial class VectorKernels
{
    /// <summary>
    /// matrix[i, :] += row for every row i of a (rows, cols) row-major matrix: one call for a whole
    /// block, where a TensorPrimitives.Add per row would pay its call overhead rows times.
    /// </summary>
    public static void AddToEachRow(Span<float> matrix, int rows, int cols, ReadOnlySpan<float> row)
    {
        CheckRowShape(matrix.Length, rows, cols, row.Length);
        for (int i = 0; i < rows; i++)
        {
            var target = matrix.Slice(i * cols, cols);
            var loop = new BinaryLoop<AddOperator>(target, row, target);
            VectorLoop.Run(ref loop);
        }
    }

    /// <summary>
    /// Adds the column sums of X (rows by cols, row-major) to <paramref name="sums"/> in double,
    /// summing blocks of 256 rows in float first (so the float error is bounded by one block).
    /// </summary>
    /// <remarks>
    /// Within a block, four float accumulators per column vector take rows i, i+1, i+2, i+3 (four
    /// independent chains keep the adds pipelined), combined as (s0 + s1) + (s2 + s3). Every column is
    /// summed in the same order at every width, so the sums are the same bits on any path.
    /// </remarks>
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<double> sums)
    {
        if (rows < 0 || cols < 0 || x.Length < (long)rows * cols || sums.Length < cols)
            throw new ArgumentException($"A ({rows}, {cols}) matrix needs {(long)rows * cols} values and {cols} sums; got {x.Length} and {sums.Length}.");
        const int block = 256;
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int n = Math.Min(block, rows - r0);
            var loop = new ColumnSumLoop(x.Slice(r0 * cols, n * cols), n, cols, sums);
            VectorLoop.Run(ref loop);
        }
    }

    internal static void CheckRowShape(int length, int rows, int cols, int rowLength)
    {
        if (rows < 0 || cols < 0 || rowLength != cols || length < (long)rows * cols)
            throw new ArgumentException($"A ({rows}, {cols}) matrix needs a row of {cols} values and {(long)rows * cols} elements; got {rowLength} and {length}.");
    }

    private readonly struct AddOperator : IBinaryOperator
    {
        public static TV Apply<TO, TV>(TV x, TV y) where TO : struct, IFloatVector<TV> where TV : struct => TO.Add(x, y);
    }

    [SkipLocalsInit]
    private readonly ref struct ColumnSumLoop(ReadOnlySpan<float> x, int rows, int cols, Span<double> sums) : IVectorLoop
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly Span<double> _sums = sums;
        private readonly int _rows = rows, _cols = cols;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float rx = ref MemoryMarshal.GetReference(_x);
            Span<float> lanes = stackalloc float[64];
            nint j = start, w = TO.Count, cols = _cols;
            for (; j + w <= cols; j += w)
            {
                TV s0 = TO.Splat(0f), s1 = s0, s2 = s0, s3 = s0;
                ref float column = ref Unsafe.Add(ref rx, j);
                int i = 0;
                for (; i + 4 <= _rows; i += 4)
                {
                    ref float r = ref Unsafe.Add(ref column, i * cols);
                    s0 = TO.Add(s0, TO.Load(ref r, 0));
                    s1 = TO.Add(s1, TO.Load(ref r, cols));
                    s2 = TO.Add(s2, TO.Load(ref r, 2 * cols));
                    s3 = TO.Add(s3, TO.Load(ref r, 3 * cols));
                }
                for (; i < _rows; i++) s0 = TO.Add(s0, TO.Load(ref column, i * cols));
                TO.Store(TO.Add(TO.Add(s0, s1), TO.Add(s2, s3)), ref lanes[0], 0);
                for (int k = 0; k < w; k++) _sums[(int)j + k] += lanes[k];
            }
            return j;
        }
    }
}
