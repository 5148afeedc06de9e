using Xunit;

namespace SparseAe.Cli.Tests;

/// <summary>What the program says before any command runs: no command, or a word that is not one.</summary>
public class ProgramTests
{
    [Fact]
    public void An_unknown_command_is_named_with_the_commands_there_are()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "frobnicate");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("error: 'frobnicate' is not a command; the commands are train, inspect, show, featurize, export-onnx, bench. (see 'sparseae --help')", error.TrimEnd());
    }

    [Fact]
    public void No_command_points_to_the_programs_help()
    {
        using var dir = new TempFolder();
        var (code, _, error) = Cli.Run(dir);
        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.EndsWith("(see 'sparseae --help')", error.TrimEnd());
    }

    [Fact]
    public void An_unknown_option_of_a_command_points_to_that_commands_help()
    {
        using var dir = new TempFolder();
        var (code, _, error) = Cli.Run(dir, "train", "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("'--bogus'", error);
        Assert.EndsWith("(see 'sparseae train --help')", error.TrimEnd());
    }

    // "--iterations 2 --iterations" trained with 2 iterations and no word: the first value satisfied the parser.
    [Theory]
    [InlineData("train", "--iterations", "2", "--iterations")]
    [InlineData("featurize", "--model", "m.zip", "--csv", "in.csv", "--model")]
    public void An_option_given_again_at_the_end_without_a_value_is_refused(params string[] args)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, args);
        Assert.Equal(2, code);
        Assert.Equal($"error: Option '{args[^1]}' is given again without a value; give it once, with its value. (see 'sparseae {args[0]} --help')", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFiles(dir));
    }

    // A single-valued option given twice was the parser's "Option '--seed' expects a single argument but 2 were
    // provided", which named neither value; a flag given once with a value and once bare ("--quick=false --quick")
    // took false without a word, so the bench measured for minutes instead of seconds.
    [Theory]
    [InlineData("Option '--seed' is given 2 times, as '1' and '2'; give it once.", "train", "--seed", "1", "--seed", "2")]
    [InlineData("Option '--out' is given 2 times, as 'x.csv' and 'y.csv'; give it once.", "featurize", "--model", "m.zip", "--csv", "in.csv", "--out", "x.csv", "--out", "y.csv")]
    [InlineData("Option '--whiten' is given 3 times, as 'zca', 'none' and 'zca'; give it once.", "train", "--whiten=zca", "--whiten", "none", "--whiten:zca")]
    [InlineData("Option '--quick' is given 2 times, as 'false' and without a value; give it once.", "bench", "--quick=false", "--quick")]
    [InlineData("Option '--quick' is given 2 times, as 'true' and 'false'; give it once.", "bench", "--quick", "true", "--quick", "false")]
    public void A_single_valued_option_given_twice_is_refused_naming_its_values(string expected, params string[] args)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, args);
        Assert.Equal(2, code);
        Assert.Equal($"error: {expected} (see 'sparseae {args[0]} --help')", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFiles(dir));
    }

    // "--curve --filters" trained and wrote the curve to a file named "--filters": the parser took the next
    // option's name as the value of an option left without one.
    [Theory]
    [InlineData("train", "--csv", "in.csv", "--curve", "--filters")]
    [InlineData("train", "--images", "--patches", "100")]
    [InlineData("featurize", "--model", "m.zip", "--out", "--csv", "in.csv")]
    public void An_option_whose_value_is_another_options_name_is_refused(params string[] args)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, args);
        int at = Enumerable.Range(0, args.Length - 1).First(i => args[i].StartsWith("--", StringComparison.Ordinal) && args[i + 1].StartsWith("--", StringComparison.Ordinal));
        Assert.Equal(2, code);
        Assert.Equal($"error: Option '{args[at]}' has no value: it is followed by the option '{args[at + 1]}'; give {args[at]} its value. (see 'sparseae {args[0]} --help')", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Theory]
    [InlineData("error: --sparsity: '0,5' is not a number (write decimals with a point: 0.5).", "train", "--sparsity", "0,5")]   // was 5, silently
    [InlineData("error: --hidden: '4.5' is not a whole number.", "train", "--hidden", "4.5")]
    // The hint on decimals is for a comma: a word has none. (Mutation audit: the hint given to every bad number passed every test.)
    [InlineData("error: --sparsity: 'abc' is not a number.", "train", "--sparsity", "abc")]
    // The hint on decimals is for options that take them: a whole number with a comma is not one. (Mutation audit: the hint
    // given to every option passed every test.)
    [InlineData("error: --hidden: '1,5' is not a whole number.", "train", "--hidden", "1,5")]
    [InlineData("error: --seed: '99999999999' is too large (above 2147483647); see --help for the values --seed takes.", "train", "--seed", "99999999999")]   // was "is not a whole number"
    [InlineData("error: --streaming-rows: '-99999999999999999999' is too small (below -9223372036854775808); see --help for the values --streaming-rows takes.", "bench", "--streaming-rows", "-99999999999999999999")]
    // It said "outside this option's range, -2147483648..2147483647", where --threads takes 0..65535.
    [InlineData("error: --threads: '99999999999' is too large (above 2147483647); see --help for the values --threads takes.", "bench", "--threads", "99999999999")]
    [InlineData("error: --patch-height: 'abc' is not a whole number.", "show", "--model", "m.zip", "--patch-height", "abc")]   // was 'System.Nullable`1[System.Int32]'
    public void Numbers_are_read_one_way_and_a_bad_one_is_named_in_words(string expected, params string[] args)
    {
        using var dir = new TempFolder();
        var (code, _, error) = Cli.Run(dir, args);
        Assert.Equal(2, code);
        Assert.StartsWith(expected, error.TrimEnd());
    }

    [Fact]
    public void A_German_locale_reads_and_prints_numbers_as_any_other()
    {
        // Under de_DE "1.5" was read as 15 (the point a thousands separator) and help showed "0,01".
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--sparsity", "1.5");
        start.Environment["LANG"] = start.Environment["LC_ALL"] = "de_DE.UTF-8";
        var (code, _, error) = Cli.Run(start);
        Assert.Equal(2, code);
        Assert.Contains("but is 1.5.", error);
        var help = Cli.StartInfo(dir, "train", "--help");
        help.Environment["LANG"] = help.Environment["LC_ALL"] = "de_DE.UTF-8";
        Assert.Contains("[default: 0.01]", Cli.Run(help).Out);
    }
}
