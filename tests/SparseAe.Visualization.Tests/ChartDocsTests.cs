using SparseAe.Objective;
using SparseAe.Tests.Support;

namespace SparseAe.Visualization.Tests;

/// <summary>
/// What the charts' XML docs (IntelliSense) say their sizes may be, against the one size rule they enforce (ChartSize): the
/// SparsityTradeoffChart and ThroughputChart <c>width</c> and <c>height</c> said only 'Picture width in pixels.',
/// LatentFrequencyChart documented no parameter, and TrainingCurve's showed 'MinSide..MaxSide' (a cref, no number).
/// </summary>
public class ChartDocsTests
{
    private const string Rule = "must lie in 100..10000 pixels";

    private static readonly CostBreakdown[] History = [.. CurveHistories.Typical(3)];

    // Each chart's render method (its documentation id up to the parameter list), the size parameter, and the chart drawn with
    // that parameter at a given value (the others at their defaults).
    public static TheoryData<string, string, Func<int, byte[]>> Sizes() => new()
    {
        { "M:SparseAe.Visualization.TrainingCurve.RenderPng", "width", v => TrainingCurve.RenderPng(History, width: v) },
        { "M:SparseAe.Visualization.TrainingCurve.RenderPng", "height", v => TrainingCurve.RenderPng(History, height: v) },
        { "M:SparseAe.Visualization.LatentFrequencyChart.RenderPng", "width", v => LatentFrequencyChart.RenderPng([0.0, 0.01, 0.5], width: v) },
        { "M:SparseAe.Visualization.LatentFrequencyChart.RenderPng", "height", v => LatentFrequencyChart.RenderPng([0.0, 0.01, 0.5], height: v) },
        { "M:SparseAe.Visualization.SparsityTradeoffChart.RenderPng", "width", v => SparsityTradeoffChart.RenderPng([new("TopK", [4, 8], [0.3, 0.2])], "t", "FVU", width: v) },
        { "M:SparseAe.Visualization.SparsityTradeoffChart.RenderPng", "height", v => SparsityTradeoffChart.RenderPng([new("TopK", [4, 8], [0.3, 0.2])], "t", "FVU", height: v) },
        { "M:SparseAe.Visualization.ThroughputChart.RenderPng", "width", v => ThroughputChart.RenderPng("t", "batch size", ["32", "64"], "samples/s", [("CPU", [1.0, 2.0])], width: v) },
        { "M:SparseAe.Visualization.ThroughputChart.RenderPng", "height", v => ThroughputChart.RenderPng("t", "batch size", ["32", "64"], "samples/s", [("CPU", [1.0, 2.0])], height: v) },
        { "M:SparseAe.Visualization.ConfusionMatrixChart.RenderPng", "size", v => ConfusionMatrixChart.RenderPng(new[,] { { 3, 1 }, { 0, 4 } }, ["a", "b"], "t", v) },
    };

    // The doc states the rule; 99 and 10001 are refused naming the parameter with those words; 100 is drawn (10000 is the same
    // check's other edge, ChartSize.CheckSide, not drawn here: a 10000 x 10000 picture is 400 MB).
    [Theory]
    [MemberData(nameof(Sizes))]
    public void Each_size_documents_the_range_the_chart_enforces(string method, string parameter, Func<int, byte[]> render)
    {
        Assert.Contains(Rule, XmlDocs.Param("SparseAe.Visualization", method, parameter), StringComparison.Ordinal);
        foreach (int outside in new[] { TrainingCurve.MinSide - 1, TrainingCurve.MaxSide + 1 })
        {
            var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => render(outside));
            Assert.Equal(parameter, refusal.ParamName);
            Assert.StartsWith($"{parameter} {Rule}, but is {outside}.", refusal.Message, StringComparison.Ordinal);
        }
        Assert.NotEmpty(render(TrainingCurve.MinSide));
        ChartSize.CheckSide(TrainingCurve.MaxSide, parameter);
    }

    // LatentFrequencyChart's firing rates: at least one, each in [0, 1].
    [Fact]
    public void LatentFrequencyChart_s_firingRate_documents_its_rules()
    {
        string doc = XmlDocs.Param("SparseAe.Visualization", "M:SparseAe.Visualization.LatentFrequencyChart.RenderPng", "firingRate");

        Assert.Contains("there must be at least one latent to draw", doc, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => LatentFrequencyChart.RenderPng([]));
        Assert.Equal("firingRate", empty.ParamName);
        Assert.Contains("there must be at least one latent to draw", empty.Message, StringComparison.Ordinal);
        Assert.NotEmpty(LatentFrequencyChart.RenderPng([0.5]));

        Assert.Contains("must lie in [0, 1]", doc, StringComparison.Ordinal);
        foreach (double outside in new[] { -1e-300, 1.0000000000000002 })
        {
            var refusal = Assert.Throws<ArgumentException>(() => LatentFrequencyChart.RenderPng([0.5, outside]));
            Assert.Equal("firingRate", refusal.ParamName);
            Assert.StartsWith($"firingRate[1] (latent 1) is {outside}", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("must lie in [0, 1]", refusal.Message, StringComparison.Ordinal);
        }
        Assert.NotEmpty(LatentFrequencyChart.RenderPng([0.0, 1.0]));

        Assert.Contains("not null", doc, StringComparison.Ordinal);
        Assert.Equal("firingRate", Assert.Throws<ArgumentNullException>(() => LatentFrequencyChart.RenderPng(null!)).ParamName);
        Assert.Contains("not null", XmlDocs.Param("SparseAe.Visualization", "M:SparseAe.Visualization.LatentFrequencyChart.RenderPng", "title"), StringComparison.Ordinal);
        Assert.Equal("title", Assert.Throws<ArgumentNullException>(() => LatentFrequencyChart.RenderPng([0.5], title: null!)).ParamName);
    }
}
