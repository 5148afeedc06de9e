using SparseAe.Model;
using SparseAe.Tests.Support;

namespace SparseAe.Visualization.Tests;

/// <summary>
/// What FilterGrid's XML docs (IntelliSense) say each parameter may be, against what RenderPixels and RenderPng refuse: none of
/// the three methods documented a parameter, so the sizes, w1's length and finiteness, the 20000-pixel limit and the model's
/// visible count were met only as refusals.
/// </summary>
public class FilterGridDocsTests
{
    private const string RenderPixels = "M:SparseAe.Visualization.FilterGrid.RenderPixels";

    // Each rule: the parameter, the words its <param> and the refusal share, the call just outside and the call at the edge.
    public static TheoryData<string, string, Action, Action> Rules() => new()
    {
        { "hiddenCount", "at least 1", () => FilterGrid.RenderPixels([], 0, 1, 1), () => FilterGrid.RenderPixels([0f], 1, 1, 1) },
        { "patchHeight", "at least 1", () => FilterGrid.RenderPixels([], 1, 0, 1), () => FilterGrid.RenderPixels([0f], 1, 1, 1) },
        { "patchWidth", "at least 1", () => FilterGrid.RenderPixels([], 1, 1, 0), () => FilterGrid.RenderPixels([0f], 1, 1, 1) },
        { "minTileWidth", "at least 1", () => FilterGrid.RenderPixels([0f], 1, 1, 1, 0), () => FilterGrid.RenderPixels([0f], 1, 1, 1, 1) },
        { "w1", "hiddenCount * patchHeight * patchWidth", () => FilterGrid.RenderPixels(new float[3], 1, 2, 2), () => FilterGrid.RenderPixels(new float[4], 1, 2, 2) },
        { "w1", "every weight must be a finite number", () => FilterGrid.RenderPixels([float.PositiveInfinity], 1, 1, 1), () => FilterGrid.RenderPixels([float.MaxValue], 1, 1, 1) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_RenderPixels_enforces(string parameter, string rule, Action outside, Action edge)
    {
        Assert.Contains(rule, XmlDocs.Param("SparseAe.Visualization", RenderPixels, parameter), StringComparison.Ordinal);
        Assert.Contains(rule, XmlDocs.Param("SparseAe.Visualization", "M:SparseAe.Visualization.FilterGrid.RenderPng(System.ReadOnlySpan", parameter), StringComparison.Ordinal);
        var refusal = Assert.ThrowsAny<ArgumentException>(outside);
        Assert.Equal(parameter, refusal.ParamName);
        Assert.StartsWith(parameter + " ", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(rule, refusal.Message, StringComparison.Ordinal);
        edge();
    }

    // The picture's limit: 1 x 1 tile enlarged s times is 3s pixels a side, so minTileWidth 6667 makes 20001 and 6666 makes 19998
    // (the edge is checked by the layout, RenderPixels' first step: drawing it is a 400 MB picture).
    [Fact]
    public void MinTileWidth_documents_the_picture_s_limit()
    {
        const string limit = "limit of 20000 x 20000";
        Assert.Contains(limit, XmlDocs.Param("SparseAe.Visualization", RenderPixels, "minTileWidth"), StringComparison.Ordinal);
        var refusal = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPixels([0f], 1, 1, 1, 6667));
        Assert.Contains(limit, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("minTileWidth 6667", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(19998, FilterGridLayout.Create(1, 1, 1, 6666).Width);
    }

    // The model's overload: the patch is the model's visible count, weights and destination are not null, the stream is writable.
    [Fact]
    public void The_model_s_overload_documents_its_rules()
    {
        const string method = "M:SparseAe.Visualization.FilterGrid.RenderPng(SparseAe.Model.AutoencoderWeights";
        var weights = new AutoencoderWeights(new AutoencoderParameters(4, 1));

        const string visible = "patchHeight * patchWidth must equal the model's visible count";
        Assert.Contains(visible, XmlDocs.Param("SparseAe.Visualization", method, "patchHeight"), StringComparison.Ordinal);
        Assert.Contains(visible, XmlDocs.Param("SparseAe.Visualization", method, "patchWidth"), StringComparison.Ordinal);
        var refusal = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPng(weights, 1, 3, new MemoryStream()));
        Assert.Equal("patchHeight", refusal.ParamName);
        Assert.Contains("patchHeight * patchWidth = 1 * 3 = 3 must equal the model's visible count 4.", refusal.Message, StringComparison.Ordinal);
        FilterGrid.RenderPng(weights, 1, 4, new MemoryStream());

        Assert.Contains("not null", XmlDocs.Param("SparseAe.Visualization", method, "weights"), StringComparison.Ordinal);
        Assert.Equal("weights", Assert.Throws<ArgumentNullException>(() => FilterGrid.RenderPng((AutoencoderWeights)null!, 2, 2, new MemoryStream())).ParamName);

        const string writable = "must be a writable stream";
        Assert.Contains("not null", XmlDocs.Param("SparseAe.Visualization", method, "destination"), StringComparison.Ordinal);
        Assert.Contains(writable, XmlDocs.Param("SparseAe.Visualization", method, "destination"), StringComparison.Ordinal);
        using var readOnly = new MemoryStream(new byte[16], writable: false);
        var notWritable = Assert.Throws<ArgumentException>(() => FilterGrid.RenderPng(weights, 2, 2, readOnly));
        Assert.Equal("destination", notWritable.ParamName);
        Assert.Contains(writable, notWritable.Message, StringComparison.Ordinal);
    }
}
