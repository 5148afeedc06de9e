using SkiaSharp;

namespace SparseAe.Visualization;

/// <summary>PNG encoding of grey pictures with SkiaSharp.</summary>
internal static class PngWriter
{
    /// <summary>The largest width or height Skia's PNG encoder writes: libpng's default user limit (PNG_USER_WIDTH_MAX / HEIGHT_MAX).</summary>
    public const int MaxSide = 1_000_000;

    /// <summary>Encodes a row-major 8-bit grey picture as a greyscale PNG (lossless: quality is ignored for PNG).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A side exceeds <see cref="MaxSide"/>.</exception>
    public static byte[] EncodeGrey(int width, int height, byte[] pixels)
    {
        // Checked before the bitmap is allocated: past it libpng refuses the header and Skia only says it failed.
        if (width > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be at most {MaxSide} pixels for PNG encoding (libpng's limit), but is {width}.");
        if (height > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be at most {MaxSide} pixels for PNG encoding (libpng's limit), but is {height}.");
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        // Skia may pad rows (RowBytes >= width), so copy row by row rather than in one block.
        IntPtr basePtr = bitmap.GetPixels();
        int rowBytes = bitmap.RowBytes;
        for (int y = 0; y < height; y++)
            System.Runtime.InteropServices.Marshal.Copy(pixels, y * width, basePtr + y * rowBytes, width);
        bitmap.NotifyPixelsChanged();

        using SKData? data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        if (data is null)
            throw new InvalidOperationException($"SkiaSharp could not encode {English.Article(width)} {width} x {height} grey picture as PNG.");
        return data.ToArray();
    }
}
