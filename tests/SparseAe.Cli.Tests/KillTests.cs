using System.Diagnostics;
using Microsoft.ML;
using SparseAe.Mat;
using Xunit;

namespace SparseAe.Cli.Tests;

/// <summary>
/// Kills a real `sparseae train` (SIGKILL, no chance to clean up) at random moments, from start-up to
/// after its outputs are written, over a folder that already holds a previous run's outputs. Every
/// output must then be the old file, byte for byte, or a complete new one; no other file may appear
/// under an output's name (temporary files are dot-files ending in .tmp).
/// </summary>
public class KillTests
{
    private static readonly string[] Outputs = ["model.zip", "filters.png", "curve.png", "w.csv", "w.mat"];

    private static string[] Arguments(int seed) =>
        ["train", "--patches", "3000", "--iterations", "60", "--seed", seed.ToString(), "--weights-csv", "w.csv", "--weights-mat", "w.mat"];

    private static Process Start(string dir, int seed)
    {
        var process = Process.Start(Cli.StartInfo(dir, Arguments(seed)))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public void Killing_train_at_random_moments_leaves_each_output_old_or_complete()
    {
        using var dir = new TempFolder();
        var clock = Stopwatch.StartNew();
        var (code, _, err) = Cli.Run(dir, Arguments(1));
        Assert.True(code == 0, err);
        double runSeconds = clock.Elapsed.TotalSeconds;
        var old = Outputs.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(dir, f)));
        int csvLines = File.ReadAllLines(Path.Combine(dir, "w.csv")).Length;

        var rng = new Random(20261128);
        int replaced = 0, kept = 0;
        for (int trial = 0; trial < 10; trial++)
        {
            // Moments spread over the whole run, the writing at its end included; the first trial is killed
            // at once and the last runs to its end, so that both outcomes happen even when the machine is
            // busier than during the first run (CI runs test assemblies side by side: once every kill came
            // before the writing).
            var delay = trial == 0 ? TimeSpan.Zero : trial == 9 ? TimeSpan.FromMinutes(2) : TimeSpan.FromSeconds(rng.NextDouble() * runSeconds * 1.1);
            using var process = Start(dir, 2 + trial);
            if (!process.WaitForExit(delay))
            {
                Assert.True(trial < 9, $"the last trial did not finish within {delay}");
                process.Kill(entireProcessTree: true);
            }
            Assert.True(process.WaitForExit(30_000));
            CheckOutputs($"trial {trial} ({delay.TotalSeconds:F2} s)");
        }
        // Both outcomes must have happened, or the moments did not cover the run.
        Assert.True(kept > 0 && replaced > 0, $"kept {kept}, replaced {replaced}");

        // The writing is a few milliseconds of a run of seconds, so no random moment need land in it: the folder is watched
        // for a temporary file the writing makes, and the process killed the moment a new one appears.
        int duringWriting = 0;
        for (int attempt = 0; attempt < 6 && duringWriting < 2; attempt++)
        {
            var before = Temporaries().ToHashSet();
            using var process = Start(dir, 20 + attempt);
            bool killed = false;
            while (!process.HasExited && !killed)
                if (Temporaries().Any(t => !before.Contains(t)))
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                }
            Assert.True(process.WaitForExit(30_000));
            if (killed) duringWriting++;
            CheckOutputs($"attempt {attempt} to kill while writing ({(killed ? "killed" : "finished first")})");
        }
        Assert.True(duringWriting > 0, "no kill landed while the outputs were being written");

        IEnumerable<string> Temporaries() => Directory.EnumerateFiles(dir, ".*.tmp").Select(Path.GetFileName)!;

        // Every output the old file or a complete new one, and no other file but temporaries.
        void CheckOutputs(string when)
        {
            foreach (var name in Outputs)
            {
                var path = Path.Combine(dir, name);
                Assert.True(File.Exists(path), $"{when}: {name} disappeared");
                var bytes = File.ReadAllBytes(path);
                if (bytes.AsSpan().SequenceEqual(old[name])) { kept++; continue; }
                replaced++;
                AssertComplete(name, path, bytes, csvLines, when);
                old[name] = bytes;   // the next trial's "old" file
            }
            foreach (var entry in Directory.GetFileSystemEntries(dir).Select(Path.GetFileName))
                Assert.True(Outputs.Contains(entry) || (entry!.StartsWith('.') && entry.EndsWith(".tmp")), $"{when}: unexpected file {entry}");
        }
    }

    private static void AssertComplete(string name, string path, byte[] bytes, int csvLines, string when)
    {
        switch (Path.GetExtension(name))
        {
            case ".zip":
                Assert.NotNull(new MLContext().Model.Load(path, out _));
                break;
            case ".png":
                byte[] iend = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];
                Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }) && bytes.AsSpan(bytes.Length - 12).SequenceEqual(iend),
                    $"{when}: {name} is not a whole PNG");
                break;
            case ".csv":
                var text = File.ReadAllText(path);
                Assert.True(text.EndsWith('\n') && text.Split('\n').Length - 1 == csvLines, $"{when}: {name} is not a whole CSV");
                break;
            case ".mat":
                Assert.NotEmpty(MatFile.Read(path).Variables);
                break;
        }
    }
}
