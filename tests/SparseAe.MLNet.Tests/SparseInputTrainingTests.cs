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
