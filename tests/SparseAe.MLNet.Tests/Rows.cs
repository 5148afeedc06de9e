using Microsoft.ML.Data;

namespace SparseAe.MLNet.Tests;

public sealed class Vec8
{
    [VectorType(8)]
    public float[] Features { get; set; } = [];
}

public sealed class Vec5
{
    [VectorType(5)]
    public float[] Features { get; set; } = [];
}

public sealed class VariableVec
{
    public float[] Features { get; set; } = [];
}

public sealed class DoubleVec
{
    [VectorType(8)]
    public double[] Features { get; set; } = [];
}

/// <summary>A 16-wide column whose rows may be stored sparse.</summary>
public sealed class Sparse16
{
    [VectorType(16)]
    public VBuffer<float> Features { get; set; }
}

public sealed class ScalarRow
{
    public float Features { get; set; }
}

public static class RowFactory
{
    public static List<Vec8> Vec8Rows(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => new Vec8 { Features = Enumerable.Range(0, 8).Select(_ => (float)(0.1 + 0.8 * rng.NextDouble())).ToArray() }).ToList();
    }
}
