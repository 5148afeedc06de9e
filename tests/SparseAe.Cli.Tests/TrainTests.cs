using System.Globalization;
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
        using var dir = new TempFolder();
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

    // train cannot turn --filters or --curve off, so /dev/null is where they go when only the model is wanted; the check that
    // no two outputs are one file refused it: "error: --curve '/dev/null' is also where --filters is written".
    [Fact]
    public void Outputs_that_are_not_wanted_can_all_go_to_dev_null()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        MatWriter.Write(Path.Combine(dir, "IMAGES.mat"), [MatVariable.FromDoubles("IMAGES", [20, 20, 1], Enumerable.Range(0, 400).Select(i => Math.Sin(i * 0.37)).ToArray())]);
        var (code, output, error) = Cli.Run(dir, "train", "--mat", "IMAGES.mat", "--patches", "50", "--patch", "4", "--hidden", "3", "--iterations", "2",
            "--filters", "/dev/null", "--curve", "/dev/null");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Equal(["IMAGES.mat", "model.zip"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
        // /dev/null carries no data, so the run's lines stay on standard output (all of them went to standard error).
        Assert.Contains("done:", output);
        Assert.Contains("wrote model.zip", output);
        Assert.DoesNotContain("done:", error);
        // Two outputs on one file are still refused.
        (code, _, error) = Cli.Run(dir, "train", "--mat", "IMAGES.mat", "--filters", "/dev/null", "--curve", "c.png", "--model", "c.png");
        Assert.Equal(2, code);
        Assert.Contains("error: --curve 'c.png' is also where --model is written", error);
    }

    [Fact]
    public void The_default_experiment_halves_and_whitens_the_embedded_photographs()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patches", "300", "--hidden", "4", "--iterations", "3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("reducing 5 image(s) by 2", output);
        Assert.Contains("whitening 5 image(s)", output);
        Assert.Contains("300 8x8 patches from the 5 embedded photographs", output);
        Assert.Contains("training a 64-4-64 sparse autoencoder", output);
    }

    // Redirected, the progress is a line every tenth of the run and one for its last step, whatever the count: of 25 epochs,
    // every second one and the 25th. (Mutation audit: TrainProgress without its 'done == total' passed every test, whose runs
    // were of fewer than 20 steps, each printed; the run's end was then not shown, the last line saying epoch 24 of 25.)
    [Fact]
    public void Redirected_progress_is_every_tenth_of_the_run_and_its_last_step()
    {
        using var dir = new TempFolder();
        WriteCsv(dir, 50, 16, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--activation", "relu", "--hidden", "4", "--epochs", "25");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var steps = output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^  epochs (\d+)/25: J "))
            .Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25], steps);
    }

    // The bits a run trains follow its seed and its thread count, and the default --threads 0 becomes the logical processors
    // this process may use (taskset or a container lowers it): neither was said, so a default run could not be repeated elsewhere.
    [Theory]
    [InlineData(new[] { "--seed", "7", "--threads", "1" }, "(seed 7, 1 thread)")]
    [InlineData(new[] { "--threads", "3" }, "(seed 1, 3 threads)")]
    [InlineData(new string[0], "(seed 1, --threads 0: {0} threads, the logical processors this process may use)")]
    public void The_run_says_its_seed_and_the_threads_that_group_its_sums(string[] args, string said)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, ["train", "--patches", "300", "--hidden", "4", "--iterations", "3", .. args]);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains($"training a 64-4-64 sparse autoencoder on 300 8x8 patches from the 5 embedded photographs {string.Format(said, Environment.ProcessorCount)}", output);
    }

    [Fact]
    public void A_whitened_IMAGES_mat_gives_the_same_model_as_the_same_images_given_as_pictures()
    {
        // The MAT path (column-major H x W x K, no whitening by default) and the image path must agree
        // exactly when they carry the same whitened pixels.
        using var dir = new TempFolder();
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

    // --aux-k's help gave the power of two nearest V/2 as the default, but the default is at most H: a TopK
    // model of 64-float patches and 16 latents trains with AuxK 16, not 32, which --aux-k 32 would be refused as.
    [Fact]
    public void The_help_gives_the_default_aux_k_the_training_uses()
    {
        Assert.Equal(16, Defaults.AuxKFor(64, 16));
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--help");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("TopK: dead latents in the AuxK term, in 0..H, 0 = off (default: the power of two nearest V/2, at most H).", output.ReplaceLineEndings(" "));
    }

    // Only --sparsity said its range ("in (0, 1)"); every other option with one was found out by giving a value
    // outside it ("--hidden must be at least 1, but is 0.").
    [Theory]
    [InlineData("--patch", "at least 1")]
    [InlineData("--patches", "at least 1")]
    [InlineData("--downsample", "at least 1")]
    [InlineData("--hidden", "at least 1")]
    [InlineData("--sparsity", "in (0, 1)")]
    [InlineData("--sparsity-weight", "at least 0")]
    [InlineData("--weight-decay", "at least 0")]
    [InlineData("--k", "1..H")]
    [InlineData("--aux-k", "0..H")]
    [InlineData("--l1-weight", "at least 0")]
    [InlineData("--l0-weight", "at least 0")]
    [InlineData("--dead-window", "at least 1")]
    [InlineData("--iterations", "at least 1")]
    [InlineData("--epochs", "at least 1")]
    [InlineData("--batch-size", "at least 1")]
    // It said "greater than 0", but the steps are floats: 1e-39 and 1e39 are refused ("LearningRate must be at least
    // 1.1754943508222875E-38 and at most 3.4028235E+38").
    [InlineData("--learning-rate", "in 1.18E-38..3.4E+38")]
    [InlineData("--seed", "at least 0")]
    [InlineData("--threads", "0..65535")]
    public void The_help_says_each_options_range(string flag, string range)
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--help");
        Assert.True(code == 0, $"exit {code}: {error}");
        var line = output.ReplaceLineEndings("\n").Split('\n').Single(l => l.TrimStart().StartsWith($"{flag} <", StringComparison.Ordinal));
        Assert.Contains(range, line);
    }

    // --whiten's help listed "none | olshausen | zca" and showed "[default: auto]", a value it did not list, beside its
    // own "(default: olshausen for photographs, ...)"; a wrong value was refused as "must be one of auto, none, olshausen, zca".
    // The help lists every value the option takes, and says what auto, the default, chooses.
    [Theory]
    [InlineData("--whiten")]
    [InlineData("--normalize")]
    [InlineData("--decoder")]
    [InlineData("--optimizer")]
    public void The_help_lists_every_value_the_refusal_lists_including_the_default_auto(string flag)
    {
        using var dir = new TempFolder();
        var (_, help, _) = Cli.Run(dir, "train", "--help");
        var line = help.ReplaceLineEndings("\n").Split('\n').Single(l => l.TrimStart().StartsWith($"{flag} <", StringComparison.Ordinal));
        var (code, _, error) = Cli.Run(dir, "train", flag, "bogus");
        Assert.Equal(2, code);
        var values = System.Text.RegularExpressions.Regex.Match(error, "must be one of (.*), but is").Groups[1].Value.Split(", ");
        Assert.Contains("auto", values);
        var description = line.Substring(line.IndexOf(">", StringComparison.Ordinal) + 1).Trim();
        var listed = System.Text.RegularExpressions.Regex.Matches(description, @"(?:^|\| )([a-z0-9]+)").Select(m => m.Groups[1].Value);
        Assert.Equal(values, listed);
        Assert.Contains("; auto: ", description);
        Assert.EndsWith("[default: auto]", description);
        Assert.DoesNotContain("(default:", description);
    }

    [Fact]
    public void Minus_zero_is_read_as_zero_and_printed_as_0()
    {
        // -0 equals 0, so "--weight-decay -0" meets "at least 0" and is taken; it was kept as -0, and the
        // summary said "weight decay -0" (-0 x the sum of squares), as a -0 sparsity weight said "sparsity -0".
        using var dir = new TempFolder();
        WriteCsv(dir, 40, 9, 4);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "3", "--iterations", "2", "--weight-decay", "-0", "--sparsity-weight", "-0.0e3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains(" + weight decay 0 + sparsity 0\n", output.ReplaceLineEndings("\n"));
        Assert.DoesNotMatch(@"(?<![\dE])-0(?![.\d])", output + error);   // no -0 (an exponent's E-05 is not one)
    }

    // --whiten zca with the sigmoid's default decoder warned "Column 'White' holds values in [-1.3, 1.3] ... so scale the inputs
    // (UFLDL rescales patches to [0.1, 0.9])": a column the user never named, and advice already followed (ZCA undoes it).
    [Fact]
    public void The_sigmoid_decoders_range_warning_after_zca_names_the_whitening_and_the_linear_decoder()
    {
        using var dir = new TempFolder();
        WriteCsv(dir, 60, 16, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--whiten", "zca", "--hidden", "4", "--iterations", "3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("warning: The training rows as --whiten zca leaves them hold values in [", error);
        Assert.Contains("so give --decoder linear, which reconstructs any range", error);
        Assert.DoesNotContain("'White'", error);
        Assert.DoesNotContain("or use the linear decoder", error);   // the library's offer of its option, a second time
        // ZCA's rows have each feature's mean removed, so they hold negatives however the inputs are scaled: "or scale the
        // inputs (UFLDL rescales patches to [0.1, 0.9])" was advice the run had followed, and no scaling helps.
        Assert.DoesNotContain("scale the inputs", error);
        Assert.Contains("(ZCA's rows are centred: no scaling of the inputs brings them into [0, 1])", error);
    }

    // Adam's divergence warning said "Try a smaller LearningRate (now 10)": the option's property, where every refusal says the flag.
    [Fact]
    public void The_divergence_warning_names_the_learning_rate_by_its_flag()
    {
        using var dir = new TempFolder();
        WriteCsv(dir, 60, 16, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--activation", "relu", "--hidden", "4", "--batch-size", "10", "--epochs", "3", "--learning-rate", "100");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("training diverged", error);
        Assert.Contains("Try a smaller --learning-rate (now 100).", error);
        Assert.DoesNotContain("LearningRate", error);
    }

    [Fact]
    public void The_components_warnings_reach_standard_error_and_a_cost_that_becomes_NaN_is_bad_input()
    {
        // Values in [0, 16] for the sigmoid decoder: Fit warns through MLContext.Log, which train prints.
        using var dir = new TempFolder();
        var rng = new Random(5);
        File.WriteAllLines(Path.Combine(dir, "wide.csv"), Enumerable.Range(0, 40).Select(_ =>
            string.Join(',', Enumerable.Range(0, 9).Select(_ => (16 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "wide.csv", "--hidden", "3", "--iterations", "3");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("warning: The training rows hold values in [", error);   // not 'Features', a column the user never named
        Assert.Contains("the sigmoid decoder reconstructs only [0, 1], so give --decoder linear, which reconstructs any range, or scale the inputs", error);
        Assert.DoesNotContain("or use the linear decoder", error);

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

    // A CSV of a header alone: the check in TrainingData.FromCsv says so before the run says it trains "on 0 rows".
    [Fact]
    public void A_csv_of_a_header_alone_is_refused_before_the_run_says_it_trains()
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "header.csv"), "a,b,c\n");
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "header.csv", "--hidden", "2");
        Assert.Equal(2, code);
        Assert.Equal("error: CSV file 'header.csv' has no data rows.", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Equal(new[] { "header.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
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
    // The choices are read in any case (TrainCommand.Parse): --activation TopK is topk, and the refusal says it as the flag takes it.
    [InlineData("error: --l1-weight: it is ReLU's penalty, for --activation relu only, but the activation is topk.", "--csv", "small.csv", "--activation", "TopK", "--l1-weight", "0.1")]
    [InlineData("error: --l0-weight: it is JumpReLU's penalty, for --activation jumprelu only, but the activation is sigmoid.", "--csv", "small.csv", "--l0-weight", "1")]
    [InlineData("error: --dead-window: a sigmoid code has no zeros", "--csv", "small.csv", "--dead-window", "10")]
    [InlineData("error: --sparsity: it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is topk, whose sparsity is set by --k.", "--csv", "small.csv", "--activation", "topk", "--sparsity", "0.1")]
    [InlineData("error: --sparsity-weight: it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is jumprelu, whose sparsity is set by --l0-weight.", "--csv", "small.csv", "--activation", "jumprelu", "--sparsity-weight", "2")]
    [InlineData("error: --penalty: it sets the sigmoid's sparsity penalty, for --activation sigmoid only, but the activation is relu, whose sparsity is set by --l1-weight.", "--csv", "small.csv", "--activation", "relu", "--penalty", "l1")]
    // L1's penalty is beta * mean |a|: rho enters only KL's, so --sparsity 0.3 trained the same bits as 0.01, and the summary said "(target 0.3)".
    [InlineData("error: --sparsity: it is the KL penalty's target, but the penalty is l1 (--penalty l1), which has no target: beta * mean |a| (--sparsity-weight) alone sets it.", "--csv", "small.csv", "--penalty", "l1", "--sparsity", "0.3")]
    [InlineData("error: --epochs: it is Adam's, but the optimizer is L-BFGS (the default for --activation sigmoid; --iterations sets its length, or give --optimizer adam).", "--csv", "small.csv", "--epochs", "3")]
    [InlineData("error: --batch-size: it is Adam's, but the optimizer is L-BFGS (--optimizer lbfgs;", "--csv", "small.csv", "--optimizer", "lbfgs", "--batch-size", "3")]
    [InlineData("error: --learning-rate: it is Adam's, but the optimizer is L-BFGS", "--csv", "small.csv", "--learning-rate", "0.1")]
    [InlineData("error: --iterations: it is L-BFGS's, but the optimizer is Adam (the default for --activation topk; --epochs sets its length).", "--csv", "small.csv", "--activation", "topk", "--iterations", "3")]
    [InlineData("error: --iterations: it is L-BFGS's, but the optimizer is Adam (--optimizer adam;", "--csv", "small.csv", "--optimizer", "adam", "--iterations", "3")]
    public void An_option_that_does_not_apply_is_refused_by_name_not_ignored(string message, params string[] args)
    {
        using var dir = new TempFolder();
        File.Copy(WriteCsv(dir, 60, 16, 3), Path.Combine(dir, "small.csv"));
        File.Delete(Path.Combine(dir, "rows.csv"));
        var (code, output, error) = Cli.Run(dir, ["train", "--hidden", "4", .. args]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith(message, error);
        Assert.Equal(new[] { "small.csv" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // L1's penalty has no target: its summary said "(target 0.01)", rho's default, beside a mean activation the run never aimed at.
    [Fact]
    public void The_l1_penalty_summary_names_no_target()
    {
        using var dir = new TempFolder();
        WriteCsv(dir, 60, 16, 3);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "4", "--iterations", "3", "--penalty", "l1");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("mean activation ", output);
        Assert.DoesNotContain("(target", output);
    }

    [Fact]
    public void Adams_options_apply_to_the_sigmoid_when_adam_is_asked_for_and_variable_with_mat()
    {
        using var dir = new TempFolder();
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
    [InlineData("1,2,3\n", "the one row of --csv 'rows.csv' is its own mean")]
    [InlineData("1,2,3\n1,2,3\n1,2,3\n", "all 3 rows of --csv 'rows.csv' are the same vector")]
    public void Rows_that_ZCA_would_make_all_zero_are_refused_before_training(string csv, string said)
    {
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "rows.csv"), csv);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--whiten", "zca", "--hidden", "2", "--iterations", "5");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Contains($"error: --whiten zca: {said}, so ZCA, which removes the mean, would make every row 0, leaving nothing to learn; give data that varies, or --whiten none.", error);
        Assert.Equal(["rows.csv"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    // A rule the options break was said under its flag in the library's words, its property names and enum values
    // ("--decoder: Decoder must be Linear with Activation TopK (...), but is Sigmoid." for --decoder sigmoid); it is said
    // in flags and the values they take, as the command line's own refusals ("--patch must be at least 1, but is 0").
    [Theory]
    [InlineData("error: --decoder must be linear with --activation topk (a sparse code's latents add up linearly), but is sigmoid.", "--activation", "topk", "--k", "1", "--decoder", "sigmoid", "--hidden", "2")]
    [InlineData("error: --optimizer must be adam with --activation topk (its cost is not smooth, and its dead latents are counted across mini-batches), but is lbfgs.", "--activation", "topk", "--k", "1", "--optimizer", "lbfgs", "--hidden", "2")]
    [InlineData("error: --activation jumprelu needs --decoder linear and --optimizer adam, but --decoder is sigmoid and --optimizer is lbfgs.", "--activation", "jumprelu", "--decoder", "sigmoid", "--optimizer", "lbfgs", "--hidden", "2")]
    [InlineData("error: --hidden must be at least 1, but is 0.", "--hidden", "0")]
    [InlineData("error: --k (latents kept per row) must lie in 1..H = 1..2, but is 5.", "--activation", "topk", "--k", "5", "--hidden", "2")]
    [InlineData("error: --k (by default; latents kept per row) must lie in 1..H = 1..2, but is 8.", "--activation", "topk", "--hidden", "2")]
    // "the AuxK term" is the term's name, not the option's: it stays.
    [InlineData("error: --aux-k must lie in 0..H = 0..2 (0 turns the AuxK term off), but is 3.", "--activation", "topk", "--k", "1", "--aux-k", "3", "--hidden", "2")]
    [InlineData("error: --sparsity-weight (beta) must be finite and at least 0, but is -1.", "--sparsity-weight", "-1", "--hidden", "2")]
    public void A_broken_option_rule_is_said_in_flags_and_the_values_they_take(string message, params string[] args)
    {
        using var dir = new TempFolder();
        WriteCsv(dir, 3, 4, seed: 1);
        var (code, output, error) = Cli.Run(dir, ["train", "--csv", "rows.csv", .. args]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal(message, error.TrimEnd());
    }

    [Theory]
    [InlineData("error: --hidden must be at least 1, but is 0.", "--hidden", "0")]
    // System.Random draws the same numbers for -s as for s: --seed -7 sampled and trained --seed 7's model.
    [InlineData("error: --seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7.", "--seed", "-7")]
    [InlineData("--whiten must be one of", "--whiten", "bogus")]
    [InlineData("--penalty must be one of", "--penalty", "l3")]
    [InlineData("error: --sparsity (rho) must lie strictly between 0 and 1, but is 2.", "--sparsity", "2")]
    [InlineData("error: --sparsity (rho) must lie strictly between 0 and 1, but is 0.", "--sparsity", "-0")]   // was "but is -0."
    [InlineData("error: ", "--no-such-option", "1")]
    [InlineData("error: ", "--iterations", "many")]
    [InlineData("--patch must be at least 1, but is 0", "--patch", "0")]
    [InlineData("--downsample must be at least 1, but is 0", "--mat", "IMAGES.mat", "--downsample", "0")]
    [InlineData("does not exist", "--mat", "missing.mat")]
    // A missing folder on the way is DirectoryNotFoundException, not FileNotFoundException: said in .NET's words ("cannot be read:
    // Could not find a part of the path"), it was found only by a mutation audit.
    [InlineData("error: CSV file 'nowhere/in.csv' does not exist.", "--csv", "nowhere/in.csv")]
    [InlineData("has no variable 'NOPE'", "--mat", "IMAGES.mat", "--variable", "NOPE")]
    [InlineData("smaller than the 64x64 patches", "--mat", "IMAGES.mat", "--patch", "64")]
    [InlineData("at most one data source", "--mat", "IMAGES.mat", "--csv", "x.csv")]
    [InlineData("--activation must be one of sigmoid, relu, topk, jumprelu, but is 'tanh'.", "--activation", "tanh")]
    [InlineData("error: --k (latents kept per row) must lie in 1..H = 1..100, but is 101.", "--activation", "topk", "--k", "101")]
    // --k not given: its default, 8, broke the rule, and "--k: ... but is 8" blamed a flag the user never typed.
    [InlineData("error: --k (by default; latents kept per row) must lie in 1..H = 1..4, but is 8.", "--activation", "topk", "--hidden", "4")]
    // It said "must be null (...) or at least 0": null is no value a flag can take, and read as the rule.
    [InlineData("error: --aux-k must be at least 0 (0 turns the AuxK term off), but is -1; leave it unset for the default, the power of two nearest V/2, at most H.", "--activation", "topk", "--aux-k", "-1")]
    [InlineData("error: --aux-k must be at least 0 (0 turns the AuxK term off), but is -2147483648; leave it unset", "--activation", "topk", "--aux-k", "-2147483648")]
    [InlineData("error: --l1-weight must be finite and at least 0, but is -1.", "--activation", "relu", "--l1-weight", "-1")]
    [InlineData("error: --decoder must be linear with --activation topk", "--activation", "topk", "--decoder", "sigmoid")]
    [InlineData("error: --optimizer must be adam with --activation relu", "--activation", "relu", "--optimizer", "lbfgs")]
    [InlineData("error: --activation relu needs --decoder linear and --optimizer adam, but --decoder is sigmoid and --optimizer is lbfgs.", "--activation", "relu", "--decoder", "sigmoid", "--optimizer", "lbfgs")]
    [InlineData("--metrics-json: the metrics are those of a sparse code", "--metrics-json", "m.json")]
    [InlineData("error: --latents: a sigmoid code has no zeros, so no latent ever stops firing; the histogram is for a sparse code", "--latents", "l.png")]
    [InlineData("error: --latents: a sigmoid code has no zeros", "--activation", "sigmoid", "--latents", "latents.png")]
    [InlineData("error: --whiten olshausen whitens whole images; CSV rows are vectors (use none or zca).", "--csv", "rows.csv", "--whiten", "olshausen")]
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
        using var dir = new TempFolder();
        MatWriter.Write(Path.Combine(dir, "IMAGES.mat"), [MatVariable.FromDoubles("IMAGES", [20, 20, 1], new double[400])]);
        var (code, output, error) = Cli.Run(dir, ["train", .. args]);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(message, error);
        Assert.Equal(new[] { "IMAGES.mat" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
