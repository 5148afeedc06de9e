using SkiaSharp;

namespace SparseAe.Visualization;

/// <summary>PNG encoding of grey pictures with SkiaSharp.</summary>
internal static class PngWriter
{
    /// <summary>Encodes a row-major 8-bit grey picture as a greyscale PNG (lossless: quality is ignored for PNG).</summary>
    public static byte[] EncodeGrey(int width, int height, byte[] pixels)
    {
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
            throw new InvalidOperationException($"SkiaSharp could not encode a {width} x {height} grey picture as PNG.");
        return data.ToArray();
    }
}
