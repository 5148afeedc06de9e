using SparseAe.Objective;
using SparseAe.Tests.Support;

namespace SparseAe.Visualization.Tests;

/// <summary>
/// What TrainingCurve's and SparsityTradeoffChart's XML docs (IntelliSense) say of their data, against what RenderPng refuses:
/// history's <param> said 'at least one entry' only, yScale's and title's no rule, series' 'at least one, each with at least one
/// point' only, so a NaN cost, a cost of 1e301, a log axis over zeros, an undefined yScale, a null title, unpaired x and y, an x of
/// 0, a y beyond 1E+300 or an undefined Style were met only as refusals.
/// </summary>
public class CurveDocsTests
{
    private const string Assembly = "SparseAe.Visualization";
    private const string Curve = "M:SparseAe.Visualization.TrainingCurve.RenderPng";
    private const string Tradeoff = "M:SparseAe.Visualization.SparsityTradeoffChart.RenderPng";

    private static void Costs(CurveYScale scale, params CostBreakdown[] history) => TrainingCurve.RenderPng(history, 100, 100, "t", scale);

    private static void Points(IReadOnlyList<double> x, IReadOnlyList<double> y, bool logY = false, TradeoffSeriesStyle style = TradeoffSeriesStyle.Line)
        => SparsityTradeoffChart.RenderPng([new TradeoffSeries("s", x, y, style)], "t", "y", logY, "x", 100, 100);

    // Each rule: the method, the parameter, the words its <param> and the refusal share, the call just outside and at the edge.
    public static TheoryData<string, string, string, Action, Action> Rules() => new()
    {
        { Curve, "history", "at least one iteration", () => Costs(CurveYScale.Auto), () => Costs(CurveYScale.Auto, new CostBreakdown(1, 1, 0, 0)) },
        { Curve, "history", "every value must be a finite number", () => Costs(CurveYScale.Auto, new CostBreakdown(double.NaN, 1, 0, 0)), () => Costs(CurveYScale.Auto, new CostBreakdown(1e300, 1, 0, 0)) },
        { Curve, "history", "must lie within +-1E+300", () => Costs(CurveYScale.Auto, new CostBreakdown(-Math.BitIncrement(1e300), 1, 0, 0)), () => Costs(CurveYScale.Auto, new CostBreakdown(-1e300, 1, 0, 0)) },
        { Curve, "history", "the drawn values must be positive", () => Costs(CurveYScale.Log, new CostBreakdown(1, 1, 0, 0), new CostBreakdown(1, 0, 0, 0)),
            () => Costs(CurveYScale.Log, new CostBreakdown(1, 1, 0, 0), new CostBreakdown(1, double.Epsilon, 0, 0)) },
        { Curve, "history", "every value is 0", () => Costs(CurveYScale.Log, new CostBreakdown(0, 0, 0, 0)), () => Costs(CurveYScale.Linear, new CostBreakdown(0, 0, 0, 0)) },
        { Curve, "yScale", "must be Auto, Linear or Log", () => Costs((CurveYScale)3, new CostBreakdown(1, 1, 0, 0)), () => Costs(CurveYScale.Log, new CostBreakdown(1, 1, 0, 0)) },
        { Tradeoff, "series", "at least one series", () => SparsityTradeoffChart.RenderPng([], "t", "y"), () => Points([1], [1]) },
        { Tradeoff, "series", "every series needs at least one", () => Points([], []), () => Points([1], [1]) },
        { Tradeoff, "series", "must pair up", () => Points([1, 2], [1]), () => Points([1, 2], [1, 2]) },
        { Tradeoff, "series", "must be Line, Markers or Reference", () => Points([1], [1], style: (TradeoffSeriesStyle)3), () => Points([1], [1], style: TradeoffSeriesStyle.Reference) },
        { Tradeoff, "series", "must be finite and positive", () => Points([0], [1]), () => Points([double.Epsilon], [1]) },
        { Tradeoff, "series", "y must be finite", () => Points([1], [double.NaN]), () => Points([1], [0]) },
        { Tradeoff, "series", "y must lie within +-1E+300", () => Points([1], [Math.BitIncrement(1e300)]), () => Points([1], [1e300]) },
        { Tradeoff, "series", "needs every y positive", () => Points([1], [0], logY: true), () => Points([1], [double.Epsilon], logY: true) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_RenderPng_enforces(string method, string parameter, string rule, Action outside, Action edge)
        => XmlDocs.AssertRule(Assembly, method, parameter, rule, outside, edge);

    public static TheoryData<string, string, Action> NotNull() => new()
    {
        { Curve, "history", () => TrainingCurve.RenderPng(null!) },
        { Curve, "title", () => TrainingCurve.RenderPng([new CostBreakdown(1, 1, 0, 0)], title: null!) },
        { Tradeoff, "series", () => SparsityTradeoffChart.RenderPng(null!, "t", "y") },
        { Tradeoff, "series", () => SparsityTradeoffChart.RenderPng([null!], "t", "y") },
        { Tradeoff, "series", () => SparsityTradeoffChart.RenderPng([new TradeoffSeries("s", null!, [1])], "t", "y") },
    };

    [Theory]
    [MemberData(nameof(NotNull))]
    public void Each_reference_documents_that_it_must_be_given(string method, string parameter, Action outside)
        => XmlDocs.AssertGiven(Assembly, method, parameter, outside);
}
