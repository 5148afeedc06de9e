using Microsoft.ML;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.MLNet.Text;
using SparseAe.Persistence;

[assembly: LoadableClass(typeof(SparseAe.MLNet.SparseAutoencoderTransformer), null, typeof(SignatureLoadModel),
    "Sparse Autoencoder Transformer", SparseAe.MLNet.SparseAutoencoderTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(SparseAe.MLNet.ZcaWhiteningTransformer), null, typeof(SignatureLoadModel),
    "ZCA Whitening Transformer", SparseAe.MLNet.ZcaWhiteningTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(SparseAe.MLNet.ConvolutionalFeaturizerTransformer), null, typeof(SignatureLoadModel),
    "Convolutional Featurizer Transformer", SparseAe.MLNet.ConvolutionalFeaturizerTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(SparseAe.MLNet.TokenCountsTransformer), null, typeof(SignatureLoadModel),
    "Token Counts Transformer", SparseAe.MLNet.TokenCountsTransformer.LoaderSignature)]

namespace SparseAe.MLNet.MLNetInternals;

/// <summary>
/// Saves and loads the project's transformers inside an ML.NET model zip. Each entry (a zip's
/// <c>Model.key</c>) holds ML.NET's header (its <c>ModelHeader</c>: "ML\0MODEL", the model section's
/// offset as an i64 at byte 16 and its length at byte 24, the 8-character model signature at byte 64,
/// and our versions, 0x00010001), then, at the model section's start, one i32 byte count, then a block
/// of exactly that many bytes framed by <see cref="ChecksummedBlock"/> (magic, written and
/// minimum-readable versions, payload, CRC-32) whose payload is laid out by <see cref="ModelFormat"/>
/// (signature SPRSAUTO, autoencoder), <see cref="ZcaFormat"/> (ZCAWHITE, ZCA), <see cref="ConvolutionFormat"/>
/// (CONVFEAT, convolutional featurizer) or <see cref="TokenVocabularyFormat"/> (TOKCOUNT, token counts).
/// Column names travel inside the block: an autoencoder's are [output, input, error] (error "" for none,
/// else not the output's name), every other's [output, input], neither of the first two empty. Save refuses what Load would
/// refuse (the formats' field rules, the column-name layout) before writing into the entry.
/// </summary>
internal static class ModelPersistence
{
    // ML.NET's own header: an 8-character model signature and versions 0xMMMMmmmm. Our blocks carry
    // their own versions, so these stay at 1 unless ML.NET's framing of the entry changes.
    private const uint Version1 = 0x00010001;

    private static VersionInfo Info(string modelSignature, string loaderSignature) => new(
        modelSignature: modelSignature,
        verWrittenCur: Version1,
        verReadableCur: Version1,
        verWeCanReadBack: Version1,
        loaderSignature: loaderSignature,
        loaderAssemblyName: typeof(ModelPersistence).Assembly.FullName);

    private static VersionInfo AutoencoderInfo => Info("SPRSAUTO", SparseAutoencoderTransformer.LoaderSignature);
    private static VersionInfo ZcaInfo => Info("ZCAWHITE", ZcaWhiteningTransformer.LoaderSignature);
    private static VersionInfo ConvolutionInfo => Info("CONVFEAT", ConvolutionalFeaturizerTransformer.LoaderSignature);
    private static VersionInfo TokenCountsInfo => Info("TOKCOUNT", TokenCountsTransformer.LoaderSignature);

    public static void Save(ModelSaveContext ctx, TokenCountsTransformer t)
    {
        var names = SaveNames([t.OutputColumnName, t.InputColumnName], 2, "token counts", "[output, input]");
        SaveBlock(ctx, TokenCountsInfo, s => TokenVocabularyFormat.Write(s, t.Vocabulary.ToSaved(names)));
    }

    public static TokenCountsTransformer LoadTokenCounts(IHostEnvironment env, ModelLoadContext ctx)
    {
        var saved = LoadBlock(ctx, TokenCountsInfo, "token counts", TokenVocabularyFormat.Read);
        var names = CheckNames(saved.ColumnNames, 2, "token counts", "[output, input]");
        TokenVocabulary vocabulary;
        try
        {
            // The block is sound; its encoding and ids are checked against the tokenizer before any transformer exists.
            vocabulary = TokenVocabulary.FromSaved(saved);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The token counts in this model cannot be loaded: {e.Message}", e);
        }
        return new TokenCountsTransformer(names[0], names[1], vocabulary);
    }

    public static void Save(ModelSaveContext ctx, ConvolutionalFeaturizerTransformer t)
    {
        var names = SaveNames([t.OutputColumnName, t.InputColumnName], 2, "convolutional featurizer", "[output, input]");
        SaveBlock(ctx, ConvolutionInfo, s => ConvolutionFormat.Write(s, new SavedConvolution(t.Featurizer,
            new SavedAutoencoder(t.Featurizer.Parameters, t.Objective, t.AutoencoderSummary, []), t.TrainingPatches, names)));
    }

    public static ConvolutionalFeaturizerTransformer LoadConvolution(IHostEnvironment env, ModelLoadContext ctx)
    {
        var saved = LoadBlock(ctx, ConvolutionInfo, "convolutional featurizer", ConvolutionFormat.Read);
        var names = CheckNames(saved.ColumnNames, 2, "convolutional featurizer", "[output, input]");
        return new ConvolutionalFeaturizerTransformer(names[0], names[1], saved.Featurizer, saved.Autoencoder.Summary,
            saved.Autoencoder.Objective, saved.TrainingPatches);
    }

    public static void Save(ModelSaveContext ctx, SparseAutoencoderTransformer t)
    {
        var names = SaveNames([t.OutputColumnName, t.InputColumnName, t.ReconstructionErrorColumnName ?? ""], 3, "sparse autoencoder",
            "[output, input, error]");
        SaveBlock(ctx, AutoencoderInfo, s => ModelFormat.Write(s, new SavedAutoencoder(t.Weights.ToParameters(), t.Objective, t.Summary, names)));
    }

    public static void Save(ModelSaveContext ctx, ZcaWhiteningTransformer t)
    {
        var names = SaveNames([t.OutputColumnName, t.InputColumnName], 2, "ZCA whitening", "[output, input]");
        SaveBlock(ctx, ZcaInfo, s => ZcaFormat.Write(s, new SavedZca(t.Whitening, t.TrainingRows, names)));
    }

    public static SparseAutoencoderTransformer LoadAutoencoder(IHostEnvironment env, ModelLoadContext ctx)
    {
        var saved = LoadBlock(ctx, AutoencoderInfo, "sparse autoencoder", ModelFormat.Read);
        var names = CheckNames(saved.ColumnNames, 3, "sparse autoencoder", "[output, input, error]");
        return new SparseAutoencoderTransformer(names[0], names[1], names[2].Length == 0 ? null : names[2],
            saved.Parameters, saved.Objective, saved.Summary);
    }

    public static ZcaWhiteningTransformer LoadZca(IHostEnvironment env, ModelLoadContext ctx)
    {
        var saved = LoadBlock(ctx, ZcaInfo, "ZCA whitening", ZcaFormat.Read);
        var names = CheckNames(saved.ColumnNames, 2, "ZCA whitening", "[output, input]");
        return new ZcaWhiteningTransformer(names[0], names[1], saved.Whitening, saved.TrainingRows);
    }

    /// <summary>
    /// The loader signature and loader assembly that ML.NET's header of a saved entry (a zip's <c>Model.key</c>) names,
    /// or null where that header does not read: what ML.NET's "Couldn't load model" leaves unsaid.
    /// </summary>
    public static (string LoaderSignature, string? AssemblyName)? EntryLoader(Stream entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            // ML.NET's header reader seeks and asks the length, which a zip entry's stream cannot answer.
            using var bytes = new MemoryStream();
            entry.CopyTo(bytes);
            bytes.Position = 0;
            using var reader = new BinaryReader(bytes, System.Text.Encoding.UTF8, leaveOpen: true);
            ModelHeader.BeginRead(out _, out var header, out _, out var assemblyName, reader);
            return (ModelHeader.GetLoaderSig(ref header), assemblyName);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or IOException or InvalidDataException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    // The block is made (and every field checked by its writer) before anything goes into the entry.
    private static void SaveBlock(ModelSaveContext ctx, VersionInfo info, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel();
        using var block = new MemoryStream();
        write(block);
        ctx.SetVersionInfo(info);
        ctx.Writer.Write(checked((int)block.Length));
        ctx.Writer.Write(block.GetBuffer(), 0, (int)block.Length);
    }

    private static T LoadBlock<T>(ModelLoadContext ctx, VersionInfo info, string what, Func<Stream, T> read)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        // An entry whose versions a later build raised: ML.NET's check says "ML.NET 1.0.0.0 cannont read component ... too new",
        // which the catch below called damage. It is neither: a newer SparseAe wrote it.
        var header = ctx.Header;
        if (header.ModelSignature == info.ModelSignature && header.ModelVerReadable > info.VerWrittenCur && header.ModelVerReadable <= header.ModelVerWritten)
            throw new InvalidDataException($"The {what} entry of the model was written by a newer SparseAe (entry version 0x{header.ModelVerWritten:X8}, " +
                $"readable from 0x{header.ModelVerReadable:X8}); this library reads entry versions up to 0x{info.VerWrittenCur:X8}. Upgrade SparseAe to load it.");
        int length;
        try
        {
            ctx.CheckAtModel(info);
            length = ctx.Reader.ReadInt32();
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or IOException)
        {
            // ML.NET's own header check (signature, versions) and a cut-short entry: say which entry is damaged.
            throw new InvalidDataException($"The {what} entry of the model is damaged: its ML.NET header does not check out ({e.Message}).", e);
        }
        var stream = ctx.Reader.BaseStream;
        long remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (length < 1 || length > remaining)
            throw new InvalidDataException(
                $"The {what} entry of the model is damaged or truncated: it declares {English.Article(length)} {length}-byte block but {(stream.CanSeek ? remaining.ToString() : "an unknown number of")} bytes remain.");
        var block = new MemoryStream(ctx.Reader.ReadBytes(length), writable: false);
        T loaded;
        try
        {
            loaded = read(block);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The {what} in this model cannot be loaded: {e.Message}", e);
        }
        // A count above the block but within the entry (ML.NET's strings follow it) left the reader past the model's end,
        // and ML.NET's end-of-model check then failed with .NET's bare "One of the identified items was in an invalid format."
        if (block.Position != length)
            throw new InvalidDataException($"The {what} entry of the model is damaged: it declares {English.Article(length)} {length}-byte block, but its block ends after {block.Position} bytes.");
        return loaded;
    }

    private static IReadOnlyList<string> CheckNames(IReadOnlyList<string> names, int count, string what, string layout)
        => NamesProblem(names, count, what, layout) is { } problem ? throw new InvalidDataException(problem) : names;

    // Save holds the names to the rule Load holds them to, in the same words.
    private static string[] SaveNames(string[] names, int count, string what, string layout)
        => NamesProblem(names, count, what, layout) is { } problem
            ? throw new ArgumentException($"{problem} The {what} is not saved: its loader would refuse it.")
            : names;

    // The autoencoder's third name, its error column (empty: none), must differ from its output column, as the
    // estimator requires: two added columns of one name would leave the code hidden behind the error.
    private static string? NamesProblem(IReadOnlyList<string> names, int count, string what, string layout)
        => names.Count != count || names[0].Length == 0 || names[1].Length == 0
            ? $"The {what} entry must name {layout} columns, with non-empty output and input, but holds [{string.Join(", ", names.Select(n => $"'{n}'"))}]."
            : count == 3 && names[2] == names[0]
                ? $"The {what} entry names the error column '{names[2]}', the name of its output column; each column it adds must have a name of its own."
                : null;
}
