using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// A sparse input column (VBuffer rows that store only their nonzeros) goes through the encoder's
/// sparse path: Transform of the rows stored sparse equals Transform of the same rows stored dense,
/// to 1e-6 relative (the two paths add the same products in a different order). Rows: <see cref="TokenRows"/>.
/// </summary>
public class SparseInputComponentTests
{
    private const int V = TokenRows.V;

    // Rows with 1..6 nonzeros (counts 1..5); row 0 empty and row 1 full (a "sparse" VBuffer that ML.NET stores dense).
    private static List<(int[] Indices, float[] Values)> Rows(int count, int seed)
        => TokenRows.Random(count, seed, (r, rng) => r == 0 ? 0 : r == 1 ? V : rng.Next(1, 7), maxCount: 5);

    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void Transform_of_a_sparse_column_equals_Transform_of_the_same_rows_stored_dense(ActivationKind activation)
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(60, 7);
        var dense = TokenRows.Dense(ml, rows);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Code", ReconstructionErrorColumnName = "Error",
            HiddenCount = 12, Activation = activation, K = 4, Epochs = 3, MaxIterations = 5, BatchSize = 16, Threads = 1, Seed = 3,
        }).Fit(dense);

        var fromDense = Read(model.Transform(dense));
        var sparseView = TokenRows.Sparse(ml, rows);
        Assert.Equal(rows.Count - 1, StoredSparse(sparseView));   // the input really is sparse (all but the full row)
        var fromSparse = Read(model.Transform(sparseView));
        Assert.Equal(rows.Count, fromSparse.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var (codeD, errorD) = fromDense[r];
            var (codeS, errorS) = fromSparse[r];
            double scale = Math.Max(1, codeD.Max(Math.Abs));
            for (int j = 0; j < codeD.Length; j++)
                Assert.True(Math.Abs(codeD[j] - codeS[j]) <= 1e-6 * scale, $"{activation}, row {r}, unit {j}: dense {codeD[j]}, sparse {codeS[j]}");
            Assert.True(Math.Abs(errorD - errorS) <= 1e-6 * Math.Max(1, Math.Abs(errorD)), $"{activation}, row {r}: error dense {errorD}, sparse {errorS}");
        }
    }

    private static int StoredSparse(IDataView view)
    {
        using var cursor = view.GetRowCursor([view.Schema["Features"]]);
        var features = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        VBuffer<float> x = default;
        int count = 0;
        while (cursor.MoveNext())
        {
            features(ref x);
            if (!x.IsDense) count++;
        }
        return count;
    }

    private static List<(float[] Code, float Error)> Read(IDataView view) => SparseAutoencoderTransformerTests.ReadBoth(view, twice: false).Once;
}
