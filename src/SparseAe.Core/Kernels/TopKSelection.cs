using System.Numerics;
using System.Numerics.Tensors;

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
        if (candidates.IsEmpty && k <= MaxFastK && n >= 2 * k && SelectFromSegmentMaxima(values, k, chosen)) return k;
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
        if (!float.IsNaN(root) && k <= MaxFastK)
        {
            // No NaN is in the heap (it would rank lowest, at the root): the heap carries its values
            // beside its indices, so sifting compares floats in place instead of looking them up.
            Span<float> heapValues = stackalloc float[k];
            for (int t = 0; t < k; t++) heapValues[t] = values[chosen[t]];
            if (candidates.IsEmpty && Vector.IsHardwareAccelerated)
            {
                int w = Vector<float>.Count;
                for (; c + w <= n; c += w)
                {
                    if (!Vector.GreaterThanAny(new Vector<float>(values.Slice(c, w)), new Vector<float>(root))) continue;
                    for (int t = c; t < c + w; t++)
                        if (values[t] > root) root = Replace(heapValues, chosen, k, values[t], t);
                }
            }
            for (; c < n; c++)
            {
                int index = candidates.IsEmpty ? c : candidates[c];
                if (values[index] > root) root = Replace(heapValues, chosen, k, values[index], index);
            }
            return size;
        }
        for (; c < n; c++)
        {
            int index = candidates.IsEmpty ? c : candidates[c];
            if (float.IsNaN(root) ? Before(values, index, chosen[0]) : values[index] > root) root = Replace(values, chosen, k, index);
        }
        return size;
    }

    /// <summary>
    /// The k best of all n values, started from a high threshold: the heap begins with the largest value
    /// of each of k equal segments (k values, so the k-th best is at least their minimum, which for
    /// random rows sits near the final threshold), then every other value is compared with the root,
    /// whole vectors at a time. In a scan from the first value the threshold starts low and climbs, and
    /// its many early replacements are the cost (measured on Zen 3 at 32 of 4,096: 11 us a row for
    /// rows that differ, as training's do). False when a segment holds a NaN (the general rule then runs).
    /// </summary>
    private static bool SelectFromSegmentMaxima(ReadOnlySpan<float> values, int k, Span<int> chosen)
    {
        int n = values.Length, segment = n / k;
        Span<float> heapValues = stackalloc float[k];
        Span<int> own = stackalloc int[k];   // each segment's maximum, which its scan must not add again
        for (int s = 0; s < k; s++)
        {
            int start = s * segment, length = s == k - 1 ? n - start : segment;
            int best = start + TensorPrimitives.IndexOfMax(values.Slice(start, length));
            if (float.IsNaN(values[best])) return false;
            chosen[s] = own[s] = best;
            heapValues[s] = values[best];
        }
        for (int i = k / 2 - 1; i >= 0; i--) SiftDown(heapValues, chosen, k, i);
        float root = heapValues[0];
        int w = Vector<float>.Count;
        for (int s = 0; s < k; s++)
        {
            // An index enters only by ranking above the root, which only climbs: a segment maximum that
            // left the heap cannot come back, and one still in it is skipped, so no index is held twice.
            int start = s * segment, end = s == k - 1 ? n : start + segment, c = start;
            if (Vector.IsHardwareAccelerated)
                for (; c + w <= end; c += w)
                {
                    if (!Vector.GreaterThanOrEqualAny(new Vector<float>(values.Slice(c, w)), new Vector<float>(root))) continue;
                    for (int t = c; t < c + w; t++)
                        if (t != own[s] && Above(values[t], t, root, chosen[0])) root = Replace(heapValues, chosen, k, values[t], t);
                }
            for (; c < end; c++)
                if (c != own[s] && Above(values[c], c, root, chosen[0])) root = Replace(heapValues, chosen, k, values[c], c);
        }
        return true;
    }

    // (value, index) ranks above the root's: a larger value, or an equal one at a lower index (false for NaN).
    private static bool Above(float value, int index, float root, int rootIndex) => value > root || (value == root && index < rootIndex);

    // The most latents the value-carrying heap takes (its values live on the stack).
    private const int MaxFastK = 512;

    // The value-carrying heap: puts (value, index) in the root's place, restores the heap and returns
    // the new root's value. A pair ranks lower with a smaller value, or an equal one at a higher index.
    private static float Replace(Span<float> heapValues, Span<int> heap, int size, float value, int index)
    {
        heapValues[0] = value;
        heap[0] = index;
        SiftDown(heapValues, heap, size, 0);
        return heapValues[0];
    }

    private static void SiftDown(Span<float> heapValues, Span<int> heap, int size, int i)
    {
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size) return;
            if (child + 1 < size && Lower(heapValues[child + 1], heap[child + 1], heapValues[child], heap[child])) child++;
            if (!Lower(heapValues[child], heap[child], heapValues[i], heap[i])) return;
            (heapValues[child], heapValues[i]) = (heapValues[i], heapValues[child]);
            (heap[child], heap[i]) = (heap[i], heap[child]);
            i = child;
        }
    }

    private static bool Lower(float a, int indexA, float b, int indexB) => a < b || (a == b && indexA > indexB);

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
