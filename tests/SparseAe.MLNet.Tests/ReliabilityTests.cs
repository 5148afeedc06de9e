using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class ReliabilityTests
{
    public sealed class Vec784
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void A_model_too_large_for_memory_fails_up_front_with_the_size_it_needs()
    {
        var x = new float[10 * 784];
        var e = Assert.Throws<InsufficientMemoryException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 10, 784), new TrainerSettings { HiddenCount = 1_000_000 }));
        Assert.Contains("784-1000000-784", e.Message);
        Assert.Contains("needs about", e.Message);
        Assert.Contains("GB are available", e.Message);

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new Vec784 { Features = new float[784] }));
        Assert.Throws<InsufficientMemoryException>(() => ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 1_000_000).Fit(data));
        var adam = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 1_000_000, Optimizer = OptimizerKind.Adam });
        Assert.Contains("with Adam", Assert.Throws<InsufficientMemoryException>(() => adam.Fit(data)).Message);
    }

    [Fact]
    public void An_LbfgsMemory_too_large_for_memory_is_named_in_the_refusal()
    {
        // 10 million correction pairs of a 784-196-784 network ask for 25 TB; the refusal said "use fewer
        // hidden units or rows", neither of which was the cause.
        var x = new float[10 * 784];
        var settings = new TrainerSettings { HiddenCount = 196, LbfgsMemory = 10_000_000, MaxIterations = 10_000_000 };
        var e = Assert.Throws<InsufficientMemoryException>(() => AutoencoderTraining.Run(new ArrayRowSource(x, 10, 784), settings));
        Assert.Contains("needs about", e.Message);
        Assert.Contains("keep fewer correction pairs (LbfgsMemory, now 10000000)", e.Message);
    }

    // Adam's refusal advised "use fewer hidden units or rows (or Adam with a smaller batch)" when its shuffle pool
    // was the bulk: 10 rows of 784 values from a view that does not say how many rows it has, with ShufflePoolRows =
    // int.MaxValue, "need" 6.7 TB, and neither the hidden units, the rows nor Adam lift that.
    [Fact]
    public void A_shuffle_pool_too_large_for_memory_is_named_in_Adams_refusal()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new Vec784 { Features = new float[784] }));
        var adam = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 10, Optimizer = OptimizerKind.Adam, BatchSize = 8, ShufflePoolRows = int.MaxValue,
        });
        var e = Assert.Throws<InsufficientMemoryException>(() => adam.Fit(data));
        Assert.StartsWith("Training a 784-10-784 autoencoder with Adam in batches of 8 needs about", e.Message);
        Assert.EndsWith("use fewer hidden units, or lower ShufflePoolRows (now 2147483647) or BatchSize (now 8).", e.Message);
    }

    public sealed class CodeOutput
    {
        public float[] Code { get; set; } = [];
    }

    [Fact]
    public void Eight_threads_with_a_PredictionEngine_each_give_the_single_thread_results_over_a_million_predictions()
    {
        var ml = new MLContext(seed: 1);
        var rows = RowFactory.Vec8Rows(1000, 11);
        var model = ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 12, maxIterations: 20).Fit(ml.Data.LoadFromEnumerable(rows));
        var expected = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Code").ToArray();
        const int threads = 8, perThread = 125_000;   // 1M predictions in all
        var mismatches = new int[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var engine = ml.Model.CreatePredictionEngine<Vec8, CodeOutput>(model);
            for (int i = 0; i < perThread; i++)
            {
                int r = (i * 7 + t) % rows.Count;
                if (!engine.Predict(rows[r]).Code.AsSpan().SequenceEqual(expected[r])) mismatches[t]++;
            }
        });
        Assert.All(mismatches, m => Assert.Equal(0, m));
    }

    [Fact]
    public async Task Two_models_trained_at_once_match_the_same_models_trained_alone()
    {
        var ml = new MLContext(seed: 1);
        var a = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(400, 12));
        var b = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(400, 13));
        SparseAutoencoderTransformer Fit(IDataView data, int seed) => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 7, MaxIterations = 60, Seed = seed, Threads = 2,
        }).Fit(data);
        var aloneA = Fit(a, 1);
        var aloneB = Fit(b, 2);
        var together = await Task.WhenAll(Task.Run(() => Fit(a, 1)), Task.Run(() => Fit(b, 2)));
        Assert.True(together[0].Weights.W1.Span.SequenceEqual(aloneA.Weights.W1.Span));
        Assert.True(together[1].Weights.W1.Span.SequenceEqual(aloneB.Weights.W1.Span));
    }
}
