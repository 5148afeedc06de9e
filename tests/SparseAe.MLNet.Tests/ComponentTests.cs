using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using SparseAe.MLNet;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class ComponentTests
{
    // An estimator keeps its own copy of the options it was made with, the featurizer's autoencoder options too: a caller
    // who reused one options object for a second estimator changed the first. (Mutation audit: each estimator holding the
    // caller's object, or the featurizer a copy that shares its Autoencoder, passed every test.)
    [Fact]
    public void An_estimator_is_not_changed_by_later_changes_to_the_options_it_was_made_with()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(50, 1));
        var options = new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 4, MaxIterations = 3 };
        var autoencoder = ml.Transforms.SparseAutoencoder(options);
        options.HiddenCount = 5;
        Assert.Equal(4, autoencoder.Fit(rows).Weights.HiddenCount);

        var images = ml.Data.LoadFromEnumerable(ConvolutionComponentTests.Bars(20, 2));
        var convolution = ConvolutionComponentTests.Options();
        var featurizer = ml.Transforms.ConvolutionalSparseFeatures(convolution);
        convolution.PatchCount = 300;
        convolution.Autoencoder.HiddenCount = 5;
        var fitted = featurizer.Fit(images);
        Assert.Equal(400, fitted.TrainingPatches);
        Assert.Equal(6, fitted.Featurizer.Parameters.HiddenCount);

        var texts = ml.Data.LoadFromEnumerable(new[] { "a cat sat", "a dog ran", "a cat ran" }.Select(t => new Text.TokenCountsTests.TextRow { Text = t }));
        var tokenOptions = new TokenCountsOptions { InputColumnName = "Text", MaximumTokens = 3 };
        var tokens = ml.Transforms.TokenCounts(tokenOptions);
        tokenOptions.MaximumTokens = 1;
        Assert.Equal(3, ((VectorDataViewType)tokens.Fit(texts).Transform(texts).Schema["Tokens"].Type).Size);   // "Tokens": the default output column
    }

    [Fact]
    public void Training_progress_reaches_the_MLContext_log_and_the_callback()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<(string Message, ChannelMessageKind Kind)>();
        ml.Log += (_, e) => { lock (messages) messages.Add((e.Message, e.Kind)); };
        var progress = new List<TrainingProgress>();
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 4, MaxIterations = 7, Progress = progress.Add,
        }).Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(50, 1)));
        Assert.Equal(7, progress.Count);
        Assert.Equal(Enumerable.Range(1, 7), progress.Select(p => p.Iteration));
        // Each iteration at Trace, as ML.NET's trainers log theirs; the outcome at Info.
        Assert.Equal(7, messages.Count(m => m.Message.Contains(": J ") && m.Message.Contains("iteration ") && m.Kind == ChannelMessageKind.Trace));
        Assert.DoesNotContain(messages, m => m.Message.Contains("iteration ") && m.Message.Contains(": J ") && m.Kind != ChannelMessageKind.Trace);
        Assert.Contains(messages, m => m.Message.Contains("Finished: MaxIterations after 7 iterations") && m.Kind == ChannelMessageKind.Info);
    }

    // Adam's outcome in its own terms: epochs, as the options set them, and its steps; it said "EpochsCompleted after 24
    // iterations" for 3 epochs of 8 batches.
    [Fact]
    public void Adam_s_outcome_is_logged_in_epochs_and_steps()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<(string Message, ChannelMessageKind Kind)>();
        ml.Log += (_, e) => { lock (messages) messages.Add((e.Message, e.Kind)); };
        ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 4, Optimizer = OptimizerKind.Adam, Epochs = 3, BatchSize = 8,
        }).Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(64, 1)));
        Assert.Contains(messages, m => m.Message.Contains("Finished: EpochsCompleted after 3 epochs (24 steps), J ") && m.Kind == ChannelMessageKind.Info);
        // Each epoch's Trace line names its epoch, the first too: one line each for epochs 1, 2 and 3.
        var traced = messages.Where(m => m.Kind == ChannelMessageKind.Trace && m.Message.Contains(": J ")).Select(m => m.Message).ToArray();
        Assert.All(new[] { 1, 2, 3 }, epoch => Assert.Single(traced, m => m.Contains($", epoch {epoch}: J ")));
    }

    [Fact]
    public void The_convolutional_estimator_logs_its_iterations_like_the_autoencoder()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<(string Message, ChannelMessageKind Kind)>();
        ml.Log += (_, e) => { lock (messages) messages.Add((e.Message, e.Kind)); };
        var random = new Random(3);
        var images = Enumerable.Range(0, 10).Select(_ => new Image10 { Pixels = Enumerable.Range(0, 100).Select(_ => (float)random.NextDouble()).ToArray() });
        ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            OutputColumnName = "Conv", InputColumnName = "Pixels", ImageHeight = 10, ImageWidth = 10, PatchSize = 3, PatchCount = 100,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 5 },
        }).Fit(ml.Data.LoadFromEnumerable(images));
        Assert.Equal(5, messages.Count(m => m.Message.Contains("iteration ") && m.Message.Contains(": J ") && m.Kind == ChannelMessageKind.Trace));
        Assert.Contains(messages, m => m.Message.Contains("Finished: MaxIterations after 5 iterations") && m.Kind == ChannelMessageKind.Info);
    }

    public sealed class Image10
    {
        [VectorType(100)] public float[] Pixels { get; set; } = [];
    }

    [Fact]
    public void MLContext_CancelExecution_stops_Fit()
    {
        var ml = new MLContext(seed: 1);
        int seen = 0;
        var estimator = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 4, MaxIterations = 1000,
            Progress = _ => { if (++seen == 2) CancelExecution(ml); },
        });
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(50, 1))));
        Assert.InRange(seen, 2, 3);
    }

    // MLContext.CancelExecution is internal in Microsoft.ML 5.0.1; the Microsoft.ML.Experimental
    // package exposes it as an extension method. Reflection reaches the same method here.
    internal static void CancelExecution(MLContext ml)
        => typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .Invoke(ml, null);

    [Fact]
    public void A_cancellation_token_stops_Fit_for_both_optimizers()
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        foreach (var optimizer in new[] { OptimizerKind.Lbfgs, OptimizerKind.Adam })
        {
            var estimator = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                InputColumnName = "Features", HiddenCount = 4, Optimizer = optimizer, CancellationToken = cts.Token,
            });
            Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(50, 1))));
        }
    }

    [Fact]
    public void The_reconstruction_error_column_holds_each_rows_mean_squared_error()
    {
        var ml = new MLContext(seed: 1);
        var rows = RowFactory.Vec8Rows(60, 3);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 6, MaxIterations = 50, ReconstructionErrorColumnName = "Error",
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        var output = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var errors = output.GetColumn<float>("Error").ToArray();
        var codes = output.GetColumn<float[]>("Code").ToArray();
        var w = model.Weights;
        for (int r = 0; r < rows.Count; r++)
        {
            double sum = 0;
            for (int i = 0; i < 8; i++)
            {
                double z = w.B2.Span[i];
                for (int j = 0; j < 6; j++) z += (double)w.W2.Span[i * 6 + j] * codes[r][j];
                double y = 1 / (1 + Math.Exp(-z));
                sum += (y - rows[r].Features[i]) * (y - rows[r].Features[i]);
            }
            Assert.Equal(sum / 8, errors[r], 1e-5);
        }
    }

    // A sigmoid model is saved without the sparse codes' fields, which it never uses: fitted with K 6 (one options object
    // for every activation, as a sweep has), it said K 6 and, once loaded, K 8. Its Objective is now what it reads back.
    [Fact]
    public void A_sigmoid_models_objective_is_the_same_after_loading_whatever_sparse_code_fields_it_was_given()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(8);
        var rows = Enumerable.Range(0, 80).Select(_ => new Vec8 { Features = Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble()).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5, SparsityTarget = 0.05,
            K = 3, L1Weight = 0.01, L0Weight = 0.5, AuxK = 2, DeadLatentWindow = 77,
        }).Fit(data);
        Assert.Equal(new SparseAe.Objective.ObjectiveSettings(SparsityTarget: 0.05), model.Objective);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        Assert.Equal(model.Objective, ((SparseAutoencoderTransformer)new MLContext().Model.Load(stream, out _)).Objective);
    }

    [Fact]
    public void A_linear_decoder_model_reconstructs_without_a_sigmoid_and_survives_saving()
    {
        var ml = new MLContext(seed: 1);
        var rng = new Random(8);
        var rows = Enumerable.Range(0, 80).Select(_ => new Vec8 { Features = Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 5, MaxIterations = 40, Decoder = DecoderKind.Linear, ReconstructionErrorColumnName = "Error",
        }).Fit(data);
        var output = model.Transform(data);
        var errors = output.GetColumn<float>("Error").ToArray();
        var codes = output.GetColumn<float[]>("Code").ToArray();
        var w = model.Weights;
        double sum = 0;
        for (int i = 0; i < 8; i++)
        {
            double y = w.B2.Span[i];
            for (int j = 0; j < 5; j++) y += (double)w.W2.Span[i * 5 + j] * codes[0][j];
            sum += (y - rows[0].Features[i]) * (y - rows[0].Features[i]);
        }
        Assert.Equal(sum / 8, errors[0], 1e-4);

        using var temp = new SparseAe.Tests.Support.TempFolder();
        var path = Path.Combine(temp, "linear.zip");
        ml.Model.Save(model, data.Schema, path);
        var loaded = (SparseAutoencoderTransformer)new MLContext().Model.Load(path, out _);
        Assert.Equal(DecoderKind.Linear, loaded.Objective.Decoder);
        Assert.Equal(errors, loaded.Transform(data).GetColumn<float>("Error").ToArray());
    }

    [Fact]
    public void Adam_streams_the_data_view_and_learns()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 6, Optimizer = OptimizerKind.Adam, Epochs = 10, BatchSize = 32, ShufflePoolRows = 100,
        }).Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(500, 4)));
        var s = model.Summary;
        Assert.Equal(OptimizerKind.Adam, s.Optimizer);
        Assert.Equal(10, s.Epochs);
        Assert.Equal(500, s.TrainingRows);
        Assert.True(s.CostHistory[^1].Total < s.CostHistory[0].Total);
    }

    [Fact]
    public void Fit_is_deterministic_for_a_seed_and_thread_count()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(300, 5));
        // A seed in the options: without one, each estimator draws the next seed from the context.
        SparseAutoencoderTransformer Fit(int threads) => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 10, MaxIterations = 40, Threads = threads, Seed = 3,
        }).Fit(data);
        Assert.True(Fit(2).Weights.W1.Span.SequenceEqual(Fit(2).Weights.W1.Span));
        Assert.True(Fit(1).Weights.W1.Span.SequenceEqual(Fit(1).Weights.W1.Span));
    }

    // It ran over LoadFromEnumerable, whose cursor set is one cursor, read the cursors one after another and
    // keyed rows by Position: it showed nothing about parallel cursors. A cache splits into several.
    [Fact]
    public void Parallel_cursors_give_the_same_codes_as_one_cursor()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(2000, 6)));
        var model = ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 5, maxIterations: 10).Fit(data);
        var output = model.Transform(data);
        var single = output.GetColumn<float[]>("Code").ToArray();
        var col = output.Schema["Code"];
        var cursors = output.GetRowCursorSet(new[] { col }, 4);
        Assert.True(cursors.Length > 1, $"the cache gave {cursors.Length} cursor");
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<ulong, float[]>();
        Parallel.ForEach(cursors, new ParallelOptions { MaxDegreeOfParallelism = cursors.Length }, cursor =>
        {
            using (cursor)
            {
                var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(col);
                var id = cursor.GetIdGetter();
                var buffer = default(Microsoft.ML.Data.VBuffer<float>);
                var row = default(Microsoft.ML.Data.DataViewRowId);
                while (cursor.MoveNext())
                {
                    getter(ref buffer);
                    id(ref row);
                    Assert.True(seen.TryAdd(row.Low, buffer.DenseValues().ToArray()), $"row {row.Low} twice");
                }
            }
        });
        Assert.Equal(2000, seen.Count);
        foreach (var (row, code) in seen) Assert.Equal(single[row], code);
    }
}
