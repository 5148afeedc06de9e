using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// What SparseAutoencoderOptions' own XML docs (IntelliSense: the column names; the training options are
/// AutoencoderTrainingOptionsTests') say each name may be, against what the estimator refuses: none said that a name
/// must be one a saved model holds (at most 4096 bytes of UTF-8, valid Unicode), nor OutputColumnName that it must
/// not be empty, nor ReconstructionErrorColumnName that it must differ from OutputColumnName. The rules every column name
/// is held to are ColumnNameDocsTests' (for these and every other); here the one that is this type's own.
/// </summary>
public class SparseAutoencoderOptionsTests
{
    // Each rule: the option, the rule in its summary, the rule in its refusal, a value just outside it, the value at its edge
    // (accepted). OutputColumnName is "Code", the input "Features".
    public static TheoryData<string, string, string, string?, string?> Rules() => new()
    {
        { "ReconstructionErrorColumnName", "null or a non-blank name different from OutputColumnName", "must be null or a non-blank name different from OutputColumnName", "Code", "Code2" },
        { "ReconstructionErrorColumnName", "null or a non-blank name different from OutputColumnName", "must be null or a non-blank name different from OutputColumnName", " ", null },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_column_name_documents_the_rule_the_estimator_enforces(string option, string documented, string refused, string? outside, string? edge)
    {
        Assert.Contains(documented, XmlDocs.Summary("SparseAe.MLNet", $"P:SparseAe.MLNet.SparseAutoencoderOptions.{option}"), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentException>(() => Make(option, outside));
        Assert.Equal(option, refusal.ParamName);
        Assert.StartsWith(option + " ", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        Make(option, edge);
    }

    // The estimator checks its options when it is made, before Fit reads any data.
    private static void Make(string option, string? value)
    {
        var options = new SparseAutoencoderOptions { InputColumnName = "Features" };
        OptionPaths.Set(options, option, value is null ? null : System.Text.RegularExpressions.Regex.Unescape(value));
        new MLContext(seed: 1).Transforms.SparseAutoencoder(options);
    }
}
