using SparseAe.Convolution;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// What ConvolutionGeometry's XML docs (IntelliSense: its constructor's &lt;param&gt;s, also its properties' summaries) say
/// each value may be, against what <see cref="ConvolutionGeometry.Validate"/> (called by ConvolutionalFeaturizer's
/// constructor) refuses: the record documented none of its six values, so every range was met only as a refusal.
/// </summary>
public class ConvolutionGeometryTests
{
    // Each rule: the value, the rule its <param> states, the rule in its refusal for the case, and the case just outside it
    // and the one at its edge (accepted), each "ImageHeight,ImageWidth,PatchSize,Stride,PoolGrid,PoolSize".
    public static TheoryData<string, string, string, string, string> Rules() => new()
    {
        { "ImageHeight", "in 1..65536", "must lie in 1..65536", "0,10,1,1,1,0", "1,10,1,1,1,0" },
        { "ImageHeight", "in 1..65536", "must lie in 1..65536", "65537,10,4,1,2,0", "65536,10,4,1,2,0" },
        // An image is one array: 65536 x 32768 = 2^31 pixels is too many.
        { "ImageHeight", "ImageHeight * ImageWidth pixels no more than one array holds (2147483591)", "more than one array holds (2147483591)", "65536,32768,4,65536,1,0", "65536,32767,4,65536,1,0" },
        { "ImageWidth", "in 1..65536", "must lie in 1..65536", "10,0,1,1,1,0", "10,1,1,1,1,0" },
        { "ImageWidth", "in 1..65536", "must lie in 1..65536", "10,65537,4,1,2,0", "10,65536,4,1,2,0" },
        { "PatchSize", "in 1..min(ImageHeight, ImageWidth)", "must lie in 1..10 for a 12x10 image", "12,10,0,1,2,0", "12,10,1,1,2,0" },
        { "PatchSize", "in 1..min(ImageHeight, ImageWidth)", "must lie in 1..10 for a 12x10 image", "12,10,11,1,1,0", "12,10,10,1,1,0" },
        { "Stride", "in 1..65536", "must lie in 1..65536", "12,10,4,0,2,0", "12,10,4,1,2,0" },
        { "Stride", "in 1..65536", "must lie in 1..65536", "12,10,4,65537,1,0", "12,10,4,65536,1,0" },
        // 2x2 patches of a 46000x46000 image: 45999^2 positions of 4 values at stride 1, 23000^2 at stride 2.
        { "Stride", "no more than one array holds (2147483591)", "more than one array holds (2147483591); use a larger Stride", "46000,46000,2,1,1,0", "46000,46000,2,2,1,0" },
        // 4x4 patches of a 12x10 image at stride 1: a 9x7 map of positions.
        { "PoolGrid", "in 1..min(positions down, positions across)", "must lie in 1..7 (the 9x7 map of positions", "12,10,4,1,8,0", "12,10,4,1,7,0" },
        { "PoolGrid", "in 1..min(positions down, positions across)", "must lie in 1..7 (the 9x7 map of positions", "12,10,4,1,0,0", "12,10,4,1,1,0" },
        { "PoolGrid", "must lie in 0..65536", "must lie in 0..65536 to be saved", "12,10,4,1,65537,2", "12,10,4,1,0,2" },
        { "PoolSize", "0 (use PoolGrid) or lie in 1..65536", "must be 0 (use PoolGrid) or lie in 1..65536", "12,10,4,1,2,-1", "12,10,4,1,2,0" },
        { "PoolSize", "0 (use PoolGrid) or lie in 1..65536", "must be 0 (use PoolGrid) or lie in 1..65536", "12,10,4,1,2,65537", "12,10,4,1,2,65536" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_value_documents_the_range_Validate_enforces(string value, string documented, string refused, string outside, string edge)
    {
        Assert.Contains(documented, XmlDocs.Param("SparseAe.Core", "M:SparseAe.Convolution.ConvolutionGeometry.#ctor", value), StringComparison.Ordinal);
        Assert.Contains(documented, XmlDocs.Summary("SparseAe.Core", $"P:SparseAe.Convolution.ConvolutionGeometry.{value}"), StringComparison.Ordinal);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Geometry(outside).Validate());
        Assert.Equal(value, refusal.ParamName);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        Geometry(edge).Validate();
    }

    private static ConvolutionGeometry Geometry(string values)
    {
        var v = values.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new ConvolutionGeometry(v[0], v[1], v[2], v[3], v[4], v[5]);
    }
}
