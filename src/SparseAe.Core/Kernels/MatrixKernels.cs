using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SparseAe.Kernels;

/// <summary>
/// Dense float32 matrix products for the autoencoder's shapes (K and N are tens to thousands,
/// M is a batch of rows). All matrices are row-major and given as spans with their sizes.
/// </summary>
/// <remarks>
/// Register tiling: four rows of C share each load of a B vector, so the inner loop does four FMAs
/// per load. The tests check every kernel against naive triple loops (MatrixKernelTests).
/// </remarks>
public static class MatrixKernels
{
    /// <summary>C = A B (or C += A B when <paramref name="accumulate"/>). A is (M,K), B is (K,N), C is (M,N).</summary>
    public static void MultiplyAB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShape(a.Length, (long)m * k, "A");
        CheckShape(b.Length, (long)k * n, "B");
        CheckShape(c.Length, (long)m * n, "C");
        if (!accumulate) c.Clear();
        if (m == 0 || n == 0 || k == 0) return;

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        int w = Vector<float>.Count;
        int nv = n - n % w;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            ref float a0 = ref Unsafe.Add(ref ra, i * k);
            ref float a1 = ref Unsafe.Add(ref a0, k);
            ref float a2 = ref Unsafe.Add(ref a1, k);
            ref float a3 = ref Unsafe.Add(ref a2, k);
            ref float c0 = ref Unsafe.Add(ref rc, i * n);
            ref float c1 = ref Unsafe.Add(ref c0, n);
            ref float c2 = ref Unsafe.Add(ref c1, n);
            ref float c3 = ref Unsafe.Add(ref c2, n);
            for (int j = 0; j < nv; j += w)
            {
                var s0 = LoadV(ref c0, j); var s1 = LoadV(ref c1, j);
                var s2 = LoadV(ref c2, j); var s3 = LoadV(ref c3, j);
                for (int p = 0; p < k; p++)
                {
                    var bv = LoadV(ref rb, p * n + j);
                    s0 += new Vector<float>(Unsafe.Add(ref a0, p)) * bv;
                    s1 += new Vector<float>(Unsafe.Add(ref a1, p)) * bv;
                    s2 += new Vector<float>(Unsafe.Add(ref a2, p)) * bv;
                    s3 += new Vector<float>(Unsafe.Add(ref a3, p)) * bv;
                }
                StoreV(s0, ref c0, j); StoreV(s1, ref c1, j);
                StoreV(s2, ref c2, j); StoreV(s3, ref c3, j);
            }
            for (int j = nv; j < n; j++)
            {
                float s0 = Unsafe.Add(ref c0, j), s1 = Unsafe.Add(ref c1, j), s2 = Unsafe.Add(ref c2, j), s3 = Unsafe.Add(ref c3, j);
                for (int p = 0; p < k; p++)
                {
                    float bv = Unsafe.Add(ref rb, p * n + j);
                    s0 += Unsafe.Add(ref a0, p) * bv; s1 += Unsafe.Add(ref a1, p) * bv;
                    s2 += Unsafe.Add(ref a2, p) * bv; s3 += Unsafe.Add(ref a3, p) * bv;
                }
                Unsafe.Add(ref c0, j) = s0; Unsafe.Add(ref c1, j) = s1;
                Unsafe.Add(ref c2, j) = s2; Unsafe.Add(ref c3, j) = s3;
            }
        }
        for (; i < m; i++)
        {
            ref float a0 = ref Unsafe.Add(ref ra, i * k);
            ref float c0 = ref Unsafe.Add(ref rc, i * n);
            for (int j = 0; j < nv; j += w)
            {
                var s0 = LoadV(ref c0, j);
                for (int p = 0; p < k; p++)
                    s0 += new Vector<float>(Unsafe.Add(ref a0, p)) * LoadV(ref rb, p * n + j);
                StoreV(s0, ref c0, j);
            }
            for (int j = nv; j < n; j++)
            {
                float s0 = Unsafe.Add(ref c0, j);
                for (int p = 0; p < k; p++) s0 += Unsafe.Add(ref a0, p) * Unsafe.Add(ref rb, p * n + j);
                Unsafe.Add(ref c0, j) = s0;
            }
        }
    }

    /// <summary>C = A^T B (or C += A^T B). A is (M,K), B is (M,N), C is (K,N): C[p,j] = sum_i A[i,p] B[i,j].</summary>
    public static void MultiplyAtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShape(a.Length, (long)m * k, "A");
        CheckShape(b.Length, (long)m * n, "B");
        CheckShape(c.Length, (long)k * n, "C");
        if (!accumulate) c.Clear();
        if (m == 0 || n == 0 || k == 0) return;

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float rc = ref MemoryMarshal.GetReference(c);
        int w = Vector<float>.Count;
        int nv = n - n % w;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            ref float c0 = ref Unsafe.Add(ref rc, p * n);
            ref float c1 = ref Unsafe.Add(ref c0, n);
            ref float c2 = ref Unsafe.Add(ref c1, n);
            ref float c3 = ref Unsafe.Add(ref c2, n);
            for (int j = 0; j < nv; j += w)
            {
                var s0 = LoadV(ref c0, j); var s1 = LoadV(ref c1, j);
                var s2 = LoadV(ref c2, j); var s3 = LoadV(ref c3, j);
                for (int i = 0; i < m; i++)
                {
                    var bv = LoadV(ref rb, i * n + j);
                    ref float ai = ref Unsafe.Add(ref ra, i * k + p);
                    s0 += new Vector<float>(ai) * bv;
                    s1 += new Vector<float>(Unsafe.Add(ref ai, 1)) * bv;
                    s2 += new Vector<float>(Unsafe.Add(ref ai, 2)) * bv;
                    s3 += new Vector<float>(Unsafe.Add(ref ai, 3)) * bv;
                }
                StoreV(s0, ref c0, j); StoreV(s1, ref c1, j);
                StoreV(s2, ref c2, j); StoreV(s3, ref c3, j);
            }
            for (int j = nv; j < n; j++)
            {
                float s0 = Unsafe.Add(ref c0, j), s1 = Unsafe.Add(ref c1, j), s2 = Unsafe.Add(ref c2, j), s3 = Unsafe.Add(ref c3, j);
                for (int i = 0; i < m; i++)
                {
                    float bv = Unsafe.Add(ref rb, i * n + j);
                    ref float ai = ref Unsafe.Add(ref ra, i * k + p);
                    s0 += ai * bv; s1 += Unsafe.Add(ref ai, 1) * bv;
                    s2 += Unsafe.Add(ref ai, 2) * bv; s3 += Unsafe.Add(ref ai, 3) * bv;
                }
                Unsafe.Add(ref c0, j) = s0; Unsafe.Add(ref c1, j) = s1;
                Unsafe.Add(ref c2, j) = s2; Unsafe.Add(ref c3, j) = s3;
            }
        }
        for (; p < k; p++)
        {
            ref float c0 = ref Unsafe.Add(ref rc, p * n);
            for (int j = 0; j < nv; j += w)
            {
                var s0 = LoadV(ref c0, j);
                for (int i = 0; i < m; i++)
                    s0 += new Vector<float>(Unsafe.Add(ref ra, i * k + p)) * LoadV(ref rb, i * n + j);
                StoreV(s0, ref c0, j);
            }
            for (int j = nv; j < n; j++)
            {
                float s0 = Unsafe.Add(ref c0, j);
                for (int i = 0; i < m; i++) s0 += Unsafe.Add(ref ra, i * k + p) * Unsafe.Add(ref rb, i * n + j);
                Unsafe.Add(ref c0, j) = s0;
            }
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> LoadV(ref float r, int offset) => Vector.LoadUnsafe(ref r, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreV(Vector<float> v, ref float r, int offset) => v.StoreUnsafe(ref r, (nuint)offset);

    private static void CheckShape(int actual, long expected, string name)
    {
        if (actual < expected)
            throw new ArgumentException($"Matrix {name} needs {expected} elements for the given shape but has {actual}.", name);
    }
}
