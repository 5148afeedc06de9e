using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet.Mapping;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.MLNet.Text;

namespace SparseAe.MLNet;

/// <summary>
/// A fitted bag of tokens: appends, for each row's text, a sparse vector of Single with one slot per
/// kept token id (ascending ids; slot names are the tokens' text). A slot holds the token's count in
/// the row or its log-scaled tf-idf, optionally scaled so the row has unit L2 length. Tokens outside
/// the vocabulary are dropped; a missing or empty text is a row of zeros (a text of white space alone is
/// not: the tokenizer makes tokens of white space, counted like any other when kept). Save and load it with
/// <c>MLContext.Model</c>; use it through Transform or a PredictionEngine.
/// </summary>
/// <remarks>
/// It cannot be exported with <c>MLContext.Model.ConvertToOnnx</c>: ONNX has no standard tokenizer
/// operator, and the export says so (NotSupportedException) rather than leave the column as a graph input.
/// </remarks>
public sealed class TokenCountsTransformer : VectorColumnTransformer
{
    /// <summary>The loader signature stored in saved models. Never change it: saved zips name it.</summary>
    internal const string LoaderSignature = "SparseAeTokenCountsXf";

    private readonly DataViewSchema.Annotations _slotNames;

    internal TokenCountsTransformer(string outputColumnName, string inputColumnName, TokenVocabulary vocabulary)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Vocabulary = vocabulary;
        _slotNames = vocabulary.SlotNames();
    }

    /// <summary>The token-count column's name.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input text column's name.</summary>
    public override string InputColumnName { get; }

    /// <summary>The tokenizer's encoding, by name.</summary>
    public string Encoding => Vocabulary.Encoding.Name;

    /// <summary>The kept token ids in slot order (ascending); their count is the output's size.</summary>
    public IReadOnlyList<int> TokenIds => Vocabulary.Ids;

    /// <summary>Each slot's idf, ln((1 + N) / (1 + df)) + 1, with <see cref="TokenWeighting.LogTfIdf"/>; null with counts.</summary>
    public IReadOnlyList<float>? Idf => Vocabulary.Idf;

    /// <summary>What each slot holds.</summary>
    public TokenWeighting Weighting => Vocabulary.Weighting;

    /// <summary>Whether each row is scaled to unit L2 length.</summary>
    public bool Normalize => Vocabulary.Normalize;

    /// <summary>N, the rows the vocabulary was chosen from.</summary>
    public long DocumentCount => Vocabulary.DocumentCount;

    internal TokenVocabulary Vocabulary { get; }

    private protected override OutputColumns MakeColumns(DataViewSchema inputSchema, string paramName)
    {
        var type = new VectorDataViewType(NumberDataViewType.Single, Vocabulary.Count);
        var column = new ComputedColumn<InputText>(OutputColumnName, type, input =>
        {
            var writer = Vocabulary.NewWriter();
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => writer.Write(input.Read().Span, ref dst));
        }, _slotNames);
        return OutputColumns.OverText(inputSchema, paramName, InputColumnName, [column]);
    }

    private protected override void WriteOnnx(Onnx.OnnxGraph graph)
        => throw new NotSupportedException($"{nameof(TokenCountsTransformer)} cannot be exported to ONNX: ONNX has no standard operator for its tokenizer ('{Encoding}').");

    private protected override void SaveModel(ModelSaveContext ctx) => ModelPersistence.Save(ctx, this);

    // ML.NET's loader finds this by reflection (LoadableClass in MLNetInternals/ModelPersistence.cs).
    private static TokenCountsTransformer Create(Microsoft.ML.Runtime.IHostEnvironment env, ModelLoadContext ctx)
        => ModelPersistence.LoadTokenCounts(env, ctx);
}
