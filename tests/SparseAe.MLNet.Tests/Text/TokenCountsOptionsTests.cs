using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Text;

/// <summary>
/// What TokenCountsOptions' XML docs and the TokenCounts catalog method's &lt;param&gt; docs (IntelliSense) say each option
/// may be, against what the estimator refuses: the catalog's maximumTokens said nothing of its range, and the option's
/// summary wrote it 1..1,048,576 where the refusal says 1..1048576.
/// </summary>
public class TokenCountsOptionsTests
{
    // Each rule: the option, the rule in its summary, the rule in its refusal, a value just outside it, the value at its edge (accepted).
    public static TheoryData<string, string, string, object, object> Rules() => new()
    {
        { nameof(TokenCountsOptions.MaximumTokens), "in 1..1048576", "must lie in 1..1048576", 0, 1 },
        { nameof(TokenCountsOptions.MaximumTokens), "in 1..1048576", "must lie in 1..1048576", 1048577, 1048576 },
        { nameof(TokenCountsOptions.Encoding), "o200k_base, o200k_harmony, p50k_base, p50k_edit or r50k_base",
            "must be one of cl100k_base, o200k_base, o200k_harmony, p50k_base, p50k_edit, r50k_base", "cl100k", "cl100k_base" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_option_documents_the_range_the_estimator_enforces(string option, string documented, string refused, object outside, object edge)
    {
        Assert.Contains(documented, XmlDocs.Summary("SparseAe.MLNet", $"P:SparseAe.MLNet.TokenCountsOptions.{option}"), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Make(option, outside));
        Assert.Equal(option, refusal.ParamName);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        Make(option, edge);
    }

    // The catalog method's parameters, the options' rules: the same words in the <param> doc, refused under the option's name.
    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_catalog_parameter_documents_the_range_the_estimator_enforces(string option, string documented, string refused, object outside, object edge)
    {
        string parameter = char.ToLowerInvariant(option[0]) + option[1..];
        string doc = XmlDocs.Param("SparseAe.MLNet", "M:SparseAe.MLNet.TokenCountsCatalog.TokenCounts", parameter);
        // encoding's doc sends the reader to the option's, which lists the names (its <see> is not in the text read here).
        if (option != nameof(TokenCountsOptions.Encoding)) Assert.Contains(documented, doc, StringComparison.OrdinalIgnoreCase);
        var ml = new MLContext(seed: 1);
        TokenCountsEstimator Call(object value) => option == nameof(TokenCountsOptions.Encoding)
            ? ml.Transforms.TokenCounts("Tokens", "Text", encoding: (string)value)
            : ml.Transforms.TokenCounts("Tokens", "Text", maximumTokens: (int)value);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Call(outside));
        Assert.Equal(parameter, refusal.ParamName, ignoreCase: true);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        Call(edge);
    }

    // The estimator checks its options when it is made, before Fit reads any row.
    private static void Make(string option, object value)
    {
        var options = new TokenCountsOptions { InputColumnName = "Text" };
        OptionPaths.Set(options, option, value);
        new MLContext(seed: 1).Transforms.TokenCounts(options);
    }
}
