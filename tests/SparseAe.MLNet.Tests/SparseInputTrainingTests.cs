using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.MLNet.DataViews;
using SparseAe.Model;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// Fit on a sparse input column trains with Adam on the rows as stored (their nonzeros: the encoder's
/// product and dJ/dW1 over those only) and gives the model that Fit on the same rows stored dense gives,
/// same seed and same row order: every weight and bias within 1e-5 absolute plus 1e-5 relative. (The
/// paths add the same nonzero products; the dense kernels also add the zeros' products, which are exact
/// zeros, so at this size the two models came out bit-equal; the tolerance allows for kernels that
/// group the sums differently.)
/// </summary>
public class SparseInputTrainingTests
{
    private const int V = TokenRows.V;

    // Token-count rows (<see cref="TokenRows"/>): 1..6 nonzeros, counts 1..3; row 5 empty.
    private static List<(int[] Indices, float[] Values)> Rows(int count, int seed)
        => TokenRows.Random(count, seed, (r, rng) => r == 5 ? 0 : rng.Next(1, 7), maxCount: 3);

    private static IDataView Sparse(MLContext ml, List<(int[] Indices, float[] Values)> rows) => TokenRows.Sparse(ml, rows);

    private static IDataView Dense(MLContext ml, List<(int[] Indices, float[] Values)> rows) => TokenRows.Dense(ml, rows);

    [Theory]
    [InlineData(ActivationKind.TopK, 1)]
    [InlineData(ActivationKind.TopK, 2)]
    [InlineData(ActivationKind.ReLU, 1)]
    [InlineData(ActivationKind.ReLU, 2)]
    public void Fit_on_a_sparse_column_gives_the_model_of_the_same_rows_stored_dense(ActivationKind activation, int threads)
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(300, 11);
        var options = new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code",
            HiddenCount = 24, Activation = activation, K = 4, Epochs = 4, BatchSize = 64, ShufflePoolRows = 100,
            Optimizer = OptimizerKind.Adam, Threads = threads, Seed = 5,
        };
        var sparseView = Sparse(ml, rows);
        var denseView = Dense(ml, rows);
        using (var pass = new DataViewRows(sparseView, sparseView.Schema["Features"], V).OpenPass(0)) Assert.True(pass.RowsAreSparse);
        using (var pass = new DataViewRows(denseView, denseView.Schema["Features"], V).OpenPass(0)) Assert.False(pass.RowsAreSparse);

        var fromSparse = ml.Transforms.SparseAutoencoder(options).Fit(sparseView).Weights;
        var fromDense = ml.Transforms.SparseAutoencoder(options).Fit(denseView).Weights;

        AssertSameWeights(fromSparse, fromDense, activation.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fit_with_LBFGS_on_a_sparse_column_holds_its_nonzeros_and_takes_the_dense_rows_steps(int threads)
    {
        // The sigmoid model's default optimizer. L-BFGS's line search carries the float rounding of the
        // sparse product on (see Core's SparseRowTrainingTests), so the models are compared after 5 iterations.
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var rows = Rows(300, 12);
        var options = new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 16, MaxIterations = 5, Threads = threads, Seed = 5,
        };
        var fromSparse = ml.Transforms.SparseAutoencoder(options).Fit(Sparse(ml, rows)).Weights;
        Assert.Contains(messages, m => m.Contains("with L-BFGS on 300 rows as sparse rows (their nonzeros)"));
        messages.Clear();
        var fromDense = ml.Transforms.SparseAutoencoder(options).Fit(Dense(ml, rows)).Weights;
        Assert.Contains(messages, m => m.Contains("with L-BFGS on 300 rows."));
        AssertSameWeights(fromSparse, fromDense, "L-BFGS");
    }

    // Rows the tests above do not have: sparse rows with no nonzero (one, a whole first mini-batch of 64, every row), a
    // column that mixes dense and sparse VBuffers (full rows from row 17 on, after 16 sparse ones that make the pass
    // sparse; or 16 full rows first, which make it dense, then sparse ones), and explicit zeros stored as nonzeros.
    public static IEnumerable<object[]> EdgeRows() =>
        from activation in new[] { ActivationKind.Sigmoid, ActivationKind.ReLU, ActivationKind.TopK, ActivationKind.JumpReLU }
        from rows in new[] { "every row empty", "first mini-batch empty", "dense rows from row 17", "16 dense rows first", "explicit zeros" }
        select new object[] { activation, rows };

    [Theory]
    [MemberData(nameof(EdgeRows))]
    public void Fit_and_Transform_on_sparse_edge_rows_give_what_the_same_rows_stored_dense_give(ActivationKind activation, string kind)
    {
        var rows = TokenRows.Random(200, 21, (r, rng) => kind switch
        {
            "every row empty" => 0,
            "first mini-batch empty" => r < 64 ? 0 : rng.Next(1, 7),
            "dense rows from row 17" => r >= 17 && r % 5 == 0 ? V : rng.Next(0, 7),
            "16 dense rows first" => r < 16 ? V : rng.Next(0, 7),
            _ => rng.Next(1, 7),
        }, maxCount: 3);
        if (kind == "explicit zeros") for (int r = 0; r < rows.Count; r += 2) rows[r].Values[0] = 0;
        var ml = new MLContext(seed: 1);
        var options = new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code", ReconstructionErrorColumnName = "Error",
            HiddenCount = 64, Activation = activation, K = 4, Epochs = 3, BatchSize = 64, ShufflePoolRows = 100, Threads = 1, Seed = 5,
            MaxIterations = 5,   // L-BFGS (the sigmoid's): its line search carries the sparse product's rounding on
        };
        if (activation != ActivationKind.Sigmoid) options.Optimizer = OptimizerKind.Adam;
        var sparseView = Sparse(ml, rows);
        var denseView = Dense(ml, rows);
        using (var pass = new DataViewRows(sparseView, sparseView.Schema["Features"], V).OpenPass(0))
            Assert.Equal(kind != "16 dense rows first", pass.RowsAreSparse);   // decided on the first 16 rows
        var fromSparse = ml.Transforms.SparseAutoencoder(options).Fit(sparseView);
        var fromDense = ml.Transforms.SparseAutoencoder(options).Fit(denseView);
        string at = $"{activation}, {kind}";
        AssertSameWeights(fromSparse.Weights, fromDense.Weights, at);
        // One model's codes and reconstruction errors of the rows as stored sparse and as stored dense: 1e-6 of the row's scale.
        var sparseOut = ml.Data.CreateEnumerable<Encoded>(fromDense.Transform(sparseView), reuseRowObject: false).ToList();
        var denseOut = ml.Data.CreateEnumerable<Encoded>(fromDense.Transform(denseView), reuseRowObject: false).ToList();
        for (int r = 0; r < rows.Count; r++)
        {
            float scale = Math.Max(1, denseOut[r].Code.Max(Math.Abs));
            for (int j = 0; j < options.HiddenCount; j++)
                Assert.True(Math.Abs(sparseOut[r].Code[j] - denseOut[r].Code[j]) <= 1e-6 * scale, $"{at}, row {r}, code {j}: sparse {sparseOut[r].Code[j]}, dense {denseOut[r].Code[j]}");
            Assert.True(Math.Abs(sparseOut[r].Error - denseOut[r].Error) <= 1e-6 * Math.Max(1, denseOut[r].Error), $"{at}, row {r}: error sparse {sparseOut[r].Error}, dense {denseOut[r].Error}");
        }
    }

    private sealed class Encoded
    {
        [VectorType] public float[] Code { get; set; } = [];
        public float Error { get; set; }
    }

    private static void AssertSameWeights(AutoencoderWeights fromSparse, AutoencoderWeights fromDense, string what)
    {
        foreach (var (name, s, d) in new[] { ("W1", fromSparse.W1, fromDense.W1), ("W2", fromSparse.W2, fromDense.W2), ("b1", fromSparse.B1, fromDense.B1), ("b2", fromSparse.B2, fromDense.B2) })
        {
            var a = s.Span;
            var b = d.Span;
            Assert.Equal(b.Length, a.Length);
            for (int i = 0; i < a.Length; i++)
            {
                double diff = Math.Abs(a[i] - b[i]);
                Assert.True(diff <= 1e-5 + 1e-5 * Math.Abs(b[i]), $"{what}, {name}[{i}]: sparse {a[i]}, dense {b[i]}");
            }
        }
    }

    [Fact]
    public void Fit_on_a_sparse_column_says_it_streams_sparse_rows()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var view = Sparse(ml, Rows(40, 3));
        ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 8, Activation = ActivationKind.TopK, K = 2,
            Epochs = 1, BatchSize = 16, Optimizer = OptimizerKind.Adam, Threads = 1, Seed = 1,
        }).Fit(view);
        Assert.Contains(messages, m => m.Contains("as sparse rows (their nonzeros)"));
    }

    [Fact]
    public void A_non_finite_value_in_a_sparse_row_is_refused_naming_the_row_and_the_index()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(40, 3);
        rows[17] = ([2, 9], [1f, float.NaN]);
        var ex = Assert.Throws<ArgumentException>(() => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = 8, Activation = ActivationKind.TopK, K = 2,
            Epochs = 1, BatchSize = 16, ShufflePoolRows = 1, Optimizer = OptimizerKind.Adam, Threads = 1, Seed = 1,
        }).Fit(Sparse(ml, rows)));
        Assert.Contains("Row 17 of column 'Features' holds NaN at index 9", ex.Message);
    }
}
