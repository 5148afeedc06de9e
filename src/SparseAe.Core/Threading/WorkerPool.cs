namespace SparseAe.Threading;

/// <summary>
/// A fixed set of worker threads that run "the same body for indices 0..n-1" and wait for each
/// other, kept alive between calls. At mini-batch sizes (a few hundred rows, tens of microseconds of
/// work per call) Parallel.For's task scheduling costs as much as the work; these threads sleep on a
/// semaphore between calls and spin briefly while a call is running.
/// </summary>
/// <remarks>
/// The calling thread runs index 0 itself, so a pool of T threads starts T - 1 workers. Work item i
/// always runs body(i): which rows a thread handles depends only on the count, never on timing, so
/// results stay deterministic. One call at a time: the owner (an objective) is not thread-safe either.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private Action<int>? _body;
    private int _count;
    private Exception? _error;
    private volatile bool _disposed;

    /// <param name="threads">Total threads including the caller's, at least 1.</param>
    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be at least 1, but is {threads}.");
        Threads = threads;
        _threads = new Thread[threads - 1];
        _start = new SemaphoreSlim[threads - 1];
        _done = new CountdownEvent(1);
        for (int w = 0; w < _threads.Length; w++)
        {
            int index = w + 1;
            _start[w] = new SemaphoreSlim(0);
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
        _count = count;
        _error = null;
        _done.Reset(count - 1);
        for (int w = 0; w < count - 1; w++) _start[w].Release();
        try
        {
            body(0);
        }
        finally
        {
            _done.Wait();
            _body = null;
        }
        if (_error is { } e) throw new AggregateException(e);
    }

    private void Loop(int index)
    {
        var start = _start[index - 1];
        while (true)
        {
            start.Wait();
            if (_disposed) return;
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
                _done.Signal();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _start) s.Release();
        foreach (var t in _threads) t.Join();
        foreach (var s in _start) s.Dispose();
        _done.Dispose();
    }
}
