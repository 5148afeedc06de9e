namespace SparseAe.Cli.Infrastructure;

/// <summary>A problem with what the user asked for (arguments, files, data): one line, exit code 2.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A Ctrl+C after some output went out (rows streamed to a device or pipe, which takes them as they come): the run says what
/// was written (<paramref name="written"/>), not "nothing was written"; exit code 130 as any cancellation.
/// </summary>
internal sealed class CancelledAfterOutput(string written, Exception inner) : OperationCanceledException(written, inner);

/// <summary>The process exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;      // an unexpected fault in the program
    public const int BadInput = 2;     // bad arguments, a bad file or bad data
    public const int Cancelled = 130;  // Ctrl+C
    public const int BrokenPipe = 141; // the reader of a pipe written to went away (`| head`): 128 + SIGPIPE, as a shell reports a tool SIGPIPE ended
}

/// <summary>Exception messages as one line for the user.</summary>
internal static class Messages
{
    /// <summary>An exception and its inner exceptions, outermost first.</summary>
    public static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }

    /// <summary>The innermost exception of the chain: the one that says what went wrong.</summary>
    public static Exception Innermost(Exception e) => Chain(e).Last();

    /// <summary>
    /// The message on one line, without what .NET appends to an argument exception's own text: the
    /// " (Parameter 'x')" suffix and an out-of-range exception's "Actual value was ..." line (the
    /// project's messages already name the value). A message of several lines keeps them all.
    /// </summary>
    public static string OneLine(Exception e) => ArgumentMessages.Text(e).ReplaceLineEndings(" ");
}
