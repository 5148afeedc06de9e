using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Convolution;

public class ConvolutionalFeaturizerTransformerTests
{
    // A featurizer fitted where memory allowed, used where it does not (a smaller machine or heap limit): each cursor's
    // codes and features, 291 MB here, ended in a bare OutOfMemoryException at the first row under a 256 MB heap limit.
    // The featurizer is saved by a process without the limit, then loaded and used by one with it.
    [Fact]
    public void A_featurizer_whose_image_does_not_fit_in_memory_is_refused_with_the_sizes_when_it_is_used()
    {
        using var folder = new SparseAe.Tests.Support.TempFolder();
        string fitCheck = SparseAe.Tests.Support.TestData.Metadata("FitCheckPath"), model = Path.Combine(folder, "wide.zip");
        var (saved, savedText) = SparseAe.Tests.Support.ProcessRunner.Run("dotnet", [fitCheck, "--featurizer-output", "save", model], folder, TimeSpan.FromMinutes(3));
        Assert.True(saved == 0, $"exit {saved}: {savedText}");
        var (code, text) = SparseAe.Tests.Support.ProcessRunner.Run("dotnet", [fitCheck, "--featurizer-output", "load", model], folder, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" });   // 256 MB
        Assert.True(code == 3, $"exit {code}: {text}");
        Assert.StartsWith("Featurizing one 28x28 image (729 positions of 2x2 patches, 50000 hidden units, 36450000 features) needs about 0.", text);
        Assert.EndsWith("; use a larger Stride, fewer hidden units or fewer pooling regions.", text.TrimEnd());
    }

    // Featurizer.Parameters, documented as "a copy of the encoder's parameters", was one copy, the same object at every
    // call and the one Save writes: a user who changed it (W1[0] += 1) left Transform as it was but saved, exported and
    // WithEncoding'd other weights, so the loaded model computed other features than the one in memory, without a word.
    [Fact]
    public void Changing_the_parameters_the_featurizer_hands_out_changes_neither_it_nor_what_it_saves()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ConvolutionComponentTests.Bars(30, 2));
        var model = ml.Transforms.ConvolutionalSparseFeatures(ConvolutionComponentTests.Options()).Fit(data);
        float first = model.Featurizer.Parameters.W1[0];
        var features = model.Transform(data).GetColumn<float[]>("Features").ToArray();

        model.Featurizer.Parameters.W1[0] += 1;

        Assert.Equal(first, model.Featurizer.Parameters.W1[0]);
        using var temp = new TempFolder();
        string path = Path.Combine(temp, "conv.zip");
        ml.Model.Save(model, data.Schema, path);
        Assert.Equal(features, new MLContext().Model.Load(path, out _).Transform(data).GetColumn<float[]>("Features").ToArray());
    }
}
