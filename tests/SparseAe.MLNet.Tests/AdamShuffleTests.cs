using Microsoft.ML;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>Adam reads a view that can shuffle itself in its own seeded random order.</summary>
public class AdamShuffleTests
{
    // A view that forwards to another and records whether each cursor was asked for a random order.
    private sealed class RecordingView(IDataView inner, bool canShuffle) : IDataView
    {
        public readonly List<bool> Shuffled = [];
        public bool CanShuffle => canShuffle;
        public DataViewSchema Schema => inner.Schema;
        public long? GetRowCount() => inner.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            lock (Shuffled) Shuffled.Add(rand is not null);
            return inner.GetRowCursor(columnsNeeded, canShuffle ? rand : null);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
            => [GetRowCursor(columnsNeeded, rand)];
    }

    private static SparseAutoencoderTransformer FitAdam(MLContext ml, IDataView view) => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = "Features", HiddenCount = 3, Optimizer = OptimizerKind.Adam, Epochs = 3, BatchSize = 8, ShufflePoolRows = 4, Seed = 2,
    }).Fit(view);

    [Fact]
    public void A_view_that_can_shuffle_is_read_in_a_seeded_random_order_every_epoch()
    {
        var ml = new MLContext(seed: 1);
        var cached = ml.Data.Cache(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(64, 3)));
        var view = new RecordingView(cached, canShuffle: true);
        var first = FitAdam(ml, view);
        Assert.Equal([true, true, true], view.Shuffled);
        // The order is drawn from the seed: the same seed, the same model.
        Assert.Equal(first.Weights.W1.ToArray(), FitAdam(ml, new RecordingView(cached, canShuffle: true)).Weights.W1.ToArray());
        // And it is another order than the view's own: a pool of 4 rows alone gives another model.
        Assert.NotEqual(first.Weights.W1.ToArray(), FitAdam(ml, new RecordingView(cached, canShuffle: false)).Weights.W1.ToArray());
    }

    [Fact]
    public void A_view_that_cannot_shuffle_is_read_in_its_order()
    {
        var ml = new MLContext(seed: 1);
        var view = new RecordingView(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(64, 3)), canShuffle: false);
        FitAdam(ml, view);
        Assert.Equal([false, false, false], view.Shuffled);
    }
}
