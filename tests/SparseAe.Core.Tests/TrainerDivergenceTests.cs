using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;
using static SparseAe.Core.Tests.TrainerTests;

namespace SparseAe.Core.Tests;

/// <summary>Training whose cost, gradient or parameters leave float: each refused naming its cause (the rows, a weight, the learning rate), and runs said to have diverged only when they did.</summary>
public class TrainerDivergenceTests
{
    [Fact]
    public void Adam_stops_with_a_clear_error_when_the_cost_becomes_non_finite()
    {
        const int v = 8, m = 256;
        var x = TestData.RandomRows(m, v, 5);
        var settings = new TrainerSettings { HiddenCount = 4, Optimizer = OptimizerKind.Adam, Epochs = 50, BatchSize = 32, LearningRate = 1e6 };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), settings));
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("no model is returned", e.Message);
        Assert.Contains("check that the inputs lie in [0, 1] (a sigmoid decoder reconstructs only that range)", e.Message);
    }

    // One epoch of one mini-batch: the only evaluation precedes the only update, so only the check after
    // the last update can see what that update did.
    private static TrainerSettings OneStep(ActivationKind activation, double learningRate, List<string>? warnings = null, int epochs = 1, int batchSize = 64) => new()
    {
        HiddenCount = 8, Optimizer = OptimizerKind.Adam, Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate, Seed = 1, Threads = 1,
        Objective = new SparseAe.Objective.ObjectiveSettings { Decoder = activation == ActivationKind.Sigmoid ? DecoderKind.Sigmoid : DecoderKind.Linear, Activation = activation, K = 2 },
        Warning = warnings is null ? null : warnings.Add,
    };

    [Theory]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    public void Adams_last_update_is_checked_before_a_model_is_returned(ActivationKind activation)
    {
        // A step of 1e20 left finite weights whose codes of ordinary rows were NaN; Fit returned them.
        var x = TestData.RandomRows(64, 10, 2);
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(activation, 1e20)));
        Assert.Contains("after the last update", e.Message);
        Assert.Contains("no model is returned. Try a smaller LearningRate (now 1E+20)", e.Message);
    }

    [Fact]
    public void A_gradient_that_is_not_finite_beside_a_finite_cost_is_named_as_the_gradient()
    {
        // It was reported as "the cost became 5003791101748.839", a finite number.
        using var objective = new SparseAe.Objective.SparseAutoencoderObjective(2, 1, new SparseAe.Objective.ObjectiveSettings());
        var gradient = new float[] { 0, 0, 0, float.NaN, 0, 0, 0 };
        var settings = new TrainerSettings { HiddenCount = 1, Optimizer = OptimizerKind.Adam, LearningRate = 0.5 };
        var e = Assert.Throws<NonFiniteCostException>(() =>
            MiniBatchTrainer.ThrowIfNonFinite(new SparseAe.Objective.CostBreakdown(5e12, 5e12, 0, 0), gradient, objective, settings, 10, "at epoch 1, mini-batch 2"));
        // Index 3 of a 2-1-2 autoencoder's theta is W2's second row: "at parameter 3" left the user to work that out.
        Assert.StartsWith($"The gradient of parameter W2[1, 0] (index 3 of theta) became {float.NaN} (the cost 5E+12) at epoch 1, mini-batch 2; training stopped", e.Message);
        MiniBatchTrainer.ThrowIfNonFinite(new SparseAe.Objective.CostBreakdown(5e12, 5e12, 0, 0), new float[7], objective, settings, 10, "anywhere");
    }

    [Fact]
    public void A_JumpReLU_threshold_beyond_float_after_the_last_update_is_refused()
    {
        // Log-thresholds over 88.7 made every threshold infinite and every code 0, at a finite cost.
        var x = TestData.RandomRows(64, 10, 2);
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(ActivationKind.JumpReLU, 100)));
        Assert.Matches(@"^The threshold of latent \d+ became exp\([0-9.]+\), beyond float, after the last update; training stopped and no model is returned\.", e.Message);
    }

    [Fact]
    public void A_run_that_ends_far_above_its_starting_cost_is_said_to_have_diverged()
    {
        var x = TestData.RandomRows(64, 10, 2);
        List<string> warnings = [];
        // Under a decimal comma (de-DE's) too, in the invariant culture as every log line is: it said "rose from 3,094E+00 ...".
        var culture = Thread.CurrentThread.CurrentCulture;
        // A culture with de-DE's decimal comma, built from the invariant one: the ARM64 run under qemu is
        // globalization-invariant and has no de-DE.
        var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        Thread.CurrentThread.CurrentCulture = comma;
        TrainingResult result;
        // A learning rate of 1e3 ends far above the start; 1e6 blew the gradients past what Adam's second moments hold,
        // which is refused (Adam_refuses_a_gradient_whose_square_would_stop_its_parameter_for_good).
        try { result = AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(ActivationKind.ReLU, 1e3, warnings, epochs: 5, batchSize: 16)); }
        finally { Thread.CurrentThread.CurrentCulture = culture; }
        Assert.True(result.Summary.FinalCost.Total > 100 * 1, $"{result.Summary.FinalCost.Total}");
        var warning = Assert.Single(warnings);
        Assert.Matches(@"^Adam's cost rose from [0-9.E+-]+ at the starting point \(on the second mini-batch, as the first set the decoder bias\) to ", warning);
        Assert.Contains("training diverged, and the model reconstructs poorly. Try a smaller LearningRate (now 1000).", warning);
        // An ordinary run says nothing.
        warnings.Clear();
        AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(ActivationKind.ReLU, 0.01, warnings, epochs: 5, batchSize: 16));
        Assert.Empty(warnings);
    }

    // A LearningRate of 1e-20 passes the range check (float's smallest normal and up), but every step of W1 and W2 is
    // under half a weight's float spacing and rounds away: the weights never left their random start, and the run
    // said EpochsCompleted without a word. 1e-4, a small but working rate, is not warned about. Said once, at the first update.
    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void A_run_whose_steps_round_away_on_most_weights_is_said_to_be_untrained(ActivationKind activation)
    {
        var x = TestData.RandomRows(64, 10, 2);
        List<string> warnings = [];
        var result = AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(activation, 1e-20, warnings, epochs: 3, batchSize: 16));
        var p = result.Parameters;
        int weights = 2 * p.HiddenCount * p.VisibleCount;
        if (activation == ActivationKind.Sigmoid)   // the sigmoid starts from the seed's weights: W1 and W2 are those, bit for bit
            Assert.Equal(ParameterInitializer.Initialize(10, 8, 1).Theta.AsSpan(0, weights).ToArray(), p.Theta.AsSpan(0, weights).ToArray());
        var warning = Assert.Single(warnings);
        var counts = System.Text.RegularExpressions.Regex.Match(warning,
            @"^Adam's LearningRate 1E-20 is below float's resolution of most weights: no step it takes \(at most 7\.27E-20, 7\.27 LearningRate\) changes (\d+) of the (\d+) nonzero parameters, ").Groups;
        Assert.True(counts[0].Success, warning);
        Assert.True(int.Parse(counts[1].Value) >= weights, warning);   // every weight; a bias is 0 or moves
        Assert.EndsWith("so those stay at their random starting values. Use a larger LearningRate (the default is 0.01).", warning);
        warnings.Clear();
        AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(activation, 1e-4, warnings, epochs: 3, batchSize: 16));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void A_sparse_code_with_batches_of_one_row_is_not_said_to_have_diverged(ActivationKind activation)
    {
        // A sparse code starts from its first mini-batch (the decoder's bias is the batch's mean), so with one
        // row a batch that start reconstructs exactly: its cost (about 2e-4, the weight decay) made every
        // ordinary run "rise 100 times" and be warned about as diverged.
        var x = TestData.RandomRows(64, 10, 2);
        List<string> warnings = [];
        var result = AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(activation, 0.01, warnings, epochs: 3, batchSize: 1));
        Assert.True(result.Summary.CodeMetrics!.Fvu < 1, $"{result.Summary.CodeMetrics.Fvu}");
        Assert.Empty(warnings);
        // A run that does diverge with batches of one row is still said to.
        AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(activation, 1e4, warnings, epochs: 3, batchSize: 1));
        Assert.Contains(warnings, w => w.Contains("training diverged"));
    }

    // Dead: fired on none of the last DeadLatentWindow training rows. A run of fewer rows than the window (here 3 epochs
    // of 64 zero rows, on which no latent ever fires: L0 = 0) reported dead = 0%, since no latent had yet gone 10,000
    // rows without firing, while the latent chart counted every latent dead. Latents that fired on none of the rows
    // trained are dead; a latent that fired in the last epoch is not.
    [Theory]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void Latents_that_never_fired_in_a_run_shorter_than_the_window_are_dead(ActivationKind activation)
    {
        var settings = new TrainerSettings
        {
            HiddenCount = 4, Epochs = 3, BatchSize = 16, Seed = 1, Threads = 1, Optimizer = OptimizerKind.Adam,
            Objective = new ObjectiveSettings(Activation: activation, K: 2, Decoder: DecoderKind.Linear),
        };
        var never = AutoencoderTraining.Run(new ArrayRowSource(new float[64 * 6], 64, 6), settings).Summary.CodeMetrics!;
        Assert.Equal(0, never.L0);
        Assert.Equal(1, never.DeadFraction);
        var fired = AutoencoderTraining.Run(new ArrayRowSource(TestData.RandomRows(64, 6, 3), 64, 6), settings).Summary.CodeMetrics!;
        Assert.InRange(fired.DeadFraction, 0, fired.FiringRate.Count(r => r == 0) / 4.0);
        Assert.True(fired.L0 > 0, $"{fired.L0}");
    }

    // The dead fraction is a share of the latents, not all or nothing: with a window of one epoch's rows (64 rows in
    // mini-batches of 16), the dead latents are exactly those that fired on none of the last epoch's rows, the rows the
    // firing rates are measured on. The test above sees only all dead (1) and an upper bound, which a DeadFraction of
    // 0 or 1 (DeadLatentCount == H) passed. Rows of two kinds, so that TopK keeps choosing a few of its 16 latents.
    [Fact]
    public void The_dead_fraction_is_the_share_of_latents_silent_over_the_window()
    {
        const int h = 16, v = 6;
        var kinds = TestData.RandomRows(2, v, 3);
        var x = Enumerable.Range(0, 64).SelectMany(r => kinds.AsSpan((r % 2) * v, v).ToArray()).ToArray();
        var settings = new TrainerSettings
        {
            HiddenCount = h, Epochs = 3, BatchSize = 16, Seed = 1, Threads = 1, Optimizer = OptimizerKind.Adam,
            Objective = new ObjectiveSettings(Activation: ActivationKind.TopK, K: 2, Decoder: DecoderKind.Linear, DeadLatentWindow: 64),
        };
        var m = AutoencoderTraining.Run(new ArrayRowSource(x, 64, v), settings).Summary.CodeMetrics!;
        int silent = m.FiringRate.Count(r => r == 0);
        Assert.InRange(silent, 1, h - 1);   // precondition: some latents silent, some not
        Assert.Equal((double)silent / h, m.DeadFraction);
    }

    [Theory]
    [InlineData(1e308, 0.0001, "To find why, lower SparsityWeight (now 1E+308): the sparsity term it scales is ")]
    [InlineData(3.0, 1e308, "To find why, lower WeightDecay (now 1E+308): the weight-decay term is ")]
    public void A_penalty_weight_that_overflows_is_named_not_the_inputs(double beta, double lambda, string advice)
    {
        // A finite cost of 1.5e308 beside an infinite float gradient was blamed on inputs that lay in [0, 1].
        var x = TestData.RandomRows(40, 8, 3);
        var settings = new TrainerSettings { HiddenCount = 3, MaxIterations = 3, Objective = new SparseAe.Objective.ObjectiveSettings(SparsityWeight: beta, WeightDecay: lambda) };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 40, 8), settings));
        Assert.Contains(advice, e.Message);
        Assert.DoesNotContain("[0, 1]", e.Message);
    }

    [Theory]
    [InlineData(OptimizerKind.Lbfgs, "The cost or its gradient at the starting point is not finite (cost 1.7")]
    [InlineData(OptimizerKind.Adam, "The gradient of parameter ")]
    public void A_sparsity_weight_whose_gradient_overflows_is_named_though_its_term_fits_float(OptimizerKind optimizer, string what)
    {
        // beta = 1e37 on inputs in [0, 1]: a sparsity term of 1.77e37, within float, but the float gradient sums
        // beta-scaled derivatives over the 200 rows before its 1/m and overflows. The advice blamed the inputs.
        var x = TestData.RandomRows(200, 8, 3);
        var settings = new TrainerSettings
        {
            HiddenCount = 3, MaxIterations = 3, Optimizer = optimizer, BatchSize = 200, Epochs = 1,
            Objective = new SparseAe.Objective.ObjectiveSettings(SparsityWeight: 1e37),
        };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 200, 8), settings));
        Assert.StartsWith(what, e.Message);
        Assert.Matches(@"To find why, lower SparsityWeight \(now 1E\+37\): the sparsity term it scales is 1\.\d+E\+37, beyond float once summed over the 200 rows of the float gradient\.$", e.Message);
        Assert.DoesNotContain("[0, 1]", e.Message);
    }

    [Fact]
    public void Adam_refuses_a_gradient_whose_square_would_stop_its_parameter_for_good()
    {
        // beta = 1e21 on inputs in [0, 1]: a finite cost and gradient, but the encoder's gradients passed 1.8e19, so
        // Adam's second moments (g^2 in float) became infinite and m / sqrt(v) 0: the whole encoder stayed at its
        // initial values for every epoch, and the run said EpochsCompleted.
        var x = TestData.RandomRows(40, 8, 3);
        var settings = new TrainerSettings
        {
            HiddenCount = 4, Optimizer = OptimizerKind.Adam, BatchSize = 10, Epochs = 3, Threads = 1,
            Objective = new SparseAe.Objective.ObjectiveSettings(SparsityWeight: 1e21),
        };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 40, 8), settings));
        Assert.Matches(@"^The gradient of parameter (W1\[\d, \d\]|b1\[\d\]) \(index \d+ of theta\) became -?\d\.\d+E\+\d\d at epoch 1, mini-batch 1, beyond 1\.84E\+19: its square, Adam's second moment, passes float ", e.Message);
        int index = int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, @"index (\d+) of theta").Groups[1].Value);
        Assert.StartsWith($"The gradient of {SparseAe.Model.AutoencoderParameters.ParameterName(8, 4, index)} became", e.Message);
        Assert.Contains("training stopped and no model is returned. Lower SparsityWeight (now 1E+21) or WeightDecay (now 0.0001), or the inputs' scale", e.Message);
        Assert.DoesNotContain("LearningRate", e.Message);   // the first step: the weights are the initial ones
    }

    [Fact]
    public void A_gradient_past_Adams_second_moment_after_a_step_too_large_names_the_learning_rate_first()
    {
        // A step of 1e6 on inputs in [0, 1] at the default penalties: the second mini-batch's gradient passed 1.8e19, and the
        // message said "Lower L1Weight (now 0.1) or WeightDecay (now 0.0001), or the inputs' scale ..., or try a smaller
        // LearningRate (now 1000000)": the learning rate, the cause, last, as every other refusal after an update names it first.
        var x = TestData.RandomRows(64, 10, 2);
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(ActivationKind.ReLU, 1e6, epochs: 5, batchSize: 16)));
        Assert.Matches(@"^The gradient of parameter (W1|W2|b1|b2)\[[\d, ]+\] \(index \d+ of theta\) became -?\d\.\d+E\+\d\d at epoch 1, mini-batch 2, beyond 1\.84E\+19: its square, Adam's second moment, passes float ", e.Message);
        Assert.Contains("training stopped and no model is returned. Try a smaller LearningRate (now 1000000), or lower L1Weight (now 0.1) or WeightDecay (now 0.0001), or the inputs' scale", e.Message);
    }

    [Theory]
    [InlineData(1e300, 1.0, "To find why, lower SparsityWeight (now 1E+300)")]
    [InlineData(3.0, 1e30, "whose square passes float's largest value (3.403E+38), so the row's squared reconstruction error overflows: check that the inputs lie in [0, 1]")]
    public void Adam_at_its_starting_point_does_not_blame_the_learning_rate(double beta, double scale, string advice)
    {
        // The first mini-batch is evaluated before any update, so no step size can be the cause; it said
        // "Try a smaller LearningRate (now 0.01)" first, before the sparsity weight or the inputs.
        var x = TestData.RandomRows(40, 8, 3).Select(v => (float)(v * scale)).ToArray();
        var settings = new TrainerSettings
        {
            HiddenCount = 3, Optimizer = OptimizerKind.Adam, BatchSize = 10, Epochs = 2,
            Objective = new SparseAe.Objective.ObjectiveSettings(SparsityWeight: beta),
        };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 40, 8), settings));
        Assert.Contains("at epoch 1, mini-batch 1, at the starting point (before any update); training stopped and no model is returned. ", e.Message);
        Assert.Contains(advice, e.Message);
        Assert.DoesNotContain("LearningRate", e.Message);
    }

    [Theory]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.JumpReLU)]
    public void Adam_names_a_row_whose_square_passes_float_instead_of_blaming_the_learning_rate(ActivationKind activation)
    {
        // One row of 100 scaled by 1e20: its squared error overflows when its mini-batch comes, several updates
        // in, and the run stopped with "Try a smaller LearningRate (now 0.01), or check the inputs' scale",
        // which sends the user to the step size first and names no row.
        const int v = 16, m = 100;
        var x = TestData.RandomRows(m, v, 4).Select(f => 2 * f - 1).ToArray();
        for (int i = 0; i < v; i++) x[37 * v + i] *= 1e20f;
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), OneStep(activation, 0.01, epochs: 2, batchSize: 16)));
        Assert.DoesNotContain("LearningRate", e.Message);
        Assert.Matches(@"^The (cost|gradient) became .* at epoch 1, mini-batch \d; training stopped and no model is returned\. " +
            @"Row \d+ of mini-batch \d in epoch 1 \(rows in shuffled order\) holds -?[0-9.]+E\+\d\d at index \d+, whose square passes float's largest value \(3\.403E\+38\), " +
            @"so the row's squared reconstruction error overflows: check the inputs' scale \(a linear decoder's squared error grows with it; standardise them to mean 0 and unit variance\)\.$", e.Message);
        int index = int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, @"at index (\d+)").Groups[1].Value);
        Assert.Contains($"holds {x[37 * v + index].ToString("G4", System.Globalization.CultureInfo.InvariantCulture)} at index {index}", e.Message);
    }

    [Fact]
    public void LBFGS_names_a_training_row_whose_square_passes_float()
    {
        const int v = 8, m = 40;
        var x = TestData.RandomRows(m, v, 3);
        x[12 * v + 5] = 3e19f;
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), new TrainerSettings { HiddenCount = 3, MaxIterations = 3 }));
        Assert.EndsWith("To find why: training row 12 holds 3E+19 at index 5, whose square passes float's largest value (3.403E+38), so the row's squared reconstruction error " +
            "overflows: check that the inputs lie in [0, 1] (a sigmoid decoder reconstructs only that range).", e.Message);
    }

    [Fact]
    public void LBFGS_on_a_MaximumRows_sample_names_the_row_by_its_place_in_the_sample()
    {
        // The rows L-BFGS holds are a random sample here, in the sample's order: "training row 3" sent the
        // user to the source's row 3, which was fine. Rows 20..39 hold 3e19, rows 0..19 do not.
        const int v = 8, m = 40;
        var x = TestData.RandomRows(m, v, 3);
        for (int r = 20; r < m; r++) x[r * v + 5] = 3e19f;
        var settings = new TrainerSettings { HiddenCount = 3, MaxIterations = 3, MaximumRows = 20 };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), settings));
        Assert.Matches(@"To find why: row \d+ of the random sample of 20 of the 40 rows \(MaximumRows\) holds 3E\+19 at index 5, whose square passes float's largest value", e.Message);
        Assert.DoesNotContain("training row", e.Message);
    }

    [Fact]
    public void A_non_finite_cost_with_a_linear_decoder_advises_on_the_inputs_scale_not_on_0_to_1()
    {
        const int v = 4, m = 20;
        var x = Enumerable.Repeat(1e30f, m * v).ToArray();   // squared errors of 1e60 overflow float
        var settings = new TrainerSettings { HiddenCount = 2, MaxIterations = 5, Objective = new SparseAe.Objective.ObjectiveSettings { Decoder = DecoderKind.Linear } };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), settings));
        Assert.Contains("not finite", e.Message);
        Assert.Contains("check the inputs' scale (a linear decoder's squared error grows with it", e.Message);
        Assert.DoesNotContain("[0, 1]", e.Message);
    }

    // Rows of 200-255 saturate the sigmoid units on every row, so a unit's mean activation rounds to 1 and KL
    // toward rho is infinite, while the squared error (about 1e5 a value) is far within float: the refusal said
    // only "a linear decoder's squared error grows with [the inputs' scale]", which was not what overflowed.
    [Theory]
    [InlineData(OptimizerKind.Lbfgs, DecoderKind.Linear)]
    [InlineData(OptimizerKind.Adam, DecoderKind.Linear)]
    [InlineData(OptimizerKind.Lbfgs, DecoderKind.Sigmoid)]
    public void An_infinite_KL_term_is_said_to_come_from_hidden_units_saturated_on_every_row(OptimizerKind optimizer, DecoderKind decoder)
    {
        const int v = 64, m = 50;
        var x = TestData.RandomRows(m, v, 3).Select(e => 200 + 55 * e).ToArray();
        TrainerSettings Settings(double beta) => new()
        {
            HiddenCount = 10, Seed = 1, Threads = 1, Optimizer = optimizer, BatchSize = m, Epochs = 1, MaxIterations = 5,
            Objective = new SparseAe.Objective.ObjectiveSettings { Decoder = decoder, SparsityWeight = beta },
        };
        var e = Assert.Throws<NonFiniteCostException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), Settings(3)));
        Assert.Contains("the KL sparsity term is infinite: some hidden unit's mean activation over the 50 rows rounds to 0 or 1 " +
            "(its sigmoid saturates on every row), where KL toward SparsityTarget (now 0.01) has no finite value; the inputs are too large for the encoder: ", e.Message);
        Assert.Contains(RowReading.InputScaleAdvice(decoder), e.Message);

        // Without the KL term (SparsityWeight 0) the same rows give a finite cost: the refusal, if any, is not the term's.
        var said = Record.Exception(() => AutoencoderTraining.Run(new ArrayRowSource(x, m, v), Settings(0)));
        Assert.DoesNotContain("KL", said?.Message ?? "");
    }

    // Rows of 1e9 make the cost about 1e18, whose float rounding (about 1e11) hides what any step of the line
    // search gains: L-BFGS returned its random starting weights (LineSearchFailed after 0 iterations, or
    // FunctionTolerance after 1 with the cost unchanged) as a trained model, without a word.
    [Theory]
    [InlineData(1e9f, DecoderKind.Linear)]
    [InlineData(1e15f, DecoderKind.Linear)]
    [InlineData(1e9f, DecoderKind.Sigmoid)]
    public void LBFGS_that_cannot_lower_the_cost_from_its_starting_point_says_so_with_the_inputs_scale(float scale, DecoderKind decoder)
    {
        const int v = 4, m = 10;
        var x = TestData.RandomRows(m, v, 3).Select(e => e * scale).ToArray();
        var warnings = new List<string>();
        // The L1 penalty, not KL: codes saturated at exactly 0 or 1 by such inputs make KL infinite, which is refused at the start.
        var settings = new TrainerSettings
        {
            HiddenCount = 3, Seed = 1, Threads = 1, Objective = new SparseAe.Objective.ObjectiveSettings { Decoder = decoder, Penalty = SparsityPenalty.L1 }, Warning = warnings.Add,
        };
        var result = AutoencoderTraining.Run(new ArrayRowSource(x, m, v), settings);
        Assert.False(result.Summary.FinalCost.Total < result.Summary.CostHistory[0].Total, "the case needs a run that did not lower its cost");
        var said = Assert.Single(warnings, w => w.Contains("L-BFGS", StringComparison.Ordinal));
        Assert.Contains("did not lower the cost from its starting point", said);
        Assert.Contains(result.Summary.ExitReason.ToString(), said);
        Assert.Contains(decoder == DecoderKind.Linear ? "check the inputs' scale" : "check that the inputs lie in [0, 1]", said);

        // Rows in [0, 1] train, and are not said to have stopped at the start.
        warnings.Clear();
        var trained = AutoencoderTraining.Run(new ArrayRowSource(TestData.RandomRows(m, v, 3), m, v), settings);
        Assert.True(trained.Summary.FinalCost.Total < trained.Summary.CostHistory[0].Total);
        Assert.Empty(warnings);
    }
}
