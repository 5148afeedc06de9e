using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Persistence;

namespace SparseAe.MLNet.Text;

/// <summary>
/// The token ids kept at Fit (slot j holds the j-th smallest), their idf when the weighting needs it,
/// and how one row's tokens become its sparse vector of slot values.
/// </summary>
internal sealed class TokenVocabulary
{
    private readonly int[] _ids;
    private readonly float[]? _idf;

    public TokenVocabulary(TokenEncoding encoding, int[] ids, float[]? idf, long documentCount, TokenWeighting weighting, bool normalize)
    {
        Encoding = encoding;
        _ids = ids;
        _idf = idf;
        DocumentCount = documentCount;
        Weighting = weighting;
        Normalize = normalize;
    }

    /// <summary>
    /// A saved vocabulary checked against its tokenizer: a known encoding, and ids that encoding can
    /// produce. Throws <see cref="InvalidDataException"/> naming what is wrong (the block's own rules,
    /// ascending ids and idf values among them, were checked by <see cref="TokenVocabularyFormat"/>).
    /// </summary>
    public static TokenVocabulary FromSaved(SavedTokenVocabulary saved)
    {
        if (TokenizerEncodings.NameProblem(saved.Encoding) is { } problem)
            throw new InvalidDataException($"The encoding name {problem}.");
        var encoding = TokenizerEncodings.Get(saved.Encoding);
        for (int i = 0; i < saved.TokenIds.Length; i++)
            if (!encoding.Knows(saved.TokenIds[i]))
                throw new InvalidDataException($"The token id at index {i} is {saved.TokenIds[i]}, which encoding '{encoding.Name}' does not have.");
        return new TokenVocabulary(encoding, saved.TokenIds, saved.Idf, saved.DocumentCount, saved.Weighting, saved.Normalize);
    }

    public TokenEncoding Encoding { get; }
    public long DocumentCount { get; }
    public TokenWeighting Weighting { get; }
    public bool Normalize { get; }

    /// <summary>The slots: the vocabulary's size.</summary>
    public int Count => _ids.Length;

    /// <summary>The kept token ids, ascending (slot order).</summary>
    public IReadOnlyList<int> Ids => _ids;

    /// <summary>The idf of each slot (LogTfIdf), else null.</summary>
    public IReadOnlyList<float>? Idf => _idf;

    /// <summary>What a saved model holds of it.</summary>
    public SavedTokenVocabulary ToSaved(IReadOnlyList<string> columnNames)
        => new(Encoding.Name, Weighting, Normalize, _ids, _idf, DocumentCount, columnNames);

    /// <summary>
    /// SlotNames: each slot's token decoded to its text, computed once for every view of the column. A
    /// token that is part of a multi-byte character decodes to U+FFFD, the same for many tokens (21 of 27
    /// slots of a text of emoji, CJK and old scripts), so its name adds "#" and the token id.
    /// </summary>
    public DataViewSchema.Annotations SlotNames()
    {
        var names = _ids.Select(id => Encoding.Decode(id) is var text && text.Contains('\uFFFD') ? $"{text}#{id}".AsMemory() : text.AsMemory()).ToArray();
        var builder = new DataViewSchema.Annotations.Builder();
        // "SlotNames" is ML.NET's annotation kind for slot names (AddSlotNames, which writes it, is internal).
        builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, names.Length), (ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, names.Length);
            names.CopyTo(editor.Values);
            dst = editor.Commit();
        });
        return builder.ToAnnotations();
    }

    /// <summary>A writer of rows' vectors with buffers of its own (one per getter, so getters may run on different threads).</summary>
    public RowWriter NewWriter() => new(this);

    internal sealed class RowWriter(TokenVocabulary vocabulary)
    {
        private int[] _sorted = [];
        private int[] _slots = [];
        private float[] _values = [];

        /// <summary>The row's vector: slots ascending, only nonzero values stored; tokens outside the vocabulary dropped.</summary>
        public void Write(ReadOnlySpan<char> text, ref VBuffer<float> destination)
        {
            var tokens = vocabulary.Encoding.Encode(text);
            int n = tokens.Count;
            if (_sorted.Length < n) _sorted = new int[Math.Max(n, 2 * _sorted.Length)];
            for (int i = 0; i < n; i++) _sorted[i] = tokens[i];
            Array.Sort(_sorted, 0, n);
            // Sorted tokens meet the ascending ids in order: the slots come out ascending, as VBuffer needs.
            int count = 0;
            for (int i = 0; i < n;)
            {
                int id = _sorted[i], run = 1;
                while (i + run < n && _sorted[i + run] == id) run++;
                i += run;
                int slot = Array.BinarySearch(vocabulary._ids, id);
                if (slot < 0) continue;
                if (count == _slots.Length) Grow();
                _slots[count] = slot;
                _values[count++] = vocabulary.Weigh(slot, run);
            }
            if (vocabulary.Normalize) ScaleToUnitLength(_values.AsSpan(0, count));
            Commit(count, ref destination);
        }

        private void Grow()
        {
            int size = Math.Max(16, 2 * _slots.Length);
            Array.Resize(ref _slots, size);
            Array.Resize(ref _values, size);
        }

        private void Commit(int count, ref VBuffer<float> destination)
        {
            int length = vocabulary.Count;
            var editor = VBufferEditor.Create(ref destination, length, count, keepOldOnResize: false, requireIndicesOnDense: false);
            _values.AsSpan(0, count).CopyTo(editor.Values);
            // Every slot present is dense, and dense has no indices: slots 0..length-1 are in order already.
            if (count < length) _slots.AsSpan(0, count).CopyTo(editor.Indices);
            destination = editor.Commit();
        }
    }

    // tf itself, or log(1 + tf) * idf (TokenWeighting.LogTfIdf's formula), in double, rounded once.
    private float Weigh(int slot, int tf)
        => Weighting == TokenWeighting.LogTfIdf ? (float)(Math.Log(1.0 + tf) * _idf![slot]) : tf;

    // v / ||v||_2 over the row's stored values (the others are zero); an all-zero row stays as it is.
    private static void ScaleToUnitLength(Span<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += (double)v * v;
        if (sum == 0) return;
        double norm = Math.Sqrt(sum);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(values[i] / norm);
    }
}
