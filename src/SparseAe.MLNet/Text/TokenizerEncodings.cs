using System.Buffers;
using System.Globalization;
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
        => Known.Any(k => k.Name == name) ? null : $"must be one of {KnownNames}, but is {(name is null ? "null" : $"'{name}'")}";

    /// <summary>
    /// The encoding's tokenizer. Throws <see cref="ArgumentOutOfRangeException"/> for an unknown name and
    /// <see cref="InvalidOperationException"/> naming the NuGet package to reference when its data are missing.
    /// </summary>
    public static TokenEncoding Get(string name)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentOutOfRangeException(nameof(name), name, $"The encoding {problem}.");
        return Loaded.GetOrAdd(name, n => new Lazy<TokenEncoding>(() => Create(n))).Value;
    }

    // The Microsoft.ML.Tokenizers the application runs on (2.0.1 or newer): its data packages should match it.
    private static string TokenizersVersion
        => (typeof(Tokenizer).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "").Split('+')[0];

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
            throw new TokenizerDataMissingException(name, package,
                $"The tokenizer encoding '{name}' needs its data: add a reference to the NuGet package {package} (version {TokenizersVersion}, as Microsoft.ML.Tokenizers) to the application. ({e.Message})", e);
        }
        return new TokenEncoding(name, tokenizer);
    }
}

/// <summary>
/// An encoding whose data package the application lacks (an <see cref="InvalidOperationException"/>, as
/// documented), with the encoding and the package by name, so that a program that cannot add references,
/// the command line, says so in its own words.
/// </summary>
internal sealed class TokenizerDataMissingException(string encoding, string package, string message, Exception inner)
    : InvalidOperationException(message, inner)
{
    public string Encoding { get; } = encoding;
    public string Package { get; } = package;
}

/// <summary>One encoding's tokenizer, the ids it can produce, and the text of each id.</summary>
internal sealed class TokenEncoding(string name, TiktokenTokenizer tokenizer)
{
    private readonly HashSet<int> _special = [.. tokenizer.SpecialTokens?.Values ?? []];
    // The special tokens' texts, longest first (the one taken where two start at a place), and a search for any of them.
    private readonly KeyValuePair<string, int>[] _specials = [.. (tokenizer.SpecialTokens ?? new Dictionary<string, int>()).OrderByDescending(s => s.Key.Length).ThenBy(s => s.Key, StringComparer.Ordinal)];
    private readonly SearchValues<string> _specialSearch = SearchValues.Create([.. (tokenizer.SpecialTokens?.Keys ?? [])], StringComparison.Ordinal);

    // cl100k's and o200k's patterns split numbers every 3 digits (\p{N}{1,3}); r50k's and p50k's ( ?\p{N}+)
    // make a number of any length one pre-token, as costly to merge as a word.
    private readonly bool _joinsDigits = name is "r50k_base" or "p50k_base" or "p50k_edit";

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

    /// <summary>Runs of more characters of one kind than this are encoded in pieces of this length.</summary>
    public const int MaxRunLength = 1024;

    /// <summary>
    /// The token ids of a text: special tokens such as &lt;|endoftext|&gt; in the text count as themselves.
    /// A run of more than <see cref="MaxRunLength"/> letters, of white space, or of other non-digit characters
    /// (punctuation, emoji) is encoded in pieces of that length (never splitting a surrogate pair), because
    /// the tokenizer's pattern makes such a run one pre-token and byte-pair encoding merges within it at a
    /// cost that grows with the square of its length: Microsoft.ML.Tokenizers 2.0.1 (cl100k_base, this
    /// project's Intel Xeon) took 0.11 / 1.6 s for 10,000 / 40,000 letters, 0.09 / 1.8 s for spaces,
    /// 0.05 / 1.2 s for '!', and more than 10 minutes for 600,000 letters (one row of a DNA string, say),
    /// with no way to stop it. Digits are not cut where the pattern splits them every 3 (cl100k, o200k: 40,000
    /// in 0.01 s); r50k_base, p50k_base and p50k_edit's pattern joins them, so there a run of more digits is
    /// cut too. A cut changes the tokens that would span it; text without such runs is encoded whole.
    /// </summary>
    /// <remarks>
    /// The special tokens are found here, in the text, and the text between them is given to the tokenizer: Microsoft.ML.Tokenizers
    /// (2.0.1 and 3.0.0) knows them only through its cache of encoded pieces, 8,192 entries shared by every use of the
    /// process's tokenizer, from which a special token is evicted once that many other pieces have come after it. From then on
    /// "&lt;|endoftext|&gt;" counted as the tokens of its characters: a row's counts depended on what the process had
    /// tokenized before (earlier rows of a Fit, other cursors' threads), and a fresh process counted it otherwise.
    /// </remarks>
    public IReadOnlyList<int> Encode(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return [];
        int found = _specials.Length == 0 ? -1 : text.IndexOfAny(_specialSearch);
        if (found < 0 && FirstCut(text, _joinsDigits) == text.Length) return Tokenizer.EncodeToIds(text);
        var ids = new List<int>();
        for (int start = 0; ;)
        {
            int end = found < 0 ? text.Length : start + found;
            for (int from = start; from < end;)
            {
                int cut = from + FirstCut(text[from..end], _joinsDigits);
                ids.AddRange(Tokenizer.EncodeToIds(text[from..cut]));
                from = cut;
            }
            if (found < 0) return ids;
            var special = SpecialAt(text[end..]);
            ids.Add(special.Value);
            start = end + special.Key.Length;
            found = text[start..].IndexOfAny(_specialSearch);
        }
    }

    // The special token that text starts with (the search found one there), the longest where two do.
    private KeyValuePair<string, int> SpecialAt(ReadOnlySpan<char> text)
    {
        foreach (var special in _specials)
            if (text.StartsWith(special.Key, StringComparison.Ordinal)) return special;
        throw new InvalidOperationException("The special-token search found a place no special token starts at.");
    }

    // The end of the text's first piece: where a run of one kind (white space, letters, other
    // non-digits) passes MaxRunLength characters (moved past a low surrogate so a pair stays whole), or the
    // end of the text. Combining marks count as letters: o200k's pre-tokens join letters and marks (\p{M}
    // in its letter classes), so Thai, or Latin with accents as marks, alternating letter and mark made
    // a 40,000-character pre-token that reset this count at every character and took 17 s, 1 MB hours.
    // A mark after other non-digits counts as one of them: both patterns' [^\s\p{L}\p{N}]+ holds marks, so
    // symbols alternating with marks (a row of hearts, U+2764 U+FE0F) are one pre-token too. So is a line
    // break after them: o200k's ends in [\r\n/]*, which makes lines of "//" one pre-token.
    private static int FirstCut(ReadOnlySpan<char> text, bool joinsDigits)
    {
        int run = 0;
        var kind = RunKind.None;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            var k = KindOf(c, kind, joinsDigits);
            run = k == RunKind.Digit && !joinsDigits ? 0 : k == kind ? run + 1 : 1;
            kind = k;
            if (run > MaxRunLength) return char.IsLowSurrogate(c) ? i + 1 : i;
        }
        return text.Length;
    }

    private enum RunKind { None, Space, Digit, Letter, Other }

    // The kind of run c continues after a character of kind `previous` (FirstCut's rules above).
    private static RunKind KindOf(char c, RunKind previous, bool joinsDigits)
    {
        if (previous == RunKind.Other && (c is '\r' or '\n' || IsMark(c))) return RunKind.Other;
        if (char.IsWhiteSpace(c)) return RunKind.Space;
        if (joinsDigits ? char.IsNumber(c) : char.IsDigit(c)) return RunKind.Digit;
        return char.IsLetter(c) || IsMark(c) ? RunKind.Letter : RunKind.Other;
    }

    private static bool IsMark(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>A token's own text. A token that is part of a multi-byte character decodes to U+FFFD.</summary>
    public string Decode(int id) => Tokenizer.Decode([id]) ?? "";
}
