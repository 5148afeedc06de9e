using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Tools;

/// <summary>tools/SparseAe.Fuzz's own commands (one input, repro, seed), run in their own process as README shows them.</summary>
public class FuzzHarnessTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.RunProgram("FuzzHarnessPath", args);

    // A mistyped path ended in "Unhandled exception. System.IO.FileNotFoundException" with .NET's stack (exit 134),
    // which reads like a finding of the target rather than a wrong argument.
    [Theory]
    [InlineData("mat")]
    [InlineData("repro", "mat")]
    [InlineData("repro", "--isolate", "mat")]
    public void A_path_that_is_neither_a_file_nor_a_folder_is_refused_naming_it(params string[] command)
    {
        using var dir = new TempFolder();
        string missing = dir.File("no-such-input");
        var (code, output, error) = Run([.. command, missing]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"'{missing}' is neither a file nor a folder", error.Trim());
    }

    // Every finding of the ML.NET targets replays as expected: the *-mlnet.* ones, ML.NET's own check of the loader's
    // assembly name before our loader runs (an ArgumentException no frame of ours threw), were reported as FAIL, so
    // `repro` exited 1 on them and every mlnet-entry fuzzing run stopped on that known finding in its first minute.
    [Theory]
    [InlineData("mlnet-entry")]
    [InlineData("mlnet-zip")]
    public void The_ML_NET_targets_replay_every_finding_as_expected(string target)
    {
        string findings = Cli.FuzzFindings(target);
        int files = Directory.EnumerateFiles(findings).Count(f => Path.GetExtension(f) != ".md");
        Assert.Contains(Directory.EnumerateFiles(findings), f => f.Contains("-mlnet."));
        var (code, output, error) = Run("repro", target, findings);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.EndsWith($"{files} passed, 0 failed", output.Trim());
    }

    // TARGET FILE runs one file: a folder passed the path check (repro takes folders) and ended in File.ReadAllBytes's
    // "Unhandled exception. System.UnauthorizedAccessException: Access to the path ... is denied" (exit 134).
    [Fact]
    public void A_folder_given_as_the_one_input_is_refused_naming_it()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Run("mat", dir.Path);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"'{dir.Path}' is a folder; TARGET FILE runs one file (repro TARGET PATH... takes folders)", error.Trim());
    }

    // README's `seed all /tmp/seeds` wrote every target's seeds, then stopped at selftest, whose folder it had made:
    // "Unknown target 'selftest'; the targets are ..., selftest." and exit 2.
    [Fact]
    public void Seed_all_writes_seeds_for_every_listed_target()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Run("seed", "all", dir.Path);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var (_, list, _) = Run("list");
        foreach (var target in list.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')[0]))
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(dir.Path, target)));
    }

    [Fact]
    public void A_seed_folder_that_cannot_be_made_is_refused_naming_it()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("a-file"), "");
        string folder = Path.Combine(dir.File("a-file"), "seeds");
        var (code, output, error) = Run("seed", "idx", folder);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith($"seed: cannot write to '{folder}': ", error);
        Assert.DoesNotContain("   at ", error);
    }
}
