namespace SparseAe.Visualization;

/// <summary>
/// The geometry of a <see cref="FilterGrid"/> picture. The grid is first laid out at patch resolution,
/// as UFLDL's display_network.m does: <see cref="Columns"/> x <see cref="Rows"/> tiles of
/// PatchHeight x PatchWidth pixels, with a 1-pixel border between and around them. That whole picture
/// is then enlarged by the integer <see cref="Scale"/> with nearest neighbour, so the borders become
/// <see cref="Scale"/> pixels wide too:
/// <code>
/// Width  = Scale * (Columns * (PatchWidth  + 1) + 1)
/// Height = Scale * (Rows    * (PatchHeight + 1) + 1)
/// </code>
/// Tile j (0-based) sits at column j % Columns, row j / Columns; the cells after the last unit stay border colour.
/// </summary>
public readonly record struct FilterGridLayout
{
    /// <summary>
    /// A layout of the given geometry, held to the rules above: every size at least 1, a cell for every unit,
    /// and Width and Height as the formulas give them (<see cref="Create"/> computes them). Any eight numbers
    /// were taken: Columns 0 made <see cref="TileLeft"/> divide by zero, and a short grid put tiles outside the picture.
    /// </summary>
    /// <param name="HiddenCount">H, the tiles: at least 1.</param>
    /// <param name="PatchHeight">A tile's pixels down, before scaling: at least 1.</param>
    /// <param name="PatchWidth">A tile's pixels across, before scaling: at least 1.</param>
    /// <param name="Columns">Tiles across: at least 1.</param>
    /// <param name="Rows">Tiles down: at least 1, and Columns * Rows must be at least HiddenCount (a cell for every unit).</param>
    /// <param name="Scale">The integer factor the picture is enlarged by: at least 1.</param>
    /// <param name="Width">The picture's width in pixels: at least 1, and Width must be Scale * (Columns * (PatchWidth + 1) + 1).</param>
    /// <param name="Height">The picture's height in pixels: at least 1, and Height must be Scale * (Rows * (PatchHeight + 1) + 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">Columns * Rows is below HiddenCount, or Width or Height is not the formula's.</exception>
    public FilterGridLayout(int HiddenCount, int PatchHeight, int PatchWidth, int Columns, int Rows, int Scale, int Width, int Height)
    {
        AtLeast1(HiddenCount, nameof(HiddenCount)); AtLeast1(PatchHeight, nameof(PatchHeight)); AtLeast1(PatchWidth, nameof(PatchWidth));
        AtLeast1(Columns, nameof(Columns)); AtLeast1(Rows, nameof(Rows)); AtLeast1(Scale, nameof(Scale));
        AtLeast1(Width, nameof(Width)); AtLeast1(Height, nameof(Height));
        if ((long)Columns * Rows < HiddenCount)
            throw new ArgumentException(
                $"Columns * Rows must be at least HiddenCount = {HiddenCount}, but is {Columns} * {Rows} = {(long)Columns * Rows}.", nameof(Rows));
        double width = Side(Scale, Columns, PatchWidth);
        if (width != Width)
            throw new ArgumentException(
                $"Width must be Scale * (Columns * (PatchWidth + 1) + 1) = {Scale} * ({Columns} * ({PatchWidth} + 1) + 1) = {width:0}, but is {Width}.", nameof(Width));
        double height = Side(Scale, Rows, PatchHeight);
        if (height != Height)
            throw new ArgumentException(
                $"Height must be Scale * (Rows * (PatchHeight + 1) + 1) = {Scale} * ({Rows} * ({PatchHeight} + 1) + 1) = {height:0}, but is {Height}.", nameof(Height));
        this.HiddenCount = HiddenCount; this.PatchHeight = PatchHeight; this.PatchWidth = PatchWidth; this.Columns = Columns;
        this.Rows = Rows; this.Scale = Scale; this.Width = Width; this.Height = Height;
    }

    private static void AtLeast1(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1, but is {value}.");
    }

    // A side in pixels, scale * (tiles * (tile + 1) + 1): the tiles with a border of one filter pixel between and around
    // them, enlarged. double: even long overflows for int.MaxValue arguments; below 2^53 double is exact.
    private static double Side(long scale, long tiles, int tile) => scale * ((double)tiles * ((double)tile + 1) + 1);

    // Get-only: a with-expression would set them one by one past the constructor's rules.
    /// <summary>H: the hidden units, one tile each.</summary>
    public int HiddenCount { get; }

    /// <summary>Pixels of a filter's tile down, before scaling.</summary>
    public int PatchHeight { get; }

    /// <summary>Pixels of a filter's tile across, before scaling.</summary>
    public int PatchWidth { get; }

    /// <summary>Tiles across: ceil(sqrt(H)).</summary>
    public int Columns { get; }

    /// <summary>Tiles down: ceil(H / Columns).</summary>
    public int Rows { get; }

    /// <summary>The integer factor the whole picture is enlarged by.</summary>
    public int Scale { get; }

    /// <summary>The picture's width in pixels.</summary>
    public int Width { get; }

    /// <summary>The picture's height in pixels.</summary>
    public int Height { get; }

    /// <summary>The eight sizes, in the constructor's order.</summary>
    public void Deconstruct(out int HiddenCount, out int PatchHeight, out int PatchWidth, out int Columns, out int Rows, out int Scale, out int Width, out int Height)
        => (HiddenCount, PatchHeight, PatchWidth, Columns, Rows, Scale, Width, Height) = (this.HiddenCount, this.PatchHeight, this.PatchWidth, this.Columns, this.Rows, this.Scale, this.Width, this.Height);

    /// <summary>The largest width or height, in pixels, that <see cref="FilterGrid"/> will produce (a grey 20000 x 20000 picture is 400 MB).</summary>
    public const int MaxSide = 20000;

    /// <summary>Computes the layout, checking every argument; the messages name the argument and its value.</summary>
    /// <param name="hiddenCount">H, the filters (one tile each): at least 1.</param>
    /// <param name="patchHeight">P, a filter's pixels down: at least 1; the rows of tiles must stay within the limit of 20000 x 20000 pixels
    /// (<see cref="MaxSide"/>).</param>
    /// <param name="patchWidth">Q, a filter's pixels across: at least 1; the columns of tiles must stay within the limit of 20000 x 20000 pixels.</param>
    /// <param name="minTileWidth">The smallest width of a tile in pixels, which the whole grid is enlarged by an integer factor to reach:
    /// at least 1, and the picture must stay within the limit of 20000 x 20000 pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The picture would exceed <see cref="MaxSide"/> on a side: named <paramref name="minTileWidth"/> when it
    /// enlarged the tiles, else <paramref name="patchWidth"/> (too wide) or <paramref name="patchHeight"/> (too high).</exception>
    public static FilterGridLayout Create(int hiddenCount, int patchHeight, int patchWidth, int minTileWidth)
    {
        AtLeast1(hiddenCount, nameof(hiddenCount)); AtLeast1(patchHeight, nameof(patchHeight));
        AtLeast1(patchWidth, nameof(patchWidth)); AtLeast1(minTileWidth, nameof(minTileWidth));

        // long: with large arguments the sums overflow int before the limit is reached.
        int columns = CeilSqrt(hiddenCount);
        long rows = ((long)hiddenCount + columns - 1) / columns;
        // The smallest integer factor that makes a tile at least minTileWidth wide (1 when it already is).
        long scale = Math.Max(1, ((long)minTileWidth + patchWidth - 1) / patchWidth);

        double width = Side(scale, columns, patchWidth), height = Side(scale, rows, patchHeight);
        if (width > MaxSide || height > MaxSide)
            throw new ArgumentException(
                $"The filter grid would be {width:0} x {height:0} pixels ({columns} x {rows} tiles for hiddenCount {hiddenCount}, each patchHeight x patchWidth = {patchHeight} x {patchWidth} pixels" +
                (scale > 1 ? $", enlarged {scale} times for minTileWidth {minTileWidth}" : "") + $"), larger than the limit of {MaxSide} x {MaxSide}. " +
                (scale > 1 ? "Use a smaller minTileWidth, " : "Use ") + "tiles closer to square (patchHeight), or fewer hidden units.",
                // The size that made it too large: the enlargement, else the tile's side along the axis over the limit.
                scale > 1 ? nameof(minTileWidth) : width > MaxSide ? nameof(patchWidth) : nameof(patchHeight));

        return new FilterGridLayout(hiddenCount, patchHeight, patchWidth, columns, (int)rows, (int)scale, (int)width, (int)height);
    }

    /// <summary>
    /// The tile of a filter of <paramref name="visibleCount"/> values when nothing says its shape: the
    /// factor pair closest to square, height at most width (8 x 8 for 64, 25 x 40 for 1,000, 1 x 17 for 17),
    /// so that a long filter is not drawn as one row of V pixels, which no grid of many units can hold.
    /// </summary>
    /// <param name="visibleCount">V, the values of a filter: at least 1.</param>
    public static (int Height, int Width) TileShape(int visibleCount)
    {
        if (visibleCount < 1)
            throw new ArgumentOutOfRangeException(nameof(visibleCount), visibleCount, $"visibleCount must be at least 1, but is {visibleCount}.");
        int height = (int)Math.Sqrt(visibleCount);
        while ((long)height * height > visibleCount) height--;
        while (visibleCount % height != 0) height--;
        return (height, visibleCount / height);
    }

    /// <summary>Left edge, in output pixels, of the tile of hidden unit <paramref name="hiddenUnit"/>.</summary>
    /// <param name="hiddenUnit">The unit: hiddenUnit must lie in 0..HiddenCount - 1.</param>
    public int TileLeft(int hiddenUnit) => Scale * (1 + (CheckUnit(hiddenUnit) % Columns) * (PatchWidth + 1));

    /// <summary>Top edge, in output pixels, of the tile of hidden unit <paramref name="hiddenUnit"/>.</summary>
    /// <param name="hiddenUnit">The unit: hiddenUnit must lie in 0..HiddenCount - 1.</param>
    public int TileTop(int hiddenUnit) => Scale * (1 + (CheckUnit(hiddenUnit) / Columns) * (PatchHeight + 1));

    /// <summary>Width of one tile in output pixels: PatchWidth * Scale.</summary>
    public int TileWidth => PatchWidth * Scale;

    /// <summary>Height of one tile in output pixels: PatchHeight * Scale.</summary>
    public int TileHeight => PatchHeight * Scale;

    private int CheckUnit(int hiddenUnit)
    {
        if ((uint)hiddenUnit >= (uint)HiddenCount)
            throw new ArgumentOutOfRangeException(nameof(hiddenUnit), hiddenUnit, $"hiddenUnit must lie in 0..{HiddenCount - 1}, but is {hiddenUnit}.");
        return hiddenUnit;
    }

    /// <summary>ceil(sqrt(n)) in exact integer arithmetic (Math.Sqrt can land just off an integer).</summary>
    private static int CeilSqrt(int n)
    {
        int c = (int)Math.Ceiling(Math.Sqrt(n));
        while ((long)c * c < n) c++;
        while (c > 1 && (long)(c - 1) * (c - 1) >= n) c--;
        return c;
    }
}
