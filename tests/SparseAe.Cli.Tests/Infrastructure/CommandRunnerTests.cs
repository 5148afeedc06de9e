using System.Reflection;
using SparseAe.Cli.Infrastructure;
using SparseAe.Optimization;
using Xunit;

namespace SparseAe.Cli.Tests.Infrastructure;

/// <summary>Which failures are the user's (exit code 2) and which the program's (1), and the line each gets.</summary>
public class CommandRunnerTests
{
    [Fact]
    public void A_program_fault_stays_an_internal_error_even_when_its_type_is_a_base_of_a_bad_input()
    {
        // NonFiniteCostException is an InvalidOperationException; the base itself is a fault of the program.
        var (code, line) = CommandRunner.Describe(new InvalidOperationException("the pool was used after disposal"));
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Equal("internal error: InvalidOperationException: the pool was used after disposal", line);

        Assert.Equal(ExitCodes.Failure, CommandRunner.Describe(new NullReferenceException()).Code);
        Assert.Equal(ExitCodes.Failure, CommandRunner.Describe(new FileNotFoundException("Could not load file or assembly 'X'")).Code);
        Assert.Equal(ExitCodes.BadInput, CommandRunner.Describe(new NonFiniteCostException("the cost is NaN at iteration 3")).Code);
    }

    [Fact]
    public void A_loaders_error_wrapped_by_reflection_is_shown_as_itself()
    {
        var wrapped = new TargetInvocationException(new TargetInvocationException(new InvalidDataException("The block is damaged: CRC-32 0x1 != 0x2.")));
        Assert.Equal((ExitCodes.BadInput, "error: The block is damaged: CRC-32 0x1 != 0x2."), CommandRunner.Describe(wrapped));
    }

    [Fact]
    public void An_argument_exception_loses_only_what_dotnet_appends()
    {
        var outOfRange = new ArgumentOutOfRangeException("count", -5, "count must be at least 1, but is -5.");
        Assert.Equal("error: count must be at least 1, but is -5.", CommandRunner.Describe(outOfRange).Line);

        // A message of two lines keeps its second line, on the same line for the terminal.
        var twoLines = new ArgumentException($"Column 'Features' is a vector of 63 floats.{Environment.NewLine}The model was trained on 64.", "input");
        Assert.Equal("error: Column 'Features' is a vector of 63 floats. The model was trained on 64.", CommandRunner.Describe(twoLines).Line);

        // Without a parameter name nothing is cut, even text that looks like the suffix.
        var noName = new ArgumentException("a name like (Parameter 'x') in the text");
        Assert.Equal("error: a name like (Parameter 'x') in the text", CommandRunner.Describe(noName).Line);
    }

    // A file system that refuses a read or a write is the user's to fix (exit 2, "error:"), not a fault of the program.
    [Fact]
    public void A_file_system_refusal_is_bad_input_not_an_internal_error()
    {
        Assert.Equal((ExitCodes.BadInput, "error: Access to the path '/x/m.zip' is denied."),
            CommandRunner.Describe(new UnauthorizedAccessException("Access to the path '/x/m.zip' is denied.")));
        Assert.Equal((ExitCodes.BadInput, "error: No space left on device : '/x/f.csv'"),
            CommandRunner.Describe(new IOException("No space left on device : '/x/f.csv'")));
        Assert.Equal(ExitCodes.BadInput, CommandRunner.Describe(new DirectoryNotFoundException("Could not find a part of the path '/x/y'.")).Code);
    }

    [Fact]
    public void Cancellation_says_nothing_was_written()
        => Assert.Equal((ExitCodes.Cancelled, "cancelled: nothing was written"), CommandRunner.Describe(new OperationCanceledException()));

    // A failed --each-width child is not this process's fault: "error:", exit 1, or 2 when the child's own failure was bad
    // input (its message is on standard error already).
    [Fact]
    public void A_failed_bench_child_is_an_error_not_an_internal_error()
    {
        Assert.Equal((ExitCodes.Failure, "error: the bench with DOTNET_X=0 exited with code 137"),
            CommandRunner.Describe(new SparseAe.Benchmarking.BenchChildException("the bench with DOTNET_X=0 exited with code 137", 137)));
        Assert.Equal(ExitCodes.BadInput, CommandRunner.Describe(new SparseAe.Benchmarking.BenchChildException("exited with code 2", 2)).Code);
        Assert.Equal(ExitCodes.Failure, CommandRunner.Describe(new SparseAe.Benchmarking.BenchChildException("reported another width", 0)).Code);
    }
}
