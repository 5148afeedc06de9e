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
public static class MatrixKernels
{
    /// <summary>C = A B (or C += A B when <paramref name="accumulate"/>). A is (M,K), B is (K,N), C is (M,N).</summary>
    public static void MultiplyAB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShape(a.Length, (long)m * k, "A");
        CheckShape(b.Length, (long)k * n, "B");
        CheckShape(c.Length, (long)m * n, "C");
        if (!accumulate) c.Slice(0, m * n).Clear();
        if (m == 0 || n == 0 || k == 0) return;
        // C[i, j] += sum_p A[i, p] B[p, j]: A(i, p) = a[i*K + p]. B (K x N) stays in L1/L2 for our K.
        GemmMicroKernels.Run(ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), n,
            ref MemoryMarshal.GetReference(c), n, m, k, n);
    }

    /// <summary>C = A^T B (or C += A^T B). A is (M,K), B is (M,N), C is (K,N): C[p,j] = sum_i A[i,p] B[i,j].</summary>
    public static void MultiplyAtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShape(a.Length, (long)m * k, "A");
        CheckShape(b.Length, (long)m * n, "B");
        CheckShape(c.Length, (long)k * n, "C");
        if (!accumulate) c.Slice(0, k * n).Clear();
        if (m == 0 || n == 0 || k == 0) return;
        // C[p, j] += sum_i A[i, p] B[i, j]: A(p, i) = a[i*K + p]. Rows of A and B are taken in blocks
        // that stay in cache while the whole of C (K x N) is updated from them.
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        const int block = 128;
        for (int i0 = 0; i0 < m; i0 += block)
        {
            int rows = Math.Min(block, m - i0);
            GemmMicroKernels.Run(ref Unsafe.Add(ref ra, i0 * k), 1, k, ref Unsafe.Add(ref rb, i0 * n), n, ref rc, n, k, rows, n);
        }
    }

    /// <summary>B = A^T. A is (M,N), B is (N,M).</summary>
    public static void Transpose(ReadOnlySpan<float> a, Span<float> b, int m, int n)
    {
        CheckShape(a.Length, (long)m * n, "A");
        CheckShape(b.Length, (long)m * n, "B");
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                b[j * m + i] = a[i * n + j];
    }

    private static void CheckShape(int actual, long expected, string name)
    {
        if (actual < expected)
            throw new ArgumentException($"Matrix {name} needs {expected} elements for the given shape but has {actual}.", name);
    }
}
