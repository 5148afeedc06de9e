using FashionMnistSample;
using Microsoft.ML;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The Fashion-MNIST sample's model selection (samples/FashionMnist/FeatureSearch.cs), on a few tiny images.</summary>
public class FashionFeatureSearchTests
{
    [Fact]
    public void At_equal_validation_accuracy_the_search_keeps_the_first_candidate_encoding_and_l2_tried()
    {
        // The 10 validation images are all blank, one of each class: every trial's classifier gives them one label, so every
        // trial scores exactly 0.1, and the strict "better than" keeps what was tried first: the first candidate, the soft
        // threshold at 0.5 and L2/row 2e-3 (a later equal trial, the sigmoid code or L2/row 6e-3, must not displace it).
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var train = Enumerable.Range(0, 20).Select(i => new FashionImage
        {
            Pixels = Enumerable.Range(0, FashionImage.Side * FashionImage.Side).Select(_ => (float)random.NextDouble()).ToArray(),
            Label = i % 10,
        }).ToList();
        var validation = Enumerable.Range(0, 10).Select(i => new FashionImage { Pixels = new float[FashionImage.Side * FashionImage.Side], Label = i }).ToList();
        var log = new StringWriter();
        var search = new FeatureSearch(ml, new SearchSettings(20, 10, 200, 5, 1), new LinearClassifier(ml, 1), log);
        Candidate[] candidates = [new(6, 4, true), new(5, 4, true), new(6, 3, false)];
        var best = search.Run(candidates, ml.Data.LoadFromEnumerable(train), train.Count, ml.Data.LoadFromEnumerable(validation));
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(2 + 3 + 2 + 1 + 1, lines.Length);
        Assert.All(lines[2..^1], l => Assert.EndsWith(" 0.1000", l));
        Assert.Equal(new Trial(candidates[0], SparseAe.Convolution.FeatureEncodingKind.SoftThreshold, 0.5, 2e-3, 0.1), best);
        Assert.Equal("chosen: 6x6 patches, 4 hidden, ZCA 0.1, soft threshold 0.5, L2/row 0.002 (validation 0.1000)", lines[^1]);
    }
}
