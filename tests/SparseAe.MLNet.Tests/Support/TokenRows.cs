using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// Rows like token counts for the sparse-input tests: a few small counts at random positions among
/// <see cref="V"/>, viewed as sparse VBuffers (only the nonzeros stored; a full row is stored dense, as
/// ML.NET does) and as the same rows stored dense.
/// </summary>
internal static class TokenRows
{
    public const int V = 48;

    public sealed class SparseRow
    {
        [VectorType(V)]
        public VBuffer<float> Features { get; set; }
    }

    public sealed class DenseRow
    {
        [VectorType(V)]
        public float[] Features { get; set; } = [];
    }

    /// <summary><paramref name="count"/> rows; row r has <paramref name="nonzeros"/>(r, rng) nonzeros, each a count in 1..<paramref name="maxCount"/>.</summary>
    public static List<(int[] Indices, float[] Values)> Random(int count, int seed, Func<int, Random, int> nonzeros, int maxCount)
    {
        var rng = new Random(seed);
        var rows = new List<(int[], float[])>();
        for (int r = 0; r < count; r++)
        {
            int nnz = nonzeros(r, rng);
            var indices = Enumerable.Range(0, V).OrderBy(_ => rng.Next()).Take(nnz).Order().ToArray();
            rows.Add((indices, indices.Select(_ => (float)rng.Next(1, maxCount + 1)).ToArray()));
        }
        return rows;
    }

    public static IDataView Sparse(MLContext ml, IEnumerable<(int[] Indices, float[] Values)> rows) => ml.Data.LoadFromEnumerable(SparseRows(rows));

    public static List<SparseRow> SparseRows(IEnumerable<(int[] Indices, float[] Values)> rows)
        => rows.Select(r => new SparseRow
        {
            Features = r.Indices.Length == V ? new VBuffer<float>(V, r.Values) : new VBuffer<float>(V, r.Indices.Length, r.Values, r.Indices),
        }).ToList();

    public static IDataView Dense(MLContext ml, IEnumerable<(int[] Indices, float[] Values)> rows)
        => ml.Data.LoadFromEnumerable(rows.Select(r =>
        {
            var x = new float[V];
            for (int k = 0; k < r.Indices.Length; k++) x[r.Indices[k]] = r.Values[k];
            return new DenseRow { Features = x };
        }).ToList());
}
