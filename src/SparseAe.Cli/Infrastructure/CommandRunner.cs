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
            // ML.NET creates a saved model's transformers by reflection, so a loader's exception arrives wrapped.
            var e = Unwrap(thrown);
            switch (e)
            {
                case UsageException:
                    Console.Error.WriteLine($"error: {OneLine(e.Message)}");
                    return ExitCodes.BadInput;
                case OperationCanceledException:
                    Console.Error.WriteLine("cancelled: nothing was written");
                    return ExitCodes.Cancelled;
            }
            if (IsBadInput(e))
            {
                // Bad data, options or files found below the CLI (the library names the thing, rule and value).
                Console.Error.WriteLine($"error: {(e is ArgumentException ? Messages.WithoutParameter(e) : OneLine(e.Message))}");
                return ExitCodes.BadInput;
            }
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
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

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
