using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace SparseAe.MLNet.Text;

/// <summary>
/// The tiktoken encodings by name, each with the NuGet package that carries its data, and one
/// tokenizer per encoding for the process (building one reads and inflates a vocabulary of 100,000 to
/// 200,000 tokens; the tokenizers are safe to share between threads).
/// </summary>
internal static class TokenizerEncodings
{
    // Microsoft.ML.Tokenizers 2.0.1's names (TiktokenTokenizer.CreateForEncoding) and where their data ship.
    private static readonly (string Name, string Package)[] Known =
    [
        ("cl100k_base", "Microsoft.ML.Tokenizers.Data.Cl100kBase"),
        ("o200k_base", "Microsoft.ML.Tokenizers.Data.O200kBase"),
        ("o200k_harmony", "Microsoft.ML.Tokenizers.Data.O200kBase"),
        ("p50k_base", "Microsoft.ML.Tokenizers.Data.P50kBase"),
        ("p50k_edit", "Microsoft.ML.Tokenizers.Data.P50kBase"),
        ("r50k_base", "Microsoft.ML.Tokenizers.Data.R50kBase"),
    ];

    private static readonly ConcurrentDictionary<string, Lazy<TokenEncoding>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The known names, for messages.</summary>
    public static string KnownNames => string.Join(", ", Known.Select(k => k.Name));

    /// <summary>Null for a known encoding name, else what is wrong with it.</summary>
    public static string? NameProblem(string? name)
        => Known.Any(k => k.Name == name) ? null : $"must be one of {KnownNames}, but is '{name}'";

    /// <summary>
    /// The encoding's tokenizer. Throws <see cref="ArgumentOutOfRangeException"/> for an unknown name and
    /// <see cref="InvalidOperationException"/> naming the NuGet package to reference when its data are missing.
    /// </summary>
    public static TokenEncoding Get(string name)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentOutOfRangeException(nameof(name), name, $"The encoding {problem}.");
        return Loaded.GetOrAdd(name, n => new Lazy<TokenEncoding>(() => Create(n))).Value;
    }

    private static TokenEncoding Create(string name)
    {
        string package = Known.First(k => k.Name == name).Package;
        TiktokenTokenizer tokenizer;
        try
        {
            tokenizer = TiktokenTokenizer.CreateForEncoding(name);
        }
        catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            // The data of each encoding ship in a package of their own, which the tokenizer loads by name.
            throw new InvalidOperationException(
                $"The tokenizer encoding '{name}' needs its data: add a reference to the NuGet package {package} (version 2.0.1) to the application. ({e.Message})", e);
        }
        return new TokenEncoding(name, tokenizer);
    }
}

/// <summary>One encoding's tokenizer, the ids it can produce, and the text of each id.</summary>
internal sealed class TokenEncoding(string name, TiktokenTokenizer tokenizer)
{
    private readonly HashSet<int> _special = [.. tokenizer.SpecialTokens?.Values ?? []];

    public string Name { get; } = name;

    public Tokenizer Tokenizer { get; } = tokenizer;

    /// <summary>True when the tokenizer can produce <paramref name="id"/>: one of its ranks, or a special token.</summary>
    /// <remarks>
    /// The ranks are not public. Every rank holds at least one byte, which decodes to at least one char
    /// (U+FFFD for part of a character), while an id the tokenizer lacks decodes to nothing (measured on
    /// Microsoft.ML.Tokenizers 2.0.1; the span overload of Decode cannot tell a partial character from an
    /// unknown id, it says InvalidData to both).
    /// </remarks>
    public bool Knows(int id) => _special.Contains(id) || Decode(id).Length > 0;

    /// <summary>The token ids of a text: special tokens such as &lt;|endoftext|&gt; in the text count as themselves.</summary>
    public IReadOnlyList<int> Encode(ReadOnlySpan<char> text) => text.IsEmpty ? [] : Tokenizer.EncodeToIds(text);

    /// <summary>A token's own text. A token that is part of a multi-byte character decodes to U+FFFD.</summary>
    public string Decode(int id) => Tokenizer.Decode([id]) ?? "";
}
