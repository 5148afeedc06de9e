using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.MLNet.DataViews;
using SparseAe.Persistence;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests.DataViews;

/// <summary>
/// What the XML docs (IntelliSense) of every column name a user gives say it may be, against what is refused: one check,
/// <see cref="InputColumnRules.CheckName"/>, refuses a blank name and one a saved model cannot hold (more than 4096 bytes of
/// UTF-8, a lone surrogate), but only SparseAutoencoderOptions' docs said so; ConvolutionalFeaturizerOptions',
/// TokenCountsOptions' and the catalog methods' outputColumnName, inputColumnName and columnName did not.
/// </summary>
public class ColumnNameDocsTests
{
    private const int Most = ModelFormat.MaxColumnNameBytes;

    // The rules of the one check: the rule as every doc states it, as the refusal states it, a name just outside it and a
    // name at its edge (accepted). A lone surrogate is written escaped and unescaped when used.
    private static (string Documented, string Refused, string? Outside, string? Edge)[] Rules(bool optional) =>
    [
        optional
            ? ("null or a non-blank column name", "must be null or a non-blank column name", "", null)
            : ("a non-blank column name", "must be a non-blank column name", " ", "C"),
        ($"UTF-8 length must lie in 0..{Most}", $"has a UTF-8 length that is {Most + 1}; it must lie in 0..{Most}", new string('a', Most + 1), new string('a', Most)),
        ("it must be valid Unicode (no lone surrogate)", "it must be valid Unicode", @"X\uD800", @"X\uD800\uDC00"),
    ];

    // Each column name a user gives: its doc, the name its refusal gives (a catalog method that fills an options object
    // refuses under the option's name, as ML.NET's own do), whether null is allowed, the first rule of the table that
    // applies (ReconstructionErrorColumnName has a blank rule of its own, SparseAutoencoderOptionsTests'), and how it is given.
    private sealed record Target(Func<string> Doc, string Name, bool Optional, Action<string?> Use, int FirstRule = 0);

    private static string Summary(string member) => XmlDocs.Summary("SparseAe.MLNet", "P:SparseAe.MLNet." + member);
    private static string Param(string method, string parameter) => XmlDocs.Param("SparseAe.MLNet", "M:SparseAe.MLNet." + method, parameter);
    private static TransformsCatalog Transforms => new MLContext(seed: 1).Transforms;

    private static ConvolutionalFeaturizerOptions Featurizer() => new()
    {
        ImageHeight = 12, ImageWidth = 10, PatchSize = 4, PatchCount = 100, Autoencoder = new() { HiddenCount = 2 },
    };

    private static readonly Dictionary<string, Target> Targets = new()
    {
        ["SparseAutoencoderOptions.OutputColumnName"] = new(() => Summary("SparseAutoencoderOptions.OutputColumnName"), "OutputColumnName", false,
            v => Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = v!, InputColumnName = "Features" })),
        ["SparseAutoencoderOptions.InputColumnName"] = new(() => Summary("SparseAutoencoderOptions.InputColumnName"), "InputColumnName", true,
            v => Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = v })),
        ["SparseAutoencoderOptions.ReconstructionErrorColumnName"] = new(() => Summary("SparseAutoencoderOptions.ReconstructionErrorColumnName"),
            "ReconstructionErrorColumnName", true, v => Transforms.SparseAutoencoder(new SparseAutoencoderOptions { ReconstructionErrorColumnName = v }), FirstRule: 1),
        ["ConvolutionalFeaturizerOptions.OutputColumnName"] = new(() => Summary("ConvolutionalFeaturizerOptions.OutputColumnName"), "OutputColumnName", false,
            v => { var o = Featurizer(); o.OutputColumnName = v!; Transforms.ConvolutionalSparseFeatures(o); }),
        ["ConvolutionalFeaturizerOptions.InputColumnName"] = new(() => Summary("ConvolutionalFeaturizerOptions.InputColumnName"), "InputColumnName", true,
            v => { var o = Featurizer(); o.InputColumnName = v; Transforms.ConvolutionalSparseFeatures(o); }),
        ["TokenCountsOptions.OutputColumnName"] = new(() => Summary("TokenCountsOptions.OutputColumnName"), "OutputColumnName", false,
            v => Transforms.TokenCounts(new TokenCountsOptions { OutputColumnName = v!, InputColumnName = "Text" })),
        ["TokenCountsOptions.InputColumnName"] = new(() => Summary("TokenCountsOptions.InputColumnName"), "InputColumnName", true,
            v => Transforms.TokenCounts(new TokenCountsOptions { InputColumnName = v })),
        ["SparseAutoencoder(outputColumnName)"] = new(() => Param("SparseAutoencoderCatalog.SparseAutoencoder", "outputColumnName"), "OutputColumnName", false,
            v => Transforms.SparseAutoencoder(v!, "Features")),
        ["SparseAutoencoder(inputColumnName)"] = new(() => Param("SparseAutoencoderCatalog.SparseAutoencoder", "inputColumnName"), "InputColumnName", true,
            v => Transforms.SparseAutoencoder("Code", v)),
        ["ZcaWhitening(outputColumnName)"] = new(() => Param("SparseAutoencoderCatalog.ZcaWhitening", "outputColumnName"), "outputColumnName", false,
            v => Transforms.ZcaWhitening(v!, "Features")),
        ["ZcaWhitening(inputColumnName)"] = new(() => Param("SparseAutoencoderCatalog.ZcaWhitening", "inputColumnName"), "inputColumnName", true,
            v => Transforms.ZcaWhitening("White", v)),
        ["TokenCounts(outputColumnName)"] = new(() => Param("TokenCountsCatalog.TokenCounts", "outputColumnName"), "OutputColumnName", false,
            v => Transforms.TokenCounts(v!, "Text")),
        ["TokenCounts(inputColumnName)"] = new(() => Param("TokenCountsCatalog.TokenCounts", "inputColumnName"), "InputColumnName", true,
            v => Transforms.TokenCounts("Tokens", v)),
        ["LoadFromRowSource(columnName)"] = new(() => Param("RowSourceCatalog.LoadFromRowSource", "columnName"), "columnName", false,
            v => new MLContext(seed: 1).Data.LoadFromRowSource(new ArrayRowSource(new float[3], 1, 3), v!)),
    };

    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var (name, target) in Targets)
            for (int rule = target.FirstRule; rule < Rules(target.Optional).Length; rule++) cases.Add(name, rule);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_column_name_documents_the_rules_it_is_held_to(string target, int rule)
    {
        var t = Targets[target];
        var (documented, _, outside, edge) = Rules(t.Optional)[rule];
        Assert.Contains(documented, t.Doc(), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentException>(() => t.Use(Unescape(outside)));
        Assert.Equal(t.Name, refusal.ParamName);
        // The one check's refusal, in its words (which the next test holds to the rules).
        Assert.Equal(Assert.Throws<ArgumentException>(() => InputColumnRules.CheckName(Unescape(outside), t.Name, t.Optional)).Message, refusal.Message);
        t.Use(Unescape(edge));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_one_check_refuses_each_rule_in_the_words_the_docs_use(bool optional)
    {
        foreach (var (_, refused, outside, edge) in Rules(optional))
        {
            var refusal = Assert.Throws<ArgumentException>(() => InputColumnRules.CheckName(Unescape(outside), "Name", optional));
            Assert.Equal("Name", refusal.ParamName);
            Assert.StartsWith("Name ", refusal.Message, StringComparison.Ordinal);
            Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
            InputColumnRules.CheckName(Unescape(edge), "Name", optional);
        }
    }

    private static string? Unescape(string? value) => value is null ? null : System.Text.RegularExpressions.Regex.Unescape(value);
}
