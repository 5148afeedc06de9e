namespace SparseAe.Visualization.Tests;

/// <summary>GreyBitmap's PNG encoding, at the edges of what PNG encoding accepts.</summary>
public class GreyBitmapTests
{
    [Theory]
    [InlineData(PngWriter.MaxSide + 1, 1, "width")]
    [InlineData(1, PngWriter.MaxSide + 1, "height")]
    public void A_side_beyond_the_png_encoders_limit_is_refused_naming_the_rule(int width, int height, string name)
    {
        // libpng, under Skia's PNG encoder, refuses a side over 1,000,000; the error said only "could not encode".
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new GreyBitmap(width, height, new byte[width * height]).EncodePng());
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"{name} must be at most {PngWriter.MaxSide} pixels for PNG encoding (libpng's limit), but is {PngWriter.MaxSide + 1}.", e.Message);
    }

    [Fact]
    public void A_side_at_the_limit_is_encoded()
    {
        byte[,] grey = PngDecoder.DecodeGrey(new GreyBitmap(PngWriter.MaxSide, 1, new byte[PngWriter.MaxSide]).EncodePng());
        Assert.Equal(PngWriter.MaxSide, grey.GetLength(0));
    }
}
