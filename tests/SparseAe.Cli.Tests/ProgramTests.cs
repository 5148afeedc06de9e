using Xunit;

namespace SparseAe.Cli.Tests;

/// <summary>What the program says before any command runs: no command, or a word that is not one.</summary>
public class ProgramTests
{
    [Fact]
    public void An_unknown_command_is_named_with_the_commands_there_are()
    {
        var (code, output, error) = Cli.Run(Cli.TempDirectory(), "frobnicate");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: 'frobnicate' is not a command; the commands are train, inspect, show, featurize, export-onnx, bench. (see 'sparseae --help')", error.TrimEnd());
    }

    [Fact]
    public void No_command_points_to_the_programs_help()
    {
        var (code, _, error) = Cli.Run(Cli.TempDirectory());
        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.EndsWith("(see 'sparseae --help')", error.TrimEnd());
    }

    [Fact]
    public void An_unknown_option_of_a_command_points_to_that_commands_help()
    {
        var (code, _, error) = Cli.Run(Cli.TempDirectory(), "train", "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("'--bogus'", error);
        Assert.EndsWith("(see 'sparseae train --help')", error.TrimEnd());
    }
}
