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
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: nothing was written");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FormatException or InsufficientMemoryException or DirectoryNotFoundException)
        {
            // Bad data or options found below the CLI (the library names the thing, rule and value).
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.Failure;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
