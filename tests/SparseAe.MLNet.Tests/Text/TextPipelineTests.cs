using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.LoadCheck;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Text;

/// <summary>
/// The text pipeline end to end: TokenCounts into a TopK autoencoder that trains on the sparse token
/// counts, saved, then loaded and run in a process of its own (SparseAe.LoadCheck --text), which must
/// give the same bits through Transform and a PredictionEngine.
/// </summary>
public class TextPipelineTests
{
    // Documents of 4-12 words drawn from one of three small "topics" and a few shared words, seeded.
    internal static List<TextRow> Documents(int count, int seed)
    {
        string[][] topics =
        [
            ["dog", "cat", "horse", "bird", "fish", "tail", "fur", "feathers", "barks", "purrs"],
            ["engine", "wheel", "car", "truck", "brake", "fuel", "road", "driver", "gear", "motor"],
            ["violin", "piano", "drum", "song", "melody", "chord", "singer", "choir", "rhythm", "tune"],
        ];
        string[] shared = ["the", "a", "of", "and", "with", "is"];
        var rng = new Random(seed);
        var documents = new List<TextRow>();
        for (int d = 0; d < count; d++)
        {
            var topic = topics[rng.Next(topics.Length)];
            var words = Enumerable.Range(0, rng.Next(4, 13)).Select(_ => rng.Next(3) == 0 ? shared[rng.Next(shared.Length)] : topic[rng.Next(topic.Length)]);
            documents.Add(new TextRow { Text = string.Join(' ', words) });
        }
        return documents;
    }

    [Fact]
    public void A_token_count_and_TopK_pipeline_predicts_bit_identically_in_a_fresh_process()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Documents(400, seed: 2));
        var pipeline = ml.Transforms.TokenCounts("Tokens", "Text", maximumTokens: 64, weighting: TokenWeighting.LogTfIdf, normalize: true)
            .Append(ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                InputColumnName = "Tokens", OutputColumnName = "Code", HiddenCount = 12, Activation = ActivationKind.TopK, K = 3,
                Optimizer = OptimizerKind.Adam, Epochs = 5, BatchSize = 32, Threads = 2, Seed = 3,
            }));
        var model = pipeline.Fit(train);

        // Held-out documents, an empty one and one of words the vocabulary has never seen.
        var test = Documents(30, seed: 4);
        test.Add(new TextRow { Text = "" });
        test.Add(new TextRow { Text = "quantum chromodynamics" });
        using var temp = new TempFolder();
        FreshProcess.AssertPredictsTextBitIdentically(temp, ml, model, train.Schema, test);

        // The code is a real one: at most K active latents a row, and the documents use several latents.
        var codes = ml.Data.CreateEnumerable<TextPrediction>(model.Transform(ml.Data.LoadFromEnumerable(test)), reuseRowObject: false).ToList();
        Assert.All(codes, c => Assert.True(c.Code.Count(v => v != 0) <= 3, "more than K = 3 active latents"));
        int used = Enumerable.Range(0, 12).Count(j => codes.Any(c => c.Code[j] > 0));
        Assert.True(used >= 3, $"only {used} of 12 latents fire on the held-out documents");
        Assert.All(codes[^2].Tokens, v => Assert.Equal(0f, v));   // the empty document: an empty bag
    }
}
