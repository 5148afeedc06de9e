using SparseAe.Tests.Support;

namespace SparseAe.Visualization.Tests;

/// <summary>
/// What ConfusionMatrixChart's and ThroughputChart's XML docs (IntelliSense) say of their data, against what RenderPng refuses:
/// counts' doc did not say it must be non-empty, classNames' that it must hold one name per class, settings' and series' none of
/// their rules, and series' range named a constant (TrainingCurve.MaxMagnitude), not the number the refusal says; and
/// ThroughputChart's refusal of a series of the wrong length said no rule ("Series 'a' has 2 values for 1 settings.").
/// </summary>
public class ChartDataDocsTests
{
    private const string Assembly = "SparseAe.Visualization";
    private const string Confusion = "M:SparseAe.Visualization.ConfusionMatrixChart.RenderPng";
    private const string Throughput = "M:SparseAe.Visualization.ThroughputChart.RenderPng";

    private static void Matrix(int[,] counts, string[] names) => ConfusionMatrixChart.RenderPng(counts, names, "t", 100);

    private static void Rates(string[] settings, params (string, double[])[] series) => ThroughputChart.RenderPng("t", "x", settings, "y", series, 100, 100);

    // Each rule: the method, the parameter, the words its <param> and the refusal share, the call just outside and at the edge.
    public static TheoryData<string, string, string, Action, Action> Rules() => new()
    {
        { Confusion, "counts", "a non-empty square matrix", () => Matrix(new int[1, 2], ["a"]), () => Matrix(new int[1, 1], ["a"]) },
        { Confusion, "counts", "a non-empty square matrix", () => Matrix(new int[0, 0], []), () => Matrix(new int[1, 1], ["a"]) },
        { Confusion, "counts", "cannot be negative", () => Matrix(new[,] { { -1 } }, ["a"]), () => Matrix(new[,] { { 0 } }, ["a"]) },
        { Confusion, "classNames", "one name per class", () => Matrix(new int[1, 1], ["a", "b"]), () => Matrix(new int[1, 1], ["a"]) },
        { Throughput, "settings", "at least one setting", () => Rates([], ("a", [])), () => Rates(["s"], ("a", [1])) },
        { Throughput, "series", "at least one line", () => Rates(["s"]), () => Rates(["s"], ("a", [1])) },
        { Throughput, "series", "one value per setting", () => Rates(["s"], ("a", [1, 2])), () => Rates(["s"], ("a", [1])) },
        { Throughput, "series", "or lie in 0..1E+300", () => Rates(["s"], ("a", [-double.Epsilon])), () => Rates(["s"], ("a", [0])) },
        { Throughput, "series", "or lie in 0..1E+300", () => Rates(["s"], ("a", [Math.BitIncrement(1e300)])), () => Rates(["s"], ("a", [1e300])) },
        { Throughput, "series", "must be NaN (not measured) or", () => Rates(["s"], ("a", [double.PositiveInfinity])), () => Rates(["s", "t"], ("a", [double.NaN, 1])) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_RenderPng_enforces(string method, string parameter, string rule, Action outside, Action edge)
        => XmlDocs.AssertRule(Assembly, method, parameter, rule, outside, edge);

    // The references and the names in them: not null, each refused by its parameter's name.
    public static TheoryData<string, string, Action> NotNull() => new()
    {
        { Confusion, "counts", () => Matrix(null!, ["a"]) },
        { Confusion, "classNames", () => Matrix(new int[1, 1], null!) },
        { Confusion, "classNames", () => Matrix(new int[1, 1], [null!]) },
        { Throughput, "settings", () => ThroughputChart.RenderPng("t", "x", null!, "y", [("a", [1])]) },
        { Throughput, "settings", () => Rates([null!], ("a", [1])) },
        { Throughput, "series", () => ThroughputChart.RenderPng("t", "x", ["s"], "y", null!) },
        { Throughput, "series", () => Rates(["s"], (null!, [1])) },
        { Throughput, "series", () => Rates(["s"], ("a", null!)) },
    };

    [Theory]
    [MemberData(nameof(NotNull))]
    public void Each_reference_documents_that_it_must_be_given(string method, string parameter, Action outside)
        => XmlDocs.AssertGiven(Assembly, method, parameter, outside);
}
