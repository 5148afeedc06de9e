using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.LoadCheck;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class PipelineTests(DigitsPipelineFixture f) : IClassFixture<DigitsPipelineFixture>
{
    [Fact]
    public void The_README_pipeline_classifies_held_out_digits_at_least_95_percent()
    {
        var metrics = f.Context.MulticlassClassification.Evaluate(f.Model.Transform(f.Context.Data.LoadFromEnumerable(f.Test)));
        Assert.True(metrics.MicroAccuracy >= 0.95, $"accuracy {metrics.MicroAccuracy:F4} on {f.Test.Count} held-out digits");
    }

    [Fact]
    public void The_transformer_exposes_parameters_and_a_training_summary()
    {
        var ae = f.Autoencoder;
        Assert.Equal(64, ae.Weights.VisibleCount);
        Assert.Equal(100, ae.Weights.HiddenCount);
        Assert.Equal(6400, ae.Weights.W1.Length);
        Assert.Equal(64, ae.Weights.Filter(3).Length);
        var s = ae.Summary;
        Assert.Equal(400, s.Iterations);
        Assert.Equal(SparseAe.Optimization.OptimizerExitReason.MaxIterations, s.ExitReason);
        Assert.Equal(f.Train.Count, s.TrainingRows);
        Assert.Equal(401, s.CostHistory.Count);
        Assert.True(s.FinalCost.Total < s.CostHistory[0].Total);
        Assert.Equal(100, s.MeanActivation.Count);
        Assert.True(s.Elapsed > TimeSpan.Zero);
        Assert.Equal(Defaults.SparsityTarget, ae.Objective.SparsityTarget);
    }

    [Fact]
    public void The_code_column_is_a_vector_of_H_singles_and_matches_the_formula()
    {
        var output = f.Autoencoder.Transform(f.Context.Data.LoadFromEnumerable(f.Test.Take(5)));
        var type = (VectorDataViewType)output.Schema["Code"].Type;
        Assert.Equal(100, type.Size);
        Assert.Equal(NumberDataViewType.Single, type.ItemType);
        var codes = output.GetColumn<float[]>("Code").ToArray();
        var w = f.Autoencoder.Weights;
        for (int r = 0; r < 5; r++)
            for (int j = 0; j < 100; j++)
            {
                double z = w.B1.Span[j];
                for (int i = 0; i < 64; i++) z += (double)w.W1.Span[j * 64 + i] * f.Test[r].Features[i];
                Assert.Equal(1 / (1 + Math.Exp(-z)), codes[r][j], 1e-5);
            }
    }

    [Fact]
    public void Save_and_load_in_process_gives_bit_identical_predictions_through_Transform_and_PredictionEngine()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir, "model.zip");
        f.Context.Model.Save(f.Model, f.TrainView.Schema, path);
        var loaded = new MLContext(seed: 5).Model.Load(path, out var inputSchema);
        Assert.Equal("Features", inputSchema["Features"].Name);

        var original = PredictionDump.ThroughTransform(f.Context, f.Model, f.Test);
        Assert.Equal(original, PredictionDump.ThroughTransform(f.Context, loaded, f.Test));
        Assert.Equal(original, PredictionDump.ThroughPredictionEngine(f.Context, f.Model, f.Test));
        Assert.Equal(original, PredictionDump.ThroughPredictionEngine(f.Context, loaded, f.Test));

        var ae = (SparseAutoencoderTransformer)((IEnumerable<ITransformer>)loaded).First();
        Assert.True(ae.Weights.W1.Span.SequenceEqual(f.Autoencoder.Weights.W1.Span));
        Assert.Equal(f.Autoencoder.Summary.CostHistory, ae.Summary.CostHistory);
        Assert.Equal(f.Autoencoder.Summary.ExitReason, ae.Summary.ExitReason);
    }

    [Fact]
    public void A_fresh_process_that_only_loads_the_model_predicts_bit_identically()
    {
        using var temp = new TempFolder();
        FreshProcess.AssertPredictsBitIdentically(temp, f.Context, f.Model, f.TrainView.Schema, f.Test);
    }

    [Fact]
    public void The_autoencoder_works_in_the_middle_of_a_chain_with_a_PredictionEngine()
    {
        // A transform before and after it: the engine must compose row-to-row mappers through it.
        var pipeline = f.Context.Transforms.CopyColumns("Pixels", "Features")
            .Append(f.Context.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Hidden", InputColumnName = "Pixels", HiddenCount = 12, MaxIterations = 20,
                ReconstructionErrorColumnName = "Error",
            }))
            .Append(f.Context.Transforms.CopyColumns("Code", "Hidden"))
            .Append(f.Context.Transforms.Conversion.MapValueToKey("Label"))
            .Append(f.Context.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code", maximumNumberOfIterations: 5));
        var model = pipeline.Fit(f.TrainView);
        var batch = PredictionDump.ThroughTransform(f.Context, model, f.Test.Take(30).ToList());
        var single = PredictionDump.ThroughPredictionEngine(f.Context, model, f.Test.Take(30).ToList());
        Assert.Equal(batch, single);
    }
}
