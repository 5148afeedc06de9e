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

    public CtrlC(string note)
    {
        _handler = (_, e) =>
        {
            if (_cancel.IsCancellationRequested) return;
            e.Cancel = true;
            Console.Error.WriteLine(note);
            _cancel.Cancel();
        };
        Console.CancelKeyPress += _handler;
    }

    /// <summary>Cancelled by the first Ctrl+C.</summary>
    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _cancel.Dispose();
    }
}
