namespace SparseAe.Visualization;

/// <summary>
/// An 8-bit grey picture, row-major: pixel (x, y) is <c>Pixels[y * Width + x]</c>, 0 is black and 255 white.
/// It is what <see cref="FilterGrid.RenderPixels"/> returns, so that callers and tests can check the
/// picture exactly without decoding a PNG.
/// </summary>
public sealed class GreyBitmap
{
    /// <summary>A picture of <paramref name="width"/> x <paramref name="height"/> pixels over <paramref name="pixels"/>, held by reference (not copied).</summary>
    /// <param name="width">Columns of pixels, at least 1.</param>
    /// <param name="height">Rows of pixels, at least 1.</param>
    /// <param name="pixels">The grey values, row-major, exactly width * height of them.</param>
    /// <exception cref="ArgumentOutOfRangeException">width or height is less than 1.</exception>
    /// <exception cref="ArgumentException">pixels does not hold width * height values.</exception>
    public GreyBitmap(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be at least 1, but is {width}.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be at least 1, but is {height}.");
        if (pixels.LongLength != (long)width * height)
            throw new ArgumentException(
                $"pixels must hold width * height = {width} * {height} = {(long)width * height} values, but holds {pixels.LongLength}.",
                nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The grey levels, row-major, <see cref="Width"/> * <see cref="Height"/> of them.</summary>
    public byte[] Pixels { get; }

    /// <summary>The grey level at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public byte this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width)
                throw new ArgumentOutOfRangeException(nameof(x), x, $"x must lie in 0..{Width - 1}, but is {x}.");
            if ((uint)y >= (uint)Height)
                throw new ArgumentOutOfRangeException(nameof(y), y, $"y must lie in 0..{Height - 1}, but is {y}.");
            return Pixels[y * Width + x];
        }
    }

    /// <summary>This picture as a greyscale PNG; a side over PngWriter.MaxSide (1,000,000, libpng's limit) is refused.</summary>
    public byte[] EncodePng() => PngWriter.EncodeGrey(Width, Height, Pixels);
}
