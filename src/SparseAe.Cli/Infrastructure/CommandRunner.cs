using System.Reflection;
using SparseAe.Benchmarking;
using SparseAe.Optimization;

namespace SparseAe.Cli.Infrastructure;

/// <summary>Runs a command's body and turns its failures into one-line messages and exit codes.</summary>
internal static class CommandRunner
{
    public static int Run(Action body)
    {
        try
        {
            body();
            return ExitCodes.Success;
        }
        catch (Exception thrown)
        {
            var (code, line) = Describe(thrown);
            if (line is not null) Console.Error.WriteLine(line);
            return code;
        }
    }

    /// <summary>The exit code and the one line the user sees for a failure (null: none).</summary>
    internal static (int Code, string? Line) Describe(Exception thrown)
    {
        // ML.NET creates a saved model's transformers by reflection, so a loader's exception arrives wrapped.
        var e = Unwrap(thrown);
        return e switch
        {
            // `featurize --out /dev/stdout | head` said "error: Broken pipe : '/dev/stdout'", exit 2: the reader
            // took what it wanted, which is no error of the data. Quiet, as a Unix tool that SIGPIPE ends.
            IOException when IsBrokenPipe(e) => (ExitCodes.BrokenPipe, null),
            UsageException => (ExitCodes.BadInput, $"error: {Messages.OneLine(e)}"),
            CancelledAfterOutput => (ExitCodes.Cancelled, $"cancelled: {e.Message}"),
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled: nothing was written"),
            // A bench child's bad input (a full disk under --folder) is the user's too; any other failure of it is not
            // this process's fault, which "internal error: InvalidOperationException" claimed.
            BenchChildException child => (child.ExitCode == ExitCodes.BadInput ? ExitCodes.BadInput : ExitCodes.Failure, $"error: {Messages.OneLine(e)}"),
            // Bad data, options or files found below the CLI (the library names the thing, rule and value).
            _ when IsBadInput(e) => (ExitCodes.BadInput, $"error: {Messages.OneLine(e)}"),
            _ => (ExitCodes.Failure, $"internal error: {e.GetType().Name}: {Messages.OneLine(e)}"),
        };
    }

    // What the user can fix: bad values or files, a cost that became NaN with these options and data, too
    // little memory, a file system that refuses a read or a write. Not an assembly that fails to load
    // (FileNotFoundException and FileLoadException are IOExceptions too: a broken install), and not any
    // other InvalidOperationException: those are faults of the program, exit code 1.
    private static bool IsBadInput(Exception e)
        => e is ArgumentException or InvalidDataException or FormatException or InsufficientMemoryException or NonFiniteCostException
            or UnauthorizedAccessException
            || (e is IOException && e is not (FileNotFoundException or FileLoadException));

    // EPIPE (32 on Linux and macOS) is the IOException's HResult there; Windows gives ERROR_BROKEN_PIPE (109) or
    // ERROR_NO_DATA (232) as an HRESULT.
    internal static bool IsBrokenPipe(Exception e)
        => OperatingSystem.IsWindows() ? e.HResult is unchecked((int)0x8007006D) or unchecked((int)0x800700E8) : e.HResult == 32;

    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        return e;
    }
}
