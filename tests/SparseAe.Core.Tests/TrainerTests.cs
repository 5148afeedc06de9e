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
    internal static TrainingResult Train(float[] x, int rows, int v, TrainerSettings settings) => AutoencoderTraining.Run(new ArrayRowSource(x, rows, v), settings);

    internal static TrainerSettings Small(int threads = 1, int iterations = 60) => new()
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
        // The mean activations are the returned model's over the rows (rho-hat, which the KL term holds to the target),
        // not those of another point the line search tried: InRange(0, 1) alone passed any.
        var encoder = new SparseAe.Model.AutoencoderEncoder(result.Parameters);
        var codes = new float[m * 10];
        encoder.EncodeBatch(x, m, codes);
        for (int j = 0; j < 10; j++)
        {
            double mean = Enumerable.Range(0, m).Average(r => (double)codes[r * 10 + j]);
            Assert.True(Math.Abs(s.MeanActivation[j] - mean) <= 1e-5, $"hidden unit {j}: summary {s.MeanActivation[j]}, the model's {mean}");
        }
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
    internal sealed class ListRowSource(float[] x, int v) : IRowSource
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

    // FinalCost was documented as "J and its terms at the returned parameters" for both optimizers, but Adam's is the mean
    // of its last epoch's mini-batch costs, each taken before its update: the cost at the parameters it returns is another.
    [Fact]
    public void Adams_final_cost_is_not_documented_as_the_cost_at_the_returned_parameters()
    {
        const int v = 16, m = 1000, h = 10;
        var x = TestData.RandomRows(m, v, 4);
        var a = AutoencoderTraining.Run(new ArrayRowSource(x, m, v),
            new TrainerSettings { HiddenCount = h, Optimizer = OptimizerKind.Adam, Epochs = 2, BatchSize = 64, Threads = 1 });
        using var objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(), 1);
        double atReturned = objective.Evaluate(a.Parameters.Theta, x, m, new float[a.Parameters.Theta.Length]).Total;
        Assert.True(Math.Abs(atReturned - a.Summary.FinalCost.Total) > 1e-4 * atReturned,
            $"the case needs a run whose final cost ({a.Summary.FinalCost.Total}) is not the cost at its parameters ({atReturned})");
        string doc = XmlDocs.Summary("SparseAe.Core", "P:SparseAe.Training.TrainingSummary.FinalCost");
        Assert.DoesNotMatch(@"^\s*J and its terms at the returned parameters\.", doc);
        Assert.Contains("not the cost at the returned parameters", doc);
    }

    // TrainerSettings.Warning listed the sigmoid decoder's range and Adam's divergence as what it receives, but L-BFGS
    // that could not lower the cost from its starting point warns there too (FullBatchTrainer.NoDescent).
    [Fact]
    public void The_warnings_documented_include_LBFGS_that_did_not_lower_the_cost()
    {
        const int v = 4, m = 10;
        var x = TestData.RandomRows(m, v, 3).Select(e => e * 1e9f).ToArray();
        var warnings = new List<string>();
        AutoencoderTraining.Run(new ArrayRowSource(x, m, v), new TrainerSettings
        {
            HiddenCount = 3, Seed = 1, Threads = 1, Objective = new ObjectiveSettings { Decoder = DecoderKind.Linear, Penalty = SparsityPenalty.L1 }, Warning = warnings.Add,
        });
        Assert.Contains(warnings, w => w.StartsWith("L-BFGS did not lower the cost from its starting point", StringComparison.Ordinal));
        Assert.Contains("L-BFGS run that did not lower the cost from its starting point", XmlDocs.Summary("SparseAe.Core", "P:SparseAe.Training.TrainerSettings.Warning"));
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
