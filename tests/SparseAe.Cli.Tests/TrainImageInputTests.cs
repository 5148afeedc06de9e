using SparseAe.Mat;
using Xunit;
using static SparseAe.Cli.Tests.TrainTests;

namespace SparseAe.Cli.Tests;

/// <summary>train given images, MAT arrays and IDX files that cannot be trained on as they are: each said under its flag and file.</summary>
public class TrainImageInputTests
{
    [Fact]
    public void A_complex_array_or_a_file_that_is_not_MAT_is_refused_by_name()
    {
        using var dir = new TempFolder();
        var manyTypes = Cli.Fixture("v73_many_types.mat");
        var (code, _, error) = Cli.Run(dir, "train", "--mat", manyTypes, "--variable", "z");
        Assert.Equal(2, code);
        Assert.Contains($"Variable 'z' in '{manyTypes}' is a complex double array; images must be real.", error);
        var csv = WriteCsv(dir, 3, 4, 1);
        (code, _, error) = Cli.Run(dir, "train", "--mat", csv);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: '{csv}' is not a readable MAT file: ", error);
        Assert.Equal(new[] { "rows.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_variable_is_said_with_the_ones_the_file_has_or_none()
    {
        // A file of no variables was told "it has: ." (a list of nothing).
        using var dir = new TempFolder();
        MatWriter.Write(Path.Combine(dir, "empty.mat"), []);
        MatWriter.Write(Path.Combine(dir, "two.mat"), [MatVariable.FromDoubles("A", [1, 1], [1]), MatVariable.FromDoubles("B", [1, 1], [2])]);
        var (code, _, error) = Cli.Run(dir, "train", "--mat", "empty.mat");
        Assert.Equal(2, code);
        Assert.Equal("error: 'empty.mat': The MAT file has no variable 'IMAGES'; it has none.", error.TrimEnd());
        (code, _, error) = Cli.Run(dir, "train", "--mat", "two.mat");
        Assert.Equal(2, code);
        Assert.Equal("error: 'two.mat': The MAT file has no variable 'IMAGES'; it has 'A', 'B'.", error.TrimEnd());
    }

    [Fact]
    public void A_char_array_is_refused_as_images()
    {
        // MatVariable.IsNumeric includes char (its UTF-16 code units), so text was trained on as pixels.
        using var dir = new TempFolder();
        var text = Enumerable.Range(0, 16 * 12).Select(i => (char)('A' + i % 26)).ToArray();
        MatWriter.Write(Path.Combine(dir, "text.mat"), [MatVariable.FromColumnMajorArray("IMAGES", [16, 12], text)]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "text.mat", "--patches", "20", "--hidden", "4", "--iterations", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Variable 'IMAGES' in 'text.mat' is a char, not a numeric array of images.", error.TrimEnd());
        Assert.Equal(new[] { "text.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_pixel_that_is_not_a_finite_float_is_named_by_its_subscripts_and_value_as_stored()
    {
        // It used to be named by the sampled patch it landed in ("Patch 67 holds NaN at element 4"), and a
        // double beyond float's range as Infinity.
        using var dir = new TempFolder();
        foreach (var (value, said) in new[] { (double.NaN, "NaN"), (1e300, "1E+300, outside float's range (+-3.4028235E+38)") })
        {
            var images = new double[16 * 12 * 2];
            images[16 * 12 + 16 * 3 + 5] = value;   // column-major: row 6, column 4, image 2
            MatWriter.Write(Path.Combine(dir, "bad.mat"), [MatVariable.FromDoubles("IMAGES", [16, 12, 2], images)]);
            var (code, _, error) = Cli.Run(dir, "train", "--mat", "bad.mat", "--patches", "50");
            Assert.Equal(2, code);
            Assert.Equal($"error: Variable 'IMAGES' in 'bad.mat' holds {said} at (6, 4, 2); every pixel must be a finite float.", error.TrimEnd());
        }
        Assert.Equal(new[] { "bad.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Patches_that_normalise_to_a_constant_are_refused_instead_of_trained_on()
    {
        // They used to train silently: "3 sigma = 0", every prepared row 0.5 (UFLDL) or 0 (standard).
        using var dir = new TempFolder();
        var rng = new Random(4);
        MatWriter.Write(Path.Combine(dir, "random.mat"), [MatVariable.FromDoubles("IMAGES", [10, 10], Enumerable.Range(0, 100).Select(_ => rng.NextDouble()).ToArray())]);
        MatWriter.Write(Path.Combine(dir, "flat.mat"), [MatVariable.FromDoubles("IMAGES", [20, 20], Enumerable.Repeat(0.3, 400).ToArray())]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "random.mat", "--patch", "1", "--patches", "5", "--hidden", "4", "--iterations", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --normalize ufldl (the default for image patches): all 5 sampled 1x1 patches are flat (sigma = 0 once each patch's mean is removed: a 1x1 patch minus its mean is always 0), so every prepared row would be 0.5 and carry nothing to learn; give larger patches (--patch), images that vary, or --normalize none.", error.TrimEnd());
        (code, output, error) = Cli.Run(dir, "train", "--mat", "flat.mat", "--patches", "50", "--normalize", "standard", "--hidden", "4", "--activation", "relu", "--epochs", "1");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --normalize standard: all 50 sampled 8x8 patches are flat (sigma = 0 once each patch's mean is removed: the images are constant over every sampled window), so every prepared row would be 0 and carry nothing to learn; give larger patches (--patch), images that vary, or --normalize none.", error.TrimEnd());
        Assert.DoesNotContain("training a", output);
        Assert.Equal(new[] { "flat.mat", "random.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Too_many_patches_and_a_source_without_images_are_said_under_the_flag_and_file()
    {
        // They were the library's words: "count*patchSize^2 = ... sample fewer, or draw them one at a time with
        // SampleOne (as SparseAe.Data's PatchRowSource streams them)", and "images must hold at least one image
        // to sample patches from, but is empty." without the file.
        // With either optimizer (More_patches_than_one_array_holds_are_refused_under_the_flag_before_any_work_with_either_optimizer).
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "100000000", "--optimizer", "adam");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"error: --patches: 100000000 patches of 8x8 pixels are 6400000000 values, more than one array holds ({Array.MaxLength}); give --patches {Array.MaxLength / 64} or fewer.", error.TrimEnd());

        File.WriteAllBytes(Path.Combine(dir, "empty.idx"), [0, 0, 0x08, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]);
        (code, output, error) = Cli.Run(dir, "train", "--idx", "empty.idx");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: IDX file 'empty.idx' holds no images (dimensions [0, 28, 28]); at least one is needed.", error.TrimEnd());

        MatWriter.Write(Path.Combine(dir, "none.mat"), [MatVariable.FromDoubles("IMAGES", [16, 16, 0], [])]);
        (code, output, error) = Cli.Run(dir, "train", "--mat", "none.mat");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Variable 'IMAGES' in 'none.mat' is 16x16x0: it holds no images, and patches are sampled from at least one.", error.TrimEnd());
        Assert.Equal(new[] { "empty.idx", "none.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Images_of_zero_height_or_width_are_said_with_the_file_as_given()
    {
        // A MAT array 0xWxK or Hx0, or an IDX file Nx0xW, was said by the image it became, without the file:
        // "Image 'IMAGES(:,:,1)': height must be at least 1, but is 0.", "Image 'flat.idx[0]': width ...".
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        MatWriter.Write(Path.Combine(dir, "data", "low.mat"), [MatVariable.FromDoubles("IMAGES", [0, 20, 3], [])]);
        MatWriter.Write(Path.Combine(dir, "data", "thin.mat"), [MatVariable.FromDoubles("PIX", [20, 0], [])]);
        File.WriteAllBytes(Path.Combine(dir, "data", "flat.idx"), [0, 0, 0x08, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 0]);
        foreach (var (args, message) in new[]
        {
            (new[] { "--mat", "data/low.mat" }, "error: Variable 'IMAGES' in 'data/low.mat' is 0x20x3: its images are 0x20 pixels, but an image must be at least 1x1."),
            (["--mat", "data/thin.mat", "--variable", "PIX"], "error: Variable 'PIX' in 'data/thin.mat' is 20x0: its image is 20x0 pixels, but an image must be at least 1x1."),
            (["--idx", "data/flat.idx"], "error: IDX file 'data/flat.idx' holds images of 28 rows and 0 columns (dimensions [3, 28, 0]); an image needs at least 1 of each."),
        })
        {
            var (code, output, error) = Cli.Run(dir, ["train", .. args]);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal(message, error.TrimEnd());
        }
        Assert.Equal(new[] { "data" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void An_array_of_more_than_three_dimensions_is_said_with_the_file_as_given()
    {
        // It was said without the file: "Variable 'V' must be an H x W or H x W x K array of images, but is 2x3x4x5."
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        MatWriter.Write(Path.Combine(dir, "data", "four.mat"), [MatVariable.FromDoubles("V", [2, 3, 4, 5], new double[2 * 3 * 4 * 5])]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "data/four.mat", "--variable", "V");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Variable 'V' in 'data/four.mat' must be an H x W or H x W x K array of images, but is 2x3x4x5.", error.TrimEnd());
        Assert.Equal(new[] { "data" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // numpy's (H, W, K, 1), as scipy.io.savemat and h5py write it, is MATLAB's H x W x K: size() drops trailing
    // singleton dimensions. It was refused: "must be an H x W or H x W x K array of images, but is 4x5x2x1".
    [Fact]
    public void Trailing_singleton_dimensions_are_dropped_as_MATLAB_drops_them()
    {
        using var dir = new TempFolder();
        var values = Enumerable.Range(0, 4 * 5 * 2).Select(i => (i * 37 % 40) / 40.0).ToArray();
        MatWriter.Write(Path.Combine(dir, "three.mat"), [MatVariable.FromDoubles("IMAGES", [4, 5, 2], values)]);
        MatWriter.Write(Path.Combine(dir, "four.mat"), [MatVariable.FromDoubles("IMAGES", [4, 5, 2, 1, 1], values)]);
        string[] options = ["--patch", "2", "--patches", "30", "--hidden", "3", "--iterations", "2", "--normalize", "none"];
        var (code, output, error) = Cli.Run(dir, ["train", "--mat", "three.mat", .. options, "--model", "three.zip", "--save-rows", "three.csv"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        (code, output, error) = Cli.Run(dir, ["train", "--mat", "four.mat", .. options, "--model", "four.zip", "--save-rows", "four.csv"]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "three.csv")), File.ReadAllText(Path.Combine(dir, "four.csv")));

        // A NaN is said by MATLAB's subscripts of the H x W x K array.
        values[4 * 5 + 3] = double.NaN;
        MatWriter.Write(Path.Combine(dir, "nan.mat"), [MatVariable.FromDoubles("IMAGES", [4, 5, 2, 1], values)]);
        (code, output, error) = Cli.Run(dir, ["train", "--mat", "nan.mat", .. options]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Variable 'IMAGES' in 'nan.mat' holds NaN at (4, 1, 2); every pixel must be a finite float.", error.TrimEnd());
    }

    [Fact]
    public void A_downsample_factor_larger_than_an_image_is_said_under_the_flag_with_the_largest_that_fits()
    {
        // It was the library's words, without the flag: "Image 'IMAGES(:,:,1)' is 20x24, too small to reduce by 30."
        using var dir = new TempFolder();
        var fixture = Cli.Fixture("v5_plain_double3d.mat");
        var (code, output, error) = Cli.Run(dir, "train", "--mat", fixture, "--downsample", "30", "--patch", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"error: --downsample 30: image '{fixture}:IMAGES(:,:,1)' is 20x24 (width x height), smaller than one 30x30 block; give --downsample 10 or less.", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // The advice was the largest factor that leaves every image one pixel, whatever --patch: "give --downsample 20
    // or less" for 20x24 images and 2x2 patches, where 20 reduces them to 1x1 and is refused in turn; and a
    // 1x1 photograph at the default --downsample 2 was told "give --downsample 1 or less", then refused for the
    // 8x8 patch. The advice now takes every image and the patch together.
    [Fact]
    public void A_downsample_factor_larger_than_an_image_is_advised_one_that_leaves_room_for_the_patch()
    {
        using var dir = new TempFolder();
        WriteGreyPng(Path.Combine(dir, "big.png"), 40, 30);
        WriteGreyPng(Path.Combine(dir, "dot.png"), 1, 1);
        var (code, output, error) = Cli.Run(dir, "train", "--images", "big.png", "dot.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --downsample 2: image 'dot.png' is 1x1 (width x height), smaller than one 2x2 block; give --downsample 1 and --patch 1.", error.TrimEnd());
        Assert.Equal("", output);

        WriteGreyPng(Path.Combine(dir, "dot.png"), 5, 6);
        (code, output, error) = Cli.Run(dir, "train", "--images", "big.png", "dot.png", "--downsample", "6");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --downsample 6: image 'dot.png' is 5x6 (width x height), smaller than one 6x6 block; give --downsample 1 and --patch 5 or less.", error.TrimEnd());

        (code, output, error) = Cli.Run(dir, "train", "--images", "big.png", "--downsample", "32", "--patch", "3");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --downsample 32: image 'big.png' is 40x30 (width x height), smaller than one 32x32 block; give --downsample 10 or less.", error.TrimEnd());
        Assert.Equal(new[] { "big.png", "dot.png" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    // A column vector (scipy.io.savemat's oned_as='column') or an array smaller than --patch or --downsample was said
    // by its image without the file: "Image 'v(:,:,1)' is 1x16 (width x height), smaller than the 4x4 patches ...".
    [Fact]
    public void A_MAT_image_too_small_for_the_patch_or_the_downsample_is_said_with_its_file()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        MatWriter.Write(Path.Combine(dir, "data", "vec.mat"), [MatVariable.FromDoubles("v", [16, 1], Enumerable.Range(0, 16).Select(i => i / 16.0).ToArray())]);
        foreach (var (args, message) in new[]
        {
            (new[] { "--patch", "4" }, "error: Image 'data/vec.mat:v(:,:,1)' is 1x16 (width x height), smaller than the 4x4 patches asked for (--patch)."),
            (["--patch", "1", "--downsample", "2"], "error: --downsample 2: image 'data/vec.mat:v(:,:,1)' is 1x16 (width x height), smaller than one 2x2 block; give --downsample 1."),
        })
        {
            var (code, output, error) = Cli.Run(dir, ["train", "--mat", "data/vec.mat", "--variable", "v", .. args]);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal(message, error.TrimEnd());
        }
        Assert.Equal(new[] { "data" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // An image's size was said as width x height without a word, where inspect and the MAT messages say
    // MATLAB's height x width: the 12x8 array X was "Image 'X(:,:,1)' is 8x12".
    [Fact]
    public void An_image_smaller_than_the_patch_is_said_with_the_order_of_its_sides()
    {
        using var dir = new TempFolder();
        var fixture = Cli.Fixture("v5_mixed_struct_cell.mat");
        var (code, output, error) = Cli.Run(dir, "train", "--mat", fixture, "--variable", "X", "--patch", "10");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"error: Image '{fixture}:X(:,:,1)' is 8x12 (width x height), smaller than the 10x10 patches asked for (--patch).", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // A 10x12 photograph is 5x6 once halved (--downsample 2, the photographs' default), too small for 8x8
    // patches. It was said only after every image had been reduced and whitened, by the name and size of the
    // image it had become, which is no file's: "Image 'small.png (1/2) (whitened)' is 5x6 (width x height), ...".
    [Fact]
    public void An_image_too_small_for_the_patch_once_reduced_is_said_by_its_file_and_both_flags_before_any_work()
    {
        using var dir = new TempFolder();
        WriteGreyPng(Path.Combine(dir, "big.png"), 40, 30);
        WriteGreyPng(Path.Combine(dir, "small.png"), 10, 12);
        var (code, output, error) = Cli.Run(dir, "train", "--images", "big.png", "small.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Image 'small.png' is 10x12 (width x height), 5x6 once reduced by 2 (--downsample), smaller than the 8x8 patches asked for (--patch); " +
            "give --patch 5 or less, or --downsample 1.", error.TrimEnd());
        Assert.Equal("", output);   // nothing reduced or whitened first

        // Unreduced, it was named as whitened: "Image 'small.png (whitened)' is 10x12 ...".
        (code, output, error) = Cli.Run(dir, "train", "--images", "big.png", "small.png", "--downsample", "1", "--patch", "16");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Image 'small.png' is 10x12 (width x height), smaller than the 16x16 patches asked for (--patch).", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Equal(new[] { "big.png", "small.png" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    // An image exactly as large as the patch once reduced holds one patch, and is taken: 16x16 at the default --downsample 2
    // is 8x8, the default --patch. (Mutation audit: the check refusing an image as wide as the patch, '<=' for '<', passed
    // every test, whose images were all far larger or smaller.)
    [Fact]
    public void An_image_exactly_the_patch_s_size_once_reduced_is_taken()
    {
        using var dir = new TempFolder();
        WriteGreyPng(Path.Combine(dir, "edge.png"), 16, 16);
        var (code, output, error) = Cli.Run(dir, "train", "--images", "edge.png", "--patches", "20", "--hidden", "3", "--iterations", "2");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("20 8x8 patches", output);
    }

    private static void WriteGreyPng(string path, int width, int height)
    {
        var rng = new Random(width * 1000 + height);
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(width, height, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = (byte)rng.Next(256);
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor(v, v, v));
            }
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void An_IDX_file_of_other_values_than_bytes_is_bad_input_not_an_internal_error()
    {
        using var dir = new TempFolder();
        var file = new byte[] { 0, 0, 0x0D, 3, 0, 0, 0, 2, 0, 0, 0, 10, 0, 0, 0, 10 }.Concat(new byte[4 * 200]).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "f.idx"), file);
        var (code, _, error) = Cli.Run(dir, "train", "--idx", "f.idx", "--patch", "4", "--patches", "50");
        Assert.Equal(2, code);
        Assert.Equal("error: IDX file 'f.idx' holds Single values (type 0x0D, dimensions [2, 10, 10]); images must be unsigned bytes (type 0x08), as MNIST and Fashion-MNIST store them.", error.TrimEnd());
    }

    // File.Exists is true of a symbolic link to nothing, so RequireInput let it through and the decoder's
    // File.OpenRead threw FileNotFoundException: "internal error: FileNotFoundException: Could not find file ...", exit 1.
    [Fact]
    public void An_image_file_that_is_a_link_to_nothing_is_said_not_to_exist()
    {
        using var dir = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(dir, "broken.png"), Path.Combine(dir, "nothing.png"));
        var (code, output, error) = Cli.Run(dir, "train", "--images", "broken.png", "--patches", "20", "--hidden", "4", "--iterations", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Image file 'broken.png' does not exist (it is a link to nothing).", error.TrimEnd());
        Assert.Equal(new[] { "broken.png" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // IsFile's stat(2) (File.GetUnixFileMode) says FileNotFoundException of every link it cannot follow: a loop of links, and a
    // link into a folder this user may not search, were both said "does not exist (it is a link to nothing)". open(2) says why.
    [Fact]
    public void An_image_file_that_is_a_loop_of_links_is_not_said_to_be_a_link_to_nothing()
    {
        using var dir = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(dir, "a.png"), "b.png");
        File.CreateSymbolicLink(Path.Combine(dir, "b.png"), "a.png");
        var (code, output, error) = Cli.Run(dir, "train", "--images", "a.png", "--patches", "20", "--hidden", "4", "--iterations", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Image file 'a.png' cannot be read: ", error);
        Assert.DoesNotContain("link to nothing", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    // A ramp (a pixel 0.05 times its column) has the same pattern in every window: once each patch's mean is removed and
    // one scale applied, the patches differ only by the rounding of their pixels (up to 2e-7), and the exact comparison let
    // them through: ZCA whitened that rounding to rows within [-8e-7, 8e-7], and the run trained on them without a word.
    [Theory]
    [InlineData("ufldl")]
    [InlineData("standard")]
    public void Patches_that_normalisation_makes_the_same_up_to_rounding_are_refused_before_ZCA(string normalize)
    {
        using var dir = new TempFolder();
        var ramp = Enumerable.Range(0, 20 * 20).Select(i => 0.05 * (i / 20)).ToArray();   // column-major: the column is i / 20
        MatWriter.Write(Path.Combine(dir, "ramp.mat"), [MatVariable.FromDoubles("IMAGES", [20, 20, 1], ramp)]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "ramp.mat", "--patch", "4", "--patches", "50", "--whiten", "zca", "--normalize", normalize,
            "--decoder", "linear", "--hidden", "3", "--iterations", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: --whiten zca: all 50 sampled patches are the same vector once normalised, up to the rounding of their pixels \(they differ by at most [0-9.E-]+, " +
            @"within the [0-9.E-]+ that rounding leaves\), so ZCA, which removes the mean, would make every row 0, leaving nothing to learn; give data that varies, or --whiten none.$", error.TrimEnd());
        Assert.Equal(new[] { "ramp.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
