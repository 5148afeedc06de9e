using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// What LoadFromRowSource's &lt;param&gt; docs (IntelliSense) say its parameters may be, against what it refuses: source
/// ("The rows.") said nothing of its VectorSize and RowCount rules, and rowCount nothing of its range nor that it must
/// agree with the source's own RowCount, which a user met only as a refusal.
/// </summary>
public class RowSourceCatalogTests
{
    // Each rule: the parameter, the rule in its doc, the rule in its refusal, and a case just outside it and one at its
    // edge (accepted), each "the source's VectorSize, the source's RowCount, rowCount" (empty for null).
    public static TheoryData<string, string, string, string, string> Rules() => new()
    {
        { "source", "VectorSize must be at least 1", "The source's VectorSize must be at least 1", "0,,", "1,," },
        { "source", "RowCount must be null or at least 0", "The source's RowCount must be null or at least 0", "3,-1,", "3,0," },
        { "rowCount", "null or at least 0", "rowCount must be null or at least 0", "3,,-1", "3,,0" },
        { "rowCount", "null or the source's rows (its RowCount)", "rowCount must be null or the source's 5 rows (its RowCount)", "3,5,6", "3,5,5" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_range_LoadFromRowSource_enforces(string parameter, string documented, string refused, string outside, string edge)
    {
        Assert.Contains(documented, XmlDocs.Param("SparseAe.MLNet", "M:SparseAe.MLNet.RowSourceCatalog.LoadFromRowSource", parameter), StringComparison.Ordinal);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Load(outside));
        Assert.Equal(parameter, refusal.ParamName);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        Assert.NotNull(Load(edge));
    }

    private static IDataView Load(string setting)
    {
        var parts = setting.Split(',');
        long? Long(string s) => s.Length == 0 ? null : long.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        return new MLContext(seed: 1).Data.LoadFromRowSource(new Said(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), Long(parts[1])), "Features", Long(parts[2]));
    }

    // A source that says its size and count; no row is read here.
    private sealed class Said(int vectorSize, long? rowCount) : IRowSource
    {
        public int VectorSize => vectorSize;
        public long? RowCount => rowCount;
        public IRowReader OpenPass(int pass) => throw new InvalidOperationException("no row is read");
    }
}
