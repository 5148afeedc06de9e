using Microsoft.ML;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Persistence;

[assembly: LoadableClass(typeof(SparseAe.MLNet.SparseAutoencoderTransformer), null, typeof(SignatureLoadModel),
    "Sparse Autoencoder Transformer", SparseAe.MLNet.SparseAutoencoderTransformer.LoaderSignature)]

namespace SparseAe.MLNet.MLNetInternals;

/// <summary>
/// Saves and loads the transformer inside an ML.NET model zip. The entry holds ML.NET's version
/// header, then one i32 byte count, then the self-describing block of <see cref="ModelFormat"/>
/// (magic, written and minimum-readable versions, payload, CRC-32), whose layout comment is the
/// single description of the bytes; column names are inside it as [output, input, error or ""].
/// </summary>
internal static class ModelPersistence
{
    // ML.NET's own header: an 8-character model signature and versions 0xMMMMmmmm. Our format carries
    // its own versions, so these stay at 1 unless ML.NET's framing of the entry changes.
    private const string ModelSignature = "SPRSAUTO";
    private const uint Version1 = 0x00010001;

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: ModelSignature,
        verWrittenCur: Version1,
        verReadableCur: Version1,
        verWeCanReadBack: Version1,
        loaderSignature: SparseAutoencoderTransformer.LoaderSignature,
        loaderAssemblyName: typeof(SparseAutoencoderTransformer).Assembly.FullName);

    public static void Save(ModelSaveContext ctx, SparseAutoencoderTransformer t)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        var saved = new SavedAutoencoder(t.Weights.ToParameters(), t.Objective, t.Summary,
            [t.OutputColumnName, t.InputColumnName, t.ReconstructionErrorColumnName ?? ""]);
        using var block = new MemoryStream();
        ModelFormat.Write(block, saved);
        ctx.Writer.Write(checked((int)block.Length));
        ctx.Writer.Write(block.GetBuffer(), 0, (int)block.Length);
    }

    public static SparseAutoencoderTransformer Load(IHostEnvironment env, ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.CheckAtModel(GetVersionInfo());
        var stream = ctx.Reader.BaseStream;
        int length = ctx.Reader.ReadInt32();
        long remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (length < 1 || length > remaining)
            throw new InvalidDataException(
                $"The sparse autoencoder entry of the model is damaged or truncated: it declares a {length}-byte block but {(stream.CanSeek ? remaining.ToString() : "an unknown number of")} bytes remain.");
        var bytes = ctx.Reader.ReadBytes(length);
        SavedAutoencoder saved;
        try
        {
            saved = ModelFormat.Read(new MemoryStream(bytes, writable: false));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The sparse autoencoder in this model cannot be loaded: {e.Message}", e);
        }
        if (saved.ColumnNames.Count != 3 || saved.ColumnNames[0].Length == 0 || saved.ColumnNames[1].Length == 0)
            throw new InvalidDataException(
                $"The sparse autoencoder entry must name [output, input, error] columns, with non-empty output and input, but holds [{string.Join(", ", saved.ColumnNames.Select(n => $"'{n}'"))}].");
        string? error = saved.ColumnNames[2].Length == 0 ? null : saved.ColumnNames[2];
        return new SparseAutoencoderTransformer(saved.ColumnNames[0], saved.ColumnNames[1], error,
            saved.Parameters, saved.Objective, saved.Summary);
    }
}
