namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// Ctrl+C (SIGINT) as a cancellation token for a command's long loop: the first Ctrl+C cancels it, with
/// <c>note</c> on standard error, and the loop stops at its next check (the command ends with
/// <see cref="ExitCodes.Cancelled"/>, its outputs left as they were, since each is written through a
/// temporary file). A second Ctrl+C is not caught: the process ends at once, as Ctrl+C ends any program,
/// and each output is still its old file or the complete new one.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly ConsoleCancelEventHandler _handler;
    private int _caught;   // 1 once a Ctrl+C is caught

    public CtrlC(string note)
    {
        // .NET runs each SIGINT's handlers on a thread-pool thread: two can run at once (the first still writing its
        // note to a slow standard error), so the first is claimed atomically and cancels before it writes.
        _handler = (_, e) =>
        {
            if (Interlocked.Exchange(ref _caught, 1) != 0) return;
            e.Cancel = true;
            _cancel.Cancel();
            Console.Error.WriteLine(note);
        };
        Console.CancelKeyPress += _handler;
    }

    /// <summary>Cancelled by the first Ctrl+C.</summary>
    public CancellationToken Token => _cancel.Token;

    // The source is not disposed: a handler that .NET had already started (Ctrl+C as the command ends) still runs
    // after this, and Cancel on a disposed source throws on the signal's thread, which ends the process. Without a
    // timer or a wait handle it holds nothing to free.
    public void Dispose() => Console.CancelKeyPress -= _handler;
}
