using SparseAe.Data.Csv;
using SparseAe.Tests.Support;

namespace SparseAe.Data.Tests.Csv;

/// <summary>
/// What VectorCsv.Read's XML docs (IntelliSense) say of each parameter: none of the three overloads documented one, so a null or
/// empty path, a null reader or name were met only as refusals, and what requireFinite does was said only in a summary.
/// </summary>
public class VectorCsvReadDocsTests
{
    private const string Assembly = "SparseAe.Data";
    private const string PathOnly = "M:SparseAe.Data.Csv.VectorCsv.Read(System.String)";
    private const string PathAndHeader = "M:SparseAe.Data.Csv.VectorCsv.Read(System.String,";
    private const string Reader = "M:SparseAe.Data.Csv.VectorCsv.Read(System.IO.TextReader";

    public static TheoryData<string, string, Action> NotNull() => new()
    {
        { PathOnly, "path", () => VectorCsv.Read((string)null!) },
        { PathOnly, "path", () => VectorCsv.Read("") },
        { PathAndHeader, "path", () => VectorCsv.Read((string)null!, out _) },
        { PathAndHeader, "path", () => VectorCsv.Read("", out _) },
        { Reader, "reader", () => VectorCsv.Read(null!, "n", out _) },
        { Reader, "name", () => VectorCsv.Read(new StringReader("1"), null!, out _) },
    };

    [Theory]
    [MemberData(nameof(NotNull))]
    public void Each_reference_documents_that_it_must_be_given(string method, string parameter, Action outside)
        => XmlDocs.AssertGiven(Assembly, method, parameter, outside);

    // requireFinite's rule, in its refusal's words, on both overloads that take it.
    [Fact]
    public void RequireFinite_documents_its_rule()
    {
        const string rule = "every value must be finite";
        Assert.Contains(rule, XmlDocs.Param(Assembly, PathAndHeader, "requireFinite"), StringComparison.Ordinal);
        Assert.Contains(rule, XmlDocs.Param(Assembly, Reader, "requireFinite"), StringComparison.Ordinal);
        var refusal = Assert.Throws<InvalidDataException>(() => VectorCsv.Read(new StringReader("1,NaN"), "n", out _, requireFinite: true));
        Assert.Contains(rule, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(2, VectorCsv.Read(new StringReader("1,NaN"), "n", out _).Columns);
        Assert.Equal(2, VectorCsv.Read(new StringReader("1,3.4028235E+38"), "n", out _, requireFinite: true).Columns);
    }
}
