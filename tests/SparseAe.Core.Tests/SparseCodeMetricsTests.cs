using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>The FVU from running sums: the formula where the rows vary, a defined value where they do not.</summary>
public class SparseCodeMetricsTests
{
    // sum ||x - y||^2 / sum ||x - mean||^2, both sums taken directly in double.
    private static double Direct(double[][] x, double squaredError)
    {
        int v = x[0].Length;
        var mean = Enumerable.Range(0, v).Select(j => x.Average(r => r[j])).ToArray();
        return squaredError / x.Sum(r => r.Select((value, j) => (value - mean[j]) * (value - mean[j])).Sum());
    }

    // The sums the trainer keeps for dense rows: about the first row.
    private static double FromSums(double[][] x, double squaredError)
    {
        int v = x[0].Length;
        var d = x.Select(r => r.Select((value, j) => value - x[0][j]).ToArray()).ToArray();
        var sums = Enumerable.Range(0, v).Select(j => d.Sum(r => r[j])).ToArray();
        return SparseCodeMetrics.FractionOfVarianceUnexplained(squaredError, d.Sum(r => r.Sum(e => e * e)), sums, x.Length);
    }

    // The firing rates were the trainer's (and the model reader's) own array behind IReadOnlyList: cast back, a caller could
    // change a model's rates, which its next save then wrote.
    [Fact]
    public void The_firing_rates_are_a_read_only_copy_of_what_was_given()
    {
        double[] rates = [0.5, 0.25];
        var metrics = new SparseCodeMetrics(0.1, 0, rates);
        rates[0] = 9;
        Assert.Equal([0.5, 0.25], metrics.FiringRate);
        Assert.Throws<NotSupportedException>(() => ((IList<double>)metrics.FiringRate)[1] = 9);
        var other = metrics with { FiringRate = rates };
        rates[1] = 9;
        Assert.Equal([9, 0.25], other.FiringRate);
        Assert.Equal("FiringRate", Assert.Throws<ArgumentNullException>(() => new SparseCodeMetrics(0.1, 0, null!)).ParamName);
    }

    [Fact]
    public void Rows_that_vary_give_the_direct_ratio()
    {
        var random = new Random(4);
        var x = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 7).Select(_ => random.NextDouble()).ToArray()).ToArray();
        foreach (double error in new[] { 0, 0.3, 2.5, 40 })
            Assert.Equal(Direct(x, error), FromSums(x, error), 1e-12);
    }

    // A training run's FVU is its model's: with a learning rate too small to move the weights over the last epoch,
    // the FVU measured on the epoch's mini-batches equals the trained model's sum ||x - y||^2 / sum ||x - mean||^2 over
    // the rows. The other tests check only the formula from sums, the sparse rows' FVU against the dense rows' and
    // ranges, so a factor 2 lost from the trainer's squared error (its reconstruction term is ||e||^2 / 2m) passed.
    [Theory]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void A_training_runs_FVU_firing_rates_and_mean_activations_are_its_models_over_the_rows(ActivationKind activation)
    {
        const int rows = 100, v = 7, h = 10;   // mini-batches of 32, 32, 32 and 4: the short one counts less
        var data = TestData.RandomRows(rows, v, 5);
        var settings = new TrainerSettings
        {
            HiddenCount = h, Epochs = 2, BatchSize = 32, Seed = 2, Threads = 1, Optimizer = OptimizerKind.Adam, LearningRate = 1e-12,
            Objective = new ObjectiveSettings(Activation: activation, K: 3, Decoder: DecoderKind.Linear),
        };
        var result = AutoencoderTraining.Run(new ArrayRowSource(data, rows, v), settings);
        var encoder = new AutoencoderEncoder(result.Parameters, DecoderKind.Linear, activation, k: 3);
        var x = Enumerable.Range(0, rows).Select(r => data.AsSpan(r * v, v).ToArray().Select(f => (double)f).ToArray()).ToArray();
        double squaredError = 0;
        var code = new float[h];
        var scratch = new float[v];
        var fired = new int[h];
        var meanCode = new double[h];
        for (int r = 0; r < rows; r++)
        {
            encoder.Encode(data.AsSpan(r * v, v), code);
            squaredError += (double)encoder.ReconstructionError(data.AsSpan(r * v, v), code, scratch) * v;
            for (int j = 0; j < h; j++) if (code[j] > 0) fired[j]++;
            for (int j = 0; j < h; j++) meanCode[j] += code[j] / (double)rows;
        }
        // The summary's mean activations are the model's mean codes over the rows.
        for (int j = 0; j < h; j++)
            Assert.True(Math.Abs(result.Summary.MeanActivation[j] - meanCode[j]) <= 1e-5 * Math.Max(1, meanCode[j]),
                $"{activation}: latent {j}: mean activation {result.Summary.MeanActivation[j]} in training, {meanCode[j]} by the model");
        // And its firing rates (so its L0) are its model's: each latent's share of the rows it is active on, within a
        // row (a z at 0 or at a threshold may round either way between the objective's and the encoder's sums).
        var rates = result.Summary.CodeMetrics!.FiringRate;
        Assert.Equal(h, rates.Count);
        Assert.Contains(fired, f => f > 0 && f < rows);
        for (int j = 0; j < h; j++)
            Assert.True(Math.Abs(rates[j] - (double)fired[j] / rows) <= 1.0 / rows + 1e-12, $"{activation}: latent {j} fired on {rates[j]} of the rows in training, {fired[j]} of {rows} by the model");
        double expected = Direct(x, squaredError);
        Assert.InRange(expected, 0.05, 20);   // precondition: an FVU that a factor of 2 would move far
        double fvu = result.Summary.CodeMetrics!.Fvu;
        Assert.True(Math.Abs(fvu - expected) <= 1e-4 * expected, $"{activation}: the run's FVU {fvu}, its model's {expected}");
    }

    [Fact]
    public void A_small_spread_around_a_large_offset_keeps_its_FVU()
    {
        // Rows at 1000 +- 5e-4 in float (about 8 units in the last place): about 0, the spread would be lost
        // to the rounding of the 1e6-sized squares; about a row it is kept.
        var random = new Random(6);
        var x = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 5).Select(_ => (double)(float)(1000 + 1e-3 * (random.NextDouble() - 0.5))).ToArray()).ToArray();
        double direct = Direct(x, 1e-6);
        Assert.InRange(direct, 1e-3, 1e3);
        Assert.Equal(direct, FromSums(x, 1e-6), direct * 1e-9);
    }

    [Theory]
    [InlineData(1, 0.5)]     // one row
    [InlineData(20, 0.5)]    // identical rows
    [InlineData(20, 1e18)]   // identical large rows: the difference of sums is a rounding residue of either sign
    [InlineData(3, 0)]       // all zero
    public void Rows_without_variance_give_0_for_an_exact_reconstruction_and_1_otherwise(int rows, double value)
    {
        var x = Enumerable.Range(0, rows).Select(_ => new[] { value, -value / 3, 0.25 * value }).ToArray();
        Assert.Equal(0, FromSums(x, 0));
        Assert.Equal(1, FromSums(x, 1e-3));
        Assert.Equal(1, FromSums(x, 1e30));
    }

    [Fact]
    public void A_ratio_too_large_for_a_double_is_capped()
    {
        var x = new[] { new[] { 0.0, 1e-150 }, new[] { 0.0, -1e-150 } };   // variance 2e-300
        Assert.Equal(double.MaxValue, FromSums(x, 1e10));
    }

    // Dead is counted in whole mini-batches, as OpenAI's code counts it: a latent that fired on any row of a
    // mini-batch counts as having fired at its end. docs/sparse-codes.md said "fired on none of the last
    // DeadLatentWindow training rows": with a window of 1 row and TopK k = 3 of 10 latents, at most 3 latents fire on
    // the last row, so that rule makes at least 7 of 10 dead, where the run (one mini-batch an epoch) counts dead only
    // the latents that fired on none of the last mini-batch's 100 rows.
    [Fact]
    public void Dead_latents_are_counted_in_whole_mini_batches()
    {
        const int rows = 100, v = 7, h = 10;
        var data = TestData.RandomRows(rows, v, 5);
        var settings = new TrainerSettings
        {
            HiddenCount = h, Epochs = 2, BatchSize = rows, Seed = 2, Threads = 1, Optimizer = OptimizerKind.Adam,
            Objective = new ObjectiveSettings(Activation: ActivationKind.TopK, K: 3, Decoder: DecoderKind.Linear, DeadLatentWindow: 1),
        };
        var metrics = AutoencoderTraining.Run(new ArrayRowSource(data, rows, v), settings).Summary.CodeMetrics!;
        int silent = metrics.FiringRate.Count(r => r == 0);   // one mini-batch an epoch: the latents silent on all of the last one
        Assert.True(silent < h - 3, $"precondition: {silent} latents silent on the last mini-batch");
        Assert.Equal((double)silent / h, metrics.DeadFraction);
    }

    // Mutation audit: counting latents at a firing rate of exactly 10% as dense (r >= 0.1) passed every
    // test: no test read DenseFraction at all. It is documented as the share active on more than 10% of rows.
    [Fact]
    public void Dense_latents_are_those_active_on_more_than_a_tenth_of_the_rows()
    {
        Assert.Equal(0.5, new SparseCodeMetrics(0, 0, [0.1, 0.11, 1.0, 0.0]).DenseFraction);
        Assert.Equal(0.0, new SparseCodeMetrics(0, 0, []).DenseFraction);
    }
}
