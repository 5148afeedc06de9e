using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.LoadCheck;
using SparseAe.Persistence;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// README's "Use it" snippet, compiled and run as a reader copies it: the lines between the markers below are
/// the snippet's own, checked against README.md, with only the glue a reader adds around them (the rows and the
/// Row and Prediction classes its last comment describes).
/// </summary>
/// <remarks>
/// The snippet saves "model.zip" in the current folder, which the test makes a folder of its own
/// (<see cref="CurrentFolder"/>): in the tests' output folder, a second run of these tests in the same clone
/// (a developer's beside CI's) removed the model between this run's save and its load.
/// </remarks>
[Collection(CurrentFolder.Name)]
public class ReadmeSnippetTests
{
    public sealed class Row
    {
        [VectorType(64)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    public sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
    }

    private const string Begin = "// README snippet: begin", End = "// README snippet: end";

    [Fact]
    public void The_README_snippet_trains_saves_loads_and_predicts_as_written()
    {
        var (train0, test) = FreshProcess.DigitRows();
        var rows = train0.Select(d => new Row { Features = d.Features, Label = d.Label.ToString("0", CultureInfo.InvariantCulture) }).ToList();
        // The snippet saves to "model.zip" in the current folder: a folder of this test's own.
        using var folder = new TempFolder();
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try
        {
            // README snippet: begin
            var mlContext = new MLContext(seed: 1);
            IDataView train = mlContext.Data.LoadFromEnumerable(rows);   // "Features": float[64], values in [0, 1]

            var pipeline = mlContext.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 100)
                .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
                .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code"))
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            var model = pipeline.Fit(train);
            // Written to a temporary file and renamed: a failed save leaves the old model.zip whole.
            AtomicFile.Write("model.zip", s => mlContext.Model.Save(model, train.Schema, s));

            // In another process on the same kind of CPU (no training code): bit-identical predictions; on
            // another vector width (AVX-512, AVX2, ARM64) the codes differ in their last bits.
            var loaded = mlContext.Model.Load("model.zip", out _);
            var engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(loaded);
            // Row: [VectorType(64)] float[] Features, string Label; Prediction: string PredictedLabel.
            // README snippet: end

            int right = test.Count(d => engine.Predict(new Row { Features = d.Features }).PredictedLabel == d.Label.ToString("0", CultureInfo.InvariantCulture));
            Assert.True(right >= 0.95 * test.Count, $"{right} of {test.Count} held-out digits predicted right");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void The_snippet_run_above_is_README_s_line_for_line()
    {
        string root = TestData.Metadata("RepositoryRoot");
        var ours = File.ReadAllLines(Path.Combine(root, "tests", "SparseAe.MLNet.Tests", "ReadmeSnippetTests.cs"))
            .SkipWhile(l => l.Trim() != Begin).Skip(1).TakeWhile(l => l.Trim() != End).Select(l => l.Trim()).ToList();
        var readme = File.ReadAllLines(Path.Combine(root, "README.md"));
        var block = readme.SkipWhile(l => l != "## Use it").SkipWhile(l => l != "```csharp").Skip(1).TakeWhile(l => l != "```")
            .Select(l => l.Trim()).SkipWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Length == 0).ToList();
        Assert.NotEmpty(ours);
        Assert.Equal(string.Join('\n', block), string.Join('\n', ours));
        // Its usings are this file's (which also has the glue's).
        var usings = readme.SkipWhile(l => l != "## Use it").SkipWhile(l => l != "```csharp").Skip(1)
            .TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)).Select(l => l.Split("//")[0].Trim()).ToList();
        Assert.Contains("using SparseAe.MLNet;", usings);
        var file = File.ReadAllText(Path.Combine(root, "tests", "SparseAe.MLNet.Tests", "ReadmeSnippetTests.cs"));
        foreach (var u in usings.Where(u => u is not "using SparseAe;" and not "using SparseAe.MLNet;"))
            Assert.Contains(u, file);
    }

    // README's list of the options ("Every option has an overload taking SparseAutoencoderOptions: ...") and its sections
    // on the decoder and the sparse codes named every training option but LbfgsMemory.
    [Fact]
    public void README_names_every_training_option()
    {
        string readme = File.ReadAllText(Path.Combine(TestData.Metadata("RepositoryRoot"), "README.md"));
        var unnamed = typeof(AutoencoderTrainingOptions).GetProperties().Select(p => p.Name)
            .Where(name => !readme.Contains($"`{name}`", StringComparison.Ordinal) && !readme.Contains($"`{name} = ", StringComparison.Ordinal));
        Assert.Empty(unnamed);
    }
}

/// <summary>
/// Tests that change the process's current folder: they run when no other test does, since a relative path
/// anywhere else would then resolve in their folder.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CurrentFolder
{
    public const string Name = "Tests that change the current folder";
}
