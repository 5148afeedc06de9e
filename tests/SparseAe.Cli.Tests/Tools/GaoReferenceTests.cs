using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Tools;

/// <summary>tools/SparseAe.GaoReference, run in its own process as a user runs it.</summary>
public class GaoReferenceTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.RunProgram("GaoReferencePath", args);

    // synth --rows 0 ended in an IndexOutOfRangeException, --rows -5 and --dim -3 in an OverflowException (stack
    // traces, exit 134); --rows 1 printed "noise floor FVU=Infinity", --dim 0 and --noise NaN "FVU=NaN", --k 0 and
    // --k -1 wrote rows of no atom at all, all with exit 0.
    [Theory]
    [InlineData("--rows", "0", "--rows must be at least 2, but is 0")]
    [InlineData("--rows", "-5", "--rows must be at least 2, but is -5")]
    [InlineData("--rows", "1", "--rows must be at least 2, but is 1")]
    [InlineData("--dim", "0", "--dim must be at least 1, but is 0")]
    [InlineData("--dim", "-3", "--dim must be at least 1, but is -3")]
    [InlineData("--atoms", "0", "--atoms must be at least 1, but is 0")]
    [InlineData("--k", "0", "--k must be at least 1, but is 0")]
    [InlineData("--k", "-1", "--k must be at least 1, but is -1")]
    [InlineData("--k", "9", "--k must be at most --atoms (4), but is 9", "--atoms", "4")]
    [InlineData("--atoms", "100", "--atoms must be at most --dim (8) with --orthonormal 1, but is 100", "--dim", "8", "--orthonormal", "1")]
    [InlineData("--noise", "-1", "--noise must be a finite number at least 0, but is -1")]
    [InlineData("--noise", "NaN", "--noise must be a finite number at least 0, but is NaN")]
    // --seed -3 wrote the rows of --seed 3: System.Random draws the same numbers for -s as for s.
    [InlineData("--seed", "-3", "--seed must be at least 0, but is -3")]
    public void Synth_refuses_a_size_or_noise_out_of_range_naming_the_option_and_its_value(string option, string value, string message, params string[] others)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Run(["synth", "--out", dir.File("rows.csv"), option, value, .. others]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith($"error: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(dir.File("rows.csv")));
    }

    // --true-atoms of 2 values against 64-value rows printed "recovery: mean max cos=0.3551 ..." (the cosines over
    // the first 2 of 64 values), exit 0: a figure for atoms that cannot be the rows' dictionary.
    [Fact]
    public void True_atoms_of_another_length_than_the_rows_are_refused_naming_both_lengths()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("rows.csv"), Enumerable.Range(0, 8).Select(i => $"{i},{i % 3},{i % 2},1"));
        File.WriteAllLines(dir.File("atoms.csv"), ["1,0", "0,1"]);
        var (code, output, error) = Run("--rows", dir.File("rows.csv"), "--latents", "4", "--k", "1", "--epochs", "1",
            "--true-atoms", dir.File("atoms.csv"));
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith($"error: --true-atoms: the atoms in '{dir.File("atoms.csv")}' have 2 values, the rows 4\n", error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("recovery:", output);
    }

    // The training settings were refused with one sentence for all of them ("need latents >= k >= 1, aux-k >= 0, ...")
    // that named neither the option nor its value, and --learning-rate Infinity passed ("> 0") and printed
    // "reference: FVU=NaN L0=0.000 dead=100.00%" with exit 0.
    [Theory]
    [InlineData(new[] { "--latents", "0" }, "--latents must be at least 1, but is 0")]
    [InlineData(new[] { "--k", "0" }, "--k must be at least 1, but is 0")]
    [InlineData(new[] { "--latents", "4", "--k", "5" }, "--k must be at most --latents (4), but is 5")]
    [InlineData(new[] { "--aux-k", "-1" }, "--aux-k must be at least 0, but is -1")]
    [InlineData(new[] { "--dead-window", "0" }, "--dead-window must be at least 1, but is 0")]
    [InlineData(new[] { "--epochs", "-1" }, "--epochs must be at least 0, but is -1")]
    [InlineData(new[] { "--batch-size", "0" }, "--batch-size must be at least 1, but is 0")]
    [InlineData(new[] { "--pre-bias", "zero" }, "--pre-bias must be mean or median, but is 'zero'")]
    [InlineData(new[] { "--learning-rate", "0" }, "--learning-rate must be a finite number greater than 0, but is 0")]
    [InlineData(new[] { "--learning-rate", "Infinity" }, "--learning-rate must be a finite number greater than 0, but is Infinity")]
    [InlineData(new[] { "--learning-rate", "NaN" }, "--learning-rate must be a finite number greater than 0, but is NaN")]
    // --seed -1 printed "seed=-1" and trained the model of --seed 1 (System.Random takes -s as s).
    [InlineData(new[] { "--seed", "-1" }, "--seed must be at least 0, but is -1")]
    public void A_training_setting_out_of_range_is_refused_naming_the_option_and_its_value(string[] options, string message)
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("rows.csv"), Enumerable.Range(0, 8).Select(i => $"{i},{i % 3},{i % 2},1"));
        var (code, output, error) = Run(["--rows", dir.File("rows.csv"), "--epochs", "1", "--latents", "8", "--k", "2", .. options]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith($"error: {message}\n", error.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("reference:", output);
    }
}
