using System.Numerics;

namespace SparseAe.Kernels;

/// <summary>
/// The k largest of a row's values, as the TopK activation (Gao et al. 2024) and its AuxK term need.
/// </summary>
/// <remarks>
/// A min-heap of k indices over one pass: O(n log k), and k is small next to n (8-64 of 100-4,096);
/// once the heap is full most values fall below its root, and a vector compare skips them in blocks.
/// Ties go to the lower index, so the choice is a function of the values alone, the same on every CPU.
/// A NaN ranks below every number, so it is never chosen over one; training stops on the NaN cost it
/// causes anyway.
/// </remarks>
internal static class TopKSelection
{
    /// <summary>
    /// Writes into <paramref name="chosen"/> the indices of the min(k, count) largest values among
    /// <paramref name="values"/>[candidates[i]] (every index of values where <paramref name="candidates"/>
    /// is empty), in no particular order, and returns how many it wrote. chosen needs k entries.
    /// </summary>
    public static int Select(ReadOnlySpan<float> values, ReadOnlySpan<int> candidates, int k, Span<int> chosen)
    {
        int n = candidates.IsEmpty ? values.Length : candidates.Length;
        if (k <= 0) return 0;
        int size = 0, c = 0;
        for (; c < n && size < k; c++)
        {
            chosen[size] = candidates.IsEmpty ? c : candidates[c];
            SiftUp(values, chosen, size++);
        }
        if (c == n) return size;
        // The heap is full. Indices come in ascending order (the candidates are ascending, or all
        // indices in turn), so a later index beats the root only with a strictly larger value, never
        // on a tie: one comparison with the root's value decides, and whole vectors below it are
        // skipped at once. A NaN root (any number beats it) takes the general rule instead.
        float root = values[chosen[0]];
        if (candidates.IsEmpty && !float.IsNaN(root) && Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count;
            while (c + w <= n)
            {
                if (!Vector.GreaterThanAny(new Vector<float>(values.Slice(c, w)), new Vector<float>(root))) { c += w; continue; }
                for (int end = c + w; c < end; c++)
                    if (values[c] > root) root = Replace(values, chosen, k, c);
            }
        }
        for (; c < n; c++)
        {
            int index = candidates.IsEmpty ? c : candidates[c];
            if (float.IsNaN(root) ? Before(values, index, chosen[0]) : values[index] > root) root = Replace(values, chosen, k, index);
        }
        return size;
    }

    // Puts index in the root's place, restores the heap and returns the new root's value.
    private static float Replace(ReadOnlySpan<float> values, Span<int> heap, int size, int index)
    {
        heap[0] = index;
        SiftDown(values, heap, size);
        return values[heap[0]];
    }

    // True when index a ranks above b: a larger value, or an equal value at a lower index; a NaN ranks
    // below every number (and among NaNs, the lower index first).
    private static bool Before(ReadOnlySpan<float> v, int a, int b)
    {
        float x = v[a], y = v[b];
        if (float.IsNaN(x) || float.IsNaN(y)) return float.IsNaN(y) && (!float.IsNaN(x) || a < b);
        return x > y || (x == y && a < b);
    }

    // The heap keeps the lowest-ranked chosen index at its root.
    private static void SiftUp(ReadOnlySpan<float> v, Span<int> heap, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(v, heap[parent], heap[i])) break;
            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    private static void SiftDown(ReadOnlySpan<float> v, Span<int> heap, int size)
    {
        int i = 0;
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, lowest = i;
            if (left < size && Before(v, heap[lowest], heap[left])) lowest = left;
            if (right < size && Before(v, heap[lowest], heap[right])) lowest = right;
            if (lowest == i) return;
            (heap[lowest], heap[i]) = (heap[i], heap[lowest]);
            i = lowest;
        }
    }
}
