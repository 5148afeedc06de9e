using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// Seeds the way ML.NET's own components take them: from the options, or else from the MLContext;
/// the same seed trains the same bits in another process; options are the estimator's own copy.
/// </summary>
public class ReproducibilityTests
{
    // Runs SparseAe.FitCheck (every component trained from new MLContext(seed)) and returns its dump.
    private static string[] FitInFreshProcess(int contextSeed, int threads)
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder, "fit.txt");
        // Reading each stream to its end before waiting made the 3-minute limit unreachable: a hung child hung the run.
        var (code, text) = ProcessRunner.Run("dotnet", [TestData.Metadata("FitCheckPath"), contextSeed.ToString(), threads.ToString(), output], folder, TimeSpan.FromMinutes(3));
        Assert.True(code == 0, $"exit {code}: {text}");
        return File.ReadAllLines(output);
    }

    [Fact]
    public void Two_processes_with_the_same_context_seed_train_the_same_bits()
    {
        // L-BFGS, Adam (whose shuffle was seeded by a per-process HashCode before), ZCA and the
        // convolutional featurizer, two threads each, every seed taken from the context.
        var first = FitInFreshProcess(contextSeed: 11, threads: 2);
        var second = FitInFreshProcess(contextSeed: 11, threads: 2);
        string[] sections = ["autoencoder Lbfgs", "autoencoder Adam", "zca", "convolutional featurizer"];
        Assert.Equal(sections, first.Where(sections.Contains).ToArray());
        Assert.True(first.Length > 20, $"the dump has only {first.Length} lines");
        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_context_seed_trains_another_model_in_another_process()
    {
        var a = FitInFreshProcess(contextSeed: 11, threads: 1);
        var b = FitInFreshProcess(contextSeed: 12, threads: 1);
        int section = Array.IndexOf(a, "autoencoder Adam");
        Assert.NotEqual(a[1], b[1]);                       // L-BFGS weights: another initialisation
        Assert.NotEqual(a[section + 1], b[section + 1]);   // Adam weights
    }

    private static float[] TrainedW1(MLContext ml, int? seed, OptimizerKind optimizer)
        => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 4, MaxIterations = 5, Epochs = 2, BatchSize = 16, Seed = seed, Optimizer = optimizer,
        }).Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(60, 1))).Weights.W1.ToArray();

    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void Without_a_seed_in_the_options_the_MLContext_seed_decides(OptimizerKind optimizer)
    {
        Assert.Equal(TrainedW1(new MLContext(seed: 1), null, optimizer), TrainedW1(new MLContext(seed: 1), null, optimizer));
        Assert.NotEqual(TrainedW1(new MLContext(seed: 1), null, optimizer), TrainedW1(new MLContext(seed: 2), null, optimizer));
    }

    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void Threads_0_trains_the_bits_of_one_thread_per_core_and_another_thread_count_others(OptimizerKind optimizer)
    {
        // So the default (Threads = 0) gives the same bits only on machines with as many cores: 200 rows are
        // 6 chunks of the objective's sums, whose grouping follows the thread count.
        float[] W1(int threads) => new MLContext(seed: 1).Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 4, MaxIterations = 5, Epochs = 2, BatchSize = 200, Seed = 3, Optimizer = optimizer, Threads = threads,
        }).Fit(new MLContext().Data.LoadFromEnumerable(RowFactory.Vec8Rows(200, 1))).Weights.W1.ToArray();
        Assert.Equal(W1(Environment.ProcessorCount), W1(0));
        Assert.NotEqual(W1(1), W1(2));
    }

    [Fact]
    public void Each_Fit_of_one_estimator_without_a_seed_draws_another_seed_from_the_context()
    {
        // The estimator's host is seeded from the context when the estimator is made; each Fit takes that
        // host's next seed, so refitting one estimator trains another model, and a fresh context repeats both.
        (float[], float[]) FitTwice()
        {
            var ml = new MLContext(seed: 1);
            var estimator = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 4, MaxIterations = 5 });
            var data = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(60, 1));
            return (estimator.Fit(data).Weights.W1.ToArray(), estimator.Fit(data).Weights.W1.ToArray());
        }
        var (first, second) = FitTwice();
        Assert.NotEqual(first, second);
        var (again, secondAgain) = FitTwice();
        Assert.Equal(first, again);
        Assert.Equal(second, secondAgain);
    }

    [Fact]
    public void A_seed_in_the_options_wins_over_the_MLContext()
    {
        Assert.Equal(TrainedW1(new MLContext(seed: 1), 7, OptimizerKind.Lbfgs), TrainedW1(new MLContext(seed: 2), 7, OptimizerKind.Lbfgs));
    }

    [Fact]
    public void Changing_the_options_after_making_the_estimator_changes_nothing()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(60, 1));
        var options = new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 4, MaxIterations = 5, Seed = 3 };
        var estimator = ml.Transforms.SparseAutoencoder(options);
        options.HiddenCount = 9;
        options.InputColumnName = "NoSuchColumn";
        options.Seed = 4;
        var model = estimator.Fit(data);
        Assert.Equal(4, model.Weights.HiddenCount);
        Assert.Equal("Features", model.InputColumnName);
        Assert.Equal(TrainedW1(new MLContext(seed: 5), 3, OptimizerKind.Lbfgs), model.Weights.W1.ToArray());
    }

    [Fact]
    public void Changing_the_featurizer_options_after_making_its_estimator_changes_nothing()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new ComponentTests.Image10 { Pixels = Enumerable.Range(0, 100).Select(_ => (float)random.NextDouble()).ToArray() }));
        var options = new ConvolutionalFeaturizerOptions
        {
            OutputColumnName = "Conv", InputColumnName = "Pixels", ImageHeight = 10, ImageWidth = 10, PatchSize = 3, PatchCount = 100,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 5, Seed = 2 },
        };
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(options);
        options.ImageHeight = 20;
        options.Autoencoder.HiddenCount = 8;
        var model = estimator.Fit(data);
        Assert.Equal(3, model.Featurizer.Encoder.HiddenCount);
    }
}
