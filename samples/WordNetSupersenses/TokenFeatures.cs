using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Tokenizers;

namespace WordNetSupersensesSample;

/// <summary>A row of the sample's data views: the text, its supersense, and its token features.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
    /// <summary>Raw counts of the vocabulary's tokens (LDA's input).</summary>
    public VBuffer<float> Counts { get; set; }
    /// <summary>log(1 + tf) * idf, each row scaled to unit L2 norm (the classifier's and the autoencoder's input).</summary>
    public VBuffer<float> Tokens { get; set; }
}

// TokenCounts transform: replace with mlContext.Transforms.TokenCounts when it lands
/// <summary>
/// The token-count featurization, in one place: tiktoken's cl100k_base ids (Microsoft.ML.Tokenizers)
/// counted over a vocabulary of the <c>maximumTokens</c> ids most frequent in the training texts
/// (ties by lower id), as sparse vectors whose slot names are the decoded tokens. Two columns: raw
/// counts, and log(1 + tf) * idf (idf = ln((1 + N) / (1 + df)) + 1 over the training texts) scaled to
/// unit L2 norm. mlContext.Transforms.TokenCounts (another branch) does the same as an ML.NET
/// transform; when it lands, <see cref="Fit"/> becomes its Fit and <see cref="Featurize"/> its Transform.
/// </summary>
internal sealed class TokenFeatures
{
    private static readonly Lazy<TiktokenTokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    private readonly Dictionary<int, int> _slotOfId;
    private readonly float[] _idf;

    /// <summary>The vocabulary's size: the length of both vectors.</summary>
    public int Count => SlotNames.Count;

    /// <summary>Slot i's token, decoded to text (e.g. " animal").</summary>
    public IReadOnlyList<string> SlotNames { get; }

    private TokenFeatures(int[] ids, float[] idf)
    {
        _slotOfId = ids.Select((id, slot) => (id, slot)).ToDictionary(p => p.id, p => p.slot);
        _idf = idf;
        SlotNames = ids.Select(id => Tokenizer.Value.Decode([id]) ?? $"<{id}>").ToArray();
    }

    public static IReadOnlyList<int> Encode(string text) => Tokenizer.Value.EncodeToIds(text);

    /// <summary>The vocabulary and the idf weights of the training texts.</summary>
    public static TokenFeatures Fit(IReadOnlyList<string> trainTexts, int maximumTokens)
    {
        var frequency = new Dictionary<int, long>();
        var encoded = trainTexts.Select(Encode).ToArray();
        foreach (var ids in encoded)
            foreach (int id in ids)
                frequency[id] = frequency.GetValueOrDefault(id) + 1;
        int[] vocabulary = frequency.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(maximumTokens).Select(p => p.Key).ToArray();
        var slot = vocabulary.Select((id, s) => (id, s)).ToDictionary(p => p.id, p => p.s);
        var documents = new int[vocabulary.Length];
        foreach (var ids in encoded)
            foreach (int id in ids.Distinct())
                if (slot.TryGetValue(id, out int s)) documents[s]++;
        var idf = documents.Select(df => (float)(Math.Log((1.0 + encoded.Length) / (1.0 + df)) + 1)).ToArray();
        return new TokenFeatures(vocabulary, idf);
    }

    /// <summary>Rows of text and label, with both token columns, as an ML.NET view whose vector columns carry the slot names.</summary>
    public IDataView Featurize(MLContext ml, IEnumerable<(string Text, string Label)> rows)
    {
        var data = rows.Select(r => Row(r.Text, r.Label)).ToList();
        var schema = SchemaDefinition.Create(typeof(TextRow));
        var vector = new VectorDataViewType(NumberDataViewType.Single, Count);
        var names = new VBuffer<ReadOnlyMemory<char>>(Count, SlotNames.Select(n => n.AsMemory()).ToArray());
        foreach (var column in new[] { nameof(TextRow.Counts), nameof(TextRow.Tokens) })
        {
            schema[column].ColumnType = vector;
            schema[column].AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, Count));
        }
        return ml.Data.LoadFromEnumerable(data, schema);
    }

    private TextRow Row(string text, string label)
    {
        var counts = new SortedDictionary<int, float>();
        foreach (int id in Encode(text))
            if (_slotOfId.TryGetValue(id, out int s)) counts[s] = counts.GetValueOrDefault(s) + 1;
        int[] indices = counts.Keys.ToArray();
        float[] raw = counts.Values.ToArray();
        float[] weighted = indices.Select((s, i) => MathF.Log(1 + raw[i]) * _idf[s]).ToArray();
        float norm = MathF.Sqrt(weighted.Sum(w => w * w));
        if (norm > 0) for (int i = 0; i < weighted.Length; i++) weighted[i] /= norm;
        return new TextRow
        {
            Text = text,
            Label = label,
            Counts = new VBuffer<float>(Count, indices.Length, raw, indices),
            Tokens = new VBuffer<float>(Count, indices.Length, weighted, indices.ToArray()),
        };
    }
}
