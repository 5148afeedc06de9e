using SparseAe.Kernels;
using SparseAe.Model;

namespace SparseAe.Convolution;

/// <summary>
/// Convolutional featurisation with a trained patch autoencoder (UFLDL, "Convolution and pooling";
/// Coates, Lee and Ng, "An analysis of single-layer networks in unsupervised feature learning", 2011):
/// the encoder is applied at every position of an image, giving H feature maps of R x C positions, and
/// each map is pooled over the regions of <see cref="ConvolutionGeometry"/> (a G x G grid, or
/// ceil(R / PoolSize) x ceil(C / PoolSize) blocks) into one vector of regions*H values per image
/// (regions*2H with the soft-threshold encoding, <see cref="FeatureEncoding"/>).
/// </summary>
/// <remarks>
/// Shapes: the image is (ImageHeight, ImageWidth) row-major; the patches of all N = R*C positions form
/// one (N, P*P) matrix, preprocessed as in training and encoded with one matrix product
/// (N, P*P) x (P*P, H), so the convolution runs on the tuned kernel. Position (r, c) falls in region
/// (RegionOfRow(r), RegionOfColumn(c)) of <see cref="ConvolutionGeometry"/>. Output index:
/// (regionRow * RegionColumns + regionColumn) * H + j; with the soft threshold each region holds the H
/// positive parts then the H negative parts. Immutable and thread-safe; each
/// caller brings its own <see cref="Workspace"/>.
/// </remarks>
public sealed class ConvolutionalFeaturizer
{
    /// <summary>A featurizer from its parts; throws naming the first part that does not fit the others.</summary>
    /// <param name="geometry">Image size, patch size, stride and pooling regions.</param>
    /// <param name="preprocessor">The per-patch normalisation (and ZCA) applied before encoding.</param>
    /// <param name="encoder">The patch autoencoder's parameters (copied); V must be P*P.</param>
    /// <param name="pooling">Sum or mean over each pooling region.</param>
    /// <param name="encoding">The sigmoid code (default) or the soft threshold.</param>
    public ConvolutionalFeaturizer(ConvolutionGeometry geometry, PatchPreprocessor preprocessor, AutoencoderParameters encoder, PoolingKind pooling,
        FeatureEncoding? encoding = null)
    {
        encoding ??= FeatureEncoding.Sigmoid;
        encoding.Validate();
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(encoder);
        geometry.Validate();
        preprocessor.Validate(geometry.PatchLength);
        if (encoder.VisibleCount != geometry.PatchLength)
            throw new ArgumentException($"The autoencoder takes {encoder.VisibleCount} values but {geometry.PatchSize}x{geometry.PatchSize} patches have {geometry.PatchLength}.", nameof(encoder));
        // JumpReLU's thresholds belong to a code the featurizer does not compute; encoded with the sigmoid, they were ignored.
        if (encoder.HasThresholds)
            throw new ArgumentException("The autoencoder's parameters hold JumpReLU thresholds, but the featurizer's encodings are the sigmoid code and the soft threshold; train the patch autoencoder with the sigmoid.", nameof(encoder));
        if (!Enum.IsDefined(pooling)) throw new ArgumentOutOfRangeException(nameof(pooling), pooling, $"pooling must be Sum or Mean, but is {(int)pooling}.");
        if (encoder.HiddenCount > MostHiddenUnits(geometry, encoding.FeaturesPerUnit))
        {
            long codes = (long)geometry.RowPositions * geometry.ColumnPositions * encoder.HiddenCount;
            long features = (long)geometry.RegionRows * geometry.RegionColumns * encoder.HiddenCount * encoding.FeaturesPerUnit;
            throw new ArgumentException(
                $"{geometry.RowPositions}x{geometry.ColumnPositions} positions and {geometry.RegionRows}x{geometry.RegionColumns} regions of {encoder.HiddenCount} hidden units give {codes} codes and {features} features an image, more than one array holds ({Array.MaxLength}).",
                nameof(geometry));
        }
        Geometry = geometry;
        Preprocessor = preprocessor;
        _parameters = encoder.Clone();
        Encoder = new AutoencoderEncoder(encoder);
        Pooling = pooling;
        Encoding = encoding;
        if (encoding.Kind == FeatureEncodingKind.SoftThreshold) _dictionaryT = FeatureEncoding.UnitDictionaryTransposed(encoder);
    }

    /// <summary>
    /// The most hidden units a featurizer of this geometry can have: the H codes of every position, and the feature vector
    /// (<paramref name="featuresPerUnit"/> a unit in each region), are each one float array.
    /// </summary>
    internal static int MostHiddenUnits(ConvolutionGeometry geometry, int featuresPerUnit)
        => (int)(Array.MaxLength / Math.Max((long)geometry.RowPositions * geometry.ColumnPositions, (long)geometry.RegionRows * geometry.RegionColumns * featuresPerUnit));

    private readonly float[]? _dictionaryT;   // (V, H): unit-length rows of W1, transposed; soft threshold only

    /// <summary>Image size, patch size, stride and pooling regions.</summary>
    public ConvolutionGeometry Geometry { get; }

    /// <summary>The per-patch normalisation and optional ZCA, the same in training and featurisation.</summary>
    public PatchPreprocessor Preprocessor { get; }

    /// <summary>Sum or mean over each pooling region.</summary>
    public PoolingKind Pooling { get; }

    /// <summary>How a patch becomes features: the sigmoid code or the soft threshold.</summary>
    public FeatureEncoding Encoding { get; }

    /// <summary>The patch encoder (the autoencoder's first layer).</summary>
    public AutoencoderEncoder Encoder { get; }

    private readonly AutoencoderParameters _parameters;

    /// <summary>
    /// A copy of the encoder's parameters, new at each call (for saving, drawing, another featurizer): changing it changes
    /// neither this featurizer nor what it saves.
    /// </summary>
    public AutoencoderParameters Parameters => _parameters.Clone();

    /// <summary>Regions x H (x 2 with the soft threshold's polarity split): the length of an image's feature vector.</summary>
    public int FeatureCount => Geometry.RegionRows * Geometry.RegionColumns * FeaturesPerRegion;

    private int FeaturesPerRegion => Encoder.HiddenCount * Encoding.FeaturesPerUnit;

    /// <summary>Buffers for one caller: the patch matrix and the codes of every position.</summary>
    /// <exception cref="InsufficientMemoryException">They and the feature vector do not fit in the memory left.</exception>
    public Workspace CreateWorkspace()
    {
        EnsureMemory(Geometry, Encoder.HiddenCount, Encoding.FeaturesPerUnit, Preprocessor.Zca is not null);
        return new(this);
    }

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> unless one caller can featurize an image: its <see cref="Workspace"/>
    /// (the patches of every position, twice with ZCA, and their codes) and the feature vector. Each is up to one array,
    /// 8.6 GB, and a featurizer that fits in an array need not fit in memory: it ended in a bare OutOfMemoryException at
    /// the first row, after the fit had read the images and trained.
    /// </summary>
    internal static void EnsureMemory(ConvolutionGeometry g, int hiddenCount, int featuresPerUnit, bool zca)
    {
        long positions = (long)g.RowPositions * g.ColumnPositions, regions = (long)g.RegionRows * g.RegionColumns;
        long features = regions * hiddenCount * featuresPerUnit;
        long bytes = 4 * (positions * g.PatchLength * (zca ? 2 : 1) + positions * hiddenCount + regions + 2L * g.PatchLength + features);
        Training.MemoryBudget.Ensure(bytes,
            $"Featurizing one {g.ImageHeight}x{g.ImageWidth} image ({positions} positions of {g.PatchSize}x{g.PatchSize} patches, {hiddenCount} hidden units, {features} features)",
            "use a larger Stride, fewer hidden units or fewer pooling regions");
    }

    /// <summary>Writes the pooled features of one image. A NaN or infinite pixel makes NaN the features of the regions whose patches hold it.</summary>
    public void Featurize(ReadOnlySpan<float> image, Span<float> features, Workspace workspace)
    {
        if (features.Length != FeatureCount)
            throw new ArgumentException($"features must hold {FeatureCount} values, but holds {features.Length}.", nameof(features));
        var codes = EncodePositions(image, workspace);
        var g = Geometry;
        int rows = g.RowPositions, cols = g.ColumnPositions, h = Encoder.HiddenCount;
        features.Clear();
        int width = FeaturesPerRegion;
        float alpha = (float)Encoding.Threshold;
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
                var code = codes.Slice((r * cols + c) * h, h);
                var pooled = features.Slice(region * width, width);
                if (_dictionaryT is null)
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(pooled, code, pooled);
                    continue;
                }
                // Polarity split: max(0, z - alpha) into the first H, max(0, -z - alpha) into the second.
                Kernels.VectorKernels.AddSoftThreshold(code, alpha, pooled.Slice(0, h), pooled.Slice(h, h));
            }
        }
        if (Pooling == PoolingKind.Mean)
            for (int region = 0; region < counts.Length; region++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(features.Slice(region * width, width), 1f / counts[region], features.Slice(region * width, width));
    }

    /// <summary>
    /// The H feature maps of one image before pooling: (RowPositions * ColumnPositions, H) row-major,
    /// position (r, c) at row r * ColumnPositions + c. With the sigmoid encoding a value is the code
    /// sigmoid(W1 x + b1); with the soft threshold it is the response d_j.x of the unit-length filter
    /// (its two features are max(0, z - alpha) and max(0, -z - alpha)). The span is the workspace's
    /// buffer: valid until its next use.
    /// </summary>
    public ReadOnlySpan<float> EncodePositions(ReadOnlySpan<float> image, Workspace workspace)
    {
        var g = Geometry;
        if (image.Length != g.ImageHeight * g.ImageWidth)
            throw new ArgumentException($"The image must have {g.ImageHeight}x{g.ImageWidth} = {g.ImageHeight * g.ImageWidth} values, but has {image.Length}.", nameof(image));
        ArgumentNullException.ThrowIfNull(workspace);
        // Another featurizer's buffers are sized for its geometry, code and ZCA: too short ones threw a bare
        // ArgumentOutOfRangeException, longer ones would pool with the wrong region counts.
        if (workspace.Owner != this)
            throw new ArgumentException("The workspace was made by another featurizer; use this featurizer's CreateWorkspace().", nameof(workspace));
        int rows = g.RowPositions, cols = g.ColumnPositions, p = g.PatchSize, length = g.PatchLength, h = Encoder.HiddenCount;
        int positions = rows * cols;
        var patches = workspace.Patches.AsSpan(0, positions * length);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                var patch = patches.Slice((r * cols + c) * length, length);
                int top = r * g.Stride, left = c * g.Stride;
                for (int y = 0; y < p; y++) image.Slice((top + y) * g.ImageWidth + left, p).CopyTo(patch.Slice(y * p, p));
            }
        // A NaN or infinite pixel makes its patches' codes, and so its regions' features, NaN (a missing input, a
        // missing feature). The normalisations do it by subtracting the mean (infinity - infinity); without one, the
        // sigmoid saturated an infinity to 0 or 1 and the soft threshold gave infinities and zeros, finite-looking features.
        if (VectorKernels.IndexOfNonFinite(image) >= 0)
            for (int i = 0; i < positions; i++)
            {
                var patch = patches.Slice(i * length, length);
                if (VectorKernels.IndexOfNonFinite(patch) >= 0) patch.Fill(float.NaN);
            }
        Preprocessor.Apply(patches, positions, length, workspace.Whitened);
        var codes = workspace.Codes.AsSpan(0, positions * h);
        // All positions are one (N, P*P) x (P*P, H) product.
        if (_dictionaryT is null) Encoder.EncodeBatch(patches, positions, codes);
        else Kernels.MatrixKernels.MultiplyAB(patches, _dictionaryT, codes, positions, length, h);
        return codes;
    }

    /// <summary>One caller's buffers (not thread-safe; make one per thread or cursor).</summary>
    public sealed class Workspace
    {
        internal Workspace(ConvolutionalFeaturizer f)
        {
            Owner = f;
            int positions = f.Geometry.RowPositions * f.Geometry.ColumnPositions;
            Patches = new float[positions * f.Geometry.PatchLength];
            Codes = new float[positions * f.Encoder.HiddenCount];
            RegionCounts = new int[f.Geometry.RegionRows * f.Geometry.RegionColumns];
            Scratch = new float[2 * f.Geometry.PatchLength];
            Whitened = f.Preprocessor.Zca is null ? Scratch : new float[positions * f.Geometry.PatchLength];
        }

        internal ConvolutionalFeaturizer Owner { get; }

        // ZCA's output for all positions at once (one matrix product).
        internal float[] Whitened { get; }

        internal float[] Scratch { get; }

        internal float[] Patches { get; }
        internal float[] Codes { get; }
        internal int[] RegionCounts { get; }
    }
}
