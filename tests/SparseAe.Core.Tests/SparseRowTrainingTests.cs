using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// Adam on a source whose passes say their rows are sparse (<see cref="IRowReader.RowsAreSparse"/>): the shuffle pool
/// holds them as their nonzeros and gives the dense pool's order; the trained model, its first-batch
/// b2 and its FVU equal those of the same rows read dense, within 1e-5 absolute plus 1e-5 relative.
/// L-BFGS holds such rows as their nonzeros (one CSR batch, the same random sample under MaximumRows)
/// and takes the steps it takes on the same rows held dense: after 5 iterations the models agree within
/// that tolerance. (Its cost differs from the dense one by float rounding, 1e-8 relative at the start, as
/// the sparse product adds the nonzeros' terms in another order; L-BFGS's line search carries such a
/// difference on, measured 1e-7 after 5 iterations and 1e-3 in the weights after 40, so a long run is
/// compared by its final cost, within 1%.)
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
    private sealed class SparseView(ArrayRowSource inner, bool countKnown = true) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public long? RowCount => countKnown ? inner.RowCount : null;
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
        AssertSameTraining(sparse, dense, activation.ToString());
        if (dense.Summary.CodeMetrics is { } m)
            Assert.Equal(m.Fvu, sparse.Summary.CodeMetrics!.Fvu, 1e-5);
    }

    [Theory]
    [InlineData(DecoderKind.Sigmoid, 1, null)]
    [InlineData(DecoderKind.Sigmoid, 2, null)]
    [InlineData(DecoderKind.Linear, 2, null)]
    [InlineData(DecoderKind.Sigmoid, 2, 90)]
    public void Lbfgs_on_sparse_rows_trains_the_model_of_the_same_rows_held_dense(DecoderKind decoder, int threads, int? maximumRows)
    {
        const int rows = 250;
        var x = Rows(rows, 3);
        for (int i = 0; i < x.Length; i++) x[i] /= 4;   // counts 1..3 as 0.25..0.75: inside the sigmoid decoder's range
        var source = new ArrayRowSource(x, rows, V);
        int iterations = 5;
        TrainerSettings Settings(Action<string>? info) => new()
        {
            Info = info,
            HiddenCount = 12, Optimizer = OptimizerKind.Lbfgs, MaxIterations = iterations, MaximumRows = maximumRows, Threads = threads, Seed = 7,
            Objective = new ObjectiveSettings(Decoder: decoder),
        };
        var denseInfo = new List<string>();
        var info = new List<string>();
        var dense = AutoencoderTraining.Run(new DenseView(source), Settings(denseInfo.Add));
        var sparse = AutoencoderTraining.Run(new SparseView(source), Settings(info.Add));
        var unknownCount = AutoencoderTraining.Run(new SparseView(source, countKnown: false), Settings(null));
        Assert.DoesNotContain(denseInfo, m => m.Contains("as sparse rows"));
        Assert.Contains(info, m => m.Contains("with L-BFGS on " + (maximumRows is int k ? $"a random sample of {k} of {rows} rows" : $"{rows} rows")) && m.Contains("as sparse rows"));
        Assert.Equal(maximumRows ?? rows, sparse.Summary.TrainingRows);
        Assert.Equal(5, dense.Summary.Iterations);
        AssertSameTraining(sparse, dense, decoder.ToString());
        AssertSameTraining(unknownCount, dense, decoder + ", row count unknown");

        iterations = 60;
        double denseCost = AutoencoderTraining.Run(new DenseView(source), Settings(null)).Summary.FinalCost.Total;
        double sparseCost = AutoencoderTraining.Run(new SparseView(source), Settings(null)).Summary.FinalCost.Total;
        Assert.True(sparseCost < 0.5 * dense.Summary.FinalCost.Total, $"60 iterations on sparse rows end at cost {sparseCost}, not far below 5 iterations' {dense.Summary.FinalCost.Total}");
        Assert.True(Math.Abs(sparseCost - denseCost) <= 0.01 * denseCost, $"after 60 iterations: sparse rows' cost {sparseCost}, dense rows' {denseCost}");
    }

    [Fact]
    public void Lbfgs_keeps_the_same_random_sample_of_sparse_rows_as_of_dense_ones()
    {
        const int rows = 300, kept = 40;
        var x = Rows(rows, 4);
        for (int r = 0; r < rows; r++) x[r * V] = r + 1;   // column 0 names the row
        var source = new ArrayRowSource(x, rows, V);
        IRowSource sparseSource = new SparseView(source);
        var dense = RowReading.ReadAll(source, kept, new Random(5), () => new InvalidOperationException("too many"), null);
        using var reader = sparseSource.OpenPass(0);
        var (sparse, seen) = RowReading.ReadAllSparse(reader, sparseSource, kept, new Random(5), () => new InvalidOperationException("too many"), null, "rows");
        Assert.Equal(rows, seen);
        Assert.Equal(rows, dense.Seen);
        Assert.Equal(kept, sparse.Rows);
        var held = new float[kept * V];
        sparse.CopyTo(0, kept, held);
        Assert.Equal(dense.Data, held);
        // A sample, not the first rows: some kept row came from beyond the first 40.
        Assert.Contains(Enumerable.Range(0, kept), r => held[r * V] > kept);
        // Without a sampler, one row more than the limit is refused.
        using var again = sparseSource.OpenPass(0);
        Assert.Equal("too many", Assert.Throws<InvalidOperationException>(() => RowReading.ReadAllSparse(again, sparseSource, kept, null, () => new InvalidOperationException("too many"), null, "rows")).Message);
    }

    // The sigmoid decoder's range warning saw only the sparse rows' nonzeros: counts 1..3 were said to lie
    // in [1, 3], where the rows (and the same rows read dense, [0, 3]) hold zeros too.
    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void The_range_warning_of_sparse_rows_counts_their_zeros(OptimizerKind optimizer)
    {
        const int rows = 60;
        var source = new ArrayRowSource(Rows(rows, 6), rows, V);
        List<string> Warnings(IRowSource rowSource)
        {
            var warnings = new List<string>();
            AutoencoderTraining.Run(rowSource, new TrainerSettings
            {
                HiddenCount = 4, Optimizer = optimizer, MaxIterations = 2, Epochs = 1, BatchSize = 16, Seed = 1, Threads = 1, Warning = warnings.Add,
            });
            return warnings;
        }
        var dense = Warnings(new DenseView(source));
        Assert.StartsWith("The training data holds values in [0, 3];", Assert.Single(dense));
        Assert.Equal(dense, Warnings(new SparseView(source)));
    }

    // The FVU's input moments of sparse rows were taken about 0: 777 identical rows of 0.123456 left a rounding
    // residue of their squares, about 1e-12 of them, as their 'variance', and an FVU of 4e11 where the same
    // rows read dense have no variance and an FVU of 1 (docs/reliability.md: 0 or 1 for rows without variance).
    // Rows of 1e15 (the residue gave an FVU other than 1 too); rows of 1e18 have gradients whose squares pass float, which Adam refuses.
    [Theory]
    [InlineData(777, 0.123456f)]
    [InlineData(1000, 1e15f)]
    public void Identical_sparse_rows_have_the_FVU_of_the_same_rows_read_dense(int rows, float value)
    {
        var x = new float[rows * V];
        for (int r = 0; r < rows; r++) (x[r * V + 2], x[r * V + 5], x[r * V + 11]) = (value, 3 * value, value / 7);
        var source = new ArrayRowSource(x, rows, V);
        var settings = new TrainerSettings
        {
            HiddenCount = 8, Optimizer = OptimizerKind.Adam, Epochs = 2, BatchSize = 64, Seed = 3, Threads = 1,
            Objective = new ObjectiveSettings(Activation: ActivationKind.ReLU, Decoder: DecoderKind.Linear),
        };
        double dense = AutoencoderTraining.Run(source, settings).Summary.CodeMetrics!.Fvu;
        double sparse = AutoencoderTraining.Run(new SparseView(source), settings).Summary.CodeMetrics!.Fvu;
        Assert.Equal(1, dense);
        Assert.Equal(dense, sparse);
    }

    // Adam's sparse mini-batch named a NaN "Training row 5", its place in the shuffled batch, as if it were
    // the source's row 5; the dense batch names it as the row of mini-batch b in epoch e, in shuffled order.
    [Fact]
    public void A_bad_sparse_row_in_a_mini_batch_is_named_as_a_dense_rows_is()
    {
        const int rows = 100;
        var source = new ArrayRowSource(Rows(rows, 5), rows, V);
        var settings = new TrainerSettings
        {
            HiddenCount = 6, Optimizer = OptimizerKind.Adam, Epochs = 1, BatchSize = 32, ShufflePoolRows = 60, Seed = 2,
            Objective = new ObjectiveSettings(Activation: ActivationKind.ReLU, Decoder: DecoderKind.Linear),
        };
        var dense = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: false), settings));
        var sparse = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: true), settings));
        Assert.Matches(@"^Row \d+ of mini-batch \d in epoch 1 \(rows in shuffled order\) holds NaN at index 7; every value must be finite\.", dense.Message);
        Assert.Equal(dense.Message, sparse.Message);   // the parameter too: AutoencoderTraining.Run's, 'rows', as L-BFGS says (not 'values' or 'source')
        Assert.EndsWith("(Parameter 'rows')", sparse.Message);
        // A reader's own sparse row that breaks a rule is named alike, with the rule and the value.
        var repeated = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: true, repeat: true), settings));
        Assert.Matches(@"^Row \d+ of mini-batch \d in epoch 1 \(rows in shuffled order\): index 1 is 7 after 7; indices must be strictly ascending\.", repeated.Message);
    }

    // L-BFGS named a NaN in a sparse row by the internal batch's parameter, 'values'; the dense read names
    // AutoencoderTraining.Run's own parameter, 'rows'. Both name the row and the index, and now 'rows'.
    [Fact]
    public void Lbfgs_names_a_bad_sparse_row_as_a_dense_rows_is()
    {
        const int rows = 100;
        var source = new ArrayRowSource(Rows(rows, 5), rows, V);
        var settings = new TrainerSettings { HiddenCount = 6, MaxIterations = 2, Seed = 2 };
        var dense = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: false), settings));
        var sparse = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: true), settings));
        Assert.Equal("Training row 70 holds NaN at index 7; every value must be finite. (Parameter 'rows')", dense.Message);
        Assert.Equal(dense.Message, sparse.Message);
    }

    // With MaximumRows the rows held are a random sample in the sample's order: the dense read named a bad row by its place
    // in the sample, the sparse read as "Training row k", which sent the user to the source's row k.
    [Fact]
    public void Lbfgs_names_a_bad_sparse_row_of_a_MaximumRows_sample_as_a_dense_rows_is()
    {
        const int rows = 100;
        var source = new ArrayRowSource(Rows(rows, 5), rows, V);
        var settings = new TrainerSettings { HiddenCount = 6, MaxIterations = 2, Seed = 2, MaximumRows = 50 };
        var dense = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: false, from: true), settings));
        var sparse = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: true, from: true), settings));
        Assert.Matches(@"^Row \d+ of the random sample of 50 of the 100 rows \(MaximumRows\) holds NaN at index 7; every value must be finite\. \(Parameter 'rows'\)$", dense.Message);
        Assert.Equal(dense.Message, sparse.Message);
        // A bad index order in a sampled row, found when the sparse rows are held, is named the same way.
        var repeated = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new BadRowView(source, 70, sparse: true, repeat: true, from: true), settings));
        Assert.Matches(@"^Row \d+ of the random sample of 50 of the 100 rows \(MaximumRows\): index 1 is 7 after 7; indices must be strictly ascending\.", repeated.Message);
    }

    // Row `bad` of the source (with `from`, every row from it on) read with a NaN at index 7 (or, read sparse with `repeat`,
    // as indices [7, 7]).
    private sealed class BadRowView(ArrayRowSource inner, int bad, bool sparse, bool repeat = false, bool from = false) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public long? RowCount => inner.RowCount;
        public IRowReader OpenPass(int pass) => new Reader(inner.OpenPass(pass), bad, sparse, repeat, from);

        private sealed class Reader(IRowReader inner, int bad, bool sparse, bool repeat, bool from) : IRowReader
        {
            private int _row;
            public bool RowsAreSparse => sparse;

            private bool IsBad(int row) => row == bad || (from && row > bad);

            public bool TryReadRow(Span<float> destination)
            {
                if (!inner.TryReadRow(destination)) return false;
                if (IsBad(_row++) && !repeat) destination[7] = float.NaN;
                return true;
            }

            public bool TryReadSparseRow(Span<int> indices, Span<float> values, out int count)
            {
                var row = new float[indices.Length];
                count = 0;
                if (!TryReadRow(row)) return false;
                if (repeat && IsBad(_row - 1))
                {
                    indices[0] = indices[1] = 7;
                    values[0] = values[1] = 1;
                    count = 2;
                    return true;
                }
                count = SparseRows.Compress(row, indices, values);
                return true;
            }

            public void Dispose() => inner.Dispose();
        }
    }

    // Every parameter within 1e-5 absolute plus 1e-5 relative, the same iterations, the same final cost within 1e-5.
    private static void AssertSameTraining(TrainingResult sparse, TrainingResult dense, string what)
    {
        var a = sparse.Parameters.Theta;
        var b = dense.Parameters.Theta;
        Close.Elementwise(a, b, 1e-5, 1e-5, i => $"{what}, theta[{i}]: sparse {a[i]}, dense {b[i]}");
        Assert.Equal(dense.Summary.Iterations, sparse.Summary.Iterations);
        Assert.Equal(dense.Summary.FinalCost.Total, sparse.Summary.FinalCost.Total, 1e-5);
    }

    // The same rows read dense through a reader (not the array source's no-copy path).
    private sealed class DenseView(ArrayRowSource inner) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public long? RowCount => inner.RowCount;
        public IRowReader OpenPass(int pass) => inner.OpenPass(pass);
    }
}
