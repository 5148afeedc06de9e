using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>L-BFGS and ZCA hold every row: MaximumRows samples them, and a view too large is refused before reading.</summary>
public class MaximumRowsTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private static IDataView Rows(int count, int seed = 3) => Ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(count, seed));

    private static SparseAutoencoderTransformer Fit(IDataView view, long? maximumRows, int seed = 2) => Ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = "Features", HiddenCount = 3, MaxIterations = 5, MaximumRows = maximumRows, Seed = seed,
    }).Fit(view);

    [Fact]
    public void A_view_with_more_rows_than_LBFGS_can_hold_is_refused_before_any_row_is_read()
    {
        long limit = AutoencoderTraining.MaxLbfgsRows(8, 3);
        // Too many rows for the optimiser is a problem of the data, as no rows is: ArgumentException.
        var e = Assert.Throws<ArgumentException>(() => Fit(new HugeView(Rows(1), limit + 1), null));
        Assert.Equal("input", e.ParamName);
        Assert.Contains($"has {limit + 1} rows, more than the {limit} rows", e.Message);
        Assert.Contains("MaximumRows", e.Message);
        Assert.Contains("Adam", e.Message);
    }

    // A cap at or above the rows a view has means every row; when those are too many for L-BFGS the refusal said
    // "set MaximumRows to train on a random sample", to a caller who had set it.
    [Fact]
    public void A_cap_that_means_every_row_of_too_many_is_advised_lower_not_to_be_set()
    {
        long limit = AutoencoderTraining.MaxLbfgsRows(8, 3);
        var e = Assert.Throws<ArgumentException>(() => Fit(new HugeView(Rows(1), limit + 1), limit + 5));
        Assert.Contains($"has {limit + 1} rows, more than the {limit} rows", e.Message);
        Assert.Contains($"lower MaximumRows (now {limit + 5}, every row) to at most {limit} to train on a random sample of them, or use Optimizer = Adam", e.Message);
    }

    [Fact]
    public void MaximumRows_above_what_LBFGS_can_hold_is_refused_before_any_row_is_read()
    {
        long limit = AutoencoderTraining.MaxLbfgsRows(8, 3);
        // A view with more rows than the cap (a cap above the rows a view has means every row: below).
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fit(new HugeView(Rows(1), limit + 5), limit + 1));
        Assert.Equal("MaximumRows", e.ParamName);
        Assert.Contains($"MaximumRows is {limit + 1}, but L-BFGS can hold at most {limit} rows", e.Message);
    }

    [Fact]
    public void MaximumRows_below_one_is_refused_when_the_estimator_is_made()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", MaximumRows = 0 }));
        Assert.Contains("MaximumRows must be null (every row) or at least 1, but is 0", e.Message);
    }

    [Fact]
    public void MaximumRows_trains_on_a_seeded_random_sample()
    {
        var view = Rows(400);
        var sampled = Fit(view, 50);
        Assert.Equal(50, sampled.Summary.TrainingRows);
        Assert.Equal(400, Fit(view, null).Summary.TrainingRows);
        Assert.Equal(400, Fit(view, 1000).Summary.TrainingRows);                                  // fewer rows than the cap: every row
        Assert.Equal(400, Fit(view, long.MaxValue).Summary.TrainingRows);                         // even a cap above what L-BFGS holds
        Assert.Equal(sampled.Weights.W1.ToArray(), Fit(view, 50).Weights.W1.ToArray());   // the same seed, the same sample
        // Not simply the first 50 rows: those train another model from the same initial weights.
        Assert.NotEqual(sampled.Weights.W1.ToArray(), Fit(Ml.Data.TakeRows(view, 50), null).Weights.W1.ToArray());
    }

    [Fact]
    public void ZCA_fits_on_a_seeded_random_sample_of_maximumRows()
    {
        var view = Rows(300);
        var sampled = Ml.Transforms.ZcaWhitening("White", "Features", maximumRows: 40, seed: 5).Fit(view);
        Assert.Equal(40, sampled.TrainingRows);
        Assert.Equal(sampled.Whitening.Mean.ToArray(), Ml.Transforms.ZcaWhitening("White", "Features", maximumRows: 40, seed: 5).Fit(view).Whitening.Mean.ToArray());
        Assert.NotEqual(sampled.Whitening.Mean.ToArray(), Ml.Transforms.ZcaWhitening("White", "Features", maximumRows: 40, seed: 6).Fit(view).Whitening.Mean.ToArray());
        Assert.Equal(300, Ml.Transforms.ZcaWhitening("White", "Features").Fit(view).TrainingRows);
    }

    // Without a seed of its own the sample is drawn from the MLContext's seed, as the autoencoder's initial weights are (the
    // catalog's "null takes one from the MLContext"): a fixed seed there made every context sample the same rows, and a
    // user's MLContext(seed) neither reproduced nor varied the fit.
    [Fact]
    public void ZCA_without_a_seed_samples_by_the_MLContext_seed()
    {
        var view = Rows(300);
        float[] Mean(int contextSeed) => new MLContext(seed: contextSeed).Transforms.ZcaWhitening("White", "Features", maximumRows: 40).Fit(view).Whitening.Mean.ToArray();
        Assert.Equal(Mean(11), Mean(11));
        Assert.NotEqual(Mean(11), Mean(12));
    }

    // A cap at or above the rows the view says it has means every row, as the autoencoder's does (above): a cap above what one
    // array holds was refused on a view of 300 rows ("maximumRows is 268435449, but ZCA can hold at most 268435448 rows of 8
    // values"), and a cap between the rows and that limit sampled every row in a random order.
    [Fact]
    public void A_ZCA_cap_at_or_above_the_rows_the_view_has_means_every_row()
    {
        var view = Rows(300);
        var every = Ml.Transforms.ZcaWhitening("White", "Features").Fit(view);
        foreach (long cap in new[] { 300L, 1000L, Array.MaxLength / 8 + 1, long.MaxValue })
        {
            var capped = Ml.Transforms.ZcaWhitening("White", "Features", maximumRows: cap, seed: 5).Fit(view);
            Assert.Equal(300, capped.TrainingRows);
            Assert.Equal(every.Whitening.Mean.ToArray(), capped.Whitening.Mean.ToArray());   // the rows in the view's order: the same sums
            Assert.Equal(every.Whitening.Matrix.ToArray(), capped.Whitening.Matrix.ToArray());
        }
        // A view that does not say how many rows it has is still held to the limit.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.ZcaWhitening("White", "Features", maximumRows: Array.MaxLength / 8 + 1).Fit(new HugeView(Rows(1), null)));
        Assert.Contains($"maximumRows is {Array.MaxLength / 8 + 1}, but ZCA can hold at most {Array.MaxLength / 8} rows of 8 values", e.Message);
    }

    [Fact]
    public void ZCA_refuses_a_view_larger_than_it_can_hold_before_any_row_is_read()
    {
        var e = Assert.Throws<ArgumentException>(() => Ml.Transforms.ZcaWhitening("White", "Features").Fit(new HugeView(Rows(1), long.MaxValue / 2)));
        Assert.Contains("set maximumRows", e.Message);
        // As many rows as one array holds are not too many (the memory they need is checked next, or the rows are read).
        // (Mutation audit: the limit refused at itself passed every test.)
        var atLimit = Assert.ThrowsAny<Exception>(() => Ml.Transforms.ZcaWhitening("White", "Features").Fit(new HugeView(Rows(1), Array.MaxLength / 8)));
        Assert.DoesNotContain("more than the", atLimit.Message);
        Assert.True(atLimit.Message == "a row was read" || atLimit.Message.Contains("memory"), atLimit.Message);
    }

    // With maximumRows, a view of more rows than ZCA can hold is sampled: neither refused as too many nor held to the memory
    // of all its rows, only of the sample's. HugeView fails when its rows are read, which is as far as such a Fit gets here.
    // (Mutation audit: the rows refused with a cap set, or their memory counted whole, passed every test.)
    [Fact]
    public void ZCA_with_maximumRows_samples_a_view_larger_than_it_can_hold()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Ml.Transforms.ZcaWhitening("White", "Features", maximumRows: 10, seed: 1).Fit(new HugeView(Rows(20), long.MaxValue / 2)));
        Assert.Equal("a row was read", e.Message);
    }
}
