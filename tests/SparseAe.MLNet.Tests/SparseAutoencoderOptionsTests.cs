using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// What SparseAutoencoderOptions' own XML docs (IntelliSense: the column names; the training options are
/// AutoencoderTrainingOptionsTests') say each name may be, against what the estimator refuses: none said that a name
/// must be one a saved model holds (at most 4096 bytes of UTF-8, valid Unicode), nor OutputColumnName that it must
/// not be empty, nor ReconstructionErrorColumnName that it must differ from OutputColumnName.
/// </summary>
public class SparseAutoencoderOptionsTests
{
    private static readonly string Longest = new('a', 4096), TooLong = new('a', 4097);

    // Each rule: the option, the rule in its summary, the rule in its refusal, a value just outside it, the value at its edge
    // (accepted). OutputColumnName is "Code", the input "Features". A lone surrogate is written escaped (xUnit's theory data
    // would carry it as U+FFFD), and unescaped when set.
    public static TheoryData<string, string, string, string?, string?> Rules() => new()
    {
        { "OutputColumnName", "a non-empty column name", "must be a non-empty column name", " ", "C" },
        { "OutputColumnName", "UTF-8 length must lie in 0..4096", "has a UTF-8 length that is 4097; it must lie in 0..4096", TooLong, Longest },
        { "OutputColumnName", "valid Unicode", "it must be valid Unicode", @"Code\uD800", @"Code\uD800\uDC00" },
        { "InputColumnName", "null or a non-empty column name", "must be null or a non-empty column name", "", null },
        { "InputColumnName", "UTF-8 length must lie in 0..4096", "has a UTF-8 length that is 4097; it must lie in 0..4096", TooLong, Longest },
        { "InputColumnName", "valid Unicode", "it must be valid Unicode", @"\uDC00Features", @"Features\uD800\uDC00" },
        { "ReconstructionErrorColumnName", "null or a non-empty name different from OutputColumnName", "must be null or a non-empty name different from OutputColumnName", "Code", "Code2" },
        { "ReconstructionErrorColumnName", "UTF-8 length must lie in 0..4096", "has a UTF-8 length that is 4097; it must lie in 0..4096", TooLong, Longest },
        { "ReconstructionErrorColumnName", "valid Unicode", "it must be valid Unicode", @"Error\uD800", @"Error\uD800\uDC00" },
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
