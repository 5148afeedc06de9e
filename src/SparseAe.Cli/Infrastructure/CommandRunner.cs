using System.Reflection;
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
            Console.Error.WriteLine(line);
            return code;
        }
    }

    /// <summary>The exit code and the one line the user sees for a failure.</summary>
    internal static (int Code, string Line) Describe(Exception thrown)
    {
        // ML.NET creates a saved model's transformers by reflection, so a loader's exception arrives wrapped.
        var e = Unwrap(thrown);
        return e switch
        {
            UsageException => (ExitCodes.BadInput, $"error: {Messages.OneLine(e)}"),
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled: nothing was written"),
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

    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        return e;
    }
}
