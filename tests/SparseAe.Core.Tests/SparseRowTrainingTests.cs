using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// Adam on a source whose passes say their rows are sparse (<see cref="IRowReader.RowsAreSparse"/>): the shuffle pool
/// holds them as their nonzeros and gives the dense pool's order; the trained model, its first-batch
/// b2 and its FVU equal those of the same rows read dense, within 1e-5 absolute plus 1e-5 relative.
/// </summary>
public class SparseRowTrainingTests
{
    private const int V = 40;

    // Token-count rows: 0..5 nonzeros at random positions (row 3 empty), counts 1..3.
    private static float[] Rows(int rows, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * V];
        for (int r = 0; r < rows; r++)
        {
            int nnz = r == 3 ? 0 : rng.Next(1, 6);
            for (int k = 0; k < nnz; k++) x[r * V + rng.Next(V)] = rng.Next(1, 4);
        }
        return x;
    }

    // The same rows, said to be sparse: read through IRowReader's default TryReadSparseRow (dense read, nonzeros kept).
    private sealed class SparseView(ArrayRowSource inner) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public long? RowCount => inner.RowCount;
        public IRowReader OpenPass(int pass) => new Reader(inner.OpenPass(pass));

        private sealed class Reader(IRowReader inner) : IRowReader
        {
            public bool RowsAreSparse => true;
            public bool TryReadRow(Span<float> destination) => inner.TryReadRow(destination);
            public void Dispose() => inner.Dispose();
        }
    }

    [Fact]
    public void The_sparse_pool_gives_the_dense_pools_rows_in_the_same_order()
    {
        const int rows = 97;
        var x = Rows(rows, 1);
        var source = new ArrayRowSource(x, rows, V);
        var dense = new List<float[]>();
        using (var reader = new ShufflingRowReader(source.OpenPass(0), V, 10, seed: 4))
            for (var row = new float[V]; reader.TryReadRow(row); row = new float[V]) dense.Add(row);
        var sparse = new List<float[]>();
        using (var reader = new SparseShufflingRowReader(source.OpenPass(0), V, new SparseRowPool(10), seed: 4))
        {
            int[] indices = new int[V];
            float[] values = new float[V];
            while (reader.TryReadSparseRow(indices, values, out int count))
            {
                Assert.True(indices.AsSpan(0, count).SequenceCompareTo(indices.AsSpan(0, count).ToArray().Order().Distinct().ToArray()) == 0, "indices ascending");
                var row = new float[V];
                for (int k = 0; k < count; k++) row[indices[k]] = values[k];
                sparse.Add(row);
            }
        }
        Assert.Equal(rows, dense.Count);
        Assert.Equal(dense.Count, sparse.Count);
        for (int r = 0; r < rows; r++) Assert.Equal(dense[r], sparse[r]);
        // Every row of the stream exactly once (the pool of 10 refilled from 97 rows), in another order.
        var key = (float[] row) => string.Join(",", row);
        var stream = Enumerable.Range(0, rows).Select(i => key(x[(i * V)..((i + 1) * V)])).ToList();
        Assert.Equal(stream.Order(), dense.Select(key).Order());
        Assert.NotEqual(stream, dense.Select(key).ToList());
    }

    [Theory]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.JumpReLU)]
    [InlineData(ActivationKind.Sigmoid)]
    public void Adam_on_sparse_rows_trains_the_model_of_the_same_rows_read_dense(ActivationKind activation)
    {
        const int rows = 250;
        var source = new ArrayRowSource(Rows(rows, 2), rows, V);
        TrainerSettings Settings(Action<string>? info) => new()
        {
            Info = info,
            HiddenCount = 16, Optimizer = OptimizerKind.Adam, Epochs = 3, BatchSize = 32, ShufflePoolRows = 60, Threads = 2, Seed = 9,
            Objective = new ObjectiveSettings(Activation: activation, K: 3, Decoder: activation == ActivationKind.Sigmoid ? DecoderKind.Sigmoid : DecoderKind.Linear),
        };
        var info = new List<string>();
        var dense = AutoencoderTraining.Run(source, Settings(null));
        var sparse = AutoencoderTraining.Run(new SparseView(source), Settings(info.Add));
        Assert.Contains(info, m => m.Contains("as sparse rows"));
        var a = sparse.Parameters.Theta;
        var b = dense.Parameters.Theta;
        Assert.Equal(b.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 + 1e-5 * Math.Abs(b[i]), $"{activation}, theta[{i}]: sparse {a[i]}, dense {b[i]}");
        Assert.Equal(dense.Summary.Iterations, sparse.Summary.Iterations);
        Assert.Equal(dense.Summary.FinalCost.Total, sparse.Summary.FinalCost.Total, 1e-5);
        if (dense.Summary.CodeMetrics is { } m)
            Assert.Equal(m.Fvu, sparse.Summary.CodeMetrics!.Fvu, 1e-5);
    }
}
