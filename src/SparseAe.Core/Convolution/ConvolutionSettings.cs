namespace SparseAe.Convolution;

/// <summary>How features of all positions are summarised into one vector per image.</summary>
public enum PoolingKind
{
    /// <summary>Sum of each feature over a region (Coates, Lee and Ng 2011).</summary>
    Sum = 0,

    /// <summary>Mean of each feature over a region (UFLDL's "convolution and pooling" exercise).</summary>
    Mean = 1,
}

/// <summary>Per-patch normalisation applied before the encoder, as during training.</summary>
public enum PatchNormalizationKind
{
    /// <summary>Patches are used as they are.</summary>
    None = 0,

    /// <summary>UFLDL's: patch mean removed, clipped to +-pstd (3 global deviations of the training patches), rescaled to [0.1, 0.9].</summary>
    Ufldl = 1,

    /// <summary>Coates et al.'s contrast normalisation: (x - mean(x)) / sqrt(var(x) + epsilon), in float32 as the
    /// exported ONNX graph computes it, so a patch whose squares overflow float (values beyond about 1e19)
    /// normalises to zeros in both.</summary>
    Contrast = 2,
}

/// <summary>
/// The geometry of convolutional featurisation: square P x P patches taken every <c>Stride</c> pixels
/// of an H x W image, and the pooling regions over the R x C map of positions: a G x G grid
/// (<c>PoolGrid</c>; position r falls in region r*G/R), or, when <c>PoolSize</c> is above 0, square
/// blocks of that many positions (position r falls in region r / PoolSize; the last block may be smaller).
/// With a PoolSize the PoolGrid is unused, and may be 0.
/// </summary>
/// <param name="ImageHeight">H, rows of pixels in every image, in 1..65536, and ImageHeight * ImageWidth pixels no more than one
/// array holds (2147483591).</param>
/// <param name="ImageWidth">W, columns of pixels in every image, in 1..65536 (with ImageHeight's rule on the pixels).</param>
/// <param name="PatchSize">P, the patch side, in 1..min(ImageHeight, ImageWidth).</param>
/// <param name="Stride">Pixels between neighbouring positions, in 1..65536, and large enough that an image's patches side by side,
/// positions down x positions across x PatchSize^2 values, are no more than one array holds (2147483591).</param>
/// <param name="PoolGrid">G, pooling regions per side, in 1..min(positions down, positions across) (floor((ImageHeight - PatchSize) /
/// Stride) + 1 down, likewise across), so that no region is empty; unused with a PoolSize, but it must lie in 0..65536 then (to be saved).</param>
/// <param name="PoolSize">Positions per side of a square pooling block: 0 (use PoolGrid) or lie in 1..65536.</param>
public sealed record ConvolutionGeometry(int ImageHeight, int ImageWidth, int PatchSize, int Stride, int PoolGrid, int PoolSize = 0)
{
    /// <summary>The largest image side, stride, pool grid and pool size: what a saved featurizer holds
    /// (<see cref="Persistence.ConvolutionFormat"/>), so that a geometry that trains can be saved.</summary>
    public const int MaxSide = 65_536;

    /// <summary>Positions along the rows: floor((H - P) / stride) + 1.</summary>
    public int RowPositions => (ImageHeight - PatchSize) / Stride + 1;

    /// <summary>Positions along the columns.</summary>
    public int ColumnPositions => (ImageWidth - PatchSize) / Stride + 1;

    /// <summary>P x P: values in one patch.</summary>
    public int PatchLength => PatchSize * PatchSize;

    /// <summary>Pooling regions down the map.</summary>
    public int RegionRows => PoolSize > 0 ? (RowPositions + PoolSize - 1) / PoolSize : PoolGrid;

    /// <summary>Pooling regions across the map.</summary>
    public int RegionColumns => PoolSize > 0 ? (ColumnPositions + PoolSize - 1) / PoolSize : PoolGrid;

    /// <summary>The region row of position row r.</summary>
    public int RegionOfRow(int r) => PoolSize > 0 ? r / PoolSize : r * PoolGrid / RowPositions;

    /// <summary>The region column of position column c.</summary>
    public int RegionOfColumn(int c) => PoolSize > 0 ? c / PoolSize : c * PoolGrid / ColumnPositions;

    /// <summary>Throws ArgumentOutOfRangeException naming the first value out of range.</summary>
    public void Validate()
    {
        if (ImageHeight < 1 || ImageHeight > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(ImageHeight), ImageHeight, $"ImageHeight must lie in 1..{MaxSide}, but is {ImageHeight}.");
        if (ImageWidth < 1 || ImageWidth > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(ImageWidth), ImageWidth, $"ImageWidth must lie in 1..{MaxSide}, but is {ImageWidth}.");
        if (PatchSize < 1 || PatchSize > Math.Min(ImageHeight, ImageWidth))
            throw new ArgumentOutOfRangeException(nameof(PatchSize), PatchSize,
                $"PatchSize must lie in 1..{Math.Min(ImageHeight, ImageWidth)} for {English.Article(ImageHeight)} {ImageHeight}x{ImageWidth} image, but is {PatchSize}.");
        if (Stride < 1 || Stride > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride, $"Stride must lie in 1..{MaxSide}, but is {Stride}.");
        if (PoolSize < 0 || PoolSize > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(PoolSize), PoolSize, $"PoolSize must be 0 (use PoolGrid) or lie in 1..{MaxSide}, but is {PoolSize}.");
        if (PoolSize == 0 && (PoolGrid < 1 || PoolGrid > Math.Min(RowPositions, ColumnPositions)))
            throw new ArgumentOutOfRangeException(nameof(PoolGrid), PoolGrid,
                $"PoolGrid must lie in 1..{Math.Min(RowPositions, ColumnPositions)} (the {RowPositions}x{ColumnPositions} map of positions that {PatchSize}x{PatchSize} patches " +
                $"at stride {Stride} leave on {English.Article(ImageHeight)} {ImageHeight}x{ImageWidth} image), but is {PoolGrid}.");
        if (PoolSize > 0 && (PoolGrid < 0 || PoolGrid > MaxSide))
            throw new ArgumentOutOfRangeException(nameof(PoolGrid), PoolGrid, $"PoolGrid is unused with a PoolSize but must lie in 0..{MaxSide} to be saved, and is {PoolGrid}.");
        // An image, and its patches side by side, are each one float array (the sizes above are ints).
        long pixels = (long)ImageHeight * ImageWidth;
        if (pixels > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(ImageHeight), $"An image of {ImageHeight}x{ImageWidth} = {pixels} pixels is more than one array holds ({Array.MaxLength}).");
        long patchValues = (long)RowPositions * ColumnPositions * PatchLength;
        if (patchValues > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride,
                $"The {RowPositions}x{ColumnPositions} positions of {PatchSize}x{PatchSize} patches (stride {Stride}) hold {patchValues} values, more than one array holds ({Array.MaxLength}); use a larger Stride or smaller images.");
    }
}
