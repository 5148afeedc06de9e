using SparseAe.Data.Idx;
using Xunit;
using static SparseAe.Data.Tests.Idx.IdxFileTests;

namespace SparseAe.Data.Tests.Idx;

/// <summary>An MNIST-style images and labels pair: read from plain or gzipped files, and each file that breaks a rule named.</summary>
public sealed class IdxLabelledImagesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Folder(byte[] images, byte[] labels, bool gzip = false)
    {
        var dir = _temp.NewFolder();
        string gz = gzip ? ".gz" : "";
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte" + gz), gzip ? Gzip(images) : images);
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte" + gz), gzip ? Gzip(labels) : labels);
        return dir;
    }

    private static readonly byte[] TwoImages = Build(IdxDataType.UnsignedByte, [2, 2, 3], [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]);
    private static readonly byte[] TwoLabels = Build(IdxDataType.UnsignedByte, [2], [7, 3]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_the_pair_with_pixels_scaled_to_unit(bool gzip)
    {
        var set = IdxLabelledImages.Read(Folder(TwoImages, TwoLabels, gzip), "train");
        Assert.Equal((2, 2, 3), (set.Count, set.Height, set.Width));
        Assert.Equal(new byte[] { 7, 3 }, set.Labels);
        Assert.Equal(new[] { 0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f }, set.Image(0).ToArray());
        Assert.Equal(4 / 255f, set.Image(1)[3]);
    }

    // The gzipped file is the one read where both forms are in the folder, as the class's summary says: a plain
    // file beside it, here cut short as a gunzip stopped half-way would leave it, is not read.
    [Fact]
    public void The_gzipped_file_is_read_where_both_forms_are_there()
    {
        var dir = Folder(TwoImages, TwoLabels, gzip: true);
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), TwoImages[..10]);
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), TwoLabels[..5]);
        var set = IdxLabelledImages.Read(dir, "train");
        Assert.Equal(new byte[] { 7, 3 }, set.Labels);
        Assert.Equal(4 / 255f, set.Image(1)[3]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public void An_image_index_outside_the_set_names_the_range_and_the_index(int index)
    {
        var set = IdxLabelledImages.Read(Folder(TwoImages, TwoLabels), "train");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => set.Image(index));
        Assert.Equal("index", e.ParamName);
        Assert.Contains($"must be in [0, 2), but is {index}", e.Message);
    }

    [Fact]
    public void Each_broken_rule_of_the_labels_names_the_file_and_what_it_holds()
    {
        string Refusal(byte[] labels) => Assert.Throws<InvalidDataException>(() => IdxLabelledImages.Read(Folder(TwoImages, labels), "train")).Message;

        Assert.EndsWith("train-labels-idx1-ubyte' holds Int32 values (type 0x0C, dimensions [2]); labels must be unsigned bytes (type 0x08).",
            Refusal(Build(IdxDataType.Int32, [2], new byte[8])));
        Assert.EndsWith("train-labels-idx1-ubyte' must hold one label per image (dimensions [n]), but its dimensions are [1, 2].",
            Refusal(Build(IdxDataType.UnsignedByte, [1, 2], [7, 3])));
        Assert.Matches("^IDX file '.*train-labels-idx1-ubyte' has 1 labels \\(dimensions \\[1\\]\\) for the 2 images of '.*train-images-idx3-ubyte' \\(dimensions \\[2, 2, 3\\]\\); each image needs one label.$",
            Refusal(Build(IdxDataType.UnsignedByte, [1], [7])));
    }

    [Fact]
    public void The_labels_rules_are_applied_to_the_header_before_any_label_is_read()
    {
        // Gzipped labels files holding only their headers: each is refused by its rule, where reading on would first
        // decompress the values (a header of 400,000,000 labels for 2 images: 400 MB, then 1.6 GB of floats, before
        // the count was compared; under a 1 GB heap an OutOfMemoryException), here to find them missing.
        string Refusal(byte[] labels) => Assert.Throws<InvalidDataException>(() => IdxLabelledImages.Read(Folder(TwoImages, labels, gzip: true), "train")).Message;

        Assert.Matches("^IDX file '.*train-labels-idx1-ubyte.gz' has 400000000 labels \\(dimensions \\[400000000\\]\\) for the 2 images of '.*train-images-idx3-ubyte.gz' \\(dimensions \\[2, 2, 3\\]\\); each image needs one label.$",
            Refusal(Build(IdxDataType.UnsignedByte, [400_000_000], [])));
        Assert.EndsWith("train-labels-idx1-ubyte.gz' holds Int32 values (type 0x0C, dimensions [2]); labels must be unsigned bytes (type 0x08).",
            Refusal(Build(IdxDataType.Int32, [2], [])));
        Assert.EndsWith("train-labels-idx1-ubyte.gz' must hold one label per image (dimensions [n]), but its dimensions are [2, 28, 28].",
            Refusal(Build(IdxDataType.UnsignedByte, [2, 28, 28], [])));
    }

    [Fact]
    public void The_images_are_checked_as_IdxImages_checks_them()
    {
        var dir = Folder(Build(IdxDataType.UnsignedByte, [2, 0, 3], []), TwoLabels);
        var e = Assert.Throws<InvalidDataException>(() => IdxLabelledImages.Read(dir, "train"));
        Assert.Equal(Assert.Throws<InvalidDataException>(() => IdxImages.Read(Path.Combine(dir, "train-images-idx3-ubyte"))).Message, e.Message);
        Assert.EndsWith("holds images of 0 rows and 3 columns (dimensions [2, 0, 3]); an image needs at least 1 of each.", e.Message);
    }

    [Fact]
    public void A_folder_without_the_files_names_both_forms()
    {
        var dir = Folder(TwoImages, TwoLabels);
        var e = Assert.Throws<FileNotFoundException>(() => IdxLabelledImages.Read(dir, "t10k"));
        Assert.Equal($"'{dir}' has neither t10k-images-idx3-ubyte.gz nor t10k-images-idx3-ubyte.", e.Message);
    }

    // The images' check counts their bytes and one float copy; the labels were read unchecked, and the float copy made after
    // them. A gzipped pair of 11,700,000 images of 1x1 (58.5 MB counted) under a 64 MB heap passed the images' check; the
    // labels (11.7 MB more) then left too little for the floats, and the process ended in a bare "Out of memory." (exit 134).
    // The labels are checked from their header with the floats still to come, as any IDX file is (IdxReader.ReadHeld).
    [Fact]
    public void Labels_that_with_the_images_floats_do_not_fit_in_memory_are_refused_from_their_header()
    {
        const int count = 11_700_000;
        var dir = _temp.NewFolder();
        GzipOfZeros(Path.Combine(dir, "train-images-idx3-ubyte.gz"), (Build(IdxDataType.UnsignedByte, [count, 1, 1], []), count));
        GzipOfZeros(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), (Build(IdxDataType.UnsignedByte, [count], []), count));
        var (code, text) = UnderHeapLimit(dir, 64 << 20, "--idx-pair", dir, "train");
        Assert.True(code == 3, $"exit {code}: {text}");
        Assert.Matches(@"^Reading IDX file '" + System.Text.RegularExpressions.Regex.Escape(Path.Combine(dir, "train-labels-idx1-ubyte.gz")) +
            @"' \(11700000 labels as bytes, and the 11700000 images of 1 rows and 1 columns as floats, 46800000 bytes\) " +
            @"needs about 0\.\d+ GB of memory, but about 0\.\d+ GB are available; use files with fewer images\.$", text.TrimEnd());
    }

    // The record's Count doc said "at least 1", but its constructor checked nothing: Count 0, a width of 0, or pixels too
    // few for Count images were taken, and Image(i) then failed inside AsSpan ("Specified argument was out of the range of
    // valid values"), naming nothing of the set.
    [Theory]
    // The rule in each message up to its values is what the record's <param> (IntelliSense) says.
    [InlineData(2, 2, 3, 12, 2, null, null, null)]
    [InlineData(0, 2, 3, 0, 0, "Count", "Count must be at least 1", ", but is 0.")]
    [InlineData(2, 0, 3, 0, 2, "Height", "Height must be at least 1", ", but is 0.")]
    [InlineData(2, 2, -1, 0, 2, "Width", "Width must be at least 1", ", but is -1.")]
    [InlineData(2, 2, 3, 11, 2, "Pixels", "Pixels must hold Count*Height*Width", " = 2*2*3 = 12 values, but holds 11.")]
    [InlineData(2, 2, 3, 12, 3, "Labels", "Labels must hold one label per image", " (Count = 2), but holds 3.")]
    public void A_set_made_by_hand_is_checked_as_Read_checks_a_file(int count, int height, int width, int pixels, int labels,
        string? param, string? rule, string? values)
    {
        IdxLabelledImages Make() => new(new float[pixels], new byte[labels], count, height, width);
        if (param is null)
        {
            Assert.Equal(height * width, Make().Image(count - 1).Length);
            return;
        }
        var e = Assert.ThrowsAny<ArgumentException>(Make);
        Assert.Equal(param, e.ParamName);
        Assert.StartsWith(rule + values, e.Message);
        Assert.Contains(rule!, SparseAe.Tests.Support.XmlDocs.Param("SparseAe.Data", "M:SparseAe.Data.Idx.IdxLabelledImages.#ctor", param!), StringComparison.Ordinal);
    }

    [Fact]
    public void A_set_made_by_hand_without_pixels_or_labels_names_them()
    {
        Assert.Equal("Pixels", Assert.Throws<ArgumentNullException>(() => new IdxLabelledImages(null!, [1], 1, 1, 1)).ParamName);
        Assert.Equal("Labels", Assert.Throws<ArgumentNullException>(() => new IdxLabelledImages([0f], null!, 1, 1, 1)).ParamName);
        foreach (var name in new[] { "Pixels", "Labels" })
            Assert.Contains("not null", SparseAe.Tests.Support.XmlDocs.Param("SparseAe.Data", "M:SparseAe.Data.Idx.IdxLabelledImages.#ctor", name), StringComparison.Ordinal);
    }
}
