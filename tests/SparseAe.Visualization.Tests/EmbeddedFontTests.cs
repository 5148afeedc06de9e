using SkiaSharp;

namespace SparseAe.Visualization.Tests;

/// <summary>What the embedded font draws for characters inside and outside its subset (Fonts/README.md).</summary>
public class EmbeddedFontTests
{
    [Theory]
    [InlineData("DejaVuSans-subset.ttf")]
    [InlineData("DejaVuSans-Bold-subset.ttf")]
    public void A_character_outside_the_subset_is_a_blank_not_a_box(string file)
    {
        using Stream stream = typeof(TrainingCurve).Assembly.GetManifestResourceStream("SparseAe.Visualization.Fonts." + file)!;
        using SKTypeface face = SKTypeface.FromStream(stream);
        using var font = new SKFont(face, 20);

        ushort lambda = font.GetGlyphs("λ")[0];
        Assert.NotEqual(0, lambda);
        using (SKPath path = font.GetGlyphPath(lambda))
            Assert.False(path.IsEmpty);

        // U+65E5 is not in the subset: it maps to glyph 0 (.notdef), which the subset keeps without an outline.
        ushort missing = font.GetGlyphs("\u65E5")[0];
        Assert.Equal(0, missing);
        using (SKPath path = font.GetGlyphPath(missing))
            Assert.True(path.IsEmpty, "the missing glyph has an outline: Fonts/README.md should say it is drawn as a box");
    }

    // Text asked for in bold (ScottPlot's titles) gets the embedded bold face, the rest the regular one.
    [Fact]
    public void Bold_text_gets_the_bold_face_and_other_text_the_regular_face()
    {
        EmbeddedFont.EnsureRegistered();
        SKTypeface bold = ScottPlot.Fonts.GetTypeface(EmbeddedFont.FamilyName, bold: true, italic: false);
        SKTypeface regular = ScottPlot.Fonts.GetTypeface(EmbeddedFont.FamilyName, bold: false, italic: false);
        Assert.Equal((int)SKFontStyleWeight.Bold, bold.FontWeight);
        Assert.Equal((int)SKFontStyleWeight.Normal, regular.FontWeight);
    }
}
