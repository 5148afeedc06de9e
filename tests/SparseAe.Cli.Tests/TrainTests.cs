using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using SparseAe.Mat;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

public class TrainTests
{
    internal static string WriteCsv(string dir, int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        var path = Path.Combine(dir, "rows.csv");
        File.WriteAllLines(path, Enumerable.Range(0, rows).Select(_ =>
            string.Join(',', Enumerable.Range(0, columns).Select(_ => (0.1 + 0.8 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture)))));
        return path;
    }

    [Fact]
    public void Train_on_a_MAT_array_of_images_samples_patches()
    {
        var dir = Cli.TempDirectory();
        var rng = new Random(2);
        var images = Enumerable.Range(0, 40 * 30 * 2).Select(_ => rng.NextDouble() - 0.5).ToArray();
        MatWriter.Write(Path.Combine(dir, "IMAGES.mat"), [MatVariable.FromDoubles("IMAGES", [40, 30, 2], images)]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "IMAGES.mat", "--patches", "500", "--hidden", "16", "--iterations", "10");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("500 8x8 patches from IMAGES.mat:IMAGES", output);
        Assert.DoesNotContain("whitening", output);     // a MAT array is taken as already whitened
        Assert.Contains("normalised patches as UFLDL", output);
        Assert.True(File.Exists(Path.Combine(dir, "filters.png")));
    }

    [Fact]
    public void The_default_experiment_halves_and_whitens_the_embedded_photographs()
    {
        var dir = Cli.TempDirectory();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "300", "--hidden", "4", "--iterations", "3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("reducing 5 image(s) by 2", output);
        Assert.Contains("whitening 5 image(s)", output);
        Assert.Contains("300 8x8 patches from the 5 embedded photographs", output);
        Assert.Contains("training a 64-4-64 sparse autoencoder", output);
    }

    [Fact]
    public void A_whitened_IMAGES_mat_gives_the_same_model_as_the_same_images_given_as_pictures()
    {
        // The MAT path (column-major H x W x K, no whitening by default) and the image path must agree
        // exactly when they carry the same whitened pixels.
        var dir = Cli.TempDirectory();
        var rng = new Random(5);
        int h = 24, w = 20;
        var pixels = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var colMajor = new double[h * w];
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) colMajor[r + h * c] = pixels[r * w + c];
        MatWriter.Write(Path.Combine(dir, "one.mat"), [MatVariable.FromDoubles("IMAGES", [h, w], colMajor)]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "one.mat", "--patches", "200", "--hidden", "5", "--iterations", "5", "--weights-csv", "mat.csv");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("200 8x8 patches from one.mat:IMAGES", output);
        // The library, given the same image row-major, must sample and train to the same weights.
        var images = new[] { new SparseAe.Data.Images.GreyImage(w, h, pixels, "x") };
        var patches = SparseAe.Data.Patches.PatchSampler.Sample(images, 8, 200, 1);
        SparseAe.Data.Patches.PatchNormalization.Ufldl(patches, 200, 64);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromRowSource(new SparseAe.Training.ArrayRowSource(patches, 200, 64), "Features");
        // Seed 1: the CLI's --seed default, which it passes to the options (without a seed the options
        // would draw one from the MLContext, as ML.NET's trainers do).
        var expected = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 5, MaxIterations = 5, Seed = 1 }).Fit(data);
        var fromCli = File.ReadAllLines(Path.Combine(dir, "mat.csv")).Skip(1).SelectMany(l => l.Split(',')).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.Weights.W1.ToArray(), fromCli);
    }

    // Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian), after checking the signature.
    internal static (int Width, int Height) PngSize(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, b[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(b, 12, 4));
        return (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
    }

    [Fact]
    public void A_complex_array_or_a_file_that_is_not_MAT_is_refused_by_name()
    {
        var dir = Cli.TempDirectory();
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
    public void A_char_array_is_refused_as_images()
    {
        // MatVariable.IsNumeric includes char (its UTF-16 code units), so text was trained on as pixels.
        var dir = Cli.TempDirectory();
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
        var dir = Cli.TempDirectory();
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
        var dir = Cli.TempDirectory();
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
        var dir = Cli.TempDirectory();
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
        var dir = Cli.TempDirectory();
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
        var dir = Cli.TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        MatWriter.Write(Path.Combine(dir, "data", "four.mat"), [MatVariable.FromDoubles("V", [2, 3, 4, 5], new double[2 * 3 * 4 * 5])]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "data/four.mat", "--variable", "V");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Variable 'V' in 'data/four.mat' must be an H x W or H x W x K array of images, but is 2x3x4x5.", error.TrimEnd());
        Assert.Equal(new[] { "data" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_downsample_factor_larger_than_an_image_is_said_under_the_flag_with_the_largest_that_fits()
    {
        // It was the library's words, without the flag: "Image 'IMAGES(:,:,1)' is 20x24, too small to reduce by 30."
        var dir = Cli.TempDirectory();
        var (code, output, error) = Cli.Run(dir, "train", "--mat", Cli.Fixture("v5_plain_double3d.mat"), "--downsample", "30", "--patch", "2");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --downsample 30: image 'IMAGES(:,:,1)' is 20x24 (width x height), smaller than one 30x30 block; give --downsample 20 or less.", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // --aux-k's help gave the power of two nearest V/2 as the default, but the default is at most H: a TopK
    // model of 64-float patches and 16 latents trains with AuxK 16, not 32, which --aux-k 32 would be refused as.
    [Fact]
    public void The_help_gives_the_default_aux_k_the_training_uses()
    {
        Assert.Equal(16, Defaults.AuxKFor(64, 16));
        var (code, output, error) = Cli.Run(Cli.TempDirectory(), "train", "--help");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("TopK: dead latents in the AuxK term, 0 = off (default: the power of two nearest V/2, at most H).", output.ReplaceLineEndings(" "));
    }

    // An image's size was said as width x height without a word, where inspect and the MAT messages say
    // MATLAB's height x width: the 12x8 array X was "Image 'X(:,:,1)' is 8x12".
    [Fact]
    public void An_image_smaller_than_the_patch_is_said_with_the_order_of_its_sides()
    {
        var dir = Cli.TempDirectory();
        var (code, output, error) = Cli.Run(dir, "train", "--mat", Cli.Fixture("v5_mixed_struct_cell.mat"), "--variable", "X", "--patch", "10");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Image 'X(:,:,1)' is 8x12 (width x height), smaller than the 10x10 patches asked for (--patch).", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // A 10x12 photograph is 5x6 once halved (--downsample 2, the photographs' default), too small for 8x8
    // patches. It was said only after every image had been reduced and whitened, by the name and size of the
    // image it had become, which is no file's: "Image 'small.png (1/2) (whitened)' is 5x6 (width x height), ...".
    [Fact]
    public void An_image_too_small_for_the_patch_once_reduced_is_said_by_its_file_and_both_flags_before_any_work()
    {
        var dir = Cli.TempDirectory();
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
        var dir = Cli.TempDirectory();
        var file = new byte[] { 0, 0, 0x0D, 3, 0, 0, 0, 2, 0, 0, 0, 10, 0, 0, 0, 10 }.Concat(new byte[4 * 200]).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "f.idx"), file);
        var (code, _, error) = Cli.Run(dir, "train", "--idx", "f.idx", "--patch", "4", "--patches", "50");
        Assert.Equal(2, code);
        Assert.Equal("error: IDX file 'f.idx' holds Single values (type 0x0D, dimensions [2, 10, 10]); images must be unsigned bytes (type 0x08), as MNIST and Fashion-MNIST store them.", error.TrimEnd());
    }

    [Fact]
    public void Long_filters_are_drawn_in_tiles_close_to_square_and_a_grid_too_large_is_left_out_or_if_asked_for_refused_before_training()
    {
        // 1,000 filters of 1,000 values were drawn as 1 x 1000 tiles: a 32033-pixel grid, refused after
        // training with only the model written. They are 25 x 40 tiles now.
        var dir = Cli.TempDirectory();
        WriteCsv(dir, 6, 1000, 7);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "1000", "--activation", "relu", "--epochs", "1", "--metrics-json", "m.json");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        foreach (var f in new[] { "model.zip", "filters.png", "curve.png", "latents.png", "m.json" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);

        // A prime V is one row of V pixels whatever the shape: too wide for any grid. Asked for by --filters,
        // it is refused before training, naming options that exist (it named patchHeight, an argument of the
        // library); by default the model is trained and the picture left out with a note (it used to be refused).
        var wide = Cli.TempDirectory();
        WriteCsv(wide, 3, 2003, 8);
        (code, output, error) = Cli.Run(wide, "train", "--csv", "rows.csv", "--iterations", "1", "--filters", "f.png");
        Assert.Equal(2, code);
        Assert.Equal("error: --filters: 100 filters of 1 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels, in tiles of any shape (--hidden 81 or fewer would fit); leave out --filters to train without the picture.", error.TrimEnd());
        Assert.DoesNotContain("training a", output);
        Assert.Equal(new[] { "rows.csv" }, Directory.GetFileSystemEntries(wide).Select(Path.GetFileName));
        (code, output, error) = Cli.Run(wide, "train", "--csv", "rows.csv", "--iterations", "1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal("note: filters.png is not drawn: 100 filters of 1 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels, in tiles of any shape (--hidden 81 or fewer would fit).", error.TrimEnd());
        Assert.Contains("wrote model.zip, curve.png", output);
        Assert.Equal(new[] { "curve.png", "model.zip", "rows.csv" }, Directory.GetFileSystemEntries(wide).Select(Path.GetFileName).Order());
        WriteCsv(wide, 2, 20011, 8);
        (code, output, error) = Cli.Run(wide, "train", "--csv", "rows.csv", "--hidden", "1", "--iterations", "1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("(not even one filter fits)", error);
    }

    // V = P x P alone too wide (no H fits) was said under --hidden, "not even --hidden 1 fits", where --patch is
    // what to change. At H = 100 (the default), 2HV + H + V fits one array up to V = 3268 x 3268.
    [Fact]
    public void A_patch_too_large_for_any_hidden_layer_is_refused_under_patch_with_the_largest_that_fits()
    {
        var dir = Cli.TempDirectory();
        var (code, output, error) = Cli.Run(dir, "train", "--patch", "4097", "--patches", "100");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --patch: A 16785409-100-16785409 autoencoder needs 3373867309 parameters, more than one array can hold (2147483591); " +
            "give --patch 3268 or less.", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Minus_zero_is_read_as_zero_and_printed_as_0()
    {
        // -0 equals 0, so "--weight-decay -0" meets "at least 0" and is taken; it was kept as -0, and the
        // summary said "weight decay -0" (-0 x the sum of squares), as a -0 sparsity weight said "sparsity -0".
        var dir = Cli.TempDirectory();
        WriteCsv(dir, 40, 9, 4);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "3", "--iterations", "2", "--weight-decay", "-0", "--sparsity-weight", "-0.0e3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains(" + weight decay 0 + sparsity 0\n", output.ReplaceLineEndings("\n"));
        Assert.DoesNotMatch(@"(?<![\dE])-0(?![.\d])", output + error);   // no -0 (an exponent's E-05 is not one)
    }

    [Fact]
    public void Too_many_hidden_units_for_the_parameters_or_for_the_filter_grid_asked_for_are_refused_before_any_work()
    {
        // "--hidden 2147483647 --filters f.png" reduced and whitened the photographs before the grid refused it;
        // without --filters, Fit refused it after "training a ...". Image patches give V = P x P before any
        // data is read: both rules are applied then, the parameters' first (it refuses the run whatever the outputs).
        var dir = Cli.TempDirectory();
        const string tooMany = "error: --hidden: A 64-2147483647-64 autoencoder needs 277025390527 parameters, more than one array can hold (2147483591); give --hidden 16647159 or fewer.";
        foreach (var args in new[] { new[] { "--filters", "f.png" }, [] })
        {
            var (code, output, error) = Cli.Run(dir, ["train", "--hidden", "2147483647", .. args]);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal(tooMany, error.TrimEnd());
            Assert.Equal("", output);
        }
        // JumpReLU's thresholds are H parameters more.
        var (c, o, e) = Cli.Run(dir, "train", "--hidden", "2147483647", "--activation", "jumprelu");
        Assert.True(c == 2, $"exit {c}: {e}\n{o}");
        Assert.Equal("error: --hidden: A 64-2147483647-64 autoencoder needs 279172874174 parameters, more than one array can hold (2147483591); give --hidden 16519104 or fewer.", e.TrimEnd());
        Assert.Equal("", o);
        // Parameters that fit, a grid asked for that does not: --filters is refused before any work too (5000 patches:
        // L-BFGS holds at most 5368 rows of a 64-400000-64 autoencoder, refused first, as a CSV's rows are).
        (c, o, e) = Cli.Run(dir, "train", "--hidden", "400000", "--patches", "5000", "--filters", "f.png");
        Assert.True(c == 2, $"exit {c}: {e}\n{o}");
        Assert.Equal("error: --filters: 400000 filters of 8 x 8 pixels make a grid larger than the limit of 20000 x 20000 pixels, in tiles of any shape (--hidden 308025 or fewer would fit); leave out --filters to train without the picture.", e.TrimEnd());
        Assert.Equal("", o);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
        // A CSV's V is known once it is read: refused then, before training.
        WriteCsv(dir, 60, 16, 3);
        (c, o, e) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "2147483647");
        Assert.True(c == 2, $"exit {c}: {e}\n{o}");
        // 65,075,259 hidden units would fit the parameters at V = 16, but training's blocks of 128 rows hold
        // 16,777,215 values a row: the most is that, down to whole vectors of this CPU (1, 4, 8 or 16 floats).
        Assert.Matches(@"^error: --hidden: A 16-2147483647-16 autoencoder needs 70866960367 parameters, more than one array can hold \(2147483591\); give --hidden (\d+) or fewer\.$", e.TrimEnd());
        Assert.Contains(int.Parse(Regex.Match(e, @"give --hidden (\d+)").Groups[1].Value), new[] { 16_777_215, 16_777_212, 16_777_208, 16_777_200 });
        Assert.DoesNotContain("training a", o);
        // Within the parameters, beyond the blocks: refused as well, before training.
        (c, o, e) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "20000000");
        Assert.True(c == 2, $"exit {c}: {e}\n{o}");
        Assert.StartsWith("error: --hidden: A 16-20000000-16 autoencoder is too wide to train: it works on blocks of 128 rows of its 20000000 hidden units", e.TrimEnd());
        Assert.DoesNotContain("training a", o);
        Assert.Equal(new[] { "rows.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_filter_grid_that_fits_only_in_another_tile_shape_is_left_to_show_with_that_shape()
    {
        // 74,111 = 37 x 2003: 90 tiles of 37 x 2003 make a grid 20041 pixels wide, of 2003 x 37 one 18037 high.
        var dir = Cli.TempDirectory();
        WriteCsv(dir, 2, 74111, 9);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "90", "--activation", "relu", "--epochs", "1", "--filters", "f.png");
        Assert.Equal(2, code);
        Assert.Equal("error: --filters: 90 filters of 37 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels; leave out --filters and draw the grid after training with `sparseae show --model model.zip --patch-height 2003`, or give fewer hidden units (--hidden).", error.TrimEnd());
        (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "90", "--activation", "relu", "--epochs", "1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal("note: filters.png is not drawn: 90 filters of 37 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels; draw the grid after training with `sparseae show --model model.zip --patch-height 2003`.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "filters.png")));
        (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--patch-height", "2003");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal((381, 18037), PngSize(Path.Combine(dir, "filters.png")));
        // show's own default shape does not fit either: said in show's words (it named the library's
        // arguments, "tiles closer to square (patchHeight)").
        (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "g.png");
        Assert.Equal(2, code);
        Assert.Equal("error: --patch-height 37: 90 filters of 37 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels; --patch-height 2003 fits.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "g.png")));
    }

    [Fact]
    public void The_components_warnings_reach_standard_error_and_a_cost_that_becomes_NaN_is_bad_input()
    {
        // Values in [0, 16] for the sigmoid decoder: Fit warns through MLContext.Log, which train prints.
        var dir = Cli.TempDirectory();
        var rng = new Random(5);
        File.WriteAllLines(Path.Combine(dir, "wide.csv"), Enumerable.Range(0, 40).Select(_ =>
            string.Join(',', Enumerable.Range(0, 9).Select(_ => (16 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "wide.csv", "--hidden", "3", "--iterations", "3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("warning: Column 'Features' holds values in [", error);
        Assert.Contains("the sigmoid decoder reconstructs only [0, 1]", error);

        WriteCsv(dir, 40, 9, 6);
        (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--activation", "relu", "--hidden", "3", "--batch-size", "10", "--epochs", "2",
            "--learning-rate", "1e30", "--model", "nan.zip");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: The cost became ", error);
        Assert.Contains("Try a smaller --learning-rate (now 1E+30)", error);   // the flag, not the property LearningRate
        Assert.Contains("a linear decoder's squared error", error);   // ReLU's decoder is linear: no advice about [0, 1]
        Assert.False(File.Exists(Path.Combine(dir, "nan.zip")));
        // A penalty weight that overflows is named as the flag that set it (the advice was to check the inputs' range).
        (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "2", "--iterations", "3", "--sparsity-weight", "1e308", "--model", "nan.zip");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Contains("To find why, lower --sparsity-weight (now 1E+308): the sparsity term it scales is ", error);
        Assert.False(File.Exists(Path.Combine(dir, "nan.zip")));
    }

    // Each used to be ignored without a word (only --latents and --metrics-json with the sigmoid were refused).
    [Theory]
    [InlineData("error: --patches: it is for image data (the embedded photographs, --images, --mat, --idx), but the data is --csv 'small.csv', whose rows are used whole, as they are.", "--csv", "small.csv", "--patches", "5")]
    [InlineData("error: --patch: it is for image data", "--csv", "small.csv", "--patch", "4")]
    [InlineData("error: --downsample: it is for image data", "--csv", "small.csv", "--downsample", "2")]
    [InlineData("error: --variable: it names the array in a MAT file, but --mat was not given.", "--variable", "X")]
    [InlineData("error: --k: it is TopK's, for --activation topk only, but the activation is sigmoid.", "--csv", "small.csv", "--k", "3")]
    [InlineData("error: --aux-k: it is TopK's, for --activation topk only, but the activation is relu.", "--csv", "small.csv", "--activation", "relu", "--aux-k", "3")]
    [InlineData("error: --l1-weight: it is ReLU's penalty, for --activation relu only, but the activation is topk.", "--csv", "small.csv", "--activation", "topk", "--l1-weight", "0.1")]
    [InlineData("error: --l0-weight: it is JumpReLU's penalty, for --activation jumprelu only, but the activation is sigmoid.", "--csv", "small.csv", "--l0-weight", "1")]
    [InlineData("error: --dead-window: a sigmoid code has no zeros", "--csv", "small.csv", "--dead-window", "10")]
    [InlineData("error: --sparsity: it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is topk, whose sparsity is set by --k.", "--csv", "small.csv", "--activation", "topk", "--sparsity", "0.1")]
    [InlineData("error: --sparsity-weight: it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is jumprelu, whose sparsity is set by --l0-weight.", "--csv", "small.csv", "--activation", "jumprelu", "--sparsity-weight", "2")]
    [InlineData("error: --penalty: it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is relu, whose sparsity is set by --l1-weight.", "--csv", "small.csv", "--activation", "relu", "--penalty", "l1")]
    [InlineData("error: --epochs: it is Adam's, but the optimizer is L-BFGS (the default for --activation sigmoid; --iterations sets its length, or give --optimizer adam).", "--csv", "small.csv", "--epochs", "3")]
    [InlineData("error: --batch-size: it is Adam's, but the optimizer is L-BFGS (--optimizer lbfgs;", "--csv", "small.csv", "--optimizer", "lbfgs", "--batch-size", "3")]
    [InlineData("error: --learning-rate: it is Adam's, but the optimizer is L-BFGS", "--csv", "small.csv", "--learning-rate", "0.1")]
    [InlineData("error: --iterations: it is L-BFGS's, but the optimizer is Adam (the default for --activation topk; --epochs sets its length).", "--csv", "small.csv", "--activation", "topk", "--iterations", "3")]
    [InlineData("error: --iterations: it is L-BFGS's, but the optimizer is Adam (--optimizer adam;", "--csv", "small.csv", "--optimizer", "adam", "--iterations", "3")]
    public void An_option_that_does_not_apply_is_refused_by_name_not_ignored(string message, params string[] args)
    {
        var dir = Cli.TempDirectory();
        File.Copy(WriteCsv(dir, 60, 16, 3), Path.Combine(dir, "small.csv"));
        File.Delete(Path.Combine(dir, "rows.csv"));
        var (code, output, error) = Cli.Run(dir, ["train", "--hidden", "4", .. args]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith(message, error);
        Assert.Equal(new[] { "small.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Adams_options_apply_to_the_sigmoid_when_adam_is_asked_for_and_variable_with_mat()
    {
        var dir = Cli.TempDirectory();
        WriteCsv(dir, 60, 16, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--optimizer", "adam", "--epochs", "2", "--batch-size", "20", "--learning-rate", "0.01");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("done: ", output);
        Assert.Contains("(2 epochs)", output);
        var rng = new Random(2);
        MatWriter.Write(Path.Combine(dir, "I.mat"), [MatVariable.FromDoubles("PIX", [20, 20, 1], Enumerable.Range(0, 400).Select(_ => rng.NextDouble()).ToArray())]);
        (code, output, error) = Cli.Run(dir, "train", "--mat", "I.mat", "--variable", "PIX", "--patch", "4", "--patches", "50", "--downsample", "1", "--hidden", "4", "--iterations", "2",
            "--model", "m2.zip", "--filters", "f2.png", "--curve", "c2.png");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("50 4x4 patches from I.mat:PIX", output);
    }

    [Theory]
    [InlineData("1,2,3\n", "the one row is its own mean")]
    [InlineData("1,2,3\n1,2,3\n1,2,3\n", "all 3 rows are the same vector")]
    public void Rows_that_ZCA_would_make_all_zero_are_refused_before_training(string csv, string said)
    {
        var dir = Cli.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "rows.csv"), csv);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--whiten", "zca", "--hidden", "2", "--iterations", "5");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Contains($"error: --whiten zca: {said}, so ZCA, which removes the mean, would make every row 0, leaving nothing to learn; give data that varies, or --whiten none.", error);
        Assert.Equal(["rows.csv"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("error: --hidden: HiddenCount must be at least 1, but is 0.", "--hidden", "0")]
    // System.Random draws the same numbers for -s as for s: --seed -7 sampled and trained --seed 7's model.
    [InlineData("error: --seed: Seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7.", "--seed", "-7")]
    [InlineData("--whiten must be one of", "--whiten", "bogus")]
    [InlineData("--penalty must be one of", "--penalty", "l3")]
    [InlineData("error: --sparsity: SparsityTarget (rho) must lie strictly between 0 and 1, but is 2.", "--sparsity", "2")]
    [InlineData("error: --sparsity: SparsityTarget (rho) must lie strictly between 0 and 1, but is 0.", "--sparsity", "-0")]   // was "but is -0."
    [InlineData("error: ", "--no-such-option", "1")]
    [InlineData("error: ", "--iterations", "many")]
    [InlineData("--patch must be at least 1, but is 0", "--patch", "0")]
    [InlineData("--downsample must be at least 1, but is 0", "--mat", "IMAGES.mat", "--downsample", "0")]
    [InlineData("does not exist", "--mat", "missing.mat")]
    [InlineData("has no variable 'NOPE'", "--mat", "IMAGES.mat", "--variable", "NOPE")]
    [InlineData("smaller than the 64x64 patches", "--mat", "IMAGES.mat", "--patch", "64")]
    [InlineData("at most one data source", "--mat", "IMAGES.mat", "--csv", "x.csv")]
    [InlineData("--activation must be one of sigmoid, relu, topk, jumprelu, but is 'tanh'.", "--activation", "tanh")]
    [InlineData("error: --k: K (latents kept per row) must lie in 1..H = 1..100, but is 101.", "--activation", "topk", "--k", "101")]
    // It said "must be null (...) or at least 0": null is no value a flag can take, and read as the rule.
    [InlineData("error: --aux-k: AuxK must be at least 0 (0 turns the AuxK term off), but is -1; leave it unset for the default, the power of two nearest V/2, at most H.", "--activation", "topk", "--aux-k", "-1")]
    [InlineData("error: --aux-k: AuxK must be at least 0 (0 turns the AuxK term off), but is -2147483648; leave it unset", "--activation", "topk", "--aux-k", "-2147483648")]
    [InlineData("error: --l1-weight: L1Weight must be finite and at least 0, but is -1.", "--activation", "relu", "--l1-weight", "-1")]
    [InlineData("error: --decoder: Decoder must be Linear with Activation TopK", "--activation", "topk", "--decoder", "sigmoid")]
    [InlineData("error: --optimizer: Optimizer must be Adam with Activation ReLU", "--activation", "relu", "--optimizer", "lbfgs")]
    [InlineData("error: --activation: Activation ReLU needs Decoder Linear and Optimizer Adam, but Decoder is Sigmoid and Optimizer is Lbfgs.", "--activation", "relu", "--decoder", "sigmoid", "--optimizer", "lbfgs")]
    [InlineData("--metrics-json: the metrics are those of a sparse code", "--metrics-json", "m.json")]
    [InlineData("error: --latents: a sigmoid code has no zeros, so no latent ever stops firing; the histogram is for a sparse code", "--latents", "l.png")]
    [InlineData("error: --latents: a sigmoid code has no zeros", "--activation", "sigmoid", "--latents", "latents.png")]
    [InlineData("--normalize standard is for image patches; CSV rows are used as they are (use none).", "--csv", "rows.csv", "--normalize", "standard")]
    [InlineData("error: --model 'IMAGES.mat' is the file that --mat reads; writing it would destroy the input", "--mat", "IMAGES.mat", "--model", "IMAGES.mat")]
    [InlineData("error: --filters 'm.zip' is also where --model is written; give each output its own path.", "--mat", "IMAGES.mat", "--model", "m.zip", "--filters", "m.zip")]
    [InlineData("error: --filters 'model.zip' is also where --model (by default) is written; give each output its own path.", "--mat", "IMAGES.mat", "--filters", "model.zip")]
    [InlineData("error: --latents (by default) 'latents.png' is also where --filters is written; give each output its own path.", "--mat", "IMAGES.mat", "--activation", "topk", "--filters", "latents.png")]
    [InlineData("error: --curve 'nodir/c.png': the folder", "--mat", "IMAGES.mat", "--curve", "nodir/c.png")]
    [InlineData("error: --whiten zca: all 400 sampled patches are the same vector, so ZCA, which removes the mean, would make every row 0, leaving nothing to learn; give data that varies, or --whiten none.", "--mat", "IMAGES.mat", "--whiten", "zca", "--normalize", "none", "--patch", "4", "--patches", "400")]
    [InlineData("error: --weights-csv '.' is a folder; give a file name.", "--mat", "IMAGES.mat", "--weights-csv", ".")]
    [InlineData("error: CSV file '.' is a folder; give a file.", "--csv", ".")]
    public void Bad_arguments_are_one_line_exit_code_2_and_write_nothing(string message, params string[] args)
    {
        var dir = Cli.TempDirectory();
        MatWriter.Write(Path.Combine(dir, "IMAGES.mat"), [MatVariable.FromDoubles("IMAGES", [20, 20, 1], new double[400])]);
        var (code, output, error) = Cli.Run(dir, ["train", .. args]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(message, error);
        Assert.Equal(new[] { "IMAGES.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
