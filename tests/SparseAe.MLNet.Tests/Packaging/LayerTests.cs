using System.Xml.Linq;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Packaging;

/// <summary>
/// The layers of docs/architecture.md, checked on the compiled assemblies: Core (numerics) uses no
/// ML.NET and no other SparseAe project; MLNet (glue) uses Core and ML.NET, not the data readers or
/// the pictures (a library user must not pull in SkiaSharp's native assets); Mat (MAT files) uses
/// nothing but the base class library.
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
        Assert.DoesNotContain("SparseAe.Mat", references);
        Assert.DoesNotContain("SparseAe.Visualization", references);
        Assert.DoesNotContain(references, n => n.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void Mat_references_nothing_but_the_base_class_library()
    {
        var references = References(typeof(SparseAe.Mat.MatFile));
        Assert.Contains("System.IO.Compression", references);   // the list is the real one
        // Every assembly it uses ships with the runtime this test runs on (Microsoft.NETCore.App):
        // no other SparseAe assembly, no NuGet package.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        Assert.All(references, name => Assert.True(File.Exists(Path.Combine(framework, name + ".dll")),
            $"SparseAe.Mat references {name}, which is not part of the base class library."));

        // A package it does not use would not show above but would still be a dependency of its package.
        string project = Path.Combine(TestData.Metadata("RepositoryRoot"), "src", "SparseAe.Mat", "SparseAe.Mat.csproj");
        var items = XDocument.Load(project).Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "Reference" or "FrameworkReference")
            .Select(e => $"{e.Name.LocalName} {e.Attribute("Include")?.Value}");
        Assert.Empty(items);
    }
}
