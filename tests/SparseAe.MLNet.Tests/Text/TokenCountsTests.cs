using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Tokenizers;
using SparseAe.Persistence;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Text;

/// <summary>
/// mlContext.Transforms.TokenCounts: each row's bag of tokens against an independent count made with
/// the tokenizer itself, the vocabulary's choice, the weightings' formulas, PredictionEngine, save and
/// load, encodings by name, and damaged saved vocabularies.
/// </summary>
public sealed class TokenCountsTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "The dog sleeps; the fox runs, and the fox runs again.",
        "Naïve café owners say 日本語 is fun 🙂 🙂",
        "A bag of words counts words, words and more words.",
        "the the the THE The",
    ];

    private static readonly Tokenizer Cl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    public sealed class TextRow
    {
        public string? Text { get; set; }
    }

    public sealed class TokensOutput
    {
        public VBuffer<float> Tokens { get; set; }
    }

    private IDataView Data(IEnumerable<string?> texts) => _ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToList());

    private static VBuffer<float>[] Output(ITransformer model, IDataView data)
        => model.Transform(data).GetColumn<VBuffer<float>>("Tokens").Select(v => { var copy = default(VBuffer<float>); v.CopyTo(ref copy); return copy; }).ToArray();

    private static Dictionary<int, int> Count(Tokenizer tokenizer, string text)
        => tokenizer.EncodeToIds(text).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

    private static void AssertSparseAndAscending(VBuffer<float> v)
    {
        var indices = v.GetIndices();
        var values = v.GetValues();
        if (!v.IsDense)
            for (int i = 1; i < indices.Length; i++) Assert.True(indices[i] > indices[i - 1], "indices must ascend");
        foreach (float x in values) Assert.NotEqual(0f, x);
    }

    // (slot, value) pairs of a row as token id -> value.
    private static Dictionary<int, float> ById(TokenCountsTransformer model, VBuffer<float> v)
        => v.Items().ToDictionary(kv => model.TokenIds[kv.Key], kv => kv.Value);

    [Fact]
    public void Counts_equal_an_independent_count_of_the_tokenizers_ids()
    {
        var data = Data(Sentences);
        var model = _ml.Transforms.TokenCounts("Tokens", "Text").Fit(data);
        Assert.Equal("cl100k_base", model.Encoding);
        var rows = Output(model, data);
        for (int r = 0; r < Sentences.Length; r++)
        {
            AssertSparseAndAscending(rows[r]);
            Assert.Equal(model.TokenIds.Count, rows[r].Length);
            var expected = Count(Cl100k, Sentences[r]).ToDictionary(kv => kv.Key, kv => (float)kv.Value);
            Assert.Equal(expected.OrderBy(kv => kv.Key), ById(model, rows[r]).OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void The_vocabulary_is_the_most_frequent_ids_with_ties_broken_by_the_lower_id()
    {
        var totals = new Dictionary<int, int>();
        foreach (var s in Sentences)
            foreach (var (id, n) in Count(Cl100k, s)) totals[id] = totals.GetValueOrDefault(id) + n;
        var expected = totals.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(7).Select(kv => kv.Key).Order().ToArray();
        // The cut at 7 falls inside a tie, so the lower ids must win it.
        var ordered = totals.OrderByDescending(kv => kv.Value).ToArray();
        Assert.Equal(ordered[6].Value, ordered[7].Value);

        var model = _ml.Transforms.TokenCounts("Tokens", "Text", maximumTokens: 7).Fit(Data(Sentences));
        Assert.Equal(expected, model.TokenIds);
        var first = Output(model, Data(Sentences))[0];
        Assert.Equal(7, first.Length);
        var counts = Count(Cl100k, Sentences[0]);
        var kept = ById(model, first);
        // Every kept id of the sentence, and only those: an empty row would pass the loop below.
        Assert.Equal(counts.Keys.Intersect(expected).Order(), kept.Keys.Order());
        Assert.NotEmpty(kept);
        foreach (var (id, value) in kept) Assert.Equal(counts[id], value);
    }

    [Fact]
    public void Slot_names_are_the_decoded_tokens()
    {
        var model = _ml.Transforms.TokenCounts("Tokens", "Text").Fit(Data(Sentences));
        var column = model.GetOutputSchema(Data(Sentences).Schema)["Tokens"];
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        // A token that is part of a multi-byte character decodes to U+FFFD, so its name adds its id.
        var expected = model.TokenIds.Select(id => Cl100k.Decode([id]) is var text && text.Contains('\uFFFD') ? $"{text}#{id}" : text).ToArray();
        Assert.Equal(expected, names.DenseValues().Select(n => n.ToString()).ToArray());
        Assert.Contains(" fox", expected);
    }

    [Fact]
    public void LogTfIdf_and_Normalize_follow_their_formulas()
    {
        var data = Data(Sentences);
        var counts = Sentences.Select(s => Count(Cl100k, s)).ToArray();
        int n = Sentences.Length;
        var model = _ml.Transforms.TokenCounts("Tokens", "Text", weighting: TokenWeighting.LogTfIdf, normalize: true).Fit(data);
        Assert.Equal(n, model.DocumentCount);
        for (int j = 0; j < model.TokenIds.Count; j++)
        {
            int df = counts.Count(c => c.ContainsKey(model.TokenIds[j]));
            Assert.Equal((float)(Math.Log((1.0 + n) / (1.0 + df)) + 1), model.Idf![j]);
        }
        var rows = Output(model, data);
        for (int r = 0; r < n; r++)
        {
            var raw = counts[r].ToDictionary(kv => kv.Key, kv => Math.Log(1 + kv.Value) * model.Idf![model.TokenIds.ToList().IndexOf(kv.Key)]);
            double norm = Math.Sqrt(raw.Values.Sum(v => v * v));
            var actual = ById(model, rows[r]);
            Assert.Equal(raw.Count, actual.Count);
            foreach (var (id, v) in raw) Assert.Equal(v / norm, actual[id], 1e-6);
            Assert.Equal(1.0, Math.Sqrt(actual.Values.Sum(v => (double)v * v)), 1e-6);
        }

        var plain = _ml.Transforms.TokenCounts("Tokens", "Text", weighting: TokenWeighting.LogTfIdf).Fit(data);
        Assert.Null(_ml.Transforms.TokenCounts("Tokens", "Text").Fit(data).Idf);
        var last = ById(plain, Output(plain, data)[4]);
        int the = Cl100k.EncodeToIds("the the").Distinct().Single(id => Cl100k.Decode([id]) == " the");
        int j2 = plain.TokenIds.ToList().IndexOf(the);
        Assert.Equal((float)(Math.Log(1 + counts[4][the]) * plain.Idf![j2]), last[the]);
    }

    // Normalize scales the plain counts too, not only LogTfIdf's weights: each row to unit L2 norm, count / sqrt(sum of squares).
    [Fact]
    public void Normalize_scales_plain_counts_to_unit_length()
    {
        var data = Data(Sentences);
        var counts = Sentences.Select(s => Count(Cl100k, s)).ToArray();
        var model = _ml.Transforms.TokenCounts("Tokens", "Text", normalize: true).Fit(data);
        Assert.Null(model.Idf);
        var rows = Output(model, data);
        for (int r = 0; r < Sentences.Length; r++)
        {
            double norm = Math.Sqrt(counts[r].Values.Sum(c => (double)c * c));
            var actual = ById(model, rows[r]);
            Assert.Equal(counts[r].Count, actual.Count);
            foreach (var (id, c) in counts[r]) Assert.Equal(c / norm, actual[id], 1e-6);
        }
        Assert.Contains(counts, c => c.Values.Any(v => v > 1));   // a row with a repeated token: not every value the same
    }

    [Fact]
    public void A_null_or_empty_text_is_an_empty_bag()
    {
        var model = _ml.Transforms.TokenCounts("Tokens", "Text", normalize: true).Fit(Data(Sentences.Append(null).Append("")));
        Assert.Equal(Sentences.Length + 2, model.DocumentCount);
        var rows = Output(model, Data([null, "", "   "]));
        Assert.Equal(0, rows[0].GetValues().Length);
        Assert.Equal(model.TokenIds.Count, rows[0].Length);
        Assert.Equal(0, rows[1].GetValues().Length);
        Assert.Equal(model.TokenIds.Count, rows[2].Length);
    }

    [Fact]
    public void A_text_of_white_space_alone_counts_its_white_space_tokens()
    {
        // Unlike ML.NET's word bags, which split on white space: the tokenizer makes tokens of it, and a
        // bag of tokens keeps every token it makes, so a blank row is not all zeros once they are kept.
        var model = _ml.Transforms.TokenCounts("Tokens", "Text").Fit(Data(["   ", "\t", "x\n\ny"]));
        foreach (var blank in new[] { "   ", "\t", "\n\n" })
        {
            var expected = Count(Cl100k, blank).ToDictionary(kv => kv.Key, kv => (float)kv.Value);
            Assert.NotEmpty(expected);
            Assert.Equal(expected.OrderBy(kv => kv.Key), ById(model, Output(model, Data([blank]))[0]).OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void A_text_of_one_and_a_half_megabytes_is_tokenized()
    {
        var text = new StringBuilder();
        var random = new Random(3);
        string[] words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
        while (text.Length < 1_500_000) text.Append(' ').Append(words[random.Next(words.Length)]);
        var big = text.ToString();
        Assert.True(Encoding.UTF8.GetByteCount(big) >= 1_500_000);
        var model = _ml.Transforms.TokenCounts("Tokens", "Text").Fit(Data([big, "alpha beta"]));
        var row = Output(model, Data([big]))[0];
        var expected = Count(Cl100k, big).ToDictionary(kv => kv.Key, kv => (float)kv.Value);
        Assert.Equal(expected.OrderBy(kv => kv.Key), ById(model, row).OrderBy(kv => kv.Key));
        Assert.True(expected.Values.Sum() > 200_000);
    }

    [Fact]
    public void Three_hundred_thousand_letters_without_a_space_are_tokenized_in_pieces_of_1024()
    {
        // Byte-pair encoding of one 600,000-letter word ran for more than 10 minutes; in pieces it is linear.
        var random = new Random(5);
        var dna = new string(Enumerable.Range(0, 300_000).Select(_ => "ACGT"[random.Next(4)]).ToArray());
        var text = "a strand: " + dna + " ends here";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var model = _ml.Transforms.TokenCounts("Tokens", "Text").Fit(Data([text, "a strand"]));
        var row = Output(model, Data([text]))[0];
        // The pieces, cut independently: the run's 1,025th character starts a new piece, and so on.
        int runStart = text.IndexOf(dna, StringComparison.Ordinal);
        var cuts = new List<int> { 0 };
        for (int c = runStart + 1024; c < runStart + dna.Length; c += 1024) cuts.Add(c);
        cuts.Add(text.Length);
        var expected = cuts.Zip(cuts.Skip(1)).SelectMany(p => Cl100k.EncodeToIds(text[p.First..p.Second]))
            .GroupBy(id => id).ToDictionary(g => g.Key, g => (float)g.Count());
        Assert.Equal(expected.OrderBy(kv => kv.Key), ById(model, row).OrderBy(kv => kv.Key));
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), $"{watch.Elapsed}");   // not a timing test: a hang guard
    }

    [Fact]
    public void A_piece_boundary_never_splits_a_surrogate_pair()
    {
        var encoding = SparseAe.MLNet.Text.TokenizerEncodings.Get("cl100k_base");
        // A run of emoji (two UTF-16 units each) after a '!', so the run's 1,025th unit, where a piece would
        // end, is a low half: the cut moves past it.
        var text = "!" + string.Concat(Enumerable.Repeat("🙂", 600)) + " and words";
        var ids = encoding.Encode(text);
        Assert.Equal(text, Cl100k.Decode(ids));   // a split pair would decode to U+FFFD
        Assert.Equal(Cl100k.EncodeToIds(text[..1025]).Concat(Cl100k.EncodeToIds(text[1025..])), ids);
    }

    [Theory]
    [InlineData(1023)]   // the run's 1,025th character is the token's '|': the cut fell inside the token
    [InlineData(1022)]   // the run ends at the token's letters with 1,024 characters: no cut
    [InlineData(1024)]   // the 1,025th character is the token's '<': the cut falls before it
    [InlineData(2047)]   // the second piece's cut: the run's 2,049th character is the token's '|'
    public void A_piece_boundary_never_splits_a_special_token(int bangs)
    {
        var encoding = SparseAe.MLNet.Text.TokenizerEncodings.Get("cl100k_base");
        // <|endoftext|> after a long run of punctuation: '<' and '|' continue the run, so the cut at its
        // 1,025th character could fall inside the token, which then counted as the tokens of its pieces.
        var text = "x " + new string('!', bangs) + "<|endoftext|> after";
        int endOfText = Cl100k.EncodeToIds("<|endoftext|>").Single();
        var ids = encoding.Encode(text);
        Assert.Equal(1, ids.Count(id => id == endOfText));
        Assert.Equal(text, Cl100k.Decode(ids));
    }

    // Microsoft.ML.Tokenizers knows a special token only through its cache of encoded pieces (8,192 entries, shared by every
    // use of the process's tokenizer), from which 8,192 other pieces evict it: "<|endoftext|>" then counted as the tokens of
    // its characters, for the rest of the process, while a fresh process counted it as itself.
    [Fact]
    public void A_special_token_counts_as_itself_however_many_pieces_came_before()
    {
        var encoding = SparseAe.MLNet.Text.TokenizerEncodings.Get("cl100k_base");
        int endOfText = Cl100k.EncodeToIds("<|endoftext|>").Single();
        var rng = new Random(5);
        for (int i = 0; i < 20_000; i++)
            encoding.Encode(" " + new string(Enumerable.Range(0, 7).Select(_ => (char)('a' + rng.Next(26))).ToArray()));
        Assert.Equal([.. encoding.Encode("x"), endOfText, .. encoding.Encode(" y")], encoding.Encode("x<|endoftext|> y"));
        Assert.Equal([endOfText, endOfText], encoding.Encode("<|endoftext|><|endoftext|>"));
    }

    [Fact]
    public void Runs_of_white_space_are_cut_too_and_digits_never()
    {
        var encoding = SparseAe.MLNet.Text.TokenizerEncodings.Get("cl100k_base");
        // 5,000 spaces are one pre-token, as costly to merge as 5,000 letters: pieces of 1,024 from the run's start.
        var spaces = "a" + new string(' ', 5000) + "b";
        int[] cuts = [0, 1025, 2049, 3073, 4097, spaces.Length];
        Assert.Equal(cuts.Zip(cuts.Skip(1)).SelectMany(p => Cl100k.EncodeToIds(spaces[p.First..p.Second])), encoding.Encode(spaces));
        // Digits are split by the tokenizer every 3: a 5,000-digit number is encoded whole.
        var digits = "n=" + string.Concat(Enumerable.Range(0, 5000).Select(i => (char)('0' + i % 10)));
        Assert.Equal(Cl100k.EncodeToIds(digits), encoding.Encode(digits));
    }

    [Fact]
    public void Slot_names_tell_apart_the_tokens_that_are_parts_of_a_character()
    {
        // Byte-level tokens of one multi-byte character each decode to U+FFFD; 21 slots were named alike.
        var model = _ml.Transforms.TokenCounts("Tokens", "Text").Fit(Data(["\U0001D518\U0001D52B\U0001D526 \u2603 \u4F60\u597D\u4E16\u754C \U0001F980\U0001F980 \uA66E \U00013000 \U0001202D"]));
        VBuffer<ReadOnlyMemory<char>> names = default;
        model.GetOutputSchema(Data(["x"]).Schema)["Tokens"].GetSlotNames(ref names);
        var all = names.DenseValues().Select(n => n.ToString()).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        var partial = all.Where(n => n.Contains('\uFFFD')).ToArray();
        Assert.NotEmpty(partial);
        Assert.All(partial, n => Assert.Matches(@"\uFFFD#\d+$", n));
    }

    [Fact]
    public void Letters_alternating_with_combining_marks_are_one_run_and_cut_too()
    {
        // o200k joins letters and marks into one pre-token: 20,000 Thai consonant + vowel-mark pairs took 17 s
        // (quadratic) while the run count restarted at every mark; now it is cut every 1,024 characters.
        var o200k = SparseAe.MLNet.Text.TokenizerEncodings.Get("o200k_base");
        var thai = "x " + string.Concat(Enumerable.Repeat("\u0E01\u0E34", 20_000));
        var cuts = new List<int> { 0 };
        for (int c = 2 + 1024; c < thai.Length; c += 1024) cuts.Add(c);
        cuts.Add(thai.Length);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(cuts.Zip(cuts.Skip(1)).SelectMany(p => o200k.Tokenizer.EncodeToIds(thai[p.First..p.Second])), o200k.Encode(thai));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{watch.Elapsed}");   // not a timing test: a hang guard
    }

    [Theory]
    // r50k's and p50k's pattern ( ?\p{N}+) makes a number of any length one pre-token, unlike cl100k's \p{N}{1,3}.
    [InlineData("r50k_base", "n=", "123", 3)]
    // \p{N} holds more than the decimal digits: '½' (No) continues the number. (Mutation audit: a run of decimal digits
    // alone passed every test, and such a number was never cut.)
    [InlineData("r50k_base", "n=", "12\u00BD", 3)]
    // Symbols and marks are one pre-token ([^\s\p{L}\p{N}]+: a row of hearts, U+2764 U+FE0F, is one).
    [InlineData("cl100k_base", "x ", "!!\u0301", 2)]
    // o200k's punctuation pre-token ends in [\r\n/]*, so lines of "//" (empty comment lines) are one.
    [InlineData("o200k_base", "x ", "//\n", 2)]
    public void A_long_pre_token_of_digits_marks_or_line_breaks_is_cut_too(string name, string prefix, string unit, int preTokens)
    {
        // Each is one pre-token of any length, yet the run count restarted inside it (digits were never
        // counted; a mark or a line break started a new run), so it was never cut and cost the square of its length.
        var encoding = SparseAe.MLNet.Text.TokenizerEncodings.Get(name);
        var text = prefix + string.Concat(Enumerable.Repeat(unit, 1000));
        Assert.Equal(preTokens, encoding.Tokenizer.PreTokenizer!.PreTokenize(text).Count());
        int[] cuts = [0, prefix.Length + 1024, prefix.Length + 2048, text.Length];
        var pieces = cuts.Zip(cuts.Skip(1)).SelectMany(p => encoding.Tokenizer.EncodeToIds(text[p.First..p.Second])).ToArray();
        Assert.NotEqual(encoding.Tokenizer.EncodeToIds(text), pieces);   // so the cut shows in the ids
        Assert.Equal(pieces, encoding.Encode(text));
    }

    // MLContext.CancelExecution stops the count of tokens as it stops the other estimators' reads: between rows. (Mutation
    // audit: the check removed passed every test, and a Fit over millions of glosses ran on after it was cancelled.)
    [Fact]
    public void MLContext_CancelExecution_while_the_rows_are_read_stops_Fit()
    {
        var ml = new MLContext(seed: 1);
        IEnumerable<TextRow> Rows()
        {
            for (int i = 0; i < 10; i++)
            {
                if (i == 5) ComponentTests.CancelExecution(ml);
                yield return new TextRow { Text = Sentences[i % Sentences.Length] };
            }
        }
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.TokenCounts("Tokens", "Text").Fit(ml.Data.LoadFromEnumerable(Rows())));
    }

    [Fact]
    public void A_PredictionEngine_gives_what_Transform_gives()
    {
        var data = Data(Sentences);
        var model = _ml.Transforms.TokenCounts("Tokens", "Text", weighting: TokenWeighting.LogTfIdf, normalize: true).Fit(data);
        var expected = Output(model, data);
        var engine = _ml.Model.CreatePredictionEngine<TextRow, TokensOutput>(model);
        for (int r = 0; r < Sentences.Length; r++)
        {
            var actual = engine.Predict(new TextRow { Text = Sentences[r] }).Tokens;
            Assert.Equal(expected[r].Items(), actual.Items());
            Assert.Equal(expected[r].Length, actual.Length);
        }
        Assert.Empty(engine.Predict(new TextRow { Text = null }).Tokens.GetValues().ToArray());
    }

    [Fact]
    public void Saved_and_loaded_it_predicts_bit_identically()
    {
        var data = Data(Sentences);
        var model = _ml.Transforms.TokenCounts("Tokens", "Text", weighting: TokenWeighting.LogTfIdf, normalize: true).Fit(data);
        using var temp = new TempFolder();
        var path = Path.Combine(temp, "tokens.zip");
        _ml.Model.Save(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        var t = Assert.IsType<TokenCountsTransformer>(loaded);
        Assert.Equal(model.TokenIds, t.TokenIds);
        Assert.Equal(model.Idf, t.Idf);
        Assert.Equal((model.Encoding, model.Weighting, model.Normalize, model.DocumentCount, model.InputColumnName, model.OutputColumnName),
            (t.Encoding, t.Weighting, t.Normalize, t.DocumentCount, t.InputColumnName, t.OutputColumnName));
        var bits = (VBuffer<float>[] rows) => rows.Select(v => string.Join(' ', v.Items().Select(kv => $"{kv.Key}:{BitConverter.SingleToInt32Bits(kv.Value):X8}"))).ToArray();
        Assert.Equal(bits(Output(model, data)), bits(Output(loaded, data)));
        VBuffer<ReadOnlyMemory<char>> a = default, b = default;
        model.GetOutputSchema(data.Schema)["Tokens"].GetSlotNames(ref a);
        loaded.GetOutputSchema(data.Schema)["Tokens"].GetSlotNames(ref b);
        Assert.Equal(a.DenseValues().Select(m => m.ToString()), b.DenseValues().Select(m => m.ToString()));
    }

    [Fact]
    public void Another_encoding_is_chosen_by_name()
    {
        var o200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
        var model = _ml.Transforms.TokenCounts("Tokens", "Text", encoding: "o200k_base").Fit(Data(Sentences));
        Assert.Equal("o200k_base", model.Encoding);
        var rows = Output(model, Data(Sentences));
        for (int r = 0; r < Sentences.Length; r++)
        {
            var expected = Count(o200k, Sentences[r]).ToDictionary(kv => kv.Key, kv => (float)kv.Value);
            Assert.Equal(expected.OrderBy(kv => kv.Key), ById(model, rows[r]).OrderBy(kv => kv.Key));
        }
        Assert.NotEqual(Count(Cl100k, Sentences[2]).Keys.Order(), Count(o200k, Sentences[2]).Keys.Order());
    }

    [Fact]
    public void A_made_up_encoding_name_is_refused_with_the_known_names()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.TokenCounts("Tokens", "Text", encoding: "cl100k_bass"));
        Assert.Equal("Encoding", e.ParamName);
        Assert.StartsWith("Encoding must be one of cl100k_base, o200k_base, o200k_harmony, p50k_base, p50k_edit, r50k_base, but is 'cl100k_bass'.", e.Message);
    }

    [Fact]
    public void An_encoding_whose_data_package_is_missing_names_the_package()
    {
        // The tests reference the data of cl100k_base, o200k_base and r50k_base only (p50k's package is not served here).
        var e = Assert.ThrowsAny<InvalidOperationException>(() => _ml.Transforms.TokenCounts("Tokens", "Text", encoding: "p50k_base"));
        // The version to add is the Microsoft.ML.Tokenizers running (2.0.1 by default, 3.x in CI's newest-versions run).
        // (Its assembly version is 1.0.0.0 in both; the file's product version is the package's.)
        string running = System.Diagnostics.FileVersionInfo.GetVersionInfo(typeof(Microsoft.ML.Tokenizers.Tokenizer).Assembly.Location).ProductVersion!.Split('+')[0];
        Assert.Contains($"add a reference to the NuGet package Microsoft.ML.Tokenizers.Data.P50kBase (version {running}, as Microsoft.ML.Tokenizers) to the application", e.Message);
        Assert.Matches(@"\(version [23]\.\d+\.\d+, as", e.Message);
    }

    public static TheoryData<string, string, TokenCountsOptions> BadOptions => new()
    {
        { "MaximumTokens", "MaximumTokens must lie in 1..1048576, but is 0.", new() { MaximumTokens = 0 } },
        { "MaximumTokens", "MaximumTokens must lie in 1..1048576, but is 1048577.", new() { MaximumTokens = 1_048_577 } },
        { "Weighting", "Weighting must be Counts or LogTfIdf, but is 5.", new() { Weighting = (TokenWeighting)5 } },
        { "Encoding", "Encoding must be one of cl100k_base, o200k_base, o200k_harmony, p50k_base, p50k_edit, r50k_base, but is ''.", new() { Encoding = "" } },
        { "Encoding", "Encoding must be one of cl100k_base, o200k_base, o200k_harmony, p50k_base, p50k_edit, r50k_base, but is null.", new() { Encoding = null! } },
        // The names are matched exactly, as saved models hold them: a name in other case is not one of them.
        { "Encoding", "Encoding must be one of cl100k_base, o200k_base, o200k_harmony, p50k_base, p50k_edit, r50k_base, but is 'CL100K_BASE'.", new() { Encoding = "CL100K_BASE" } },
        { "OutputColumnName", "OutputColumnName must be a non-blank column name, but is ''.", new() { OutputColumnName = "" } },
        { "OutputColumnName", "OutputColumnName must be a non-blank column name, but is null.", new() { OutputColumnName = null! } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Options_out_of_range_are_refused_naming_the_option(string option, string message, TokenCountsOptions options)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.TokenCounts(options));
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_column_that_is_not_text_or_holds_no_token_is_refused()
    {
        var vectors = _ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(3, 1));
        Assert.Contains("Input column 'Features' must be text (one String per row), but is Vector<Single, 8>",
            Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.TokenCounts("Tokens", "Features").Fit(vectors)).Message);
        Assert.Contains("holds no token in its 2 rows",
            Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.TokenCounts("Tokens", "Text").Fit(Data([null, ""]))).Message);
    }

    // ---- A damaged saved vocabulary: a clear message, and no transformer ----

    // Payload offsets of the default model's block: "cl100k_base" is 11 bytes long.
    private const int WeightingAt = 4 + 11, TokenCountAt = WeightingAt + 4 + 4 + 8, IdsAt = TokenCountAt + 4;

    private string SaveModel()
    {
        var data = Data(Sentences);
        var path = Path.Combine(_temp.NewFolder(), "tokens.zip");
        _ml.Model.Save(_ml.Transforms.TokenCounts("Tokens", "Text").Fit(data), data.Schema, path);
        return path;
    }

    private static string LoadFailure(string path)
    {
        var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) messages.Add(x.Message);
        return string.Join(" | ", messages);
    }

    private static void EditPayload(string path, Action<Span<byte>> edit)
        => ModelZip.RewriteEntry(path, TokenVocabularyFormat.Magic, entry => ModelZip.EditPayload(entry, TokenVocabularyFormat.Magic, edit));

    [Fact]
    public void A_damaged_vocabulary_with_a_bad_CRC_is_refused()
    {
        var path = SaveModel();
        ModelZip.RewriteEntry(path, TokenVocabularyFormat.Magic, entry => { entry[ModelZip.IndexOfMagic(entry, TokenVocabularyFormat.Magic) + 16 + IdsAt] ^= 1; return entry; });
        Assert.Contains("SparseAe token vocabulary is damaged: the CRC-32", LoadFailure(path));
    }

    [Fact]
    public void A_truncated_vocabulary_is_refused()
    {
        // A block that claims more bytes than its entry holds: the loader says so before reading it.
        var path = SaveModel();
        byte[] block = [];
        ModelZip.RewriteEntry(path, TokenVocabularyFormat.Magic, entry =>
        {
            int at = ModelZip.IndexOfMagic(entry, TokenVocabularyFormat.Magic);
            block = entry[at..(at + 16 + BitConverter.ToInt32(entry, at + 12) + 4)];
            BitConverter.TryWriteBytes(entry.AsSpan(at - 4), BitConverter.ToInt32(entry, at - 4) + 1000);
            return entry;
        });
        Assert.Contains("The token counts entry of the model is damaged or truncated: it declares a", LoadFailure(path));

        // The block itself cut inside its payload.
        var e = Assert.Throws<InvalidDataException>(() => TokenVocabularyFormat.Read(new MemoryStream(block[..^30])));
        Assert.StartsWith("The SparseAe token vocabulary is truncated: the payload length at offset 12 is", e.Message);

        // And the zip entry cut short: ML.NET's own framing refuses it before the block is read.
        path = SaveModel();
        ModelZip.RewriteEntry(path, TokenVocabularyFormat.Magic, entry => entry[..^20]);
        var cut = Assert.Throws<FormatException>(() => new MLContext().Model.Load(path, out _));
        // Thrown by ML.NET's own code (its ModelHeader check; the message is .NET's default), not by ours.
        Assert.StartsWith("Microsoft.ML.", cut.TargetSite!.DeclaringType!.FullName);
    }

    [Fact]
    public void A_vocabulary_with_an_id_the_encoding_does_not_have_is_refused()
    {
        var path = SaveModel();
        EditPayload(path, p =>
        {
            int count = BitConverter.ToInt32(p[TokenCountAt..]);
            BitConverter.TryWriteBytes(p[(IdsAt + 4 * (count - 1))..], 999_999);   // still ascending
        });
        Assert.Matches("The token counts in this model cannot be loaded: The token id at index \\d+ is 999999, which encoding 'cl100k_base' does not have", LoadFailure(path));
    }

    [Fact]
    public void A_vocabulary_with_a_duplicate_id_is_refused()
    {
        var path = SaveModel();
        EditPayload(path, p => p.Slice(IdsAt, 4).CopyTo(p[(IdsAt + 4)..]));
        Assert.Matches("The token id at index 1 at offset \\d+ is \\d+, a duplicate of the id at index 0; each id must appear once", LoadFailure(path));
    }

    // An idf above what the saved row count allows (a token in one of N rows: ln((1 + N) / 2) + 1) loaded, and Transform
    // made that token's weight infinite and its L2-normalised rows NaN.
    [Fact]
    public void A_vocabulary_with_an_idf_its_rows_cannot_give_is_refused()
    {
        var data = Data(Sentences);
        var path = Path.Combine(_temp.NewFolder(), "tfidf.zip");
        _ml.Model.Save(_ml.Transforms.TokenCounts("Tokens", "Text", weighting: TokenWeighting.LogTfIdf, normalize: true).Fit(data), data.Schema, path);
        EditPayload(path, p => BitConverter.TryWriteBytes(p[(IdsAt + 4 * BitConverter.ToInt32(p[TokenCountAt..]))..], 3e38f));   // idf[0]
        Assert.Matches($@"The idf at index 0 at offset \d+ is 3E\+38; it must lie in \[1, [0-9.]+\], the smooth idf ln\(\(1 \+ N\) / \(1 \+ df\)\) \+ 1 of a token in 1 to N = {Sentences.Length} rows",
            LoadFailure(path));
    }

    [Fact]
    public void A_vocabulary_with_an_unknown_weighting_is_refused()
    {
        var path = SaveModel();
        EditPayload(path, p => BitConverter.TryWriteBytes(p[WeightingAt..], 7));
        Assert.Matches("The weighting \\(0 Counts, 1 LogTfIdf\\) at offset \\d+ is 7; it must lie in 0..1", LoadFailure(path));
    }

    [Fact]
    public void A_vocabulary_with_an_unknown_encoding_name_is_refused()
    {
        var path = SaveModel();
        EditPayload(path, p => Encoding.ASCII.GetBytes("cl999k_base").CopyTo(p[4..]));
        Assert.Contains("The encoding name must be one of cl100k_base, o200k_base, o200k_harmony, p50k_base, p50k_edit, r50k_base, but is 'cl999k_base'", LoadFailure(path));
    }
}
