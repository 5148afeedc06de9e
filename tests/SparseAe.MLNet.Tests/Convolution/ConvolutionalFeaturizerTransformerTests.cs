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
}
