using System.Diagnostics;
using Xunit;

namespace SparseAe.Cli.Tests;

public class CancellationTests
{
    [Fact]
    public async Task Ctrl_C_during_training_stops_it_and_writes_nothing()
    {
        var dir = Cli.TempDirectory();
        using var process = Process.Start(Cli.StartInfo(dir, "train", "--iterations", "100000", "--patches", "2000"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        // Wait until training has started, then send SIGINT as a terminal's Ctrl+C would.
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("training a")) { }
        Assert.NotNull(line);
        Thread.Sleep(500);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) kill.WaitForExit();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "sparseae did not stop within a minute of SIGINT");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("cancelled: nothing was written", await stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }
}
