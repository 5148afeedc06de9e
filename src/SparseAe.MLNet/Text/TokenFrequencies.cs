using SparseAe.Persistence;

namespace SparseAe.MLNet.Text;

/// <summary>
/// What Fit counts over the training rows: each token id's occurrences (which choose the vocabulary),
/// the rows it occurs in (its document frequency, for idf), and the rows seen.
/// </summary>
internal sealed class TokenFrequencies
{
    private readonly Dictionary<int, (long Occurrences, long Rows)> _counts = [];
    private readonly HashSet<int> _inRow = [];

    /// <summary>N, the rows seen, empty ones included.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one row's tokens (none for an empty text: the row still counts toward N).</summary>
    public void Add(IReadOnlyList<int> tokens)
    {
        Rows++;
        _inRow.Clear();
        foreach (int id in tokens)
        {
            _counts.TryGetValue(id, out var c);
            _counts[id] = (c.Occurrences + 1, _inRow.Add(id) ? c.Rows + 1 : c.Rows);
        }
    }

    /// <summary>
    /// The <paramref name="maximumTokens"/> ids that occurred most often, ties broken by the lower id (so
    /// the choice depends on the counts alone), as a vocabulary whose slots hold them in ascending id order.
    /// </summary>
    public TokenVocabulary Choose(TokenEncoding encoding, int maximumTokens, TokenWeighting weighting, bool normalize)
    {
        var kept = _counts.OrderByDescending(kv => kv.Value.Occurrences).ThenBy(kv => kv.Key).Take(maximumTokens)
            .OrderBy(kv => kv.Key).ToArray();
        var ids = kept.Select(kv => kv.Key).ToArray();
        float[]? idf = weighting == TokenWeighting.LogTfIdf ? kept.Select(kv => TokenVocabularyFormat.SmoothIdf(Rows, kv.Value.Rows)).ToArray() : null;
        return new TokenVocabulary(encoding, ids, idf, Rows, weighting, normalize);
    }

}
