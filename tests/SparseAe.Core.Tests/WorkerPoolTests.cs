using SparseAe.Threading;
using Xunit;

namespace SparseAe.Core.Tests;

public class WorkerPoolTests
{
    // Back-to-back calls (workers spinning), calls after the workers fell asleep, and calls that need
    // fewer threads than the pool has: every index runs exactly once per call.
    [Fact]
    public void Every_index_runs_once_per_call_whether_the_workers_spin_or_sleep()
    {
        using var pool = new WorkerPool(3);
        for (int call = 0; call < 200; call++)
        {
            int count = call % 3 + 1;
            var hits = new int[3];
            pool.Run(count, i => Interlocked.Increment(ref hits[i]));
            for (int i = 0; i < 3; i++) Assert.Equal(i < count ? 1 : 0, hits[i]);
            if (call % 50 == 49) Thread.Sleep(WorkerPool.SpinTime * 3);   // let the workers sleep
        }
    }

    // A worker's exception came wrapped in an AggregateException and the caller's own (index 0) as itself,
    // so the type of a Fit's failure (an OutOfMemoryException of a share's buffer, say) followed which
    // share met it: catch (OutOfMemoryException) or an OperationCanceledException's handling missed it on 2 threads.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void An_exception_reaches_the_caller_as_itself_from_any_index_and_the_pool_keeps_working(int failing)
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<OutOfMemoryException>(() => pool.Run(2, i => { if (i == failing) throw new OutOfMemoryException($"index {i} failed"); }));
        Assert.Equal($"index {failing} failed", e.Message);
        int ran = 0;
        pool.Run(2, _ => Interlocked.Increment(ref ran));
        Assert.Equal(2, ran);
    }

    [Fact]
    public void Dispose_stops_spinning_and_sleeping_workers()
    {
        var spinning = new WorkerPool(2);
        spinning.Run(2, _ => { });
        spinning.Dispose();
        var sleeping = new WorkerPool(2);
        sleeping.Run(2, _ => { });
        Thread.Sleep(WorkerPool.SpinTime * 3);
        sleeping.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sleeping.Run(1, _ => { }));
    }

    // Calls whose thread counts alternate between 2 and 8 on a pool of 8 threads (more threads than this
    // machine's cores, so workers are preempted between any two instructions): a worker left out of one
    // call takes part in the next while others race ahead. A worker that paired one call's count with
    // another's generation ran an index twice, let Run return early and then spun forever (found by
    // review; this test failed within seconds on that pool).
    [Fact]
    public async Task Alternating_thread_counts_never_run_an_index_twice_or_hang()
    {
        var run = Task.Run(() =>
        {
            using var pool = new WorkerPool(8);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (long call = 0; clock.Elapsed < TimeSpan.FromSeconds(4); call++)
            {
                int count = (call & 1) == 0 ? 2 : 8;
                var hits = new int[8];
                pool.Run(count, i => Interlocked.Increment(ref hits[i]));
                for (int i = 0; i < 8; i++)
                    if (hits[i] != (i < count ? 1 : 0)) return $"call {call} (count {count}): index {i} ran {hits[i]} times";
            }
            return null;
        });
        string? failure;
        try { failure = await run.WaitAsync(TimeSpan.FromMinutes(1)); }
        catch (TimeoutException) { failure = "the pool hung"; }
        Assert.Null(failure);
    }

    // Mutation audit: waiting for the workers only when the caller's own index returned normally (not in
    // the finally) passed every Core test. Then a throw on index 0 returned while a worker still ran the
    // body: on buffers the caller goes on to reuse or free, and a next call could replace the body and
    // pending count under it. Index 1 takes 200 ms and sets a flag; Run must not throw index 0's exception before.
    [Fact]
    public void A_throw_on_the_callers_index_returns_only_after_the_workers_are_done()
    {
        using var pool = new WorkerPool(2);
        int finished = 0;
        Assert.Throws<InvalidOperationException>(() => pool.Run(2, i =>
        {
            if (i == 0) throw new InvalidOperationException("index 0 failed");
            Thread.Sleep(200);
            Volatile.Write(ref finished, 1);
        }));
        Assert.Equal(1, Volatile.Read(ref finished));
    }

    [Fact]
    public void A_pool_needs_between_1_and_MaxThreads_threads()
        => Assert.Contains("threads must lie in 1..65535, but is 0", Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0)).Message);

    // More bodies than threads would wait for workers that do not exist: refused, naming the rule.
    [Fact]
    public void More_bodies_than_threads_are_refused()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Run(3, _ => { }));
        Assert.StartsWith("count must lie in 1..2, but is 3.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Run(0, _ => { }));
    }
}
