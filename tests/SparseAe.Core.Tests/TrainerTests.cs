using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

public class TrainerTests
{
    // A summary built by a caller (to save a model trained elsewhere): a null array is refused by its name; the mean
    // activations threw NullReferenceException and the cost history an ArgumentNullException for LINQ's 'source'.
    [Fact]
    public void A_summary_refuses_null_mean_activations_or_cost_history_by_name()
    {
        Assert.Equal("meanActivation", Assert.Throws<ArgumentNullException>(() =>
            new TrainingSummary(OptimizerKind.Lbfgs, 0, 0, default, default, null!, TimeSpan.Zero, 1, [])).ParamName);
        Assert.Equal("costHistory", Assert.Throws<ArgumentNullException>(() =>
            new TrainingSummary(OptimizerKind.Lbfgs, 0, 0, default, default, [0.5], TimeSpan.Zero, 1, null!)).ParamName);
    }

    // L-BFGS through the one entry point, on rows held in an array.
    private static TrainingResult Train(float[] x, int rows, int v, TrainerSettings settings) => AutoencoderTraining.Run(new ArrayRowSource(x, rows, v), settings);

    private static TrainerSettings Small(int threads = 1, int iterations = 60) => new()
    {
        HiddenCount = 10, MaxIterations = iterations, Threads = threads, Seed = 7,
    };

    // A sparse code with both of the sigmoid's defaults left (decoder and optimizer): one refusal that names both,
    // where there were two in turn, the decoder's and then the optimizer's.
    [Fact]
    public void A_sparse_code_left_with_the_sigmoids_decoder_and_optimizer_is_told_both_at_once()
    {
        var settings = new TrainerSettings { Objective = new ObjectiveSettings(Activation: ActivationKind.ReLU) };
        var e = Assert.Throws<ArgumentOutOfRangeException>(settings.Validate);
        Assert.StartsWith("Activation ReLU needs Decoder Linear and Optimizer Adam, but Decoder is Sigmoid and Optimizer is Lbfgs.", e.Message);
        Assert.Equal("Activation", e.ParamName);
        // One wrong of the two keeps its own message.
        Assert.StartsWith("Optimizer must be Adam with Activation ReLU", Assert.Throws<ArgumentOutOfRangeException>(
            new TrainerSettings { Objective = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.ReLU) }.Validate).Message);
    }

    // An activation that does not exist is a sparse code to IsSparseCode (not the sigmoid): the combined refusal took it
    // for one ("Activation 9 needs Decoder Linear and Optimizer Adam") instead of saying it does not exist.
    [Fact]
    public void An_activation_that_does_not_exist_is_refused_as_such_under_the_sigmoids_defaults()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(new TrainerSettings { Objective = new ObjectiveSettings(Activation: (ActivationKind)9) }.Validate);
        Assert.Equal("Activation", e.ParamName);
        Assert.StartsWith("Activation must be Sigmoid, ReLU, TopK or JumpReLU, but is 9.", e.Message);
    }

    // An infinite tolerance stopped L-BFGS before its first step and returned the starting weights as a trained model.
    [Theory]
    [InlineData(nameof(TrainerSettings.GradientTolerance))]
    [InlineData(nameof(TrainerSettings.FunctionTolerance))]
    public void An_infinite_tolerance_is_refused(string name)
    {
        var settings = name == nameof(TrainerSettings.GradientTolerance)
            ? new TrainerSettings { GradientTolerance = double.PositiveInfinity }
            : new TrainerSettings { FunctionTolerance = double.PositiveInfinity };
        var e = Assert.Throws<ArgumentOutOfRangeException>(settings.Validate);
        Assert.Equal(name, e.ParamName);
        Assert.StartsWith($"{name} must be finite and at least 0, but is {double.PositiveInfinity}.", e.Message);
        Assert.Equal(double.PositiveInfinity, e.ActualValue);
    }

    [Fact]
    public void Lbfgs_training_lowers_the_cost_and_reports_a_true_summary()
    {
        const int v = 16, m = 300;
        var x = TestData.RandomRows(m, v, 1);
        var progress = new List<TrainingProgress>();
        var settings = new TrainerSettings { HiddenCount = 10, MaxIterations = 50, Seed = 7, Progress = progress.Add };
        var result = Train(x, m, v, settings);
        var s = result.Summary;
        Assert.Equal(OptimizerKind.Lbfgs, s.Optimizer);
        Assert.Equal(OptimizerExitReason.MaxIterations, s.ExitReason);
        Assert.Equal(50, s.Iterations);
        Assert.Equal(51, s.CostHistory.Count);            // the start, then one per iteration
        Assert.Equal(50, progress.Count);
        Assert.True(s.CostHistory[^1].Total < 0.5 * s.CostHistory[0].Total, $"{s.CostHistory[0].Total} -> {s.CostHistory[^1].Total}");
        Assert.Equal(s.CostHistory[^1].Total, s.FinalCost.Total, 1e-6);
        Assert.Equal(10, s.MeanActivation.Count);
        Assert.All(s.MeanActivation, a => Assert.InRange(a, 0, 1));
        Assert.Equal(s.FinalCost.Reconstruction + s.FinalCost.WeightDecay + s.FinalCost.Sparsity, s.FinalCost.Total, 1e-12);
        Assert.Equal(m, s.TrainingRows);
    }

    [Fact]
    public void Lbfgs_training_is_deterministic_for_a_seed_and_thread_count()
    {
        const int v = 12, m = 400;
        var x = TestData.RandomRows(m, v, 2);
        var a = Train(x, m, v, Small(threads: 2));
        var b = Train(x, m, v, Small(threads: 2));
        Assert.Equal(a.Parameters.Theta, b.Parameters.Theta);
        var c = Train(x, m, v, new TrainerSettings { HiddenCount = 10, MaxIterations = 60, Threads = 2, Seed = 8 });
        Assert.NotEqual(a.Parameters.Theta, c.Parameters.Theta);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Rows_with_NaN_or_infinity_are_refused_by_row_and_index(float bad)
    {
        var x = TestData.RandomRows(5, 4, 3);
        x[2 * 4 + 3] = bad;
        var e = Assert.Throws<ArgumentException>(() => new ArrayRowSource(x, 5, 4));
        Assert.Equal($"Training row 2 holds {bad} at index 3; every value must be finite. (Parameter 'data')", e.Message);
        // A source of its own (any IRowSource) meets the same rule when L-BFGS reads its rows.
        e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new ListRowSource(x, 4), Small()));
        Assert.Equal($"Training row 2 holds {bad} at index 3; every value must be finite. (Parameter 'rows')", e.Message);
        // And when Adam reads them: it said "the cost became NaN ... try a smaller LearningRate". One batch of all
        // five rows, shuffled, so the row within it is the pool's choice; the message says so.
        var adam = new TrainerSettings { HiddenCount = 3, Optimizer = OptimizerKind.Adam, Epochs = 1, BatchSize = 8 };
        e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new ListRowSource(x, 4), adam));
        Assert.Matches($@"^Row \d of mini-batch 1 in epoch 1 \(rows in shuffled order\) holds {bad} at index 3; every value must be finite\. \(Parameter 'rows'\)$", e.Message);
    }

    // An IRowSource that is not an ArrayRowSource and does not know its row count.
    private sealed class ListRowSource(float[] x, int v) : IRowSource
    {
        public int VectorSize => v;

        public IRowReader OpenPass(int pass) => new Reader(x, v);

        private sealed class Reader(float[] x, int v) : IRowReader
        {
            private int _row;

            public bool TryReadRow(Span<float> destination)
            {
                if ((_row + 1) * v > x.Length) return false;
                x.AsSpan(_row++ * v, v).CopyTo(destination);
                return true;
            }

            public void Dispose() { }
        }
    }

    [Fact]
    public void Adam_training_lowers_the_cost_and_is_deterministic()
    {
        const int v = 16, m = 1000;
        var x = TestData.RandomRows(m, v, 4);
        var settings = new TrainerSettings { HiddenCount = 10, Optimizer = OptimizerKind.Adam, Epochs = 8, BatchSize = 64, ShufflePoolRows = 300, Threads = 1 };
        var a = AutoencoderTraining.Run(new ArrayRowSource(x, m, v), settings);
        var b = AutoencoderTraining.Run(new ArrayRowSource(x, m, v), settings);
        Assert.Equal(a.Parameters.Theta, b.Parameters.Theta);
        var s = a.Summary;
        Assert.Equal(OptimizerExitReason.EpochsCompleted, s.ExitReason);
        Assert.Equal(8, s.Epochs);
        Assert.Equal(8 * 16, s.Iterations);               // ceil(1000 / 64) = 16 batches per epoch
        Assert.Equal(8, s.CostHistory.Count);
        Assert.True(s.CostHistory[^1].Total < 0.5 * s.CostHistory[0].Total, $"{s.CostHistory[0].Total} -> {s.CostHistory[^1].Total}");
    }

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
        Assert.StartsWith($"The gradient became {float.NaN} at parameter 3 (the cost 5E+12) at epoch 1, mini-batch 2; training stopped", e.Message);
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
        try { result = AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(ActivationKind.ReLU, 1e6, warnings, epochs: 5, batchSize: 16)); }
        finally { Thread.CurrentThread.CurrentCulture = culture; }
        Assert.True(result.Summary.FinalCost.Total > 100 * 1, $"{result.Summary.FinalCost.Total}");
        var warning = Assert.Single(warnings);
        Assert.Matches(@"^Adam's cost rose from [0-9.E+-]+ at the starting point \(on the second mini-batch, as the first set the decoder bias\) to ", warning);
        Assert.Contains("training diverged, and the model reconstructs poorly. Try a smaller LearningRate (now 1000000).", warning);
        // An ordinary run says nothing.
        warnings.Clear();
        AutoencoderTraining.Run(new ArrayRowSource(x, 64, 10), OneStep(ActivationKind.ReLU, 0.01, warnings, epochs: 5, batchSize: 16));
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
    [InlineData(OptimizerKind.Adam, "The gradient became Infinity at parameter ")]
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

    [Fact]
    public void An_empty_source_is_refused()
    {
        foreach (var optimizer in new[] { OptimizerKind.Adam, OptimizerKind.Lbfgs })
        {
            var e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new ArrayRowSource(Array.Empty<float>(), 0, 3), new TrainerSettings { Optimizer = optimizer }));
            Assert.Equal("The training data have no rows; at least 1 is needed. (Parameter 'input')", e.Message);
        }
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        using var cts = new CancellationTokenSource();
        var x = TestData.RandomRows(100, 8, 6);
        int seen = 0;
        var settings = new TrainerSettings
        {
            HiddenCount = 5, CancellationToken = cts.Token,
            Progress = _ => { if (++seen == 3) cts.Cancel(); },
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Train(x, 100, 8, settings));
        Assert.Equal(3, seen);
    }

    [Theory]
    [InlineData(nameof(TrainerSettings.HiddenCount))]
    [InlineData(nameof(TrainerSettings.MaxIterations))]
    [InlineData(nameof(TrainerSettings.BatchSize))]
    [InlineData(nameof(TrainerSettings.Epochs))]
    [InlineData(nameof(TrainerSettings.LearningRate))]
    [InlineData(nameof(TrainerSettings.Threads))]
    public void Out_of_range_settings_name_themselves(string name)
    {
        var settings = name switch
        {
            nameof(TrainerSettings.HiddenCount) => new TrainerSettings { HiddenCount = 0 },
            nameof(TrainerSettings.MaxIterations) => new TrainerSettings { MaxIterations = 0 },
            nameof(TrainerSettings.BatchSize) => new TrainerSettings { BatchSize = 0 },
            nameof(TrainerSettings.Epochs) => new TrainerSettings { Epochs = 0 },
            nameof(TrainerSettings.LearningRate) => new TrainerSettings { LearningRate = -1 },
            _ => new TrainerSettings { Threads = -2 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(settings.Validate);
        Assert.Contains($"{name} must be", e.Message);
        Assert.Contains("but is", e.Message);
    }

    [Fact]
    public void Adams_shuffle_pool_holds_no_more_rows_than_the_source_and_is_allocated_once()
    {
        // 50 rows of 2,000 values: the default pool of 65,536 rows would be 524 MB an epoch.
        const int v = 2000, m = 50, epochs = 3;
        var source = new ArrayRowSource(TestData.RandomRows(m, v, 4), m, v);
        var settings = new TrainerSettings { HiddenCount = 2, Optimizer = OptimizerKind.Adam, Epochs = epochs, BatchSize = 16, Threads = 1, Seed = 7 };
        AutoencoderTraining.Run(source, settings);   // warm-up: the JIT's own allocations
        long before = GC.GetAllocatedBytesForCurrentThread();
        AutoencoderTraining.Run(source, settings);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The pool (50 rows = 400 KB) once, the batch, the parameters and Adam's moments: a few MB.
        Assert.True(allocated < 8_000_000, $"one Adam training of {m} rows allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_batch_larger_than_the_source_holds_only_the_sources_rows()
    {
        // BatchSize 10,000,000 for 64 rows of 10 allocated 400 MB; 200,000,000 was refused as needing 28.8 GB.
        const int v = 10, m = 64;
        var source = new ArrayRowSource(TestData.RandomRows(m, v, 4), m, v);
        TrainerSettings Settings(int batch) => new() { HiddenCount = 4, Optimizer = OptimizerKind.Adam, Epochs = 2, BatchSize = batch, Threads = 1, Seed = 7 };
        var whole = AutoencoderTraining.Run(source, Settings(m));
        AutoencoderTraining.Run(source, Settings(200_000_000));   // warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var huge = AutoencoderTraining.Run(source, Settings(200_000_000));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8_000_000, $"allocated {allocated:N0} bytes");
        Assert.Equal(whole.Parameters.Theta, huge.Parameters.Theta);   // the same one batch an epoch
        Assert.Equal(m, MemoryBudget.MiniBatchRows(Settings(200_000_000), m).BatchRows);
    }

    // 100 rows of 64 with Threads = 1,000 started 999 worker threads and gave each a share's buffers
    // (about 120 KB at H = 100): 124 MB where a fit on the cores took 2 MB; at the option's limit, 65,535,
    // that is 65,534 threads and 8 GB. Threads beyond both the cores and the batch's 32-row shares
    // have no share of rows, and on no core of their own they split no pass faster.
    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void Threads_beyond_the_cores_and_the_batchs_shares_are_not_started(OptimizerKind optimizer)
    {
        const int v = 64, m = 100;
        var source = new ArrayRowSource(TestData.RandomRows(m, v, 5), m, v);
        TrainerSettings Settings(int threads) => new()
        {
            HiddenCount = 100, Optimizer = optimizer, MaxIterations = 3, Epochs = 2, BatchSize = m, Threads = threads, Seed = 7,
        };
        int useful = Math.Max(Environment.ProcessorCount, m / 32);
        var expected = AutoencoderTraining.Run(source, Settings(useful));   // and the warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        AutoencoderTraining.Run(source, Settings(useful));
        long usefulBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var many = AutoencoderTraining.Run(source, Settings(1_000));
        long manyBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(manyBytes < usefulBytes + 1_000_000, $"Threads = 1,000 allocated {manyBytes:N0} bytes, Threads = {useful} {usefulBytes:N0}");
        Assert.Equal(expected.Parameters.Theta, many.Parameters.Theta);
        Assert.Equal(MemoryBudget.FullBatchBytes(v, 100, m, Settings(useful)), MemoryBudget.FullBatchBytes(v, 100, m, Settings(65_535)));
        Assert.Equal(MemoryBudget.MiniBatchBytes(v, 100, Settings(useful), m), MemoryBudget.MiniBatchBytes(v, 100, Settings(65_535), m));
    }
}
