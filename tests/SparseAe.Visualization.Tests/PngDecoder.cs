using SkiaSharp;

namespace SparseAe.Visualization.Tests;

/// <summary>Decodes PNGs with SkiaSharp, as an independent check of what the renderers wrote.</summary>
internal static class PngDecoder
{
    /// <summary>The PNG's pixels as RGBA colours, indexed [x, y].</summary>
    public static SKColor[,] Decode(byte[] png)
    {
        Assert.True(png.Length > 8, "the PNG is empty");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        using SKBitmap? bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var pixels = new SKColor[bitmap.Width, bitmap.Height];
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                pixels[x, y] = bitmap.GetPixel(x, y);
        return pixels;
    }

    /// <summary>The grey level of each pixel of a greyscale PNG, indexed [x, y]; fails if a pixel is not grey.</summary>
    public static byte[,] DecodeGrey(byte[] png)
    {
        SKColor[,] colours = Decode(png);
        var grey = new byte[colours.GetLength(0), colours.GetLength(1)];
        for (int y = 0; y < grey.GetLength(1); y++)
            for (int x = 0; x < grey.GetLength(0); x++)
            {
                SKColor c = colours[x, y];
                if (c.Red != c.Green || c.Green != c.Blue || c.Alpha != 255)
                    Assert.Fail($"pixel ({x}, {y}) is {c}, not an opaque grey");
                grey[x, y] = c.Red;
            }
        return grey;
    }
}
