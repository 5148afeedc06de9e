using SparseAe.Tests.Support;

namespace SparseAe.Visualization.Tests;

/// <summary>
/// What FilterGridLayout's XML docs (IntelliSense) say of each parameter, against what it refuses: Create, TileShape, TileLeft
/// and TileTop documented no parameter, and the constructor none of its eight, so the rules were met only as refusals; and
/// Create's refusal of a picture beyond 20000 x 20000 named no parameter (no ParamName, and the sizes in its text unnamed).
/// </summary>
public class FilterGridLayoutDocsTests
{
    private const string Assembly = "SparseAe.Visualization";
    private const string Create = "M:SparseAe.Visualization.FilterGridLayout.Create";

    // Each rule: the method, the parameter, the words its <param> and the refusal share, the call just outside and at the edge.
    public static TheoryData<string, string, string, Action, Action> Rules() => new()
    {
        { Create, "hiddenCount", "at least 1", () => FilterGridLayout.Create(0, 1, 1, 1), () => FilterGridLayout.Create(1, 1, 1, 1) },
        { Create, "patchHeight", "at least 1", () => FilterGridLayout.Create(1, 0, 1, 1), () => FilterGridLayout.Create(1, 1, 1, 1) },
        { Create, "patchWidth", "at least 1", () => FilterGridLayout.Create(1, 1, 0, 1), () => FilterGridLayout.Create(1, 1, 1, 1) },
        { Create, "minTileWidth", "at least 1", () => FilterGridLayout.Create(1, 1, 1, 0), () => FilterGridLayout.Create(1, 1, 1, 1) },
        // 1 x 1 tiles enlarged s times make 3s pixels: 6667 is 20001, 6666 is 19998.
        { Create, "minTileWidth", "limit of 20000 x 20000", () => FilterGridLayout.Create(1, 1, 1, 6667), () => FilterGridLayout.Create(1, 1, 1, 6666) },
        // Unscaled, one tile of 1 x 19998 is 20000 pixels wide, of 1 x 19999 one more; of 19998 x 1, as high.
        { Create, "patchWidth", "limit of 20000 x 20000", () => FilterGridLayout.Create(1, 1, 19999, 1), () => FilterGridLayout.Create(1, 1, 19998, 1) },
        { Create, "patchHeight", "limit of 20000 x 20000", () => FilterGridLayout.Create(1, 19999, 1, 1), () => FilterGridLayout.Create(1, 19998, 1, 1) },
        { "M:SparseAe.Visualization.FilterGridLayout.TileShape", "visibleCount", "at least 1", () => FilterGridLayout.TileShape(0), () => FilterGridLayout.TileShape(1) },
        { "M:SparseAe.Visualization.FilterGridLayout.TileLeft", "hiddenUnit", "must lie in 0..",
            () => FilterGridLayout.Create(4, 1, 1, 1).TileLeft(4), () => FilterGridLayout.Create(4, 1, 1, 1).TileLeft(3) },
        { "M:SparseAe.Visualization.FilterGridLayout.TileTop", "hiddenUnit", "must lie in 0..",
            () => FilterGridLayout.Create(4, 1, 1, 1).TileTop(-1), () => FilterGridLayout.Create(4, 1, 1, 1).TileTop(0) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_FilterGridLayout_enforces(string method, string parameter, string rule, Action outside, Action edge)
        => XmlDocs.AssertRule(Assembly, method, parameter, rule, outside, edge);

    // The constructor's eight sizes: each at least 1 (Columns * Rows and Width and Height by the formulas, said on Rows, Width and Height).
    [Theory]
    [InlineData(0, "HiddenCount", "at least 1")]
    [InlineData(1, "PatchHeight", "at least 1")]
    [InlineData(2, "PatchWidth", "at least 1")]
    [InlineData(3, "Columns", "at least 1")]
    [InlineData(4, "Rows", "at least 1")]
    [InlineData(5, "Scale", "at least 1")]
    [InlineData(6, "Width", "at least 1")]
    [InlineData(7, "Height", "at least 1")]
    public void The_constructor_documents_each_size_s_rule(int field, string parameter, string rule)
    {
        Assert.Contains(rule, XmlDocs.Param(Assembly, "M:SparseAe.Visualization.FilterGridLayout.#ctor", parameter), StringComparison.Ordinal);
        int[] sizes = [4, 2, 2, 2, 2, 1, 7, 7];   // Create(4, 2, 2, 1)
        sizes[field] = 0;
        var refusal = Assert.ThrowsAny<ArgumentException>(() => new FilterGridLayout(sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5], sizes[6], sizes[7]));
        Assert.Equal(parameter, refusal.ParamName);
        Assert.Contains(rule, refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Rows", "Columns * Rows must be at least HiddenCount")]
    [InlineData("Width", "Width must be Scale * (Columns * (PatchWidth + 1) + 1)")]
    [InlineData("Height", "Height must be Scale * (Rows * (PatchHeight + 1) + 1)")]
    public void The_constructor_documents_the_formulas(string parameter, string rule)
        => Assert.Contains(rule, XmlDocs.Param(Assembly, "M:SparseAe.Visualization.FilterGridLayout.#ctor", parameter), StringComparison.Ordinal);

    // The limit's refusal names each size it was made of, with its value.
    [Fact]
    public void The_picture_s_limit_names_the_parameters_and_their_values()
    {
        var refusal = Assert.Throws<ArgumentException>(() => FilterGridLayout.Create(100, 8, 8, 2000));
        Assert.Equal("minTileWidth", refusal.ParamName);
        Assert.StartsWith("The filter grid would be 22750 x 22750 pixels (10 x 10 tiles for hiddenCount 100, each patchHeight x patchWidth = 8 x 8 pixels, "
            + "enlarged 250 times for minTileWidth 2000), larger than the limit of 20000 x 20000.", refusal.Message, StringComparison.Ordinal);
    }
}
