using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Optimization;
using SparseAe.Threading;
using Xunit;

namespace SparseAe.Core.Tests;

// The passes over whole parameter vectors split between a pool's threads (ParallelRanges) must give the
// very bits of the same pass on one thread: training's results may depend on the thread count only
// through the rows' chunks, never through these splits.
public class ParallelRangesTests
{
    // 2^16 is the shortest split length; 2^16 + 37 and 1,000,003 end in a partial vector and a partial cache line.
    public static TheoryData<int> LongLengths => new() { ParallelRanges.MinimumLength, ParallelRanges.MinimumLength + 37, 1_000_003 };

    [Theory]
    [InlineData(10, 1)]
    [InlineData(65_536, 2)]
    [InlineData(65_573, 3)]
    [InlineData(100, 2)]
    [InlineData(17, 4)]
    public void Ranges_cover_every_element_once_in_order_from_aligned_starts(int length, int parts)
    {
        int next = 0;
        for (int p = 0; p < parts; p++)
        {
            var (start, end) = ParallelRanges.Range(length, p, parts);
            Assert.Equal(next, start);
            Assert.True(end >= start, $"part {p}: [{start}, {end})");
            Assert.True(start % ParallelRanges.Alignment == 0 || start == length, $"part {p} starts at {start}");
            next = end;
        }
        Assert.Equal(length, next);
    }

    [Fact]
    public void Short_passes_stay_on_the_calling_thread_and_long_ones_use_every_thread()
    {
        Assert.Equal(1, ParallelRanges.PartsFor(4, ParallelRanges.MinimumLength - 1));
        Assert.Equal(4, ParallelRanges.PartsFor(4, ParallelRanges.MinimumLength));
        Assert.Equal(1, ParallelRanges.PartsFor(1, 1 << 24));
        Assert.Equal(1, ParallelRanges.PartsFor(2, ParallelRanges.MinimumTransposedLength - 1, transposes: true));
        Assert.Equal(2, ParallelRanges.PartsFor(2, ParallelRanges.MinimumTransposedLength, transposes: true));
        Assert.Equal(1, ParallelRanges.PartsFor(2, ParallelRanges.MinimumTransposedLength));
        using var pool = new WorkerPool(2);
        var threads = new HashSet<int>();
        ParallelRanges.Run(pool, ParallelRanges.MinimumLength, (_, _) => { lock (threads) threads.Add(Environment.CurrentManagedThreadId); });
        Assert.Equal(2, threads.Count);
        threads.Clear();
        ParallelRanges.Run(pool, 1000, (_, _) => { lock (threads) threads.Add(Environment.CurrentManagedThreadId); });
        Assert.Equal(Environment.CurrentManagedThreadId, Assert.Single(threads));
    }

    [Theory]
    [MemberData(nameof(LongLengths))]
    public void Adam_split_between_threads_takes_the_same_steps_bit_for_bit(int n)
    {
        var rng = new Random(n);
        var start = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        var one = (float[])start.Clone();
        var split = (float[])start.Clone();
        var adamOne = new Adam(n, 1e-3);
        var adamSplit = new Adam(n, 1e-3);
        using var pool = new WorkerPool(3);
        for (int t = 0; t < 3; t++)
        {
            var g = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            adamOne.Step(one, g);
            adamSplit.Step(split, g, pool);
        }
        Assert.Equal(one, split);
        Assert.NotEqual(start, split);
    }

    [Theory]
    [MemberData(nameof(LongLengths))]
    public void The_first_non_finite_value_is_found_whichever_thread_searches_it(int n)
    {
        var x = Enumerable.Range(0, n).Select(i => (float)Math.Sin(i)).ToArray();
        using var pool = new WorkerPool(2);
        Assert.Equal(-1, VectorKernels.IndexOfNonFinite(x, pool));
        var (secondStart, _) = ParallelRanges.Range(n, 1, 2);
        foreach (int at in new[] { 0, secondStart - 1, secondStart, n - 1 })
        {
            var y = (float[])x.Clone();
            y[at] = float.NaN;
            if (at < secondStart) y[n - 1] = float.PositiveInfinity;   // one in each range: the first is reported
            Assert.Equal(at, VectorKernels.IndexOfNonFinite(y, pool));
        }
    }

    // The decoder's renormalisation splits W2's columns: 1,024 x 70 and 200 x 400 weights, H not a whole
    // number of cache lines, and a zero column (kept at zero).
    [Theory]
    [InlineData(1024, 70)]
    [InlineData(200, 400)]
    public void The_decoder_columns_normalised_by_threads_are_the_ones_normalised_on_one(int v, int h)
    {
        var rng = new Random(v + h);
        var theta = Enumerable.Range(0, AutoencoderParameters.CountFor(v, h)).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        for (int i = 0; i < v; i++) theta[h * v + i * h + 3] = 0;
        var one = new AutoencoderParameters(v, h, (float[])theta.Clone());
        var split = new AutoencoderParameters(v, h, (float[])theta.Clone());
        using var pool = new WorkerPool(2);
        one.NormalizeDecoderColumns();
        split.NormalizeDecoderColumns(pool);
        Assert.Equal(one.Theta, split.Theta);
        for (int j = 0; j < h; j += 7)
        {
            double norm = 0;
            for (int i = 0; i < v; i++) norm += (double)split.W2[i * h + j] * split.W2[i * h + j];
            Assert.Equal(j == 3 ? 0 : 1, Math.Sqrt(norm), 1e-5);
        }
    }
}
