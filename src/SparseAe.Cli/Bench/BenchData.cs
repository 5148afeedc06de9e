namespace SparseAe.Cli.Bench;

internal static class BenchData
{
    /// <summary>Rows of values in [0.1, 0.9], like UFLDL-normalised patches.</summary>
    public static float[] Rows(int rows, int v, int seed)
    {
        var rng = new Random(seed);
        var x = new float[(long)rows * v];
        for (long i = 0; i < x.Length; i++) x[i] = (float)(0.1 + 0.8 * rng.NextDouble());
        return x;
    }

    public static string Rate(double perSecond) => perSecond.ToString("0.000e0", System.Globalization.CultureInfo.InvariantCulture);
}
