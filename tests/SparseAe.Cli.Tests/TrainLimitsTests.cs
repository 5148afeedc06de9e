using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using SparseAe.Mat;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

/// <summary>train at the limits of one array and of memory: refused under the flag or file that decides, before any work where it can be.</summary>
public class TrainLimitsTests
{
    // L-BFGS's row limit was applied before the sampler's: "train --patches 100000000" advised "give fewer rows or
    // fewer hidden units (--hidden), or --optimizer adam", and with --optimizer adam the photographs were reduced and
    // whitened before --patches was refused as more values than one array holds, which no optimizer or --hidden changes.
    [Theory]
    [InlineData("lbfgs")]
    [InlineData("adam")]
    public void More_patches_than_one_array_holds_are_refused_under_the_flag_before_any_work_with_either_optimizer(string optimizer)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "100000000", "--optimizer", optimizer);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"error: --patches: 100000000 patches of 8x8 pixels are 6400000000 values, more than one array holds ({Array.MaxLength}); give --patches {Array.MaxLength / 64} or fewer.", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Images_of_a_MAT_variable_that_do_not_fit_in_memory_are_said_with_the_variable_not_as_an_internal_error()
    {
        // The file reads within 64 MB (48 MB of doubles, deflated to 74 KB), but its images as floats do not fit
        // beside it: "internal error: OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown." (exit 1).
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--mat", Cli.Fixture(Path.Combine("memory", "v73_images_48MB_deflated.mat")), "--patch", "4", "--patches", "10");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x4000000";   // 64 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Variable 'IMAGES' in '", error);
        Assert.EndsWith("v73_images_48MB_deflated.mat' is a 2000x1000x3 double array: its 6000000 values take 0.05 GB more, as floats and again as images, " +
            "than this process can allocate; use a file with fewer or smaller images.", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Patches_that_do_not_fit_in_memory_are_said_under_the_flag_not_as_an_internal_error()
    {
        // Under the array limit but over the memory at hand (the limit's own advice, --patches 33554431 of 8x8,
        // is 8.6 GB): "internal error: OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown." (exit 1).
        using var dir = new TempFolder();
        // Adam: L-BFGS's row limit (at most about 20 million rows) refuses the run before any work.
        var start = Cli.StartInfo(dir, "train", "--mat", Cli.Fixture("v5_plain_double3d.mat"), "--patch", "2", "--patches", "100000000", "--optimizer", "adam");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";   // 256 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --patches: 100000000 patches of 2x2 pixels are 400000000 values (1.6 GB), more than this process can allocate; give fewer --patches.", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_ZCA_too_wide_for_memory_is_refused_before_its_matrices_not_as_an_internal_error()
    {
        // 64x64 patches are 4,096-vectors: ZCA's matrices take about 1.1 GB, and under a 256 MB heap the fit summed the
        // covariance and ended in MathNet's EVD: "internal error: OutOfMemoryException: Exception of type
        // 'System.OutOfMemoryException' was thrown." (exit 1).
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--patch", "64", "--patches", "20", "--whiten", "zca", "--hidden", "4", "--iterations", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";   // 256 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: ZCA of 4096-vectors \(a 4096x4096 covariance and its eigendecomposition, in double\) needs about 1\.1 GB of memory, but about 0\.\d GB are available; whiten vectors of fewer values\.$", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_model_too_large_for_Adam_in_memory_is_refused_in_the_command_lines_flags()
    {
        // The library's refusal advised its own settings: "use fewer hidden units, or lower ShufflePoolRows (now 65536)
        // or BatchSize (now 256)"; the command line has no ShufflePoolRows, and its batch size is --batch-size.
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--patch", "8", "--hidden", "200000", "--optimizer", "adam", "--epochs", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";   // 256 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: Training a 64-200000-64 autoencoder with Adam in batches of 256 needs about \d\.\d+ GB of memory, but about 0\.\d+ GB are available; " +
            @"use fewer hidden units \(--hidden, now 200000\) or a smaller --batch-size \(now 256\)\.$", error.TrimEnd());
        Assert.DoesNotContain("ShufflePoolRows", error);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Patches_too_many_for_Adams_shuffle_pool_in_memory_are_refused_under_patches()
    {
        // The pool holds every row (up to ShufflePoolRows): fewer --patches is what lowers it, not --hidden or --batch-size.
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--patch", "32", "--patches", "60000", "--hidden", "2", "--optimizer", "adam", "--epochs", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x18000000";   // 384 MB: the 60000 patches fit, the pool beside them not
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: Training a 1024-2-1024 autoencoder with Adam in batches of 256 needs about \d\.\d+ GB of memory, but about 0\.\d+ GB are available; " +
            @"give fewer --patches \(now 60000\): Adam's shuffle pool holds them all\.$", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Patches_more_than_Adams_shuffle_pool_holds_are_still_refused_under_patches_when_the_pool_is_the_bulk()
    {
        // Above 65,536 patches the pool holds 65,536 of them and is still the bulk: it advised "fewer hidden units
        // (--hidden, now 2) or a smaller --batch-size", which barely lower it.
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--patch", "32", "--patches", "70000", "--hidden", "2", "--optimizer", "adam", "--epochs", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x20000000";   // 512 MB: the 70000 patches fit, the pool beside them not
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: Training a 1024-2-1024 autoencoder with Adam in batches of 256 needs about \d\.\d+ GB of memory, but about 0\.\d+ GB are available; " +
            @"give fewer --patches \(now 70000\): Adam's shuffle pool holds 65536 of them\.$", error.TrimEnd());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Rows_too_many_for_LBFGS_to_hold_in_memory_are_refused_in_the_command_lines_flags()
    {
        // The library's refusal advised its own settings: "set MaximumRows to train on a random sample of the rows, use fewer
        // hidden units, keep fewer correction pairs (LbfgsMemory, now 100), or use Adam", none of them a flag.
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--patch", "8", "--patches", "900000", "--iterations", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";   // 256 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: Training a 64-100-64 autoencoder with L-BFGS on 900000 rows needs about \d\.\d+ GB of memory, but about 0\.\d+ GB are available; " +
            @"give fewer --patches \(now 900000\) or fewer hidden units \(--hidden, now 100\), or --optimizer adam, which streams the rows\.$", error.TrimEnd());
        Assert.DoesNotContain("MaximumRows", error);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Rows_too_many_for_ZCA_to_hold_in_memory_are_refused_before_they_are_read_not_as_an_internal_error()
    {
        // ZCA's estimator checked its matrices (64 V^2 bytes) and read the rows whole without a check: 600,000 8x8
        // patches under a 256 MB heap ended in "internal error: OutOfMemoryException: Exception of type
        // 'System.OutOfMemoryException' was thrown." (exit 1) while ZCA copied them.
        using var dir = new TempFolder();
        var start = Cli.StartInfo(dir, "train", "--patch", "8", "--patches", "600000", "--whiten", "zca", "--hidden", "4", "--iterations", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000";   // 256 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        // Advised in flags: the estimator's own advice, "set maximumRows to fit on a random sample of the rows", named a
        // setting the command line does not have.
        Assert.Matches(@"^error: ZCA of 600000 rows of 64 values \(the rows in one array, and a 64x64 covariance and its eigendecomposition, in double\) " +
            @"needs about 0\.\d+ GB of memory, but about 0\.\d+ GB are available; give fewer --patches \(now 600000\), or --whiten none\.$", error.TrimEnd());
        Assert.DoesNotContain("maximumRows", error);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void More_rows_than_LBFGS_can_hold_are_said_in_flags_not_in_the_librarys_settings()
    {
        // It was the library's advice, in settings the command line does not have: "... set MaximumRows to train
        // on a random sample of them, or use Optimizer = Adam, which streams every row."
        using var dir = new TempFolder();
        File.WriteAllLines(Path.Combine(dir, "one.csv"), Enumerable.Range(0, 3000).Select(i => (0.1 + 0.8 * (i % 7) / 7).ToString("R", CultureInfo.InvariantCulture)));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "one.csv", "--hidden", "1000000", "--iterations", "1");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.EndsWith("error: L-BFGS holds every training row in memory, at most 2147 rows of a 1-1000000-1 autoencoder, but there are 3000 (the rows of --csv 'one.csv'); " +
            "give fewer rows or fewer hidden units (--hidden), or --optimizer adam, which streams every row.", error.TrimEnd());
        Assert.DoesNotContain("MaximumRows", error);
        Assert.Equal(new[] { "one.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // Rows ZCA cannot whiten were refused in the ZCA estimator's words, which named its input column, 'Features', the
    // command's own and no flag of the user's: rows too large to square ("The covariance of these rows overflows float
    // ..., Input column 'Features' cannot be whitened") and rows wider than ZCA takes ("Input column 'Features' holds
    // vectors of 8193 values"). Both are said under the flag that whitens them.
    [Theory]
    // Then "--whiten zca: The covariance of these rows overflows": which rows, the CSV's or the patches', went unsaid.
    [InlineData(4, 1e30, "error: --whiten zca: The covariance of the 50 rows of --csv 'rows.csv' overflows float at entry (0, 0): their values, up to 1.1E+31,")]
    [InlineData(8193, 0.1, "error: --whiten zca: the rows of --csv 'rows.csv' hold 8193 values; ZCA of 8193-vectors needs an 8193x8193 covariance; at most 8192 features are supported.")]
    public void Rows_ZCA_cannot_whiten_are_said_under_whiten_zca(int width, double scale, string message)
    {
        using var dir = new TempFolder();
        File.WriteAllLines(Path.Combine(dir, "rows.csv"), Enumerable.Range(0, 50).Select(i =>
            string.Join(',', Enumerable.Range(0, width).Select(j => (scale * (1 + (i * 7 + j * 3) % 11)).ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--whiten", "zca", "--normalize", "none", "--hidden", "3", "--iterations", "1");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith(message, error);
        Assert.DoesNotContain("Features", error);
        Assert.Equal(new[] { "rows.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // Image patches too large to square said "The covariance of these rows" too; they are the sampled patches.
    [Fact]
    public void Patches_ZCA_cannot_whiten_are_said_as_the_sampled_patches()
    {
        using var dir = new TempFolder();
        var rng = new Random(3);
        SparseAe.Mat.MatWriter.Write(Path.Combine(dir, "big.mat"),
            [SparseAe.Mat.MatVariable.FromDoubles("IMAGES", [20, 20, 1], Enumerable.Range(0, 400).Select(_ => 1e30 * rng.NextDouble()).ToArray())]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "big.mat", "--whiten", "zca", "--normalize", "none", "--patch", "4", "--patches", "100", "--hidden", "3", "--iterations", "1");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: --whiten zca: The covariance of the 100 sampled patches overflows float at entry", error);
        Assert.Equal(new[] { "big.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // More Adam steps than a model counts were refused by the library, after the patches were prepared, in its own
    // words: "Epochs is 30000000, but 30000000 passes over the 100 rows of column 'Features' ...; raise BatchSize or lower
    // Epochs", a column the user never named. Now before any data work for patches, and in flags; a CSV's rows once read.
    [Fact]
    public void More_Adam_steps_than_a_model_counts_are_said_in_flags_before_the_data_is_read()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--activation", "relu", "--patch", "4", "--hidden", "3", "--patches", "100", "--batch-size", "1", "--epochs", "30000000");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: 30000000 passes (--epochs) over the 100 patches (--patches) in mini-batches of 1 (--batch-size) are 3000000000 Adam steps, " +
            "more than the 2147483647 a model counts (it saves its step count as an int32); give a larger --batch-size or fewer --epochs.", error.TrimEnd());
        Assert.Equal("", output);   // nothing read, nothing prepared
        Assert.Empty(Directory.GetFileSystemEntries(dir));

        File.WriteAllLines(Path.Combine(dir, "rows.csv"), Enumerable.Range(0, 100).Select(i => $"0.{i % 9 + 1},0.5"));
        (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--optimizer", "adam", "--hidden", "3", "--batch-size", "1", "--epochs", "30000000");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.EndsWith("error: 30000000 passes (--epochs) over the 100 rows of --csv 'rows.csv' in mini-batches of 1 (--batch-size) are 3000000000 Adam steps, " +
            "more than the 2147483647 a model counts (it saves its step count as an int32); give a larger --batch-size or fewer --epochs.", error.TrimEnd());
        Assert.Equal(new[] { "rows.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        // One step fewer than the count's end is not refused here.
        var csv = new SparseAe.Cli.Experiment.DataOptions(null, "IMAGES", [], null, "rows.csv", 8, 10_000, null,
            SparseAe.Cli.Experiment.WhitenMode.Auto, SparseAe.Cli.Experiment.NormalizeMode.Auto, 1);
        SparseAe.Cli.Commands.TrainRunner.CheckAdamRows(int.MaxValue, 2, new SparseAutoencoderOptions { HiddenCount = 3, Optimizer = OptimizerKind.Adam, BatchSize = 1, Epochs = 1 }, csv);
        Assert.Throws<SparseAe.Cli.Infrastructure.UsageException>(() =>
            SparseAe.Cli.Commands.TrainRunner.CheckAdamRows(int.MaxValue + 1L, 2, new SparseAutoencoderOptions { HiddenCount = 3, Optimizer = OptimizerKind.Adam, BatchSize = 1, Epochs = 1 }, csv));
        // And a mini-batch wider than one array of activations: the library said "BatchSize is 5000, ...; lower it".
        Assert.Equal("--batch-size is 5000, but a mini-batch of a 2-1000000-2 autoencoder holds at most 2147 rows (its activations are single arrays); " +
            "give a smaller --batch-size or fewer hidden units (--hidden).", Assert.Throws<SparseAe.Cli.Infrastructure.UsageException>(() =>
            SparseAe.Cli.Commands.TrainRunner.CheckAdamRows(10_000, 2, new SparseAutoencoderOptions { HiddenCount = 1_000_000, Optimizer = OptimizerKind.Adam, BatchSize = 5000 }, csv)).Message);
    }

    // The limit is (Array.MaxLength - 16) / max(V, padded H): with rows wider than the hidden layer, fewer
    // hidden units do not raise it, yet the advice said to give them (100,000 columns and 10 hidden units).
    [Fact]
    public void The_LBFGS_row_limit_advises_fewer_hidden_units_only_when_they_decide_it()
    {
        var csv = new SparseAe.Cli.Experiment.DataOptions(null, "IMAGES", [], null, "wide.csv", 8, 10_000, null,
            SparseAe.Cli.Experiment.WhitenMode.Auto, SparseAe.Cli.Experiment.NormalizeMode.Auto, 1);
        string Refusal(int v, int h) => Assert.Throws<SparseAe.Cli.Infrastructure.UsageException>(() =>
            SparseAe.Cli.Commands.TrainRunner.CheckLbfgsRows(30_000, v, new SparseAutoencoderOptions { HiddenCount = h }, csv)).Message;
        Assert.Equal("L-BFGS holds every training row in memory, at most 21474 rows of a 100000-10-100000 autoencoder, but there are 30000 " +
            "(the rows of --csv 'wide.csv'); give fewer rows, or --optimizer adam, which streams every row.", Refusal(100_000, 10));
        Assert.Contains("give fewer rows or fewer hidden units (--hidden), or --optimizer adam", Refusal(1, 100_000));
    }

    // The limit is a number of rows L-BFGS holds: that many are taken, one more refused. (Mutation audit: 'rows <= most' ->
    // 'rows < most' passed every test, none of which gave the limit itself.)
    [Fact]
    public void The_LBFGS_row_limit_takes_as_many_rows_as_it_says()
    {
        var csv = new SparseAe.Cli.Experiment.DataOptions(null, "IMAGES", [], null, "wide.csv", 8, 10_000, null,
            SparseAe.Cli.Experiment.WhitenMode.Auto, SparseAe.Cli.Experiment.NormalizeMode.Auto, 1);
        var options = new SparseAutoencoderOptions { HiddenCount = 10 };
        SparseAe.Cli.Commands.TrainRunner.CheckLbfgsRows(21_474, 100_000, options, csv);
        var e = Assert.Throws<SparseAe.Cli.Infrastructure.UsageException>(() => SparseAe.Cli.Commands.TrainRunner.CheckLbfgsRows(21_475, 100_000, options, csv));
        Assert.StartsWith("L-BFGS holds every training row in memory, at most 21474 rows of a 100000-10-100000 autoencoder, but there are 21475 ", e.Message);
    }

    [Fact]
    public void More_patches_than_LBFGS_can_hold_are_refused_before_any_work()
    {
        // The rows of image patches (--patches) and V (P x P) are known before any data work, but the limit was
        // applied only once the images were read, reduced, whitened and sampled ("reducing 10 image(s) by 2 ...").
        // H = 400000 is a whole number of vectors on every CPU and more than V = 64: at most
        // (Array.MaxLength - 16) / 400000 = 5368 rows, fewer than the default 10000 patches.
        using var dir = new TempFolder();
        foreach (var args in new[] { new string[0], ["--mat", Cli.Fixture("v5_plain_double3d.mat")] })
        {
            var (code, output, error) = Cli.Run(dir, ["train", "--hidden", "400000", .. args]);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal("error: L-BFGS holds every training row in memory, at most 5368 rows of a 64-400000-64 autoencoder, but there are 10000 (--patches); " +
                "give fewer rows or fewer hidden units (--hidden), or --optimizer adam, which streams every row.", error.TrimEnd());
            Assert.Equal("", output);
        }
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    // Whitening holds a complex spectrum, 16 bytes a pixel: a 3000x3000 photograph at --downsample 1 under a
    // 128 MB heap ended in "internal error: OutOfMemoryException", exit 1, as a bug of the program would.
    [Fact]
    public void A_photograph_too_large_to_whiten_in_memory_is_said_with_the_flags_that_help()
    {
        using var dir = new TempFolder();
        using (var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(3000, 3000, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque)))
        {
            var pixels = new byte[3000 * 3000];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 3000 / 12 + i / 3000 % 7);
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(dir, "large.png"), data.ToArray());
        }
        var start = Cli.StartInfo(dir, "train", "--images", "large.png", "--downsample", "1", "--patches", "100", "--hidden", "4", "--iterations", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x8000000";   // 128 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --whiten olshausen: image 'large.png' is 3000x3000 (width x height); whitening it takes about 0.2 GB (a complex spectrum and the result, " +
            "20 bytes a pixel), more than this process can allocate; give a larger --downsample, or --whiten none.", error.TrimEnd());
        Assert.Equal(new[] { "large.png" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_photograph_too_large_to_decode_in_memory_is_said_with_its_file_and_size()
    {
        // A 6000x6000 PNG of zeros is a 36 KB file, but decoding it takes 8 bytes a pixel (RGBA and the grey floats):
        // under a 128 MB heap it was "internal error: OutOfMemoryException: Exception of type
        // 'System.OutOfMemoryException' was thrown." (exit 1), naming no file.
        using var dir = new TempFolder();
        using (var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(6000, 6000, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque)))
        {
            bitmap.Erase(SkiaSharp.SKColors.Black);
            using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(dir, "huge.png"), data.ToArray());
        }
        var start = Cli.StartInfo(dir, "train", "--images", "huge.png", "--patches", "100", "--hidden", "4", "--iterations", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x8000000";   // 128 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Decoding image 'huge.png' (Png, 6000x6000, as RGBA bytes and grey floats: 8 bytes a pixel, beside a native copy of the file) needs about 0.3 GB of memory, but about ", error);
        Assert.EndsWith(" GB are available; use a smaller image.", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal(new[] { "huge.png" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_file_too_large_to_read_into_memory_is_said_with_its_name_and_size()
    {
        // Image files are read whole (and copied once more for Skia) before their header is parsed: a 200 MB file (a
        // video among the photographs of a glob) under a 128 MB heap was "internal error: OutOfMemoryException:
        // Exception of type 'System.OutOfMemoryException' was thrown." (exit 1), naming no file.
        using var dir = new TempFolder();
        using (var file = File.Create(Path.Combine(dir, "clip.mp4"))) file.SetLength(200 << 20);
        var start = Cli.StartInfo(dir, "train", "--images", "clip.mp4", "--patches", "100", "--hidden", "4", "--iterations", "1");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x8000000";   // 128 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Reading image 'clip.mp4' (209715200 bytes, read whole, beside a native copy for the decoder) needs about 0.4 GB of memory, but about ", error);
        Assert.EndsWith(" GB are available; use a smaller image file.", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal(new[] { "clip.mp4" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
