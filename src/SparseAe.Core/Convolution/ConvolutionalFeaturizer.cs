using SparseAe.Model;

namespace SparseAe.Convolution;

/// <summary>
/// Convolutional featurisation with a trained patch autoencoder (UFLDL, "Convolution and pooling";
/// Coates, Lee and Ng, "An analysis of single-layer networks in unsupervised feature learning", 2011):
/// the encoder is applied at every position of an image, giving H feature maps of R x C positions, and
/// each map is pooled over a G x G grid of regions into one vector of G*G*H values per image.
/// </summary>
/// <remarks>
/// Shapes: the image is (ImageHeight, ImageWidth) row-major; the patches of all N = R*C positions form
/// one (N, P*P) matrix, preprocessed as in training and encoded with one matrix product
/// (N, P*P) x (P*P, H), so the convolution runs on the tuned kernel. Position (r, c) falls in region
/// (RegionOfRow(r), RegionOfColumn(c)) of <see cref="ConvolutionGeometry"/>. Output index:
/// (regionRow * RegionColumns + regionColumn) * H + j. Immutable and thread-safe; each
/// caller brings its own <see cref="Workspace"/>.
/// </remarks>
public sealed class ConvolutionalFeaturizer
{
    public ConvolutionalFeaturizer(ConvolutionGeometry geometry, PatchPreprocessor preprocessor, AutoencoderParameters encoder, PoolingKind pooling)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(encoder);
        geometry.Validate();
        preprocessor.Validate(geometry.PatchLength);
        if (encoder.VisibleCount != geometry.PatchLength)
            throw new ArgumentException($"The autoencoder takes {encoder.VisibleCount} values but {geometry.PatchSize}x{geometry.PatchSize} patches have {geometry.PatchLength}.", nameof(encoder));
        if (!Enum.IsDefined(pooling)) throw new ArgumentOutOfRangeException(nameof(pooling), pooling, $"pooling must be Sum or Mean, but is {(int)pooling}.");
        Geometry = geometry;
        Preprocessor = preprocessor;
        Parameters = encoder.Clone();
        Encoder = new AutoencoderEncoder(encoder);
        Pooling = pooling;
    }

    public ConvolutionGeometry Geometry { get; }
    public PatchPreprocessor Preprocessor { get; }
    public PoolingKind Pooling { get; }
    public AutoencoderEncoder Encoder { get; }

    /// <summary>A copy of the encoder's parameters (for saving).</summary>
    public AutoencoderParameters Parameters { get; }

    /// <summary>Regions x H: the length of an image's feature vector.</summary>
    public int FeatureCount => Geometry.RegionRows * Geometry.RegionColumns * Encoder.HiddenCount;

    /// <summary>Buffers for one caller: the patch matrix and the codes of every position.</summary>
    public Workspace CreateWorkspace() => new(this);

    /// <summary>Writes the pooled features of one image.</summary>
    public void Featurize(ReadOnlySpan<float> image, Span<float> features, Workspace workspace)
    {
        var g = Geometry;
        if (image.Length != g.ImageHeight * g.ImageWidth)
            throw new ArgumentException($"The image must have {g.ImageHeight}x{g.ImageWidth} = {g.ImageHeight * g.ImageWidth} values, but has {image.Length}.", nameof(image));
        if (features.Length != FeatureCount)
            throw new ArgumentException($"features must hold {FeatureCount} values, but holds {features.Length}.", nameof(features));
        ArgumentNullException.ThrowIfNull(workspace);
        int rows = g.RowPositions, cols = g.ColumnPositions, p = g.PatchSize, length = g.PatchLength, h = Encoder.HiddenCount;
        int positions = rows * cols;
        var patches = workspace.Patches;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                var patch = patches.AsSpan((r * cols + c) * length, length);
                int top = r * g.Stride, left = c * g.Stride;
                for (int y = 0; y < p; y++) image.Slice((top + y) * g.ImageWidth + left, p).CopyTo(patch.Slice(y * p, p));
            }
        Preprocessor.Apply(patches.AsSpan(0, positions * length), positions, length, workspace.Scratch);
        var codes = workspace.Codes;
        Encoder.EncodeBatch(patches.AsSpan(0, positions * length), positions, codes);

        features.Clear();
        int regionColumns = g.RegionColumns;
        var counts = workspace.RegionCounts;
        Array.Clear(counts);
        for (int r = 0; r < rows; r++)
        {
            int gr = g.RegionOfRow(r);
            for (int c = 0; c < cols; c++)
            {
                int region = gr * regionColumns + g.RegionOfColumn(c);
                counts[region]++;
                System.Numerics.Tensors.TensorPrimitives.Add(features.Slice(region * h, h), codes.AsSpan((r * cols + c) * h, h), features.Slice(region * h, h));
            }
        }
        if (Pooling == PoolingKind.Mean)
            for (int region = 0; region < counts.Length; region++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(features.Slice(region * h, h), 1f / counts[region], features.Slice(region * h, h));
    }

    /// <summary>One caller's buffers (not thread-safe; make one per thread or cursor).</summary>
    public sealed class Workspace
    {
        internal Workspace(ConvolutionalFeaturizer f)
        {
            int positions = f.Geometry.RowPositions * f.Geometry.ColumnPositions;
            Patches = new float[positions * f.Geometry.PatchLength];
            Codes = new float[positions * f.Encoder.HiddenCount];
            RegionCounts = new int[f.Geometry.RegionRows * f.Geometry.RegionColumns];
            Scratch = new float[2 * f.Geometry.PatchLength];
        }

        internal float[] Scratch { get; }

        internal float[] Patches { get; }
        internal float[] Codes { get; }
        internal int[] RegionCounts { get; }
    }
}
