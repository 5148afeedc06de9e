using SparseAe.MLNet.Text;
using SparseAe.Persistence;

namespace SparseAe.MLNet;

/// <summary>
/// Options of <see cref="TokenCountsEstimator"/>: the columns, the tokenizer's encoding, the vocabulary's
/// size and what each slot holds. Every default but the output column's name comes from <see cref="Defaults"/>.
/// </summary>
public sealed class TokenCountsOptions
{
    /// <summary>Name of the output column (default "Tokens"): a sparse vector of Single, one slot per kept token.
    /// A non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string OutputColumnName { get; set; } = "Tokens";

    /// <summary>Name of the input column, text (one String per row); null means <see cref="OutputColumnName"/>.
    /// Null or a non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string? InputColumnName { get; set; }

    /// <summary>
    /// The tiktoken encoding, by name: <c>cl100k_base</c> (default, its data ship with this package),
    /// <c>o200k_base</c>, <c>o200k_harmony</c>, <c>p50k_base</c>, <c>p50k_edit</c> or <c>r50k_base</c>, each
    /// needing its data package (e.g. Microsoft.ML.Tokenizers.Data.O200kBase) referenced by the application.
    /// </summary>
    public string Encoding { get; set; } = Defaults.TokenEncoding;

    /// <summary>
    /// The vocabulary's size limit: Fit keeps the token ids that occur most often in the training rows (ties
    /// broken by the lower id), in 1..1048576. The output has this many slots, or fewer when fewer ids occur.
    /// </summary>
    public int MaximumTokens { get; set; } = Defaults.MaximumTokens;

    /// <summary>What a slot holds: the token's count in the row (default), or log(1 + count) times its idf.</summary>
    public TokenWeighting Weighting { get; set; } = Defaults.TokenCountsWeighting;

    /// <summary>Scale each row to unit L2 length (a row with no kept token stays all zeros).</summary>
    public bool Normalize { get; set; } = Defaults.NormalizeTokenCounts;

    internal TokenCountsOptions Clone() => (TokenCountsOptions)MemberwiseClone();

    /// <summary>Throws ArgumentException naming the first option out of range, the rule and the value.</summary>
    internal void Validate()
    {
        DataViews.InputColumnRules.CheckName(OutputColumnName, nameof(OutputColumnName));
        DataViews.InputColumnRules.CheckName(InputColumnName, nameof(InputColumnName), optional: true);
        if (TokenizerEncodings.NameProblem(Encoding) is { } encoding)
            throw new ArgumentOutOfRangeException(nameof(Encoding), Encoding, $"Encoding {encoding}.");
        if (MaximumTokens < 1 || MaximumTokens > TokenVocabularyFormat.MaxTokens)
            throw new ArgumentOutOfRangeException(nameof(MaximumTokens), MaximumTokens,
                $"MaximumTokens must lie in 1..{TokenVocabularyFormat.MaxTokens}, but is {MaximumTokens}.");
        if (!Enum.IsDefined(Weighting))
            throw new ArgumentOutOfRangeException(nameof(Weighting), Weighting, $"Weighting must be Counts or LogTfIdf, but is {(int)Weighting}.");
    }
}
