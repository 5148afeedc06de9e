using SparseAe.Data.Images;
using SparseAe.Tests.Support;

namespace SparseAe.Data.Tests.Images;

/// <summary>
/// What the XML docs (IntelliSense) of GreyImage, ImageResampling.Downsample, OlshausenWhitening.Whiten and ImageDecoder.LoadGrey
/// say of each parameter, against what they refuse: none documented a parameter, so a width of 0, pixels of 3 values for 2x2,
/// an x of 2 in a 2-wide image, a factor of 0 or larger than the image, an infinite pixel to whiten, or a null or empty path were
/// met only as refusals; and Downsample's refusal of an image smaller than the factor said no rule ("is 3x3, too small to reduce by 4").
/// </summary>
public class ImagesDocsTests
{
    private const string Assembly = "SparseAe.Data";
    private const string Constructor = "M:SparseAe.Data.Images.GreyImage.#ctor";
    private const string Indexer = "P:SparseAe.Data.Images.GreyImage.Item";
    private const string Downsample = "M:SparseAe.Data.Images.ImageResampling.Downsample";
    private const string Whiten = "M:SparseAe.Data.Images.OlshausenWhitening.Whiten";

    private static GreyImage Image(int width, int height, float value = 0.5f) => new(width, height, Enumerable.Repeat(value, width * height).ToArray(), "i");

    // Each rule: the method, the parameter, the words its <param> and the refusal share, the call just outside and at the edge.
    public static TheoryData<string, string, string, Action, Action> Rules() => new()
    {
        { Constructor, "width", "at least 1", () => _ = new GreyImage(0, 1, [], "i"), () => _ = new GreyImage(1, 1, [0f], "i") },
        { Constructor, "height", "at least 1", () => _ = new GreyImage(1, 0, [], "i"), () => _ = new GreyImage(1, 1, [0f], "i") },
        { Constructor, "pixels", "must hold width*height", () => _ = new GreyImage(2, 2, new float[3], "i"), () => _ = new GreyImage(2, 2, new float[4], "i") },
        { Indexer, "x", "must be in [0, ", () => _ = Image(2, 3)[2, 0], () => _ = Image(2, 3)[1, 0] },
        { Indexer, "y", "must be in [0, ", () => _ = Image(2, 3)[0, 3], () => _ = Image(2, 3)[0, 2] },
        { Downsample, "factor", "at least 1", () => ImageResampling.Downsample(Image(2, 2), 0), () => ImageResampling.Downsample(Image(2, 2), 1) },
        { Downsample, "image", "must be at least factor", () => ImageResampling.Downsample(Image(4, 3), 4), () => ImageResampling.Downsample(Image(4, 4), 4) },
        { Whiten, "image", "every pixel must be finite", () => OlshausenWhitening.Whiten(Image(2, 2, float.NegativeInfinity)), () => OlshausenWhitening.Whiten(Image(2, 2, float.MaxValue)) },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_enforced(string method, string parameter, string rule, Action outside, Action edge)
        => XmlDocs.AssertRule(Assembly, method, parameter, rule, outside, edge);

    // 46341 x 46341 is 2,147,488,281 pixels, beyond one array; int.MaxValue x 1 is the most, refused then only for its pixels'
    // count (an array of int.MaxValue floats is 8 GB).
    [Fact]
    public void Width_documents_the_one_array_limit()
    {
        const string rule = "width*height must be at most 2147483647";
        Assert.Contains(rule, XmlDocs.Param(Assembly, Constructor, "width"), StringComparison.Ordinal);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => new GreyImage(46341, 46341, [], "i"));
        Assert.Equal("width", refusal.ParamName);
        Assert.Contains(rule, refusal.Message, StringComparison.Ordinal);
        Assert.Equal("pixels", Assert.Throws<ArgumentException>(() => new GreyImage(int.MaxValue, 1, [], "i")).ParamName);
    }

    // The references every method takes: not null (and a path not empty), each refused by its name.
    public static TheoryData<string, string, Action> NotNull() => new()
    {
        { Constructor, "pixels", () => _ = new GreyImage(1, 1, null!, "i") },
        { Constructor, "name", () => _ = new GreyImage(1, 1, [0f], null!) },
        { Downsample, "image", () => ImageResampling.Downsample(null!, 1) },
        { Whiten, "image", () => OlshausenWhitening.Whiten(null!) },
        { "M:SparseAe.Data.Images.ImageDecoder.LoadGrey(System.String", "path", () => ImageDecoder.LoadGrey((string)null!) },
        { "M:SparseAe.Data.Images.ImageDecoder.LoadGrey(System.String", "path", () => ImageDecoder.LoadGrey("") },
        { "M:SparseAe.Data.Images.ImageDecoder.LoadGrey(System.IO.Stream", "stream", () => ImageDecoder.LoadGrey((Stream)null!, "i") },
        { "M:SparseAe.Data.Images.ImageDecoder.LoadGrey(System.IO.Stream", "name", () => ImageDecoder.LoadGrey(new MemoryStream(), null!) },
    };

    [Theory]
    [MemberData(nameof(NotNull))]
    public void Each_reference_documents_that_it_must_be_given(string method, string parameter, Action outside)
        => XmlDocs.AssertGiven(Assembly, method, parameter, outside);
}
