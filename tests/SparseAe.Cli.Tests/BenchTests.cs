using System.Text.RegularExpressions;
using Xunit;

namespace SparseAe.Cli.Tests;

public class BenchTests
{
    [Fact]
    public void Bench_prints_one_line_per_measurement_with_the_scalar_ratio()
    {
        var (code, output, error) = Cli.Run(Cli.TempDirectory(), "bench", "--only", "train", "encode", "--quick", "--threads", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var lines = output.TrimEnd().Split('\n');
        Assert.StartsWith("machine cores=", lines[0]);
        Assert.Matches(@"^train-scalar-reference V=64 H=100 threads=1 samples/s=\d\.\d{3}e\d+$", lines[1]);
        foreach (var b in new[] { 256, 1024, 10000 })
            foreach (var t in new[] { 1, 2 })
                Assert.Contains(lines, l => Regex.IsMatch(l, $@"^train B={b} threads={t} samples/s=\d\.\d{{3}}e\d+ vs-scalar=\d+\.\dx GFLOP/s=\d+\.\d$"));
        Assert.Contains(lines, l => l.StartsWith("encode-row V=64 H=100 threads=1 rows/s="));
        Assert.Contains(lines, l => l.StartsWith("encode-batch V=64 H=100 B=10000 threads=2 rows/s="));
    }

    [Fact]
    public void Bench_refuses_an_unknown_part()
    {
        var (code, _, error) = Cli.Run(Cli.TempDirectory(), "bench", "--only", "everything");
        Assert.Equal(2, code);
        Assert.Contains("--only takes train, encode, transform, fit, growth, streaming, but got 'everything'", error);
    }
}
