using SparseAe.Convolution;

namespace SparseAe.Data.Images;

/// <summary>
/// A single-channel image of floats: <see cref="Pixels"/> is row-major, pixel (x, y) at index
/// <c>y * Width + x</c> (row y, column x), the same order as the project's <c>pRC</c> columns.
/// </summary>
/// <remarks>
/// Values are not range-checked: a decoded image lies in [0, 1], a whitened one has mean 0 and
/// variance 0.1 (<see cref="OlshausenWhitening"/>). The pixel array is the caller's: it is held, not
/// copied, so the type stays cheap for the multi-megapixel images it carries.
/// </remarks>
public sealed class GreyImage : IPatchImage
{
    /// <summary>Creates an image over <paramref name="pixels"/> (length Width*Height, row-major).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is less than 1, or Width*Height exceeds int.MaxValue.</exception>
    /// <exception cref="ArgumentException">The pixel count is not Width*Height.</exception>
    /// <param name="width">Columns: at least 1, and width*height must be at most 2147483647 (int.MaxValue, one .NET array).</param>
    /// <param name="height">Rows: at least 1.</param>
    /// <param name="pixels">The row-major pixels, held, not copied: not null, and it must hold width*height values.</param>
    /// <param name="name">Where the image came from, said in error messages: not null.</param>
    public GreyImage(int width, int height, float[] pixels, string name)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(name);
        if (width < 1)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Image '{name}': width must be at least 1, but is {width}.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"Image '{name}': height must be at least 1, but is {height}.");
        long count = (long)width * height;
        if (count > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(width), width,
                $"Image '{name}': width*height must be at most {int.MaxValue} (one .NET array), but is {width}*{height} = {count}.");
        if (pixels.Length != count)
            throw new ArgumentException(
                $"Image '{name}': pixels must hold width*height = {width}*{height} = {count} values, but holds {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
        Name = name;
    }

    /// <summary>Columns (x runs 0..Width-1).</summary>
    public int Width { get; }

    /// <summary>Rows (y runs 0..Height-1).</summary>
    public int Height { get; }

    /// <summary>Row-major pixels: (x, y) is at <c>y * Width + x</c>.</summary>
    public float[] Pixels { get; }

    ReadOnlySpan<float> IPatchImage.Pixels => Pixels;

    /// <summary>Where the image came from (file name or resource name), used in error messages.</summary>
    public string Name { get; }

    /// <summary>The pixel in column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    /// <param name="x">The column: x must be in [0, Width - 1].</param>
    /// <param name="y">The row: y must be in [0, Height - 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">x or y is outside the image.</exception>
    public float this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width)
                throw new ArgumentOutOfRangeException(nameof(x), x, $"Image '{Name}': x must be in [0, {Width - 1}], but is {x}.");
            if ((uint)y >= (uint)Height)
                throw new ArgumentOutOfRangeException(nameof(y), y, $"Image '{Name}': y must be in [0, {Height - 1}], but is {y}.");
            return Pixels[y * Width + x];
        }
    }

    /// <summary>The image's name and size, e.g. <c>photo.png (512x512)</c>.</summary>
    public override string ToString() => $"{Name} ({Width}x{Height})";
}
