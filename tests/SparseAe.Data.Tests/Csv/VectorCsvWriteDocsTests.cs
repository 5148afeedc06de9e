using SparseAe.Data.Csv;

namespace SparseAe.Data.Tests.Csv;

/// <summary>
/// What VectorCsv.Write's XML docs (IntelliSense) say of each parameter, against what Write refuses: neither overload documented a
/// parameter, so rows -1, columns 0, data of 5 values for 2 rows of 3, a header of the wrong length, with a comma or of numbers only,
/// and 0 rows without a header were met only as refusals. Both overloads share one check, so each rule is tried on both.
/// </summary>
public class VectorCsvWriteDocsTests
{
    private const string ToWriter = "M:SparseAe.Data.Csv.VectorCsv.Write(System.IO.TextWriter";
    private const string ToPath = "M:SparseAe.Data.Csv.VectorCsv.Write(System.String";

    // Each rule: the parameter, the words its <param> and the refusal share, (data, rows, columns, header) just outside, and at the edge.
    public static TheoryData<string, string, object?[], object?[]> Rules() => new()
    {
        { "rows", "at least 0", [Array.Empty<float>(), -1, 1, new[] { "a" }], [Array.Empty<float>(), 0, 1, new[] { "a" }] },
        { "columns", "at least 1", [Array.Empty<float>(), 1, 0, null], [new float[1], 1, 1, null] },
        { "data", "must hold rows*columns", [new float[5], 2, 3, null], [new float[6], 2, 3, null] },
        { "header", "one name per column", [new float[2], 1, 2, new[] { "a" }], [new float[2], 1, 2, new[] { "a", "b" }] },
        { "header", "hold no comma, double quote or line break", [new float[1], 1, 1, new[] { "a,b" }], [new float[1], 1, 1, new[] { "a;b" }] },
        { "header", "at least one non-numeric name", [new float[2], 1, 2, new[] { "1", "2" }], [new float[2], 1, 2, new[] { "1", "x2" }] },
        { "header", "could not be read back", [Array.Empty<float>(), 0, 1, null], [new float[1], 1, 1, null] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_Write_enforces(string parameter, string rule, object?[] outside, object?[] edge)
    {
        using var dir = new TempFolder();
        foreach (string method in new[] { ToWriter, ToPath })
        {
            Action<object?[]> write = method == ToWriter
                ? a => VectorCsv.Write(new StringWriter(), (float[])a[0]!, (int)a[1]!, (int)a[2]!, (string[]?)a[3])
                : a => VectorCsv.Write(dir.File("out.csv"), (float[])a[0]!, (int)a[1]!, (int)a[2]!, (string[]?)a[3]);
            // The header's 0-rows rule is stated on rows, where the count is given.
            string documented = parameter == "header" && rule == "could not be read back" ? "rows" : parameter;
            Assert.Contains(rule, XmlDocs.Param("SparseAe.Data", method, documented), StringComparison.Ordinal);
            var refusal = Assert.ThrowsAny<ArgumentException>(() => write(outside));
            Assert.Equal(parameter, refusal.ParamName);
            Assert.Contains(rule, refusal.Message, StringComparison.Ordinal);
            write(edge);
        }
    }
}
