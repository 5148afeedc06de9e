using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace SparseAe.Threading;

/// <summary>
/// A fixed set of worker threads that run "the same body for indices 0..n-1" and wait for each
/// other, kept alive between calls. At mini-batch sizes (a few hundred rows, tens of microseconds of
/// work per call) Parallel.For's task scheduling costs as much as the work.
/// </summary>
/// <remarks>
/// The calling thread runs index 0 itself, so a pool of T threads starts T - 1 workers. Work item i
/// always runs body(i): which rows a thread handles depends only on the count, never on timing, so
/// results stay deterministic. One call at a time: the owner (an objective) is not thread-safe either.
/// <para>
/// Between calls a worker spins (with the yields of <see cref="SpinWait"/>) for up to
/// <see cref="SpinTime"/> before it sleeps on a semaphore, and the caller spins while the workers
/// finish. Training calls come back to back (an optimiser step between two evaluations, two phases per
/// evaluation), and waking a sleeping thread costs a system call and, in a virtual machine, waking the
/// virtual CPU: measured on a 2-core KVM guest (Zen 3), a 1,024-row step of 2 threads took 1.3 ms with
/// the workers sleeping between phases and 0.9 ms with them spinning, while each thread's share of the
/// work was 0.7 ms. OpenMP runtimes do the same (GOMP spins before it sleeps).
/// </para>
/// <para>
/// A call is published as one 64-bit word, its generation and its thread count, written after the body:
/// a worker reads the word once and so never pairs one call's count with another's generation, and a
/// worker that takes part in a call keeps the next call from starting (and replacing the body) until it
/// has finished.
/// </para>
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>The most threads a pool can have (a call's thread count is 16 bits of its published word).</summary>
    public const int MaxThreads = Defaults.MaxThreads;

    /// <summary>How long an idle worker keeps polling for the next call before it sleeps.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(5);

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _sleeping;   // 1 while worker w is (about to be) asleep on _wake[w]
    private Action<int>? _body;
    private long _call;                 // generation << 16 | count of the current call: what a spinning worker watches
    private int _pending;               // workers of the current call not finished yet
    private Exception? _error;
    private volatile bool _disposed;

    /// <param name="threads">Total threads including the caller's, at least 1.</param>
    public WorkerPool(int threads)
    {
        if (threads < 1 || threads > MaxThreads) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must lie in 1..{MaxThreads}, but is {threads}.");
        Threads = threads;
        _threads = new Thread[threads - 1];
        _wake = new SemaphoreSlim[threads - 1];
        _sleeping = new int[threads - 1];
        for (int w = 0; w < _threads.Length; w++)
        {
            int index = w + 1;
            _wake[w] = new SemaphoreSlim(0);
            _threads[w] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"SparseAe worker {index}" };
            _threads[w].Start();
        }
    }

    /// <summary>Threads including the caller's.</summary>
    public int Threads { get; }

    /// <summary>Runs body(0..count-1), count at most <see cref="Threads"/>, and returns when all are done.</summary>
    public void Run(int count, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count < 1 || count > Threads) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must lie in 1..{Threads}, but is {count}.");
        if (count == 1) { body(0); return; }
        _body = body;
        _error = null;
        Volatile.Write(ref _pending, count - 1);
        long generation = (Volatile.Read(ref _call) >> 16) + 1;
        Interlocked.Exchange(ref _call, generation << 16 | (long)count);   // a full fence: the fields above are visible first
        for (int w = 0; w < count - 1; w++)
            if (Interlocked.Exchange(ref _sleeping[w], 0) == 1) _wake[w].Release();
        try
        {
            body(0);
        }
        finally
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
            _body = null;
        }
        // Rethrown as itself, with the worker's stack: wrapped, its type would follow which index met it
        // (the caller's own index throws as itself), and handlers of OutOfMemoryException or of
        // OperationCanceledException would miss it on more than one thread.
        if (_error is { } e) ExceptionDispatchInfo.Throw(e);
    }

    private void Loop(int index)
    {
        int w = index - 1;
        long seen = 0;
        while (true)
        {
            long call = WaitForCall(w, seen);
            seen = call;
            if (_disposed) return;
            if (index >= (int)(call & 0xFFFF)) continue;   // this call needs fewer threads
            RunBody(index);
        }
    }

    // Apart from Loop so that no slot of the worker's frame keeps the body, and through it its owner,
    // alive between calls: an owner nobody disposed can then be collected and stop the pool.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunBody(int index)
    {
        try
        {
            _body!(index);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    // Returns the current call once it differs from seen: spinning first, then asleep on the semaphore.
    // Run publishes the call before it clears _sleeping, so either Run sees the flag set and releases
    // the semaphore, or the worker sees the new call after setting the flag.
    private long WaitForCall(int w, long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        var spin = new SpinWait();
        while (Volatile.Read(ref _call) == seen && !_disposed)
        {
            if (Stopwatch.GetTimestamp() < deadline) { spin.SpinOnce(sleep1Threshold: -1); continue; }
            Volatile.Write(ref _sleeping[w], 1);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _call) == seen && !_disposed)
            {
                _wake[w].Wait();
            }
            else if (Interlocked.Exchange(ref _sleeping[w], 0) == 0)
            {
                _wake[w].Wait();   // a call came in meanwhile, and Run, having taken the flag, released the semaphore
            }
            // No break: a wake can be late. A Run preempted between publishing its call and taking the
            // flags may take the flag of a worker that has since run that call, spun out its SpinTime and
            // gone to sleep again; the release then wakes it with no new call, and returning would make it
            // run the same call's index twice (and leave Run's pending count below zero). The loop checks.
        }
        return Volatile.Read(ref _call);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int w = 0; w < _wake.Length; w++)
            if (Interlocked.Exchange(ref _sleeping[w], 0) == 1) _wake[w].Release();
        foreach (var t in _threads) t.Join();
        foreach (var s in _wake) s.Dispose();
    }
}
