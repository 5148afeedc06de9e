using Microsoft.ML;
using SparseAe.MLNet.MLNetInternals;

namespace SparseAe.MLNet;

/// <summary>The <c>mlContext.Transforms.TokenCounts(...)</c> extensions.</summary>
public static class TokenCountsCatalog
{
    /// <summary>
    /// Tokenizes <paramref name="inputColumnName"/> (text) with a tiktoken encoding and outputs each row's
    /// bag of tokens: a sparse vector of Single over the <paramref name="maximumTokens"/> most frequent
    /// token ids seen at Fit.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The token-count column to create. A non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="inputColumnName">The text column; null means the same name as the output. Null or a non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="encoding">The tiktoken encoding by name (see <see cref="TokenCountsOptions.Encoding"/>).</param>
    /// <param name="maximumTokens">The most token ids kept, in 1..1048576.</param>
    /// <param name="weighting">Counts, or log(1 + count) times idf.</param>
    /// <param name="normalize">Scale each row to unit L2 length.</param>
    public static TokenCountsEstimator TokenCounts(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        string encoding = Defaults.TokenEncoding, int maximumTokens = Defaults.MaximumTokens,
        TokenWeighting weighting = Defaults.TokenCountsWeighting, bool normalize = Defaults.NormalizeTokenCounts)
        => catalog.TokenCounts(new TokenCountsOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Encoding = encoding,
            MaximumTokens = maximumTokens,
            Weighting = weighting,
            Normalize = normalize,
        });

    /// <summary>Tokenizes and counts with every option given.</summary>
    public static TokenCountsEstimator TokenCounts(this TransformsCatalog catalog, TokenCountsOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new TokenCountsEstimator(HostAccess.GetEnvironment(catalog), options);
    }
}
