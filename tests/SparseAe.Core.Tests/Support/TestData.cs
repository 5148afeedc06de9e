using System.Globalization;
using System.Reflection;

namespace SparseAe.Tests.Support;

internal static class TestData
{
    /// <summary>Random rows in [0.1, 0.9], (rows, v) row-major.</summary>
    public static float[] RandomRows(int rows, int v, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * v];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.1 + 0.8 * rng.NextDouble());
        return x;
    }

    public static double[][] ToJagged(float[] x, int rows, int v)
        => Enumerable.Range(0, rows).Select(r => x.Skip(r * v).Take(v).Select(f => (double)f).ToArray()).ToArray();

    /// <summary>The 8x8 digits, pixels scaled from 0..16 to [0, 1].</summary>
    public static IReadOnlyList<(int Label, float[] Pixels)> Digits()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "digits-8x8.csv");
        return File.ReadLines(path).Skip(1).Select(line =>
        {
            var parts = line.Split(',');
            return (int.Parse(parts[0], CultureInfo.InvariantCulture),
                parts.Skip(1).Select(p => float.Parse(p, CultureInfo.InvariantCulture) / 16f).ToArray());
        }).ToList();
    }

    /// <summary>Deterministic stratified split: within each class, every fifth digit is held out.</summary>
    public static (List<(int Label, float[] Pixels)> Train, List<(int Label, float[] Pixels)> Test) SplitDigits()
    {
        var train = new List<(int, float[])>();
        var test = new List<(int, float[])>();
        foreach (var group in Digits().GroupBy(d => d.Label))
        {
            int i = 0;
            foreach (var d in group) (i++ % 5 == 4 ? test : train).Add(d);
        }
        return (train, test);
    }

    public static string Metadata(string key)
        => typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
