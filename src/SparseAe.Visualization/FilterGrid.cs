using SparseAe.Model;

namespace SparseAe.Visualization;

/// <summary>
/// The picture of an autoencoder's learned filters (rows of W1), one grey tile per hidden unit, as in
/// UFLDL's display_network.m (the sparse autoencoder exercise) and the seed code's show_image.
/// </summary>
/// <remarks>
/// <para>What follows display_network.m: each tile is divided by its own largest absolute value, so every
/// filter uses the full contrast whatever its norm (the picture shows the shape of a filter, not its size);
/// the tiles are laid out with a border of one filter pixel between and around them (the grid is then enlarged
/// whole, borders and tiles together, so an 8x8 filter's border is 4 pixels: <see cref="FilterGridLayout"/>); the
/// border is black, the colour of display_network's -1 background.</para>
/// <para>What differs, on purpose: display_network first subtracts the mean of the whole W1; we do not, so that
/// a weight of 0 is always grey 128 and the sign of a weight can be read from the picture (an all-zero filter is a
/// uniform mid-grey tile; 128 is also any weight in [0, 1/127.5) of its filter's largest absolute value, by rounding). display_network picks a column count that divides H when it
/// can; we always use ceil(sqrt(H)) columns, so the layout depends on H alone (see <see cref="FilterGridLayout"/>).</para>
/// <para>Pixel order: pixel (r, c) of a PxQ patch is filter[r * Q + c] (row-major, as a C# or NumPy
/// reshape(P, Q) reads it). MATLAB's reshape(P, Q) is column-major, so a filter trained on patches flattened
/// in MATLAB order appears transposed: flatten the patches row-major.</para>
/// <para>Grey levels: a normalised value v in [-1, 1] becomes round(127.5 * (v + 1)), so -1 is 0 (black),
/// 0 is 128 and +1 is 255 (white).</para>
/// </remarks>
public static class FilterGrid
{
    /// <summary>Grey level of the border and of the unused cells after the last unit: black, display_network's -1.</summary>
    public const byte BorderGrey = 0;

    /// <summary>Grey level of a zero weight.</summary>
    public const byte ZeroGrey = 128;

    /// <summary>The default smallest tile width in pixels: an 8x8 filter is enlarged 4 times, which is easy to see.</summary>
    public const int DefaultMinTileWidth = 32;

    /// <summary>
    /// Renders the filters in <paramref name="w1"/> ((H, P*Q) row-major, row j = hidden unit j's filter) as a grey picture.
    /// </summary>
    /// <param name="w1">The weights: hiddenCount * patchHeight * patchWidth values, row j hidden unit j's filter; every weight must be a finite number.</param>
    /// <param name="hiddenCount">H, the filters (one tile each): at least 1.</param>
    /// <param name="patchHeight">P, a filter's pixels down: at least 1.</param>
    /// <param name="patchWidth">Q, a filter's pixels across: at least 1.</param>
    /// <param name="minTileWidth">The smallest width of a tile in pixels, which the whole grid is enlarged by an integer factor to reach:
    /// at least 1, and the picture must stay within the limit of 20000 x 20000 pixels (<see cref="FilterGridLayout.MaxSide"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The length of <paramref name="w1"/> is not H * P * Q, a weight is NaN or infinite,
    /// or the picture would exceed <see cref="FilterGridLayout.MaxSide"/> on a side.</exception>
    public static GreyBitmap RenderPixels(ReadOnlySpan<float> w1, int hiddenCount, int patchHeight, int patchWidth,
        int minTileWidth = DefaultMinTileWidth)
    {
        FilterGridLayout layout = FilterGridLayout.Create(hiddenCount, patchHeight, patchWidth, minTileWidth);
        long expected = (long)hiddenCount * patchHeight * patchWidth;
        if (w1.Length != expected)
            throw new ArgumentException(
                $"w1 must hold hiddenCount * patchHeight * patchWidth = {hiddenCount} * {patchHeight} * {patchWidth} = {expected} values, " +
                $"but holds {w1.Length}.", nameof(w1));

        int v = patchHeight * patchWidth;
        var pixels = new byte[(long)layout.Width * layout.Height];
        Array.Fill(pixels, BorderGrey);

        var tile = new byte[v];
        for (int j = 0; j < hiddenCount; j++)
        {
            NormaliseFilter(w1.Slice(j * v, v), j, tile);
            PaintTile(tile, layout, j, pixels);
        }
        return new GreyBitmap(layout.Width, layout.Height, pixels);
    }

    /// <summary>Renders the filters in <paramref name="w1"/> as a greyscale PNG; see <see cref="RenderPixels"/>.</summary>
    /// <param name="w1">The weights: hiddenCount * patchHeight * patchWidth values, row j hidden unit j's filter; every weight must be a finite number.</param>
    /// <param name="hiddenCount">H, the filters (one tile each): at least 1.</param>
    /// <param name="patchHeight">P, a filter's pixels down: at least 1.</param>
    /// <param name="patchWidth">Q, a filter's pixels across: at least 1.</param>
    /// <param name="minTileWidth">The smallest width of a tile in pixels: at least 1, and the picture must stay within the limit of
    /// 20000 x 20000 pixels (<see cref="FilterGridLayout.MaxSide"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">As <see cref="RenderPixels"/>'s.</exception>
    public static byte[] RenderPng(ReadOnlySpan<float> w1, int hiddenCount, int patchHeight, int patchWidth,
        int minTileWidth = DefaultMinTileWidth)
        => RenderPixels(w1, hiddenCount, patchHeight, patchWidth, minTileWidth).EncodePng();

    /// <summary>
    /// Writes the PNG picture of a trained model's filters to <paramref name="destination"/>.
    /// <paramref name="patchHeight"/> * <paramref name="patchWidth"/> must equal the model's visible count.
    /// </summary>
    /// <param name="weights">The trained model's weights: not null; its W1 holds the filters.</param>
    /// <param name="patchHeight">P, a filter's pixels down: at least 1, and patchHeight * patchWidth must equal the model's visible count.</param>
    /// <param name="patchWidth">Q, a filter's pixels across: at least 1, and patchHeight * patchWidth must equal the model's visible count.</param>
    /// <param name="destination">Where the PNG is written: not null, and it must be a writable stream.</param>
    /// <param name="minTileWidth">The smallest width of a tile in pixels: at least 1, and the picture must stay within the limit of
    /// 20000 x 20000 pixels (<see cref="FilterGridLayout.MaxSide"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> or <paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The stream is not writable, the patch is not the model's visible count, a weight is NaN or
    /// infinite, or the picture would exceed <see cref="FilterGridLayout.MaxSide"/> on a side.</exception>
    public static void RenderPng(AutoencoderWeights weights, int patchHeight, int patchWidth, Stream destination,
        int minTileWidth = DefaultMinTileWidth)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
            throw new ArgumentException("destination must be a writable stream.", nameof(destination));
        // Checked here too, because the w1-length message would speak of H * P * Q, not of the model's V.
        if (patchHeight >= 1 && patchWidth >= 1 && (long)patchHeight * patchWidth != weights.VisibleCount)
            throw new ArgumentException(
                $"patchHeight * patchWidth = {patchHeight} * {patchWidth} = {(long)patchHeight * patchWidth} must equal the model's " +
                $"visible count {weights.VisibleCount}.", nameof(patchHeight));

        byte[] png = RenderPng(weights.W1.Span, weights.HiddenCount, patchHeight, patchWidth, minTileWidth);
        destination.Write(png);
    }

    /// <summary>Maps one filter to grey levels, divided by its own largest absolute value.</summary>
    private static void NormaliseFilter(ReadOnlySpan<float> filter, int hiddenUnit, Span<byte> grey)
    {
        float maxAbs = 0f;
        for (int i = 0; i < filter.Length; i++)
        {
            float w = filter[i];
            if (!float.IsFinite(w))
                throw new ArgumentException(
                    $"w1 holds {w} for hidden unit {hiddenUnit}, pixel {i}; every weight must be a finite number.", "w1");
            maxAbs = Math.Max(maxAbs, Math.Abs(w));
        }

        if (maxAbs == 0f)
        {
            // An all-zero filter (a dead unit) has no scale: show it as uniform zero grey, never 0/0 = NaN.
            grey.Fill(ZeroGrey);
            return;
        }

        // The filter's largest |w| gives exactly +-1, hence grey 0 or 255.
        for (int i = 0; i < filter.Length; i++)
        {
            double normalised = filter[i] / (double)maxAbs;
            int level = (int)Math.Round(127.5 * (normalised + 1.0), MidpointRounding.AwayFromZero);
            grey[i] = (byte)Math.Clamp(level, 0, 255);
        }
    }

    /// <summary>Copies a tile into the picture at hidden unit j's place, enlarging it by the layout's scale.</summary>
    private static void PaintTile(ReadOnlySpan<byte> tile, FilterGridLayout layout, int hiddenUnit, byte[] pixels)
    {
        int left = layout.TileLeft(hiddenUnit);
        int top = layout.TileTop(hiddenUnit);
        int s = layout.Scale;
        for (int r = 0; r < layout.PatchHeight; r++)
        {
            // Build one enlarged output row, then repeat it s times.
            int firstRow = (top + r * s) * layout.Width + left;
            Span<byte> row = pixels.AsSpan(firstRow, layout.TileWidth);
            for (int c = 0; c < layout.PatchWidth; c++)
                row.Slice(c * s, s).Fill(tile[r * layout.PatchWidth + c]);
            for (int k = 1; k < s; k++)
                row.CopyTo(pixels.AsSpan(firstRow + k * layout.Width, layout.TileWidth));
        }
    }
}
