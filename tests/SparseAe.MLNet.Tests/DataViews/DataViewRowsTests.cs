using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace SparseAe.MLNet.Tests.DataViews;

/// <summary>How Fit reads the rows of an input column (DataViewRows), through every estimator that reads them.</summary>
public class DataViewRowsTests
{
    private readonly MLContext _ml = new(seed: 1);

    // 40 rows of 16, dense or sparse, with row 30 the one given.
    private IDataView RowsWithRow30(bool sparse, VBuffer<float> row30)
    {
        var rows = Enumerable.Range(0, 40).Select(i => sparse
            ? new Sparse16 { Features = new VBuffer<float>(16, 2, [0.3f, 0.6f], [i % 8, 9]) }
            : new Sparse16 { Features = new VBuffer<float>(16, Enumerable.Range(0, 16).Select(j => 0.1f + 0.05f * ((i + j) % 10)).ToArray()) }).ToList();
        rows[30] = new Sparse16 { Features = row30 };
        return _ml.Data.LoadFromEnumerable(rows);
    }

    [Theory]
    [InlineData(new[] { 3, 40 }, "index 1 is 40; indices must lie in [0, 16)")]
    [InlineData(new[] { -1, 5 }, "index 0 is -1; indices must lie in [0, 16)")]
    [InlineData(new[] { 5, 5 }, "index 1 is 5 after 5; indices must be strictly ascending")]
    [InlineData(new[] { 7, 5 }, "index 1 is 5 after 7; indices must be strictly ascending")]
    public void A_malformed_sparse_row_is_refused_at_Fit_by_every_estimator(int[] indices, string rule)
    {
        // Training on sparse rows checked them; ZCA, the featurizer, and training on a column whose first rows are dense,
        // densified the row unchecked: an index past V threw IndexOutOfRangeException, the others fitted
        // on wrong values.
        foreach (bool sparse in new[] { false, true })
        {
            var data = RowsWithRow30(sparse, new VBuffer<float>(16, 2, [0.5f, 0.7f], indices));
            foreach (var (what, fit) in EveryEstimatorsFit(data, imageHeight: 4))
            {
                var e = Assert.ThrowsAny<ArgumentException>(fit);
                Assert.True(e.Message.StartsWith($"Row 30 of column 'Features': {rule}"), $"{what}, first rows {(sparse ? "sparse" : "dense")}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    // A row shorter than the column's type says (a view of a class whose VBuffer is not the size its VectorType declares):
    // refused by every reader, naming the row and both sizes; read as it was, its last slots kept the row before's values.
    [Theory]
    [InlineData(12)]
    [InlineData(20)]
    public void A_row_of_another_length_than_its_column_type_is_refused_at_Fit_by_every_estimator(int length)
    {
        foreach (bool sparse in new[] { false, true })
        {
            var data = RowsWithRow30(sparse, new VBuffer<float>(length, Enumerable.Range(0, length).Select(j => 0.5f).ToArray()));
            foreach (var (what, fit) in EveryEstimatorsFit(data, imageHeight: 4))
            {
                var e = Assert.ThrowsAny<Exception>(fit);
                Assert.True(e.Message.StartsWith($"Row 30 of column 'Features' has {length} values, but the column's type says 16."),
                    $"{what}, first rows {(sparse ? "sparse" : "dense")}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    // A value that is not finite as a row's first, dense or the first stored of a sparse row, is refused as any other:
    // named by its index in the row (for a sparse row, the index it is stored at). (Mutation audit: "bad > 0" in place of
    // "bad >= 0", in either read, passed every test, whose bad values were at index 1 or 2.)
    [Theory]
    [InlineData(false, "Row 30 of column 'Features' holds NaN at index 0")]
    [InlineData(true, "Row 30 of column 'Features' holds NaN at index 2")]
    public void A_value_that_is_not_finite_first_in_its_row_is_refused_at_Fit_by_every_estimator(bool sparse, string said)
    {
        var data = RowsWithRow30(sparse, sparse
            ? new VBuffer<float>(16, 2, [float.NaN, 1f], [2, 9])
            : new VBuffer<float>(16, Enumerable.Range(0, 16).Select(j => j == 0 ? float.NaN : 0.5f).ToArray()));
        foreach (var (what, fit) in EveryEstimatorsFit(data, imageHeight: 4))
        {
            var e = Assert.ThrowsAny<ArgumentException>(fit);
            Assert.True(e.Message.StartsWith(said), $"{what}, rows {(sparse ? "sparse" : "dense")}: {e.GetType().Name}: {e.Message}");
        }
    }

    // The Fit of every estimator that reads rows of column 'Features' (ZCA, the autoencoder by each optimizer, the
    // featurizer over images of imageHeight x 4), each named.
    private (string What, Action Fit)[] EveryEstimatorsFit(IDataView data, int imageHeight) =>
    [
        ("ZCA", () => _ml.Transforms.ZcaWhitening("White", "Features").Fit(data)),
        ("L-BFGS", () => _ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 3, maxIterations: 3).Fit(data)),
        ("Adam", () => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            { InputColumnName = "Features", HiddenCount = 3, Optimizer = OptimizerKind.Adam, Epochs = 1, BatchSize = 8 }).Fit(data)),
        ("featurizer", () => _ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
            { InputColumnName = "Features", OutputColumnName = "Out", ImageHeight = imageHeight, ImageWidth = 4, PatchSize = 2, PoolGrid = 1 }).Fit(data)),
    ];

    // A view whose GetRowCount() says 20 and whose cursors give 40 rows.
    private sealed class Overcounted(IDataView inner) : IDataView
    {
        public bool CanShuffle => false;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => 20;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => inner.GetRowCursor(columnsNeeded);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded)];
    }

    // A view that gave more rows than its GetRowCount() said was refused as "The row source DataViewRows (column 'Features')
    // said it has 20 rows (its RowCount), ...; a source's RowCount must be ...": a class of this library and a property the
    // user never wrote, and not the view that said the count. The refusal names the view and its GetRowCount().
    [Fact]
    public void A_view_that_gives_more_rows_than_its_GetRowCount_says_is_named_with_it_by_every_estimator()
    {
        var data = new Overcounted(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(40, 1)));
        foreach (var (what, fit) in EveryEstimatorsFit(data, imageHeight: 2))
        {
            var e = Assert.Throws<InvalidOperationException>(fit);
            Assert.True(e.Message == "The input view Overcounted said it has 20 rows (its GetRowCount()), but a cursor over column 'Features' gave more; " +
                "a view's GetRowCount() must be the rows each cursor gives, or null when it does not know them.", $"{what}: {e.Message}");
        }
    }

    // A pass without rows is not sparse (RowsAreSparse's rule: every one of the first rows sparse, and at least one):
    // said sparse, the trainers took the sparse path, with its buffers for V indices and values, for no row at all.
    [Fact]
    public void A_pass_without_rows_is_not_sparse_and_one_of_sparse_rows_is()
    {
        var sparse = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(i => new Sparse16 { Features = new VBuffer<float>(16, 1, [1f], [i]) }));
        foreach (var (data, expected) in new[] { (_ml.Data.LoadFromEnumerable(Array.Empty<Sparse16>()), false), (sparse, true) })
        {
            var rows = new SparseAe.MLNet.DataViews.DataViewRows(data, data.Schema["Features"], 16);
            using var pass = rows.OpenPass(0);
            Assert.Equal(expected, pass.RowsAreSparse);
            using var shuffled = rows.OpenShuffledPass(0, new Random(1));
            Assert.Equal(expected, shuffled.RowsAreSparse);
        }
    }

    // A pass is sparse when every one of its first 16 rows is stored sparse, whatever comes after them; the rows read ahead
    // to decide it are then read in their order, each once. (Mutation audit: deciding on the first row, on the last of the 16,
    // or on 17 rows passed every test.)
    [Theory]
    [InlineData("SDS", false)]                   // a dense row among sparse ones, then a sparse one
    [InlineData("SSSSSSSSSSSSSSSD", false)]      // the 16th row dense
    [InlineData("SSSSSSSSSSSSSSSSD", true)]      // the 17th row dense: past the rows that decide
    [InlineData("SSSSSSSSSSSSSSSSSSSS", true)]
    [InlineData("DSSSS", false)]
    public void A_pass_is_sparse_when_each_of_its_first_16_rows_is_and_its_rows_are_read_in_order(string stored, bool expected)
    {
        var rows = stored.Select((kind, i) => new Sparse16
        {
            Features = kind == 'S'
                ? new VBuffer<float>(16, 1, [i + 1f], [i % 16])
                : new VBuffer<float>(16, Enumerable.Range(0, 16).Select(j => j == i % 16 ? i + 1f : 0f).ToArray()),
        }).ToArray();
        var data = _ml.Data.LoadFromEnumerable(rows);
        using var pass = new SparseAe.MLNet.DataViews.DataViewRows(data, data.Schema["Features"], 16).OpenPass(0);
        Assert.Equal(expected, pass.RowsAreSparse);
        var row = new float[16];
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.True(pass.TryReadRow(row), $"row {i} of {rows.Length}");
            Assert.Equal(Enumerable.Range(0, 16).Select(j => j == i % 16 ? i + 1f : 0f), row);
        }
        Assert.False(pass.TryReadRow(row));
    }
}
