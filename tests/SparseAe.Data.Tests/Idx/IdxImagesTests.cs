using SparseAe.Data.Idx;
using Xunit;
using static SparseAe.Data.Tests.Idx.IdxFileTests;

namespace SparseAe.Data.Tests.Idx;

/// <summary>An MNIST-style images file: read plain or gzipped, scaled to [0, 1], and each rule refused from the header.</summary>
public sealed class IdxImagesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(byte[] file, string name = "images-idx3-ubyte")
    {
        var path = Path.Combine(_temp.NewFolder(), name);
        File.WriteAllBytes(path, file);
        return path;
    }

    private static readonly byte[] TwoImages = Build(IdxDataType.UnsignedByte, [2, 2, 3], [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_the_images_as_bytes_over_255(bool gzip)
    {
        var images = IdxImages.Read(Write(gzip ? Gzip(TwoImages) : TwoImages));
        Assert.Equal((2, 2, 3), (images.Count, images.Height, images.Width));
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], images.Image(0));
        Assert.Equal([1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f, 5 / 255f, 6 / 255f], images.Image(1));
        Assert.Equal(images.Image(0).Concat(images.Image(1)), images.ScaleToUnit());
        Assert.NotSame(images.Image(0), images.Image(0));   // each call a new array: the caller may whiten it in place
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void An_image_index_outside_the_file_is_refused(int index)
    {
        var images = IdxImages.Read(Write(TwoImages, "two.idx"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => images.Image(index));
        Assert.StartsWith($"IDX file '{images.Name}': image index must be in [0, 2), but is {index}.", e.Message);
        Assert.Equal("index", e.ParamName);
    }

    public static TheoryData<byte[], string> BrokenRules() => new()
    {
        { Build(IdxDataType.Single, [1, 1, 1], [0, 0, 0, 0]),
            "holds Single values (type 0x0D, dimensions [1, 1, 1]); images must be unsigned bytes (type 0x08), as MNIST and Fashion-MNIST store them." },
        { Build(IdxDataType.UnsignedByte, [12], new byte[12]), "must hold images (dimensions [n, rows, cols]), but its dimensions are [12]." },
        { Build(IdxDataType.UnsignedByte, [0, 28, 28], []), "holds no images (dimensions [0, 28, 28]); at least one is needed." },
        { Build(IdxDataType.UnsignedByte, [2, 0, 3], []), "holds images of 0 rows and 3 columns (dimensions [2, 0, 3]); an image needs at least 1 of each." },
        { Build(IdxDataType.UnsignedByte, [2, 28, 0], []), "holds images of 28 rows and 0 columns (dimensions [2, 28, 0]); an image needs at least 1 of each." },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void Each_broken_rule_names_the_file_and_what_it_holds(byte[] file, string rule)
    {
        var path = Write(file);
        var e = Assert.Throws<InvalidDataException>(() => IdxImages.Read(path));
        Assert.Equal($"IDX file '{path}' {rule}", e.Message);
    }

    [Fact]
    public void The_rules_are_applied_to_the_header_before_any_pixel_is_read()
    {
        // A gzipped file of 60,000 int32 images holding only its header: the type is refused, where reading
        // on would first decompress the values (here, find them missing). The refusal is the rule, not gzip damage.
        var path = Write(Gzip(Build(IdxDataType.Int32, [60000, 28, 28], [])), "int32.gz");
        var e = Assert.Throws<InvalidDataException>(() => IdxImages.Read(path));
        Assert.Equal($"IDX file '{path}' holds Int32 values (type 0x0C, dimensions [60000, 28, 28]); images must be unsigned bytes (type 0x08), as MNIST and Fashion-MNIST store them.", e.Message);
    }

    [Fact]
    public void A_damaged_file_is_refused_as_IdxFile_refuses_it()
    {
        var path = Write(TwoImages[..^1], "cut.idx");
        var e = Assert.Throws<InvalidDataException>(() => IdxImages.Read(path));
        Assert.Equal(Assert.Throws<InvalidDataException>(() => IdxFile.Read(path)).Message, e.Message);
        Assert.Contains("is truncated", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => IdxImages.Read("no-such-images.idx"));
        Assert.Equal("IDX file 'no-such-images.idx' does not exist.", e.Message);
    }
}
