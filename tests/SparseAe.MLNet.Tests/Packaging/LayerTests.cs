using Xunit;

namespace SparseAe.MLNet.Tests.Packaging;

/// <summary>
/// The layers of docs/architecture.md, checked on the compiled assemblies: Core (numerics) uses no
/// ML.NET and no other SparseAe project; MLNet (glue) uses Core and ML.NET, not the data readers or
/// the pictures (a library user must not pull in SkiaSharp's native assets).
/// </summary>
public class LayerTests
{
    private static string[] References(Type inAssembly)
        => inAssembly.Assembly.GetReferencedAssemblies().Select(a => a.Name!).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Core_references_no_MLNET_and_no_other_SparseAe_project()
    {
        var references = References(typeof(SparseAe.Training.AutoencoderTraining));
        Assert.Contains("System.Numerics.Tensors", references);   // the list is the real one
        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.ML", StringComparison.Ordinal));
        Assert.DoesNotContain(references, n => n.StartsWith("SparseAe.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, n => n.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void MLNet_references_Core_and_MLNET_but_not_the_readers_or_the_pictures()
    {
        var references = References(typeof(SparseAe.MLNet.SparseAutoencoderEstimator));
        Assert.Contains("SparseAe.Core", references);
        Assert.Contains("Microsoft.ML.Data", references);
        Assert.DoesNotContain("SparseAe.Data", references);
        Assert.DoesNotContain("SparseAe.Visualization", references);
        Assert.DoesNotContain(references, n => n.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }
}
