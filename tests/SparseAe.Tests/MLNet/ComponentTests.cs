using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Tests.MLNet;

public class ComponentTests
{
    [Fact]
    public void Training_progress_reaches_the_MLContext_log_and_the_callback()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var progress = new List<TrainingProgress>();
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 4, MaxIterations = 7, Progress = progress.Add,
        }).Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(50, 1)));
        Assert.Equal(7, progress.Count);
        Assert.Equal(Enumerable.Range(1, 7), progress.Select(p => p.Iteration));
        Assert.Contains(messages, m => m.Contains("iteration 7: J"));
        Assert.Contains(messages, m => m.Contains("Finished: MaxIterations after 7 iterations"));
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
    private static void CancelExecution(MLContext ml)
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

        var path = Path.Combine(SparseAe.Tests.Support.TestData.TempDirectory(), "linear.zip");
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
        SparseAutoencoderTransformer Fit(int threads) => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 10, MaxIterations = 40, Threads = threads,
        }).Fit(data);
        Assert.True(Fit(2).Weights.W1.Span.SequenceEqual(Fit(2).Weights.W1.Span));
        Assert.True(Fit(1).Weights.W1.Span.SequenceEqual(Fit(1).Weights.W1.Span));
    }

    [Fact]
    public void Parallel_cursors_give_the_same_codes_as_one_cursor()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(200, 6));
        var model = ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 5, maxIterations: 10).Fit(data);
        var output = model.Transform(data);
        var single = output.GetColumn<float[]>("Code").ToArray();
        var col = output.Schema["Code"];
        var cursors = output.GetRowCursorSet(new[] { col }, 2);
        var seen = new Dictionary<long, float[]>();
        foreach (var cursor in cursors)
        {
            var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(col);
            var buffer = default(Microsoft.ML.Data.VBuffer<float>);
            while (cursor.MoveNext()) { getter(ref buffer); seen[cursor.Position] = buffer.DenseValues().ToArray(); }
        }
        Assert.Equal(200, seen.Count);
        foreach (var (position, code) in seen) Assert.Equal(single[position], code);
    }
}
