using SparseAe.Kernels;
using Xunit;

namespace SparseAe.Core.Tests;

public class TopKSelectionTests
{
    /// <summary>
    /// The naive answer: the candidates (every index where there are none) sorted by value, largest
    /// first, ties to the lower index; the first min(k, count) of them, as a sorted set.
    /// </summary>
    private static int[] Naive(float[] values, int[] candidates, int k)
    {
        var pool = candidates.Length == 0 ? Enumerable.Range(0, values.Length).ToArray() : candidates;
        return pool.OrderByDescending(i => values[i]).ThenBy(i => i).Take(Math.Max(0, k)).OrderBy(i => i).ToArray();
    }

    /// <summary>TopKSelection.Select with a k-entry buffer; the indices it wrote, sorted.</summary>
    private static int[] Select(float[] values, int[] candidates, int k)
    {
        var chosen = new int[Math.Max(k, 0)];
        int count = TopKSelection.Select(values, candidates, k, chosen);
        int pool = candidates.Length == 0 ? values.Length : candidates.Length;
        Assert.Equal(Math.Min(Math.Max(k, 0), pool), count);
        return chosen.Take(count).OrderBy(i => i).ToArray();
    }

    [Theory]
    [InlineData(100, 1)]
    [InlineData(100, 8)]
    [InlineData(4096, 32)]
    [InlineData(4097, 32)]
    [InlineData(4096, 600)]
    [InlineData(1300, 650)]
    public void Wide_rows_match_a_naive_sort_whatever_their_order(int n, int k)
    {
        // Wide rows take the segment-maxima start; ascending, descending and tied rows are its hard cases.
        var rng = new Random(n + k);
        var random = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var tied = Enumerable.Range(0, n).Select(_ => (float)rng.Next(5)).ToArray();
        var withNaN = (float[])random.Clone();
        withNaN[n / 3] = float.NaN;
        foreach (var values in new[] { random, random.Order().ToArray(), random.OrderDescending().ToArray(), tied, withNaN })
            Assert.Equal(Naive(values, [], k), Select(values, [], k));
    }

    [Fact]
    public void Select_matches_a_naive_sort_on_random_values_with_ties()
    {
        var rng = new Random(17);
        // Few distinct values, so ties straddle the k-th place often.
        float[] levels = [-2f, -0.5f, 0f, 0.25f, 0.25f, 1f, 3f];
        for (int trial = 0; trial < 3000; trial++)
        {
            int n = rng.Next(1, 41);
            var values = new float[n];
            for (int i = 0; i < n; i++)
                values[i] = rng.Next(3) == 0 ? (float)(rng.NextDouble() * 4 - 2) : levels[rng.Next(levels.Length)];
            // Empty candidates (every index) a third of the time, otherwise a random ascending subset.
            int[] candidates = rng.Next(3) == 0
                ? []
                : Enumerable.Range(0, n).Where(_ => rng.Next(2) == 0).ToArray();
            if (candidates.Length == 0 && rng.Next(2) == 0) candidates = [rng.Next(n)];
            int pool = candidates.Length == 0 ? n : candidates.Length;
            int k = rng.Next(1, pool + 4);                                  // sometimes larger than the count
            Assert.True(Naive(values, candidates, k).SequenceEqual(Select(values, candidates, k)),
                $"trial {trial}: values [{string.Join(", ", values)}], candidates [{string.Join(", ", candidates)}], k {k}: "
                + $"expected [{string.Join(", ", Naive(values, candidates, k))}], got [{string.Join(", ", Select(values, candidates, k))}]");
        }
    }

    [Fact]
    public void Ties_go_to_the_lower_index()
    {
        float[] values = [1, 3, 3, 2, 3, 3];
        Assert.Equal([1, 2], Select(values, [], 2));
        Assert.Equal([1, 2, 4], Select(values, [], 3));
        // Among candidates 0, 2, 4 (values 5, 1, 1): 0, then 2 before 4.
        Assert.Equal([0, 2], Select([5, 9, 1, 9, 1], [0, 2, 4], 2));
        // All equal: the first k.
        Assert.Equal([0, 1, 2], Select(new float[7], [], 3));
        Assert.Equal([3, 5], Select(new float[7], [3, 5, 6], 2));
    }

    [Fact]
    public void Empty_candidates_mean_every_index()
    {
        float[] values = [0.5f, -1f, 4f, 2f, 0f];
        Assert.Equal([2, 3], Select(values, [], 2));
        Assert.Equal([0, 2, 3], Select(values, [], 3));
    }

    [Fact]
    public void A_k_larger_than_the_count_returns_every_candidate()
    {
        float[] values = [0.5f, -1f, 4f, 2f, 0f];
        Assert.Equal([1, 4], Select(values, [1, 4], 5));
        Assert.Equal([0, 1, 2, 3, 4], Select(values, [], 9));
        Assert.Equal([3], Select(values, [3], 1));
    }

    [Fact]
    public void A_k_of_zero_chooses_nothing()
    {
        Assert.Equal(0, TopKSelection.Select([1f, 2f], [], 0, []));
    }

    [Fact]
    public void A_NaN_is_never_chosen_over_a_number()
    {
        // Documented on TopKSelection: comparisons with NaN are false, so a number always wins.
        float nan = float.NaN;
        Assert.Equal([1, 2], Select([nan, 1, 2], [], 2));
        Assert.Equal([1, 3], Select([nan, 1, nan, 2], [], 2));
        Assert.Equal([2], Select([nan, nan, -5], [], 1));
    }

    // Mutation audit: dropping "among NaNs, the lower index first" from the ranking (a NaN never before
    // another NaN) passed every Core test; Select then chose which NaN by the heap's order, not by the
    // documented rule. With two NaNs and one number, k = 2 must keep the number and the first NaN.
    [Fact]
    public void Among_NaNs_the_lower_index_is_chosen_first()
    {
        float nan = float.NaN;
        Assert.Equal([0, 2], Select([nan, nan, 1], [], 2));
        Assert.Equal([0, 3], Select([nan, nan, nan, 1], [], 2));
    }
}
