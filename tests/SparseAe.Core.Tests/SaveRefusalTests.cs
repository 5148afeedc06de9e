using System.Buffers.Binary;
using System.Text.RegularExpressions;
using SparseAe.Convolution;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Persistence;
using SparseAe.Tests.Support;
using SparseAe.Training;
using SparseAe.Whitening;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// Writers refuse what readers refuse, at Save time, in the reader's words, before a byte reaches the
/// stream: one test (or theory row) per rule a reader holds a saved field to.
/// </summary>
public class SaveRefusalTests
{
    // Save into an empty stream: the refusal must name the field, its value and the rule, and leave the stream empty.
    private static string Refused(Action<Stream> save, string expected)
    {
        using var stream = new MemoryStream();
        var e = Assert.Throws<ArgumentException>(() => save(stream));
        Assert.Contains(expected, e.Message);
        Assert.Equal(0, stream.Length);
        return e.Message;
    }

    private static string RefusedModel(SavedAutoencoder model, string expected)
        => Refused(s => ModelFormat.Write(s, model), $"{expected} The SparseAe model is not saved: its reader would refuse it.");

    private static string RefusedZca(SavedZca zca, string expected)
        => Refused(s => ZcaFormat.Write(s, zca), $"{expected} The SparseAe ZCA whitening is not saved: its reader would refuse it.");

    private static string RefusedConvolution(SavedConvolution saved, string expected)
        => Refused(s => ConvolutionFormat.Write(s, saved), $"{expected} The SparseAe convolutional featurizer is not saved: its reader would refuse it.");

    private static string[] Names(int count) => Enumerable.Range(0, count).Select(i => $"c{i}").ToArray();

    // A block with one i32 (or f64) of its payload replaced and the CRC-32 made right again: what a
    // writer without the check would have saved.
    private static byte[] WithInt(byte[] block, int payloadOffset, int value)
        => WithBytes(block, payloadOffset, BitConverter.GetBytes(value));

    private static byte[] WithDouble(byte[] block, int payloadOffset, double value)
        => WithBytes(block, payloadOffset, BitConverter.GetBytes(value));

    private static byte[] WithBytes(byte[] block, int payloadOffset, byte[] littleEndian)
    {
        Assert.True(BitConverter.IsLittleEndian);
        var bytes = (byte[])block.Clone();
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        littleEndian.CopyTo(bytes.AsSpan(16 + payloadOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(16, length)));
        return bytes;
    }

    // The reader's message without its offset is the first sentence of the writer's.
    private static void SameWords(string readerMessage, string writerMessage)
        => Assert.StartsWith(Regex.Replace(readerMessage, @" at offset \d+", ""), writerMessage);

    // ---- Column names (every format stores them alike) ----

    public static TheoryData<string, Action<Stream, string[]>> Formats() => new()
    {
        { "SparseAe model", (s, names) => ModelFormat.Write(s, FormatSamples.Autoencoder(names: names)) },
        { "SparseAe ZCA whitening", (s, names) => ZcaFormat.Write(s, FormatSamples.Zca(names: names)) },
        { "SparseAe convolutional featurizer", (s, names) => ConvolutionFormat.Write(s, FormatSamples.Convolution(names: names)) },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void More_than_64_column_names_are_refused(string what, Action<Stream, string[]> save)
    {
        Refused(s => save(s, Names(65)), $"The column-name count is 65; it must lie in 0..64. The {what} is not saved");
        save(new MemoryStream(), Names(ModelFormat.MaxColumnNames));   // the limit itself is kept
    }

    [Fact]
    public void A_column_name_over_4096_UTF8_bytes_is_refused_though_it_has_fewer_chars()
    {
        var name = new string('é', 2049);   // 2049 chars, 4098 bytes in UTF-8
        RefusedModel(FormatSamples.Autoencoder(names: ["Code", name]), "The UTF-8 length of column name 1 is 4098; it must lie in 0..4096.");
        var atLimit = new string('é', 2048);
        Assert.Equal(atLimit, ModelFormat.Read(new MemoryStream(FormatSamples.Bytes(FormatSamples.Autoencoder(names: [atLimit])))).ColumnNames[0]);
    }

    [Fact]
    public void A_column_name_with_a_lone_surrogate_is_refused_for_it_would_load_back_changed()
        => RefusedModel(FormatSamples.Autoencoder(names: ["ok", "ab\uD800c"]),
            "The column name 1 holds a lone surrogate (U+D800 at index 2); it must be valid Unicode, for it is stored as UTF-8.");

    // A high surrogate as the last char has no partner to look at: the rule must not read past the end.
    [Fact]
    public void A_column_name_ending_in_a_lone_high_surrogate_is_refused_by_its_rule()
    {
        RefusedModel(FormatSamples.Autoencoder(names: ["a\uD800"]),
            "The column name 0 holds a lone surrogate (U+D800 at index 1); it must be valid Unicode, for it is stored as UTF-8.");
        Assert.Equal("holds a lone surrogate (U+D800 at index 1); it must be valid Unicode, for it is stored as UTF-8", ModelFormat.ColumnNameProblem("a\uD800"));
        Assert.Null(ModelFormat.ColumnNameProblem("a\uD83D\uDE00"));   // a pair at the end is valid
    }

    // A record's part left null: an ArgumentNullException naming it as the caller wrote it, before a byte is
    // written (a null whitening or token-id array threw NullReferenceException, null names named 'names').
    public static TheoryData<string, Action<Stream>> NullParts() => new()
    {
        { "model.ColumnNames", s => ModelFormat.Write(s, FormatSamples.Autoencoder() with { ColumnNames = null! }) },
        { "zca.Whitening", s => ZcaFormat.Write(s, FormatSamples.Zca() with { Whitening = null! }) },
        { "zca.ColumnNames", s => ZcaFormat.Write(s, FormatSamples.Zca() with { ColumnNames = null! }) },
        { "saved.ColumnNames", s => ConvolutionFormat.Write(s, FormatSamples.Convolution() with { ColumnNames = null! }) },
        { "saved.Autoencoder.ColumnNames", s => ConvolutionFormat.Write(s, FormatSamples.Convolution() is var c ? c with { Autoencoder = c.Autoencoder with { ColumnNames = null! } } : null!) },
        { "vocabulary.TokenIds", s => TokenVocabularyFormat.Write(s, FormatSamples.TokenVocabulary() with { TokenIds = null! }) },
        { "vocabulary.ColumnNames", s => TokenVocabularyFormat.Write(s, FormatSamples.TokenVocabulary() with { ColumnNames = null! }) },
    };

    [Theory]
    [MemberData(nameof(NullParts))]
    public void A_null_part_of_a_saved_record_is_refused_by_its_name(string part, Action<Stream> save)
    {
        using var stream = new MemoryStream();
        Assert.Equal(part, Assert.Throws<ArgumentNullException>(() => save(stream)).ParamName);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void A_null_column_name_is_refused()
        => RefusedModel(FormatSamples.Autoencoder(names: ["ok", null!]), "The column name 1 is null; a name may be empty but not null.");

    [Fact]
    public void The_name_rules_refuse_in_the_readers_words()
    {
        // ZCA payload of V = 4: the name count sits at 20 + 4V + 4V^2 = 100, the first name's length at 104.
        var block = FormatSamples.Bytes(FormatSamples.Zca(4, ["White", "Features"]));
        var count = Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(WithInt(block, 100, 65)))).Message;
        Assert.Equal("The column-name count at offset 116 is 65; it must lie in 0..64.", count);
        SameWords(count, RefusedZca(FormatSamples.Zca(4, Names(65)), "The column-name count is 65; it must lie in 0..64."));

        var length = Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(WithInt(block, 104, 4097)))).Message;
        Assert.Equal("The UTF-8 length of column name 0 at offset 120 is 4097; it must lie in 0..4096.", length);
        SameWords(length, RefusedZca(FormatSamples.Zca(4, [new string('x', 4097)]), "The UTF-8 length of column name 0 is 4097; it must lie in 0..4096."));
    }

    // ---- The autoencoder (ModelFormat) ----

    private static SavedAutoencoder WithSummary(SavedAutoencoder m, OptimizerKind? optimizer = null, int? iterations = null, int? epochs = null,
        OptimizerExitReason? exit = null, CostBreakdown? finalCost = null, double[]? mean = null, TimeSpan? elapsed = null, long? rows = null,
        CostBreakdown[]? history = null)
    {
        var s = m.Summary;
        return m with
        {
            Summary = new TrainingSummary(optimizer ?? s.Optimizer, iterations ?? s.Iterations, epochs ?? s.Epochs, exit ?? s.ExitReason,
                finalCost ?? s.FinalCost, mean ?? s.MeanActivation.ToArray(), elapsed ?? s.Elapsed, rows ?? s.TrainingRows, history ?? s.CostHistory,
                s.CodeMetrics),
        };
    }

    private static SavedAutoencoder WithObjective(ObjectiveSettings objective) => FormatSamples.Autoencoder() with { Objective = objective };

    public static TheoryData<string, Func<SavedAutoencoder>, string> ModelRules() => new()
    {
        { "rho", () => WithObjective(new ObjectiveSettings(SparsityTarget: 1.5)), $"The rho is {1.5}; it must lie in (0, 1)." },
        { "rho NaN", () => WithObjective(new ObjectiveSettings(SparsityTarget: double.NaN)), $"The rho is {double.NaN}; it must lie in (0, 1)." },
        { "beta", () => WithObjective(new ObjectiveSettings(SparsityWeight: -2)), $"The beta is -2; it must lie in [0, {double.MaxValue}]." },
        { "lambda", () => WithObjective(new ObjectiveSettings(WeightDecay: double.PositiveInfinity)), $"The lambda is {double.PositiveInfinity}; it must lie in [0, {double.MaxValue}]." },
        { "penalty", () => WithObjective(new ObjectiveSettings(Penalty: (SparsityPenalty)7)), "The penalty is 7; it must lie in 0..1." },
        { "decoder", () => WithObjective(new ObjectiveSettings(Decoder: (DecoderKind)2)), "The decoder is 2; it must lie in 0..1." },
        { "optimizer", () => WithSummary(FormatSamples.Autoencoder(), optimizer: (OptimizerKind)5), "The optimizer is 5; it must lie in 0..1." },
        { "iterations", () => WithSummary(FormatSamples.Autoencoder(), iterations: -1), "The iterations is -1; it must lie in 0..2147483647." },
        { "epochs", () => WithSummary(FormatSamples.Autoencoder(), epochs: -3), "The epochs is -3; it must lie in 0..2147483647." },
        { "exit reason", () => WithSummary(FormatSamples.Autoencoder(), exit: (OptimizerExitReason)99),
            $"The exit reason is 99; it must lie in 0..{(int)OptimizerExitReason.EpochsCompleted}." },
        { "training rows", () => WithSummary(FormatSamples.Autoencoder(), rows: -5), "The training rows is -5; it must be at least 0." },
        { "elapsed", () => WithSummary(FormatSamples.Autoencoder(), elapsed: TimeSpan.FromSeconds(-1)),
            $"The elapsed seconds is -1; it must lie in [0, {TimeSpan.MaxValue.TotalSeconds}]." },
        { "final cost", () => WithSummary(FormatSamples.Autoencoder(), finalCost: new CostBreakdown(1, double.NaN, 0, 0)),
            $"The final cost reconstruction term is {double.NaN}; it must be finite." },
        { "cost history", () => WithSummary(FormatSamples.Autoencoder(), history: [new CostBreakdown(1, 1, 0, 0), new CostBreakdown(double.NegativeInfinity, 1, 0, 0)]),
            $"The cost history total is {double.NegativeInfinity}; it must be finite." },
        { "mean activation", () => WithSummary(FormatSamples.Autoencoder(h: 2), mean: [0.5, 1.25]), $"The mean activation at index 1 is {1.25}; it must lie in [0, 1]." },
        { "mean-activation count", () => WithSummary(FormatSamples.Autoencoder(h: 2), mean: [0.5, 0.5, 0.5]), "The mean-activation count is 3; it must equal H = 2." },
        { "parameter", () => NaNWeight(), $"The parameter W2[1, 1] (index 9 of theta) is {float.NaN}; it must be finite." },
        { "activation", () => WithCode(o => o with { Activation = (ActivationKind)9 }), "The activation is 9; it must lie in 0..3." },
        { "K above H", () => WithCode(o => o with { K = 3 }), "The K is 3; it must lie in 1..2." },
        { "AuxK above H", () => WithCode(o => o with { AuxK = 5 }), "The AuxK is 5; it must lie in -1..2." },
        { "L1 weight", () => WithCode(o => o with { L1Weight = -1 }), $"The L1 weight is -1; it must lie in [0, {double.MaxValue}]." },
        { "dead-latent window", () => WithCode(o => o with { DeadLatentWindow = 0 }), "The dead-latent window is 0; it must lie in 1..2147483647." },
        { "FVU", () => WithMetrics(new SparseCodeMetrics(-0.5, 0, [0, 0])), $"The FVU is {-0.5}; it must lie in [0, {double.MaxValue}]." },
        { "dead fraction", () => WithMetrics(new SparseCodeMetrics(0.5, 1.5, [0, 0])), $"The dead fraction is {1.5}; it must lie in [0, 1]." },
        { "firing rate", () => WithMetrics(new SparseCodeMetrics(0.5, 0, [0, 2])), "The firing rate at index 1 is 2; it must lie in [0, 1]." },
        { "firing-rate count", () => WithMetrics(new SparseCodeMetrics(0.5, 0, [0])), "The firing-rate count is 1; it must equal H = 2." },
        { "code mean activation", () => WithSummary(FormatSamples.SparseCode(h: 2), mean: [0.5, -1]), "The mean activation at index 1 is -1; it must lie in [0, 1.7976931348623157E+308]." },
    };

    private static SavedAutoencoder WithCode(Func<ObjectiveSettings, ObjectiveSettings> change)
    {
        var m = FormatSamples.SparseCode(h: 2);
        return m with { Objective = change(m.Objective) };
    }

    private static SavedAutoencoder WithMetrics(SparseCodeMetrics metrics)
    {
        var m = FormatSamples.SparseCode(h: 2);
        var s = m.Summary;
        return m with
        {
            Summary = new TrainingSummary(s.Optimizer, s.Iterations, s.Epochs, s.ExitReason, s.FinalCost, s.MeanActivation.ToArray(), s.Elapsed,
                s.TrainingRows, s.CostHistory, metrics),
        };
    }

    private static SavedAutoencoder NaNWeight()
    {
        var m = FormatSamples.Autoencoder();
        m.Parameters.Theta[9] = float.NaN;
        return m;
    }

    [Theory]
    [MemberData(nameof(ModelRules))]
    public void A_model_field_its_reader_would_refuse_is_not_saved(string field, Func<SavedAutoencoder> model, string expected)
    {
        RefusedModel(model(), expected);
    }

    [Fact]
    public void A_model_rule_refuses_in_the_readers_words()
    {
        // The penalty sits at payload offset 8.
        var read = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(WithInt(FormatSamples.Bytes(FormatSamples.Autoencoder()), 8, 7)))).Message;
        Assert.Equal("The penalty at offset 24 is 7; it must lie in 0..1.", read);
        SameWords(read, RefusedModel(WithObjective(new ObjectiveSettings(Penalty: (SparsityPenalty)7)), "The penalty is 7; it must lie in 0..1."));
    }

    // The reader holds every sigmoid unit's mean activation to [0, 1], the last one too (a bound of H - 1 loaded a model
    // whose last unit said 2). The means are found by their bytes: 0.25 then 0.75, H = 2.
    [Fact]
    public void A_sigmoid_models_last_mean_activation_outside_0_1_is_refused_on_read()
    {
        var bytes = FormatSamples.Bytes(WithSummary(FormatSamples.Autoencoder(h: 2), mean: [0.25, 0.75]));
        byte[] means = [.. BitConverter.GetBytes(0.25), .. BitConverter.GetBytes(0.75)];
        int at = bytes.AsSpan().IndexOf(means);
        Assert.True(at > 16 && bytes.AsSpan(at + 1).IndexOf(means) < 0, "the two means appear once");
        var block = WithDouble(bytes, at - 16 + 8, 2.0);
        Assert.Equal($"The mean activation at offset {at + 8} is 2; it must lie in [0, 1].",
            Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(block))).Message);
        Assert.Equal([0.25, 0.75], ModelFormat.Read(new MemoryStream(bytes)).Summary.MeanActivation.ToArray());
    }

    // ---- The ZCA whitening (ZcaFormat) ----

    // A whitening with a bad epsilon, mean or matrix entry cannot be built (FromParts holds Fit's rules),
    // so the writer never meets one; the reader refuses each in a block, at its offset.
    [Fact]
    public void A_ZCA_with_a_negative_or_NaN_epsilon_is_refused_when_built_and_read()
    {
        var z = FormatSamples.Whitening(3);
        foreach (double epsilon in new[] { -0.5, double.NaN })
        {
            Assert.Contains($"Epsilon must be finite and at least 0, but is {epsilon}.",
                Assert.Throws<ArgumentOutOfRangeException>(() => ZcaWhitening.FromParts(3, epsilon, z.Mean.ToArray(), z.Matrix.ToArray())).Message);
            var block = WithDouble(FormatSamples.Bytes(FormatSamples.Zca(3)), 4, epsilon);
            Assert.Contains($"The epsilon at offset 20 is {epsilon}; it must lie in [0, {double.MaxValue}].",
                Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(block))).Message);
        }
    }

    [Fact]
    public void A_ZCA_fitted_on_no_rows_is_not_saved()
        => RefusedZca(FormatSamples.Zca() with { TrainingRows = 0 }, "The training rows is 0; it must be at least 1.");

    [Fact]
    public void A_ZCA_with_a_non_finite_mean_or_matrix_entry_is_refused_when_built_and_read()
    {
        var z = FormatSamples.Whitening(3);
        var mean = z.Mean.ToArray();
        mean[2] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => ZcaWhitening.FromParts(3, 0.1, mean, z.Matrix.ToArray()));
        Assert.Equal("mean", e.ParamName);
        Assert.StartsWith($"The mean at index 2 is {float.NaN}; every value must be finite.", e.Message);
        var matrix = z.Matrix.ToArray();
        matrix[4] = float.PositiveInfinity;
        e = Assert.Throws<ArgumentException>(() => ZcaWhitening.FromParts(3, 0.1, z.Mean.ToArray(), matrix));
        Assert.Equal("matrix", e.ParamName);
        Assert.StartsWith($"The matrix entry at (1, 1) is {float.PositiveInfinity}; every value must be finite.", e.Message);
        // In a block of V = 3 the mean starts at payload offset 20 and the matrix at 32.
        var block = WithInt(FormatSamples.Bytes(FormatSamples.Zca(3)), 20 + 2 * 4, BitConverter.SingleToInt32Bits(float.NaN));
        Assert.Contains($"The mean at index 2 at offset 44 is {float.NaN}; it must be finite.", Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(block))).Message);
        // Entry (1, 2), not (2, 1): W is stored row-major, as FromParts names it.
        block = WithInt(FormatSamples.Bytes(FormatSamples.Zca(3)), 32 + 5 * 4, BitConverter.SingleToInt32Bits(float.PositiveInfinity));
        Assert.Contains($"The matrix entry at (1, 2) at offset 68 is {float.PositiveInfinity}; it must be finite.", Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(block))).Message);
    }

    // Apply whitens a row as W (x - mu), ApplyBatch rows as (X - mu) W: the same for a symmetric W only, so a matrix that is
    // not whitened a row one way in the ZCA transformer (and its ONNX graph) and another in the featurizer's batches.
    [Fact]
    public void A_ZCA_whose_matrix_is_not_symmetric_is_refused_when_built_and_read()
    {
        var z = FormatSamples.Whitening(3);
        var matrix = z.Matrix.ToArray();
        matrix[1] += 0.5f;   // entry (0, 1)
        var e = Assert.Throws<ArgumentException>(() => ZcaWhitening.FromParts(3, 0.1, z.Mean.ToArray(), matrix));
        Assert.Equal("matrix", e.ParamName);
        Assert.StartsWith($"The matrix entry at (0, 1) is {matrix[1]:R}, but the entry at (1, 0) is {matrix[3]:R}; a ZCA matrix (U diag(1/sqrt(s + epsilon)) U^T) " +
            $"is symmetric, to within 1E-05 of its largest entry", e.Message);
        // The matrix starts at payload offset 32 in a block of V = 3.
        var block = WithInt(FormatSamples.Bytes(FormatSamples.Zca(3)), 32 + 1 * 4, BitConverter.SingleToInt32Bits(matrix[1]));
        Assert.StartsWith("The saved ZCA whitening is inconsistent: The matrix entry at (0, 1) is ",
            Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(block))).Message);

        // Fit's own W is symmetric to float rounding; an entry a few units in the last place from its mirror is taken.
        matrix = z.Matrix.ToArray();
        matrix[1] = MathF.BitIncrement(MathF.BitIncrement(matrix[3]));
        var built = ZcaWhitening.FromParts(3, 0.1, z.Mean.ToArray(), matrix);
        Assert.Equal(matrix, built.Matrix.ToArray());
    }

    // ---- The token vocabulary (TokenVocabularyFormat) ----

    // The sample's idf follows "cl100k_base" (4 + 11 bytes), weighting, normalize, the document count and
    // three ids: payload offset 47. Its N = 12 rows allow idf up to ln(13 / 2) + 1 = 2.871802 (a token in one row):
    // 3e38 was read, and Transform's weights were infinite and its normalised rows NaN.
    [Fact]
    public void A_vocabulary_with_an_idf_outside_what_its_rows_allow_is_refused_by_its_index_when_written_and_read()
    {
        const string rule = "it must lie in [1, 2.871802], the smooth idf ln((1 + N) / (1 + df)) + 1 of a token in 1 to N = 12 rows";
        float largest = (float)(Math.Log(13.0 / 2) + 1);
        Assert.Equal(2.871802f, largest);
        foreach (float bad in new[] { float.NaN, 0.5f, 3e38f, float.PositiveInfinity, MathF.BitIncrement(largest) })
        {
            var v = FormatSamples.TokenVocabulary();
            string said = bad.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Refused(s => TokenVocabularyFormat.Write(s, v with { Idf = [1.5f, bad, 2f] }),
                $"The idf at index 1 is {said}; {rule}. The SparseAe token vocabulary is not saved: its reader would refuse it.");
            var block = WithInt(FormatSamples.Bytes(v), 47 + 4, BitConverter.SingleToInt32Bits(bad));
            var read = Assert.Throws<InvalidDataException>(() => TokenVocabularyFormat.Read(new MemoryStream(block))).Message;
            // A NaN or an infinity meets the reader's check of every float first.
            Assert.Contains($"The idf at index 1 at offset 67 is {said}; {(float.IsFinite(bad) ? rule : "it must be finite")}", read);
        }
        // Both ends are what Fit can make: a token in every row (1) and in one row (the largest).
        var ends = FormatSamples.TokenVocabulary() with { Idf = [1f, largest, 2f] };
        Assert.Equal([1f, largest, 2f], TokenVocabularyFormat.Read(new MemoryStream(FormatSamples.Bytes(s => TokenVocabularyFormat.Write(s, ends)))).Idf);
    }

    [Fact]
    public void A_ZCA_built_from_parts_of_the_wrong_size_is_refused()
    {
        var z = FormatSamples.Whitening(3);
        Assert.Equal("matrix", Assert.Throws<ArgumentException>(() => ZcaWhitening.FromParts(3, 0.1, z.Mean.ToArray(), new float[8])).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentNullException>(() => ZcaWhitening.FromParts(3, 0.1, null!, z.Matrix.ToArray())).ParamName);
        Assert.Contains("at most 8192 features", Assert.Throws<ArgumentOutOfRangeException>(() => ZcaWhitening.FromParts(8193, 0.1, [], [])).Message);
    }

    // The ZCA's V limit (1..ZcaWhitening.MaxDimension) is the writer's rule too, but a whitening over
    // it cannot be fitted (Fit refuses by the same constant) and building one by hand takes 256 MiB.

    // ---- The convolutional featurizer (ConvolutionFormat) ----

    private static SavedConvolution Plain(ConvolutionGeometry geometry, PatchPreprocessor? preprocessor = null, FeatureEncoding? encoding = null)
        => FormatSamples.Convolution(geometry, preprocessor ?? PatchPreprocessor.Identity, encoding ?? FeatureEncoding.Sigmoid);

    // A geometry a block cannot hold is refused when the featurizer is built, before any training, so
    // the writer never meets it; the reader still refuses such a value, at its offset, in the block.
    public static TheoryData<ConvolutionGeometry, int, int, string, string> UnsaveableGeometries() => new()
    {
        { new ConvolutionGeometry(3, 70_000, 3, 1, 1), 4, 70_000, "ImageWidth must lie in 1..65536, but is 70000.", "The image width at offset 20 is 70000; it must lie in 1..65536." },
        { new ConvolutionGeometry(8, 8, 3, 70_000, 1), 12, 70_000, "Stride must lie in 1..65536, but is 70000.", "The stride at offset 28 is 70000; it must lie in 1..65536." },
        { new ConvolutionGeometry(8, 8, 3, 1, PoolGrid: -1, PoolSize: 3), 16, -1, "PoolGrid is unused with a PoolSize but must lie in 0..65536 to be saved, and is -1.", "The pool grid at offset 32 is -1; it must lie in 0..65536." },
    };

    [Theory]
    [MemberData(nameof(UnsaveableGeometries))]
    public void A_geometry_a_block_cannot_hold_is_refused_before_training(ConvolutionGeometry geometry, int payloadOffset, int value, string built, string read)
    {
        Assert.Contains(built, Assert.Throws<ArgumentOutOfRangeException>(() => Plain(geometry)).Message);
        var block = WithInt(FormatSamples.Bytes(Plain(new ConvolutionGeometry(8, 8, 3, 1, 1, PoolSize: 3))), payloadOffset, value);
        Assert.Contains(read, Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(block))).Message);
    }

    [Fact]
    public void A_pool_size_over_65536_is_refused_before_training()
        => Assert.Contains("PoolSize must be 0 (use PoolGrid) or lie in 1..65536, but is 70000.",
            Assert.Throws<ArgumentOutOfRangeException>(() => Plain(new ConvolutionGeometry(8, 8, 3, 1, 1, PoolSize: 70_000))).Message);

    [Fact]
    public void An_unused_pool_grid_of_0_is_saved_and_read_back()
    {
        // With a pool size the grid is not used: 0 says so, and must not make a trained featurizer unsaveable.
        var saved = Plain(new ConvolutionGeometry(8, 8, 3, 1, PoolGrid: 0, PoolSize: 3));
        var read = ConvolutionFormat.Read(new MemoryStream(FormatSamples.Bytes(saved)));
        Assert.Equal(saved.Featurizer.Geometry, read.Featurizer.Geometry);
        // Without a pool size the grid is the pooling, and 0 regions is inconsistent: refused, nothing built.
        var block = WithInt(FormatSamples.Bytes(Plain(new ConvolutionGeometry(8, 8, 3, 1, 1))), 16, 0);
        Assert.Contains("The saved convolutional featurizer is inconsistent: PoolGrid must lie in 1..6 (the 6x6 map of positions that 3x3 patches at stride 1 leave on an 8x8 image), but is 0.",
            Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(block))).Message);
    }

    [Fact]
    public void An_unused_normalisation_parameter_that_is_negative_or_NaN_is_not_saved()
    {
        RefusedConvolution(Plain(new ConvolutionGeometry(8, 8, 3, 1, 2), new PatchPreprocessor(PatchNormalizationKind.None, -1, null)),
            $"The normalisation parameter is -1; it must lie in [0, {double.MaxValue}].");
        RefusedConvolution(Plain(new ConvolutionGeometry(8, 8, 3, 1, 2), new PatchPreprocessor(PatchNormalizationKind.None, double.NaN, null)),
            $"The normalisation parameter is {double.NaN}; it must lie in [0, {double.MaxValue}].");
    }

    [Fact]
    public void An_unused_soft_threshold_that_is_negative_or_NaN_is_not_saved()
    {
        foreach (var alpha in new[] { -0.5, double.NaN })
            RefusedConvolution(Plain(new ConvolutionGeometry(8, 8, 3, 1, 2), encoding: new FeatureEncoding(FeatureEncodingKind.Sigmoid, alpha)),
                $"The soft threshold is {alpha}; it must lie in [0, {double.MaxValue}].");
        // The sigmoid's unused alpha beyond float was written before the soft threshold was held to float's range, and loads.
        var unused = Plain(new ConvolutionGeometry(8, 8, 3, 1, 2), encoding: new FeatureEncoding(FeatureEncodingKind.Sigmoid, 1e39));
        Assert.Equal(1e39, ConvolutionFormat.Read(new MemoryStream(FormatSamples.Bytes(unused))).Featurizer.Encoding.Threshold);
    }

    [Fact]
    public void A_saved_soft_threshold_beyond_float_is_refused_when_read()
    {
        // The soft threshold is the payload's last f64. Beyond float.MaxValue it became infinity in the float
        // arithmetic, and a loaded featurizer gave 0 for every feature.
        var bytes = FormatSamples.Bytes(FormatSamples.Convolution());
        int payload = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        Assert.Equal(0.25, BitConverter.ToDouble(bytes, 16 + payload - 8));
        var block = WithDouble(bytes, payload - 8, 1e39);
        Assert.Equal($"The soft threshold at offset {16 + payload - 8} is {1e39}; with the soft-threshold encoding it must lie in 0..3.4028234663852886E+38 (it is applied as a float).",
            Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(block))).Message);
        Assert.Equal(float.MaxValue, ConvolutionFormat.Read(new MemoryStream(WithDouble(bytes, payload - 8, float.MaxValue))).Featurizer.Encoding.Threshold);
    }

    [Fact]
    public void A_featurizer_trained_on_no_patches_is_not_saved()
        => RefusedConvolution(FormatSamples.Convolution(patches: 0), "The training patches is 0; it must be at least 1.");

    [Fact]
    public void A_nested_autoencoder_its_reader_would_refuse_is_not_saved()
    {
        var saved = FormatSamples.Convolution();
        saved = saved with { Autoencoder = WithSummary(saved.Autoencoder, iterations: -1) };
        Refused(s => ConvolutionFormat.Write(s, saved), "The iterations is -1; it must lie in 0..2147483647. The SparseAe model is not saved");
    }

    [Fact]
    public void A_sparse_code_with_a_sigmoid_decoder_is_not_saved()
        // Written, then refused by the reader ("a sparse code needs the linear decoder").
        => RefusedModel(WithCode(o => o with { Decoder = DecoderKind.Sigmoid }),
            "The objective settings break a rule (Decoder must be Linear with Activation TopK (a sparse code's latents add up linearly), but is Sigmoid).");

    [Fact]
    public void A_featurizer_whose_nested_autoencoder_is_not_its_encoder_is_not_saved()
    {
        // Each was written; the reader rebuilt the featurizer from the nested autoencoder, failing or silently changing it.
        var saved = FormatSamples.Convolution();
        var other = FormatSamples.Autoencoder(v: 4, h: 3);
        Refused(s => ConvolutionFormat.Write(s, saved with { Autoencoder = other }), "The nested autoencoder takes 4 values, but 3x3 patches have 9.");
        var sparse = saved.Autoencoder with { Objective = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK, K: 1) };
        Refused(s => ConvolutionFormat.Write(s, saved with { Autoencoder = sparse }), "The nested autoencoder is a TopK code; the featurizer encodes patches");
        var changed = saved.Autoencoder with { Parameters = saved.Autoencoder.Parameters.Clone() };
        changed.Parameters.Theta[0] += 1;
        Refused(s => ConvolutionFormat.Write(s, saved with { Autoencoder = changed }), "The nested autoencoder has other weights than the featurizer's encoder");
        // The layout's nested block has no column names: given there, they were written against it and read back.
        Refused(s => ConvolutionFormat.Write(s, saved with { Autoencoder = saved.Autoencoder with { ColumnNames = ["x"] } }),
            "The nested autoencoder has 1 column names; in the layout it has none (the featurizer's own are saved.ColumnNames). The SparseAe convolutional featurizer is not saved.");
    }

    // ---- The framing (ChecksummedBlock) ----

    [Fact]
    public void A_block_with_an_empty_payload_or_inconsistent_versions_is_not_written()
    {
        Refused(s => ChecksummedBlock.Write(s, ModelFormat.Magic, 1, 1, []), "The payload length is 0; it must lie in 1..2147483583.");
        Refused(s => ChecksummedBlock.Write(s, ModelFormat.Magic, 2, 3, [1]),
            "The header is inconsistent: format version 2, minimum reader version 3; the version must be at least 1 and the minimum at most the version.");
        Refused(s => ChecksummedBlock.Write(s, ModelFormat.Magic, 0, 0, [1]), "format version 0, minimum reader version 0;");
    }
}
