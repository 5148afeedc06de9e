using SparseAe.Convolution;

namespace SparseAe.MLNet;

/// <summary>Options of <see cref="ConvolutionalFeaturizerEstimator"/>. Defaults other than the columns' names come from <see cref="Defaults"/>.</summary>
public sealed class ConvolutionalFeaturizerOptions
{
    /// <summary>The pooled features column (default "Features"): a vector of (pooling regions) * HiddenCount Single values, twice
    /// as many with <see cref="FeatureEncodingKind.SoftThreshold"/> (its two polarities).
    /// A non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string OutputColumnName { get; set; } = "Features";

    /// <summary>The image column (default "Pixels"): a known-size vector of ImageHeight * ImageWidth Single, one grey plane, row-major; null means
    /// <see cref="OutputColumnName"/> (the features then replace the images), as in the other options. ML.NET's ExtractPixels
    /// gives planes x height x width (3 colour planes by default, which are refused by their size): extract one plane, after
    /// ConvertToGrayscale, for a 1 x ImageHeight x ImageWidth column; a column whose type gives its dimensions must give these.
    /// The pixels are not rescaled: ExtractPixels gives 0..255 unless its scaleImage is 1/255f. UFLDL's normalisation does not
    /// depend on their scale; <see cref="ContrastEpsilon"/> does, and without a normalisation so do
    /// <see cref="ZcaEpsilon"/> and <see cref="SoftThreshold"/>. Null or a non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string? InputColumnName { get; set; } = "Pixels";

    /// <summary>Rows of pixels in every image, in 1..65536, and ImageHeight * ImageWidth pixels no more than one array holds
    /// (2147483591); no default (0 is refused): it must be set.</summary>
    public int ImageHeight { get; set; }

    /// <summary>Columns of pixels in every image, in 1..65536 (with <see cref="ImageHeight"/>'s rule on the pixels); no default
    /// (0 is refused): it must be set.</summary>
    public int ImageWidth { get; set; }

    /// <summary>Patch side P, in 1..min(ImageHeight, ImageWidth); the autoencoder has P*P inputs. At least 2 with Normalization
    /// Ufldl or Contrast (each removes a patch's mean, and a 1x1 patch is its own), and at most 90 with a ZcaEpsilon (ZCA
    /// whitens patches of at most 8192 values).</summary>
    public int PatchSize { get; set; } = Defaults.ConvolutionPatchSize;

    /// <summary>Pixels between neighbouring positions. Positions run while a whole patch fits, floor((ImageHeight - PatchSize) /
    /// Stride) + 1 down and likewise across, so the last (ImageHeight - PatchSize) mod Stride rows (and likewise columns) of
    /// pixels are in no patch and do not affect the features. In 1..65536, and large enough that an image's patches side
    /// by side, positions down x positions across x PatchSize^2 values, are no more than one array holds (2147483591).</summary>
    public int Stride { get; set; } = Defaults.ConvolutionStride;

    /// <summary>Pooling regions per side: 2 gives 2x2 quadrants, 3 a 3x3 grid; in 1..min(positions down, positions across)
    /// (see <see cref="Stride"/>: floor((ImageHeight - PatchSize) / Stride) + 1 down, likewise across), so that no region is
    /// empty. Unused with a PoolSize but must lie in 0..65536 then (to be saved).</summary>
    public int PoolGrid { get; set; } = Defaults.ConvolutionPoolGrid;

    /// <summary>Pool over square blocks of this many positions instead of the grid (the last block may be smaller):
    /// null (use PoolGrid) or lie in 1..65536. Null by default.</summary>
    public int? PoolSize { get; set; }

    /// <summary>Sum (Coates et al.) or mean (UFLDL's exercise) of the features over each pooling region.</summary>
    public PoolingKind Pooling { get; set; } = Defaults.ConvolutionPooling;

    /// <summary>Per-patch normalisation, applied in training and featurisation alike.</summary>
    public PatchNormalizationKind Normalization { get; set; } = Defaults.ConvolutionNormalization;

    /// <summary>Contrast normalisation's epsilon (added to each patch's variance), in the pixels' units squared: the default
    /// 0.01 suits pixels in [0, 1]; for pixels in 0..255 (ExtractPixels unscaled) the same epsilon is 255^2 times larger,
    /// about 650 (Coates et al. used 10 there). Finite and at least 1.1754943508222875E-38 (the smallest normal float);
    /// one too large for the sampled patches (their values would fall below that) is refused by Fit.</summary>
    public double ContrastEpsilon { get; set; } = Defaults.ConvolutionContrastEpsilon;

    /// <summary>ZCA whitening of the normalised patches with this epsilon; null (the default) for none. Null or finite and at
    /// least 0, and above 0 (or null) with Normalization Contrast, whose patches sum to 0 (a singular covariance).</summary>
    public double? ZcaEpsilon { get; set; }

    /// <summary>How patches become features: the autoencoder's sigmoid code (H per region) or a soft
    /// threshold of the unit-length encoder filters with polarity split (2H per region).</summary>
    public FeatureEncodingKind Encoding { get; set; } = Defaults.ConvolutionEncoding;

    /// <summary>The soft threshold's alpha (used with <see cref="FeatureEncodingKind.SoftThreshold"/>), in 0..float.MaxValue (it is applied as a float).</summary>
    public double SoftThreshold { get; set; } = Defaults.ConvolutionSoftThreshold;

    /// <summary>Random patches sampled from the training images to fit ZCA and the autoencoder, in
    /// 1..2147483591 / (PatchSize * PatchSize), rounded down: the patches are held in one array. With L-BFGS (the sigmoid's
    /// default optimizer), which holds its rows too, at most <see cref="Training.AutoencoderTraining.MaxLbfgsRows"/>(PatchSize * PatchSize,
    /// HiddenCount), unless <c>Autoencoder.MaximumRows</c> samples fewer (and then that many at most).</summary>
    public int PatchCount { get; set; } = Defaults.ConvolutionPatches;

    /// <summary>How the patch autoencoder is trained; its <see cref="AutoencoderTrainingOptions.Seed"/> also draws the patches.
    /// Its <see cref="AutoencoderTrainingOptions.Activation"/> must be the sigmoid (the featurizer's encodings are the
    /// sigmoid code and the soft threshold of W1 x + b1); its CancellationToken stops the whole Fit, as MLContext's does.
    /// An image's codes at every position, and its pooled features, are each one array, so its HiddenCount must be at most
    /// 2147483591 / max(positions, pooling regions x features per hidden unit), rounded down (2 features per hidden unit with
    /// SoftThreshold, else 1; the refusal names the most).</summary>
    public AutoencoderTrainingOptions Autoencoder { get; set; } = new();

    /// <summary>A copy, with its own copy of <see cref="Autoencoder"/>: an estimator keeps its own.</summary>
    internal ConvolutionalFeaturizerOptions Clone()
    {
        var copy = (ConvolutionalFeaturizerOptions)MemberwiseClone();
        copy.Autoencoder = Autoencoder?.Clone()!;
        return copy;
    }

    internal FeatureEncoding FeatureEncoding() => new(Encoding, Encoding == FeatureEncodingKind.SoftThreshold ? SoftThreshold : 0);

    internal ConvolutionGeometry Geometry() => new(ImageHeight, ImageWidth, PatchSize, Stride, PoolGrid, PoolSize ?? 0);

    internal void Validate()
    {
        DataViews.InputColumnRules.CheckName(OutputColumnName, nameof(OutputColumnName));
        DataViews.InputColumnRules.CheckName(InputColumnName, nameof(InputColumnName), optional: true);
        // The options' own words for PoolSize first: here "no pool size" is null, not the geometry's 0.
        if (PoolSize is < 1 or > ConvolutionGeometry.MaxSide)
            throw new ArgumentOutOfRangeException(nameof(PoolSize), PoolSize, $"PoolSize must be null (use PoolGrid) or lie in 1..{ConvolutionGeometry.MaxSide}, but is {PoolSize}.");
        var geometry = Geometry();
        geometry.Validate();
        int patchLength = geometry.PatchLength;   // P*P, which Validate bounds by one image's pixels
        if (!Enum.IsDefined(Pooling)) throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, $"Pooling must be Sum or Mean, but is {(int)Pooling}.");
        if (!Enum.IsDefined(Normalization)) throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, $"Normalization must be None, Ufldl or Contrast, but is {(int)Normalization}.");
        if (!(ContrastEpsilon >= PatchPreprocessor.MinContrastEpsilon) || double.IsInfinity(ContrastEpsilon))
            throw new ArgumentOutOfRangeException(nameof(ContrastEpsilon), ContrastEpsilon,
                $"ContrastEpsilon must be finite and at least {PatchPreprocessor.MinContrastEpsilon:R} (the smallest normal float), but is {ContrastEpsilon}.");
        if (ZcaEpsilon is double z && (!(z >= 0) || double.IsInfinity(z)))
            throw new ArgumentOutOfRangeException(nameof(ZcaEpsilon), z, $"ZcaEpsilon must be null or finite and at least 0, but is {z}.");
        // A 1x1 patch is its own mean: both normalisations make every patch the same, and the features then ignore the
        // image (UFLDL's Fit refused the patches as flat after reading every image, blaming them; the contrast one fitted).
        if (PatchSize == 1 && Normalization != PatchNormalizationKind.None)
            throw new ArgumentOutOfRangeException(nameof(PatchSize), PatchSize,
                $"PatchSize must be at least 2 with Normalization {Normalization}, which removes each patch's mean: a 1x1 patch is its own mean, so every patch normalises to the same values and the features do not depend on the image; but is 1.");
        // Whatever the images, contrast-normalised patches sum to 0, so their covariance is singular and ZCA without
        // an epsilon refused it in Fit, after every image was read.
        if (ZcaEpsilon == 0 && Normalization == PatchNormalizationKind.Contrast)
            throw new ArgumentOutOfRangeException(nameof(ZcaEpsilon), 0.0,
                "ZcaEpsilon must be above 0 (or null) with Normalization Contrast: contrast-normalised patches sum to 0, so their covariance is singular; but is 0.");
        // ZCA's own limit failed in Fit, after every image was read, naming its 'dimension'.
        if (ZcaEpsilon is not null && patchLength > Whitening.ZcaWhitening.MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(PatchSize), PatchSize,
                $"PatchSize must be at most {(int)Math.Sqrt(Whitening.ZcaWhitening.MaxDimension)} with a ZcaEpsilon (ZCA whitens patches of at most {Whitening.ZcaWhitening.MaxDimension} values), but is {PatchSize}.");
        if (!Enum.IsDefined(Encoding)) throw new ArgumentOutOfRangeException(nameof(Encoding), Encoding, $"Encoding must be Sigmoid or SoftThreshold, but is {(int)Encoding}.");
        if (!Convolution.FeatureEncoding.IsThreshold(SoftThreshold))
            throw new ArgumentOutOfRangeException(nameof(SoftThreshold), SoftThreshold, $"SoftThreshold {Convolution.FeatureEncoding.ThresholdRule}, but is {SoftThreshold}.");
        // The sampled patches are one (PatchCount, P*P) array; larger counts failed in Fit, after reading every image.
        int mostPatches = Array.MaxLength / patchLength;
        if (PatchCount < 1 || PatchCount > mostPatches)
            throw new ArgumentOutOfRangeException(nameof(PatchCount), PatchCount,
                $"PatchCount must lie in 1..{mostPatches} (the {PatchSize}x{PatchSize} patches are held in one array), but is {PatchCount}.");
        ArgumentNullException.ThrowIfNull(Autoencoder, nameof(Autoencoder));
        try
        {
            Autoencoder.Validate();
        }
        catch (ArgumentException e) when (e.ParamName is { Length: > 0 } name)
        {
            throw ArgumentMessages.Renamed(e, name, $"{nameof(Autoencoder)}.{name}");   // the user set Autoencoder.HiddenCount
        }
        // The featurizer refused them after every image was read and the autoencoder trained, naming its 'geometry'.
        int mostHidden = ConvolutionalFeaturizer.MostHiddenUnits(geometry, FeatureEncoding().FeaturesPerUnit);
        if (Autoencoder.HiddenCount > mostHidden)
            throw new ArgumentOutOfRangeException("Autoencoder.HiddenCount", Autoencoder.HiddenCount,
                $"Autoencoder.HiddenCount must be at most {mostHidden} here, but is {Autoencoder.HiddenCount}: the codes of the {geometry.RowPositions}x{geometry.ColumnPositions} positions " +
                $"and the features of the {geometry.RegionRows}x{geometry.RegionColumns} pooling regions ({FeatureEncoding().FeaturesPerUnit} a hidden unit with {Encoding}) of an image " +
                $"are each one array (of at most {Array.MaxLength} values).");
        // The featurizer's encodings (the sigmoid code, the soft threshold) are defined on W1 x + b1;
        // a sparse code's pre-encoder bias and selection would be dropped without a word.
        if (Autoencoder.Activation != ActivationKind.Sigmoid)
            throw new ArgumentOutOfRangeException("Autoencoder.Activation", Autoencoder.Activation,
                $"Autoencoder.Activation must be Sigmoid in the convolutional featurizer (its encodings are the sigmoid code and the soft threshold), but is {Autoencoder.Activation}.");
        // L-BFGS holds the patches it trains on in one array of its own: more than that was refused by the training, after
        // every image was read and the patches sampled, normalised and whitened (6,000,000 8x8 patches at 400 hidden units).
        if ((Autoencoder.Optimizer ?? Defaults.OptimizerFor(Autoencoder.Activation)) == OptimizerKind.Lbfgs)
        {
            long lbfgsRows = Objective.SparseAutoencoderObjective.MaxRows(patchLength, Autoencoder.HiddenCount);
            if (Training.RowReading.SampleCap(Autoencoder.MaximumRows, PatchCount) is long cap)
            {
                if (cap > lbfgsRows)
                    throw new ArgumentOutOfRangeException("Autoencoder.MaximumRows", cap,
                        $"Autoencoder.MaximumRows is {cap}, but L-BFGS can hold at most {lbfgsRows} patches of {patchLength} values at {Autoencoder.HiddenCount} hidden units; lower it or use Autoencoder.Optimizer = Adam, which streams.");
            }
            else if (PatchCount > lbfgsRows)
                throw new ArgumentOutOfRangeException(nameof(PatchCount), PatchCount,
                    $"PatchCount is {PatchCount}, but L-BFGS can hold at most {lbfgsRows} patches of {patchLength} values at {Autoencoder.HiddenCount} hidden units; " +
                    "lower it, set Autoencoder.MaximumRows to train on a random sample of the patches, or use Autoencoder.Optimizer = Adam, which streams.");
        }
    }
}
