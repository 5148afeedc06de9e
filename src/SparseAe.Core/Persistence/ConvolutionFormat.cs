using System.Text;
using SparseAe.Convolution;

namespace SparseAe.Persistence;

/// <summary>A saved convolutional featurizer: the featurizer, its autoencoder as trained, the number of
/// patches the ZCA and the autoencoder were fitted on, and host column names.</summary>
public sealed record SavedConvolution(ConvolutionalFeaturizer Featurizer, SavedAutoencoder Autoencoder, long TrainingPatches, IReadOnlyList<string> ColumnNames);

/// <summary>
/// The binary format of a convolutional featurizer, framed by <see cref="ChecksummedBlock"/> with
/// magic "SCNV" (0x564E4353). The payload, little-endian, offsets relative to its start:
/// <code>
///   0   i32  image height >= 1      4   i32  image width >= 1
///   8   i32  patch size P           12  i32  stride >= 1          16  i32  pool grid G
///   20  i32  pooling (0 sum, 1 mean)
///   24  i32  normalisation (0 none, 1 UFLDL, 2 contrast)         28  f64  its parameter
///   36  i64  training patches >= 1
///   44  i32  Z, the byte length of a ZCA block (0: no ZCA), then Z bytes: a ZcaFormat block
///       i32  A, the byte length of the autoencoder block, then A bytes: a ModelFormat block
///       i32  K, column names, then K x (i32 byte length, UTF-8 bytes)
///       i32  pool size (0: the pool grid)                  format version 2 and later only
///       i32  encoding (0 sigmoid, 1 soft threshold)        format version 3 and later only
///       f64  soft threshold alpha (0 for sigmoid)          format version 3 and later only
/// </code>
/// The nested blocks carry their own magic, versions and CRC-32 and are read by their own readers;
/// the geometry is validated before anything is built from it.
/// </summary>
public static class ConvolutionFormat
{
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

    public static void Write(Stream stream, SavedConvolution saved)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(saved);
        var f = saved.Featurizer;
        var g = f.Geometry;
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(g.ImageHeight); w.Write(g.ImageWidth); w.Write(g.PatchSize); w.Write(g.Stride); w.Write(g.PoolGrid);
            w.Write((int)f.Pooling);
            w.Write((int)f.Preprocessor.Normalization); w.Write(f.Preprocessor.Parameter);
            w.Write(saved.TrainingPatches);
            WriteNested(w, f.Preprocessor.Zca is { } zca ? s => ZcaFormat.Write(s, new SavedZca(zca, saved.TrainingPatches, [])) : null);
            WriteNested(w, s => ModelFormat.Write(s, saved.Autoencoder));
            ModelFormat.WriteNames(w, saved.ColumnNames);
            w.Write(g.PoolSize);
            w.Write((int)f.Encoding.Kind); w.Write(f.Encoding.Threshold);
        }
        ChecksummedBlock.Write(stream, Magic, CurrentVersion, MinReadableVersion, payload.GetBuffer().AsSpan(0, (int)payload.Length));
    }

    public static SavedConvolution Read(Stream stream) => Read(stream, CurrentVersion);

    /// <summary>Reads as the reader of format version <paramref name="readerVersion"/> did (see <see cref="ModelFormat"/>):
    /// its header check and its layout; the nested blocks are read by today's readers.</summary>
    internal static SavedConvolution Read(Stream stream, uint readerVersion)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfZero(readerVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readerVersion, CurrentVersion);
        var (payload, written) = ChecksummedBlock.Read(stream, Magic, readerVersion, "SparseAe convolutional featurizer");
        uint version = Math.Min(written, readerVersion);
        var r = new PayloadReader(payload, ChecksummedBlock.HeaderBytes);
        int height = r.Int("image height", 1, 65_536), width = r.Int("image width", 1, 65_536);
        int patch = r.Int("patch size", 1, Math.Min(height, width));
        int stride = r.Int("stride", 1, 65_536);
        int grid = r.Int("pool grid", 1, 65_536);
        var pooling = (PoolingKind)r.Int("pooling", 0, 1);
        var normalization = (PatchNormalizationKind)r.Int("normalisation", 0, 2);
        double parameter = r.Double("normalisation parameter", 0, double.MaxValue);
        long patches = r.Long("training patches", 1);
        int zcaLength = r.Int("ZCA block length", 0, r.Remaining - 4);
        var zca = zcaLength == 0 ? null : ZcaFormat.Read(new MemoryStream(r.Bytes(zcaLength, "ZCA block"))).Whitening;
        int aeLength = r.Int("autoencoder block length", 1, r.Remaining - 4);
        var autoencoder = ModelFormat.Read(new MemoryStream(r.Bytes(aeLength, "autoencoder block")));
        var names = ModelFormat.ReadNames(ref r);
        int poolSize = version >= 2 ? r.Int("pool size", 0, 65_536) : 0;
        var encoding = FeatureEncoding.Sigmoid;
        if (version >= 3)
        {
            var kind = (FeatureEncodingKind)r.Int("feature encoding", 0, 1);
            double threshold = r.Double("soft threshold", 0, double.MaxValue);
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

    private static void WriteNested(BinaryWriter w, Action<Stream>? write)
    {
        if (write is null) { w.Write(0); return; }
        using var nested = new MemoryStream();
        write(nested);
        w.Write((int)nested.Length);
        w.Write(nested.GetBuffer(), 0, (int)nested.Length);
    }
}
