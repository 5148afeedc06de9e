using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SparseAe.Kernels;

/// <summary>
/// Dense float32 matrix products for the autoencoder's shapes (K and N are tens to thousands,
/// M is a batch of rows). All matrices are row-major and given as spans with their sizes.
/// </summary>
/// <remarks>
/// Both products run on <see cref="GemmMicroKernels"/>. The tests check every kernel against naive
/// triple loops (MatrixKernelTests).
/// </remarks>
internal static class MatrixKernels
{
    /// <summary>C = A B (or C += A B when <paramref name="accumulate"/>). A is (M,K), B is (K,N), C is (M,N).</summary>
    public static void MultiplyAB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
        => MultiplyAB(a, k, b, n, c, n, m, k, n, accumulate, default);

    /// <summary>C = A^T B (or C += A^T B). A is (M,K), B is (M,N), C is (K,N): C[p,j] = sum_i A[i,p] B[i,j].</summary>
    public static void MultiplyAtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
        => MultiplyAtB(a, k, b, n, c, n, m, k, n, accumulate);

    /// <summary>
    /// C += A B, or C = A B (+ 1 bias^T), on row-major matrices with row strides <paramref name="lda"/>,
    /// <paramref name="ldb"/>, <paramref name="ldc"/> (at least their column counts): A is (M,K), B is (K,N), C is (M,N).
    /// A bias with <paramref name="accumulate"/> is refused: the tiles start from C there, and the bias would be dropped.
    /// </summary>
    internal static void MultiplyAB(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int k, int n, bool accumulate, ReadOnlySpan<float> rowBias)
    {
        CheckShape(a.Length, m, k, lda, "A");
        CheckShape(b.Length, k, n, ldb, "B");
        CheckShape(c.Length, m, n, ldc, "C");
        CheckApart(a, b, c);
        if (!rowBias.IsEmpty && rowBias.Length < n)
            throw new ArgumentException($"The bias row needs {n} values but has {rowBias.Length}.", nameof(rowBias));
        if (!rowBias.IsEmpty && accumulate)
            throw new ArgumentException("A bias row is added only where C = A B is written (accumulate false); C += A B starts from C and would drop it.", nameof(rowBias));
        // C[i, j] (+)= sum_p A[i, p] B[p, j]: A(i, p) = a[i*lda + p]. B (K x N) stays in L1/L2 for our K.
        GemmMicroKernels.Run(ref MemoryMarshal.GetReference(a), lda, 1, ref MemoryMarshal.GetReference(b), ldb,
            ref MemoryMarshal.GetReference(c), ldc, m, k, n, accumulate, rowBias);
    }

    /// <summary>C (+)= A^T B with row strides: A is (M,K), B is (M,N), C is (K,N).</summary>
    internal static void MultiplyAtB(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int k, int n, bool accumulate)
    {
        CheckShape(a.Length, m, k, lda, "A");
        CheckShape(b.Length, m, n, ldb, "B");
        CheckShape(c.Length, k, n, ldc, "C");
        CheckApart(a, b, c);
        if (m == 0 && !accumulate && n > 0)
            for (int p = 0; p < k; p++) c.Slice(p * ldc, n).Clear();
        // C[p, j] (+)= sum_i A[i, p] B[i, j]: A(p, i) = a[i*lda + p]. Rows of A and B are taken in blocks
        // that stay in cache while the whole of C (K x N) is updated from them.
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        const int block = 128;
        for (int i0 = 0; i0 < m; i0 += block)
        {
            int rows = Math.Min(block, m - i0);
            GemmMicroKernels.Run(ref Unsafe.Add(ref ra, (nint)i0 * lda), 1, lda, ref Unsafe.Add(ref rb, (nint)i0 * ldb), ldb,
                ref rc, ldc, k, rows, n, accumulate || i0 > 0);
        }
    }

    /// <summary>B = A^T. A is (M,N), B is (N,M).</summary>
    public static void Transpose(ReadOnlySpan<float> a, Span<float> b, int m, int n) => Transpose(a, b, m, n, m);

    /// <summary>B = A^T with B's row stride <paramref name="ldb"/> (at least M): A is (M,N), B is (N,M).</summary>
    internal static void Transpose(ReadOnlySpan<float> a, Span<float> b, int m, int n, int ldb)
    {
        CheckShape(a.Length, m, n, n, "A");
        CheckShape(b.Length, n, m, ldb, "B");
        CheckApart(a, default, b);
        // In 32 x 32 tiles through a 4 KB scratch: a tile's rows of A are read whole into the scratch,
        // transposed there, and its rows go out whole into B. Transposing straight from A into B strides
        // through 32 rows of one of them at once, and when the row length is a multiple of 4 KB (V = 8,192:
        // 32 KB) those rows all fall in the same L1 set, which holds 8-12 lines: measured on Zen 5 for
        // 512 x 8,192 and back, 10.5 and 25 ms direct, 5.0 and 4.7 ms through the scratch. Each of A's and
        // B's lines is touched once; the scratch stays in L1.
        const int tile = 32;
        Span<float> scratch = stackalloc float[tile * tile];
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rs = ref MemoryMarshal.GetReference(scratch);
        for (int i0 = 0; i0 < m; i0 += tile)
        {
            int rows = Math.Min(tile, m - i0);
            for (int j0 = 0; j0 < n; j0 += tile)
            {
                int columns = Math.Min(tile, n - j0);
                for (int i = 0; i < rows; i++)   // scratch[j, i] = A[i0 + i, j0 + j]
                {
                    ref float source = ref Unsafe.Add(ref ra, (nint)(i0 + i) * n + j0);
                    for (int j = 0; j < columns; j++) Unsafe.Add(ref rs, j * tile + i) = Unsafe.Add(ref source, j);
                }
                for (int j = 0; j < columns; j++)   // B[j0 + j, i0 ..] = scratch[j, ..]
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref rs, j * tile), rows)
                        .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref rb, (nint)(j0 + j) * ldb + i0), rows));
            }
        }
    }

    private static void CheckShape(int actual, long expected, string name)
    {
        if (actual < expected)
            throw new ArgumentException($"Matrix {name} needs {expected} elements for the given shape but has {actual}.", name);
    }

    // The output is written while the inputs are still read, so one that shares memory with an input
    // would read its own partial results: wrong values, without a word.
    private static void CheckApart(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        if (c.Overlaps(a) || c.Overlaps(b))
            throw new ArgumentException($"The output matrix overlaps {(c.Overlaps(a) ? "the first" : "the second")} input; a product or transpose needs its output in memory of its own.", "c");
    }

    // A (rows, cols) matrix with row stride ld needs (rows - 1) ld + cols elements.
    private static void CheckShape(int actual, int rows, int cols, int ld, string name)
    {
        if (rows < 0 || cols < 0 || ld < cols)
            throw new ArgumentException($"Matrix {name}: a ({rows}, {cols}) shape with row stride {ld} is not valid; the stride must be at least the column count.", name);
        CheckShape(actual, rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols, name);
    }
}
