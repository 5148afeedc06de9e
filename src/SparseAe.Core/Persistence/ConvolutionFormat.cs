using SparseAe.Convolution;

namespace SparseAe.Persistence;

/// <summary>A saved convolutional featurizer: the featurizer, its autoencoder as trained, the number of
/// patches the ZCA and the autoencoder were fitted on, and host column names.</summary>
public sealed record SavedConvolution(ConvolutionalFeaturizer Featurizer, SavedAutoencoder Autoencoder, long TrainingPatches, IReadOnlyList<string> ColumnNames);

/// <summary>
/// The binary format of a convolutional featurizer, framed by <see cref="ChecksummedBlock"/> with
/// magic "SCNV" (0x564E4353), written as version 3, minimum reader 3. The payload, little-endian,
/// offsets relative to its start:
/// <code>
///   0   i32  image height, 1..65536     4   i32  image width, 1..65536
///   8   i32  patch size P, 1..min(height, width)
///   12  i32  stride, 1..65536       16  i32  pool grid G, 0..65536 (0 only with a pool size, which makes G unused)
///   20  i32  pooling (0 sum, 1 mean)
///   24  i32  normalisation (0 none, 1 UFLDL, 2 contrast)         28  f64  its parameter, >= 0 and finite
///   36  i64  training patches >= 1
///   44  i32  Z, the byte length of a ZCA block (0: no ZCA), then Z bytes: exactly one ZcaFormat block
///            of V = P x P, with no column names
///       i32  A >= 1, the byte length of the autoencoder block, then A bytes: exactly one ModelFormat block
///            of a sigmoid autoencoder of V = P x P, with no column names (the featurizer's encoder: a sparse
///            code, ReLU, TopK or JumpReLU, is refused; the writer refuses names there since 2026-12-07, and a
///            reader takes any it finds, as a block written before may hold them)
///       i32  N in 0..64, column names, then N x (i32 byte length in 0..4096, UTF-8 bytes)
///   version 1 ends here
///       i32  pool size, 0..65536 (0: the pool grid)
///   version 2 ends here
///       i32  encoding (0 sigmoid, 1 soft threshold)
///       f64  soft threshold alpha, >= 0 and finite; with encoding 1 at most float.MaxValue (it is applied as a float; the
///            sigmoid's unused alpha keeps the wider range it was written with)
///   version 3 ends here
/// </code>
/// The nested blocks carry their own magic, versions and CRC-32 and are read (and written) by their
/// own formats (the outer CRC-32 covers them again); the geometry is validated before anything is
/// built from it (a block that breaks the featurizer's own rules is refused as inconsistent). The
/// normalisation's parameter is UFLDL's pstd (3 standard deviations of the training patches) or the
/// contrast epsilon (at least float's smallest normal, 2^-126), above 0 for both, unused with none. The
/// writer holds every field to the reader's rule and refuses, naming it, before writing anything. A pool grid of 0 beside a
/// pool size is read since the build of 2026-12-04; earlier version-3 readers refuse that block, naming
/// the field, and read every other.
/// </summary>
public static class ConvolutionFormat
{
    /// <summary>The block's first four bytes, "SCNV" in ASCII (little-endian).</summary>
    public const uint Magic = 0x564E4353;
    /// <summary>Version 2 added the pool size (after the column names); version 1 blocks pool over a grid.
    /// Version 3 added the feature encoding; version 2 blocks use the sigmoid code.</summary>
    public const uint CurrentVersion = 3;

    /// <summary>
    /// Version 3 blocks end with 12 bytes (the encoding) that a version-2 reader does not expect; it
    /// would refuse them as unexpected bytes after reading the header. Readers refuse bytes after the
    /// last field they know, so a version that appends a field is the minimum reader of its blocks.
    /// </summary>
    public const uint MinReadableVersion = 3;

    /// <summary>The largest image side, stride, pool grid and pool size a block may hold: the geometry's own limit.</summary>
    public const int MaxSide = ConvolutionGeometry.MaxSide;

    // The rule of each checked field, used by the writer and the reader alike (see FieldRules).
    private static readonly IntField ImageHeight = new("image height", 1, MaxSide), ImageWidth = new("image width", 1, MaxSide),
        Stride = new("stride", 1, MaxSide), PoolGrid = new("pool grid", 0, MaxSide), Pooling = new("pooling", 0, 1),
        Normalization = new("normalisation", 0, 2), PoolSize = new("pool size", 0, MaxSide), EncodingKind = new("feature encoding", 0, 1);
    private static IntField PatchSize(int height, int width) => new("patch size", 1, Math.Min(height, width));
    private static readonly DoubleField NormalizationParameter = new("normalisation parameter", 0, double.MaxValue),
        SoftThreshold = new("soft threshold", 0, double.MaxValue);
    private static readonly LongField TrainingPatches = new("training patches", 1);

    /// <summary>
    /// Writes the featurizer to the stream. Throws <see cref="ArgumentException"/>, naming the field,
    /// its value and the rule, for anything <see cref="Read(Stream)"/> would refuse (the nested
    /// autoencoder and ZCA blocks by their own writers' rules); nothing is written then.
    /// </summary>
    public static void Write(Stream stream, SavedConvolution saved)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(saved.Featurizer, "saved.Featurizer");
        ArgumentNullException.ThrowIfNull(saved.Autoencoder, "saved.Autoencoder");
        ArgumentNullException.ThrowIfNull(saved.Autoencoder.ColumnNames, "saved.Autoencoder.ColumnNames");
        ArgumentNullException.ThrowIfNull(saved.ColumnNames, "saved.ColumnNames");
        var f = saved.Featurizer;
        var g = f.Geometry;
        using var w = new PayloadWriter("SparseAe convolutional featurizer");
        // The reader rebuilds the featurizer from the nested autoencoder, so the two must be one encoder, of
        // P x P inputs, with the sigmoid code the featurizer computes (or its soft threshold).
        var nested = saved.Autoencoder.Parameters;
        if (nested.VisibleCount != g.PatchLength)
            throw w.Refusal("nested autoencoder", $"takes {nested.VisibleCount} values, but {g.PatchSize}x{g.PatchSize} patches have {g.PatchLength}");
        if (CodeProblem(saved.Autoencoder.Objective) is { } code)
            throw w.Refusal("nested autoencoder", code);
        if (!nested.Theta.AsSpan().SequenceEqual(f.Parameters.Theta))
            throw w.Refusal("nested autoencoder", "has other weights than the featurizer's encoder; the reader would rebuild the featurizer from the autoencoder's");
        // The layout's nested block has no column names (the featurizer's are its own field): names given there were
        // written as given, against the layout, and read back as the autoencoder's. The reader still takes them, as a
        // block written before may hold them, so this is the layout's rule, not its reader's.
        if (saved.Autoencoder.ColumnNames.Count != 0)
            throw new ArgumentException($"The nested autoencoder has {saved.Autoencoder.ColumnNames.Count} column names; in the layout it has none " +
                "(the featurizer's own are saved.ColumnNames). The SparseAe convolutional featurizer is not saved.", nameof(saved));
        w.Int(ImageHeight, g.ImageHeight); w.Int(ImageWidth, g.ImageWidth); w.Int(PatchSize(g.ImageHeight, g.ImageWidth), g.PatchSize);
        w.Int(Stride, g.Stride); w.Int(PoolGrid, g.PoolGrid);
        w.Int(Pooling, (int)f.Pooling);
        w.Int(Normalization, (int)f.Preprocessor.Normalization); w.Double(NormalizationParameter, f.Preprocessor.Parameter);
        w.Long(TrainingPatches, saved.TrainingPatches);
        WriteNested(w, f.Preprocessor.Zca is { } zca ? s => ZcaFormat.Write(s, new SavedZca(zca, saved.TrainingPatches, [])) : null);
        WriteNested(w, s => ModelFormat.Write(s, saved.Autoencoder));
        ModelFormat.WriteNames(w, saved.ColumnNames);
        w.Int(PoolSize, g.PoolSize);
        w.Int(EncodingKind, (int)f.Encoding.Kind); w.Double(SoftThreshold, f.Encoding.Threshold);
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, w.Written);
    }

    /// <summary>Reads and checks one block (CRC, version, every field's rule); throws InvalidDataException naming what is wrong.</summary>
    public static SavedConvolution Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>Reads as the reader of format version <paramref name="readerVersion"/> did (see <see cref="ModelFormat"/>):
    /// its header check and its layout; the nested blocks are read by today's readers.</summary>
    internal static SavedConvolution Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        const string what = "SparseAe convolutional featurizer";
        var (payload, written) = ChecksummedBlock.Read(stream, Magic, readerVersion, what);
        uint version = Math.Min(written, readerVersion);
        var r = new PayloadReader(payload, ChecksummedBlock.HeaderBytes, what, version);
        int height = r.Int(ImageHeight), width = r.Int(ImageWidth);
        int patch = r.Int(PatchSize(height, width));
        int stride = r.Int(Stride);
        int grid = r.Int(PoolGrid);
        var pooling = (PoolingKind)r.Int(Pooling);
        var normalization = (PatchNormalizationKind)r.Int(Normalization);
        double parameter = r.Double(NormalizationParameter);
        long patches = r.Long(TrainingPatches);
        int zcaLength = r.Int("ZCA block length", 0, r.Remaining - 4);
        var zca = zcaLength == 0 ? null : ReadNested(r.Bytes(zcaLength, "ZCA block"), r.Offset - zcaLength - 4, "ZCA block", ZcaFormat.Read).Whitening;
        int aeLength = r.Int("autoencoder block length", 1, r.Remaining - 4);
        long aeOffset = r.Offset;
        var autoencoder = ReadNested(r.Bytes(aeLength, "autoencoder block"), aeOffset - 4, "autoencoder block", ModelFormat.Read);
        if (CodeProblem(autoencoder.Objective) is { } code)
            throw PayloadReader.Invalid("nested autoencoder", aeOffset, code);
        var names = ModelFormat.ReadNames(ref r);
        int poolSize = version >= 2 ? r.Int(PoolSize) : 0;
        var encoding = FeatureEncoding.Sigmoid;
        if (version >= 3)
        {
            var kind = (FeatureEncodingKind)r.Int(EncodingKind);
            long thresholdAt = r.Offset;
            double threshold = r.Double(SoftThreshold);
            // Held to float's range where it is used (1e39 made every feature 0). A sigmoid block's unused alpha was written
            // up to double.MaxValue, and still loads.
            if (kind == FeatureEncodingKind.SoftThreshold && !FeatureEncoding.IsThreshold(threshold))
                throw PayloadReader.Invalid(SoftThreshold.What, thresholdAt, $"is {threshold}; with the soft-threshold encoding it {FeatureEncoding.ThresholdRule}");
            encoding = new FeatureEncoding(kind, threshold);
        }
        r.End();
        var geometry = new ConvolutionGeometry(height, width, patch, stride, grid, poolSize);
        try
        {
            var featurizer = new ConvolutionalFeaturizer(geometry, new PatchPreprocessor(normalization, parameter, zca), autoencoder.Parameters, pooling, encoding);
            return new SavedConvolution(featurizer, autoencoder, patches, names);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The saved convolutional featurizer is inconsistent: {e.Message}", e);
        }
    }

    // The featurizer encodes with the nested autoencoder's first layer and the sigmoid (or its soft threshold):
    // a sparse code there would be saved, and loaded, as what it does not compute. One rule for both sides.
    private static string? CodeProblem(Objective.ObjectiveSettings objective)
        => objective.IsSparseCode ? $"is a {objective.Activation} code; the featurizer encodes patches with the sigmoid autoencoder's first layer" : null;

    // The byte length before a nested block counts that block and nothing else: bytes after its CRC-32 belong to no
    // field of any layout (they were read past and ignored). lengthOffset is the length field's, for the message.
    private static T ReadNested<T>(byte[] bytes, long lengthOffset, string block, Func<Stream, T> read)
    {
        var stream = new MemoryStream(bytes, writable: false);
        var saved = read(stream);
        if (stream.Position != bytes.Length)
            throw PayloadReader.Invalid($"{block} length", lengthOffset,
                $"is {bytes.Length}, but the {block} ends after {stream.Position} bytes, at its CRC-32; the {bytes.Length - stream.Position} bytes after it belong to no field");
        return saved;
    }

    // i32 byte length (0: none), then the block its own writer made (and checked).
    private static void WriteNested(PayloadWriter w, Action<Stream>? write)
    {
        if (write is null) { w.Int(0); return; }
        using var nested = new MemoryStream();
        write(nested);
        w.Int((int)nested.Length);
        w.Bytes(nested.GetBuffer().AsSpan(0, (int)nested.Length));
    }
}
