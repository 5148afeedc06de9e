using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// The components inside ML.NET's own pipeline operations: TrainTestSplit, CrossValidate with a sampling key,
/// the column transforms around them, Preview, save and load with a loader, and PredictionEngines on two threads,
/// each held to what ML.NET's own transforms do there.
/// </summary>
public class PipelineOperationsTests
{
    private readonly MLContext _ml = new(seed: 1);

    public sealed class Labelled
    {
        [VectorType(8)]
        public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
        public float Group { get; set; }
    }

    public sealed class Target
    {
        [VectorType(8)]
        public float[] Features { get; set; } = [];
        public float Group { get; set; }
        public float Value { get; set; }
    }

    public sealed class CodeRow
    {
        public float[] Code { get; set; } = [];
    }

    // Three classes of 8-vectors in [0.1, 0.9], each lit on its own band; rows share a Group in fours.
    internal static List<Labelled> LabelledRows(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(r =>
        {
            int label = r % 3;
            var x = Enumerable.Range(0, 8).Select(i => (float)(0.1 + 0.2 * rng.NextDouble() + (i / 3 == label ? 0.5 : 0))).ToArray();
            return new Labelled { Features = x, Label = $"c{label}", Group = r / 4 };
        }).ToList();
    }

    private static float[][] Column(IDataView data, string name) => data.GetColumn<float[]>(name).ToArray();

    [Fact]
    public void TrainTestSplit_then_Fit_on_train_and_Transform_on_test_gives_the_test_rows_codes()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(120, 3));
        var split = _ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 4);
        var model = _ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.05)
            .Append(_ml.Transforms.SparseAutoencoder("Code", "White", hiddenCount: 5, maxIterations: 20, seed: 2)).Fit(split.TrainSet);
        var zca = (ZcaWhiteningTransformer)model.First();
        long train = split.TrainSet.GetColumn<float>("Group").Count(), test = split.TestSet.GetColumn<float>("Group").Count();
        Assert.Equal(120, train + test);
        Assert.Equal(train, zca.TrainingRows);

        var output = model.Transform(split.TestSet);
        var inputs = Column(split.TestSet, "Features");
        var white = Column(output, "White");
        Assert.Equal(test, white.Length);
        var y = new float[8];
        zca.Whitening.Apply(inputs[0], y, new float[8]);
        Assert.Equal(y, white[0]);
        // The input columns pass through unchanged.
        Assert.Equal(inputs, Column(output, "Features"));
        Assert.Equal(5, Column(output, "Code")[^1].Length);
    }

    [Fact]
    public void TrainTestSplit_of_a_row_source_view_splits_every_row_once()
    {
        var source = new ArrayRowSource(LabelledRows(50, 1).SelectMany(r => r.Features).ToArray(), 50, 8);
        var data = _ml.Data.LoadFromRowSource(source, "Features", rowCount: 50);
        var split = _ml.Data.TrainTestSplit(data, testFraction: 0.3, seed: 2);
        var train = Column(split.TrainSet, "Features");
        var test = Column(split.TestSet, "Features");
        Assert.Equal(50, train.Length + test.Length);
        var all = Column(data, "Features").Select(r => string.Join(",", r)).Order().ToArray();
        Assert.Equal(all, train.Concat(test).Select(r => string.Join(",", r)).Order().ToArray());
        var model = _ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 4, maxIterations: 10, seed: 1).Fit(split.TrainSet);
        Assert.Equal(train.Length, model.Summary.TrainingRows);
        Assert.Equal(test.Length, Column(model.Transform(split.TestSet), "Code").Length);
    }

    [Fact]
    public void CrossValidate_with_a_sampling_key_runs_every_fold_with_the_autoencoder_ahead_of_a_trainer()
    {
        var rows = LabelledRows(150, 5);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(_ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6, MaxIterations = 30, Seed = 3,
                Activation = ActivationKind.TopK, K = 3,
            }))
            .Append(_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code", maximumNumberOfIterations: 20));
        var folds = _ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3, samplingKeyColumnName: "Group");
        Assert.Equal(3, folds.Count);
        // Every row is scored once, and the rows of a Group stay in one fold.
        var scored = folds.Select(f => f.ScoredHoldOutSet.GetColumn<float>("Group").ToArray()).ToArray();
        Assert.Equal(150, scored.Sum(s => s.Length));
        Assert.Empty(scored[0].Intersect(scored[1]).Concat(scored[1].Intersect(scored[2])).Concat(scored[0].Intersect(scored[2])));
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy > 0.8, $"fold {f.Fold} accuracy {f.Metrics.MicroAccuracy}"));
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        folds[0].ScoredHoldOutSet.Schema["Code"].GetSlotNames(ref names);
        Assert.Equal("latent_5", names.GetValues()[5].ToString());
    }

    [Fact]
    public void Regression_CrossValidate_with_ZCA_ahead_of_a_trainer_scores_every_row()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(90, 6).Select(r => new Target { Features = r.Features, Group = r.Group, Value = r.Features[0] }).ToList());
        var pipeline = _ml.Transforms.ZcaWhitening("Features", epsilon: 0.1)
            .Append(_ml.Regression.Trainers.Sdca("Value", "Features", maximumNumberOfIterations: 30));
        var folds = _ml.Regression.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: "Value", samplingKeyColumnName: "Group");
        Assert.Equal(90, folds.Sum(f => f.ScoredHoldOutSet.GetColumn<float>("Score").Count()));
        Assert.All(folds, f => Assert.True(f.Metrics.RSquared > 0.9, $"fold {f.Fold} R2 {f.Metrics.RSquared}"));
    }

    [Fact]
    public void Save_with_a_TextLoader_and_LoadWithDataLoader_read_text_to_the_same_codes()
    {
        var rows = LabelledRows(30, 7);
        using var dir = new TempFolder();
        var csv = Path.Combine(dir, "rows.csv");
        File.WriteAllLines(csv, rows.Select(r => string.Join(",", r.Features.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "," + r.Label));
        var loader = _ml.Data.CreateTextLoader([new TextLoader.Column("Features", DataKind.Single, 0, 7), new TextLoader.Column("Label", DataKind.String, 8)], separatorChar: ',');
        var data = loader.Load(csv);
        var model = _ml.Transforms.ZcaWhitening("White", "Features", 0.1)
            .Append(_ml.Transforms.SparseAutoencoder("Code", "White", hiddenCount: 4, maxIterations: 10, seed: 1)).Fit(data);
        var expected = Column(model.Transform(data), "Code");

        var path = Path.Combine(dir, "with-loader.zip");
        _ml.Model.Save(model, loader, path);
        var other = new MLContext();
        var loaded = other.Model.LoadWithDataLoader(path, out IDataLoader<IMultiStreamSource> savedLoader);
        var reloaded = savedLoader.Load(new MultiFileSource(csv));
        Assert.Equal(["Features", "Label"], reloaded.Schema.Select(c => c.Name));
        Assert.Equal(expected, Column(loaded.Transform(reloaded), "Code"));
        // Model.Load of the same zip gives the loader's output schema.
        var chain = other.Model.Load(path, out var schema);
        Assert.Equal(8, ((VectorDataViewType)schema["Features"].Type).Size);
        Assert.Equal(expected, Column(chain.Transform(data), "Code"));
    }

    // ML.NET's binary format carries each column's type and annotations: a sparse code (TopK) and token counts with their
    // slot names (decoded token text) read back from it as they were written, and the model gives the same codes again.
    [Fact]
    public void SaveAsBinary_then_LoadFromBinary_keeps_the_codes_their_types_and_the_token_slot_names()
    {
        using var dir = new TempFolder();
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(60, 5));
        var model = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6,
                Activation = ActivationKind.TopK, K = 2, Epochs = 2, BatchSize = 16, Seed = 3,
            })
            .Append(_ml.Transforms.TokenCounts("Tokens", "Label", maximumTokens: 8))
            .Fit(data);
        var transformed = model.Transform(data);
        using (var stream = File.Create(dir.File("codes.idv")))
            _ml.Data.SaveAsBinary(transformed, stream);
        var loaded = _ml.Data.LoadFromBinary(dir.File("codes.idv"));

        foreach (var name in new[] { "Code", "Tokens" })
        {
            Assert.Equal(transformed.Schema[name].Type, loaded.Schema[name].Type);
            Assert.Equal(Column(transformed, name), Column(loaded, name));
        }
        VBuffer<ReadOnlyMemory<char>> written = default, read = default;
        transformed.Schema["Tokens"].GetSlotNames(ref written);
        loaded.Schema["Tokens"].GetSlotNames(ref read);
        Assert.Equal(written.DenseValues().Select(n => n.ToString()), read.DenseValues().Select(n => n.ToString()));
        Assert.Contains(read.DenseValues(), n => n.Length > 0);
        // The loaded view's rows featurize as the originals did.
        Assert.Equal(Column(transformed, "Code"), Column(model.Transform(loaded), "Code"));
    }

    [Fact]
    public async Task Two_PredictionEngines_of_one_transformer_on_two_threads_predict_as_Transform()
    {
        var rows = LabelledRows(200, 8);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var model = _ml.Transforms.ZcaWhitening("White", "Features", 0.1)
            .Append(_ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                OutputColumnName = "Code", InputColumnName = "White", HiddenCount = 5, MaxIterations = 10, Seed = 1, Activation = ActivationKind.TopK, K = 2,
            })).Fit(data);
        var expected = Column(model.Transform(data), "Code");
        float[][] Predict() { var engine = _ml.Model.CreatePredictionEngine<Labelled, CodeRow>(model); return rows.Select(r => engine.Predict(r).Code.ToArray()).ToArray(); }
        var first = Task.Run(Predict);
        var second = Task.Run(Predict);
        Assert.Equal(expected, await first);
        Assert.Equal(expected, await second);
    }

    public sealed class Image
    {
        [VectorType(64)]
        public float[] Pixels { get; set; } = [];
        public float Group { get; set; }
    }

    [Fact]
    public void The_featurizer_through_TrainTestSplit_Preview_and_CrossValidate()
    {
        var rng = new Random(2);
        var images = Enumerable.Range(0, 60).Select(i =>
        {
            var px = Enumerable.Range(0, 64).Select(_ => 0.1f * (float)rng.NextDouble()).ToArray();
            int at = rng.Next(1, 7);
            for (int k = 0; k < 8; k++) px[i % 2 == 0 ? k * 8 + at : at * 8 + k] += 0.8f;
            return new Image { Pixels = px, Group = i / 2 };
        }).ToList();
        var data = _ml.Data.LoadFromEnumerable(images);
        var estimator = _ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 8, ImageWidth = 8, PatchSize = 3, Stride = 1,
            PoolGrid = 2, PatchCount = 200, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 4, MaxIterations = 10, Seed = 1 },
        });
        var split = _ml.Data.TrainTestSplit(data, 0.25, samplingKeyColumnName: "Group", seed: 1);
        var model = estimator.Fit(split.TrainSet);
        var test = Column(split.TestSet, "Pixels");
        var features = Column(model.Transform(split.TestSet), "Features");
        Assert.Equal(test.Length, features.Length);
        var direct = new float[16];
        model.Featurizer.Featurize(test[0], direct, model.Featurizer.CreateWorkspace());
        Assert.Equal(direct, features[0]);
        var preview = model.Preview(split.TestSet, 2);
        Assert.Equal(direct, ((VBuffer<float>)preview.ColumnView.Single(c => c.Column.Name == "Features").Values[0]).DenseValues());

        var folds = _ml.Regression.CrossValidate(data, estimator.Append(_ml.Transforms.CopyColumns("Label", "Group"))
            .Append(_ml.Regression.Trainers.Sdca("Label", "Features", maximumNumberOfIterations: 5)), 2, "Label", samplingKeyColumnName: "Group");
        Assert.Equal(60, folds.Sum(f => f.ScoredHoldOutSet.GetColumn<float>("Score").Count()));
    }

    [Fact]
    public void TokenCounts_from_a_TextLoader_through_CrossValidate_and_a_saved_loader()
    {
        string[] good = ["a fine sunny day", "sunny and warm", "warm fine weather", "a warm sunny morning"];
        string[] bad = ["cold grey rain", "rain and wind", "grey cold storm", "a cold wet night"];
        var lines = Enumerable.Range(0, 40).Select(i => $"{(i % 2 == 0 ? "true" : "false")}\t{i / 4}\t{(i % 2 == 0 ? good : bad)[i / 2 % 4]}").ToArray();
        using var dir = new TempFolder();
        var tsv = Path.Combine(dir, "texts.tsv");
        File.WriteAllLines(tsv, lines);
        var loader = _ml.Data.CreateTextLoader([new TextLoader.Column("Label", DataKind.Boolean, 0), new TextLoader.Column("Group", DataKind.Single, 1),
            new TextLoader.Column("Text", DataKind.String, 2)]);
        var data = loader.Load(tsv);
        var tokens = _ml.Transforms.TokenCounts("Tokens", "Text", maximumTokens: 50);
        var folds = _ml.BinaryClassification.CrossValidateNonCalibrated(data,
            tokens.Append(_ml.BinaryClassification.Trainers.SdcaNonCalibrated("Label", "Tokens", maximumNumberOfIterations: 20)), 2, samplingKeyColumnName: "Group");
        Assert.Equal(40, folds.Sum(f => f.ScoredHoldOutSet.GetColumn<float>("Score").Count()));
        Assert.All(folds, f => Assert.True(f.Metrics.Accuracy > 0.9, $"fold {f.Fold} accuracy {f.Metrics.Accuracy}"));

        var model = tokens.Fit(data);
        var expected = model.Transform(data).GetColumn<VBuffer<float>>("Tokens").Select(v => v.DenseValues().ToArray()).ToArray();
        var path = Path.Combine(dir, "tokens.zip");
        _ml.Model.Save(model, loader, path);
        var loaded = new MLContext().Model.LoadWithDataLoader(path, out IDataLoader<IMultiStreamSource> savedLoader);
        var output = loaded.Transform(savedLoader.Load(new MultiFileSource(tsv)));
        Assert.Equal(expected, output.GetColumn<VBuffer<float>>("Tokens").Select(v => v.DenseValues().ToArray()).ToArray());
        var slots = default(VBuffer<ReadOnlyMemory<char>>);
        output.Schema["Tokens"].GetSlotNames(ref slots);
        Assert.Contains(" sunny", slots.DenseValues().Select(n => n.ToString()));
    }

    [Fact]
    public void A_row_source_view_of_zero_rows_fits_nothing_and_transforms_to_zero_rows()
    {
        var source = new ArrayRowSource(Array.Empty<float>(), 0, 8);
        var data = _ml.Data.LoadFromRowSource(source, "Features", rowCount: 0);
        Assert.Equal(0, data.GetRowCount());
        var fit = Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 3).Fit(data));
        Assert.Contains("no rows", fit.Message);
        var trained = _ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 3, maxIterations: 5, seed: 1).Fit(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(10, 1)));
        var output = trained.Transform(data);
        Assert.Equal(0, output.GetRowCount());
        Assert.Empty(Column(output, "Code"));
        Assert.Empty(output.Preview().RowView);
    }
}
