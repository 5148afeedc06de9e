using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// What ArrayRowSource's constructor docs (IntelliSense's &lt;param&gt;s) say each parameter may be, against what it refuses:
/// it documented none of them, so a vectorSize of 0, rows -1, too few values or a NaN among the rows were met only as refusals.
/// </summary>
public class RowSourcesTests
{
    // Each rule: the parameter, the rule its <param> states, the rule in its refusal, and the case just outside it and the one
    // at its edge (accepted), each "rows,vectorSize,values,bad" (bad: a NaN at that index, or -1).
    public static TheoryData<string, string, string, string, string> Rules() => new()
    {
        { "vectorSize", "at least 1", "vectorSize must be at least 1", "0,0,0,-1", "0,1,0,-1" },
        { "rows", "at least 0", "rows must be at least 0", "-1,3,0,-1", "0,3,0,-1" },
        { "data", "at least rows * vectorSize values", "data must hold rows*V = 6 values, but holds 5", "2,3,5,-1", "2,3,6,-1" },
        { "data", "every one finite", "every value must be finite", "2,3,6,5", "2,3,7,6" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_ArrayRowSource_parameter_documents_the_rule_its_constructor_enforces(string parameter, string documented, string refused, string outside, string edge)
    {
        Assert.Contains(documented, XmlDocs.Param("SparseAe.Core", "M:SparseAe.Training.ArrayRowSource.#ctor", parameter), StringComparison.Ordinal);
        var refusal = Assert.ThrowsAny<ArgumentException>(() => Make(outside));
        Assert.Equal(parameter, refusal.ParamName);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        Assert.NotNull(Make(edge));
    }

    private static ArrayRowSource Make(string setting)
    {
        var p = setting.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var data = new float[p[2]];
        if (p[3] >= 0) data[p[3]] = float.NaN;
        return new ArrayRowSource(data, p[0], p[1]);
    }

    // A cap at or above the rows takes every row in order (no sample), one below samples.
    [Fact]
    public void A_cap_equal_to_the_rows_is_no_sample()
    {
        Assert.Null(RowReading.SampleCap(5, 5));
        Assert.Null(RowReading.SampleCap(6, 5));
        Assert.Equal(4, RowReading.SampleCap(4, 5));
        Assert.Equal(5, RowReading.SampleCap(5, null));
    }

    // Reservoir sampling keeps each row with the same chance: with a cap of 1 over 2 rows, row 0 over 400 seeds about half
    // the time (a draw over seen rather than seen + 1 replaced it every time). Binomial(400, 1/2): 200 +- 10, so 150..250
    // is 5 deviations either way.
    [Fact]
    public void A_sample_of_one_row_of_two_keeps_each_about_half_the_time()
    {
        var source = new ArrayRowSource(new float[] { 0, 1 }, 2, 1);
        int firsts = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var (data, rows, seen) = RowReading.ReadAll(source, 1, new Random(seed), () => new InvalidOperationException("too many"), null);
            Assert.Equal((1, 2L), (rows, seen));
            if (data[0] == 0) firsts++;
        }
        Assert.InRange(firsts, 150, 250);
    }
}
