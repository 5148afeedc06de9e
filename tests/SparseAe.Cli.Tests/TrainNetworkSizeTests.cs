using System.Text.RegularExpressions;
using Xunit;
using static SparseAe.Cli.Tests.TrainTests;

namespace SparseAe.Cli.Tests;

/// <summary>train with patches and hidden layers too large for the parameters or the filter grid, and long filters drawn in tiles.</summary>
public class TrainNetworkSizeTests
{
    [Fact]
    public void Long_filters_are_drawn_in_tiles_close_to_square_and_a_grid_too_large_is_left_out_or_if_asked_for_refused_before_training()
    {
        // 1,000 filters of 1,000 values were drawn as 1 x 1000 tiles: a 32033-pixel grid, refused after
        // training with only the model written. They are 25 x 40 tiles now.
        using var dir = new TempFolder();
        WriteCsv(dir, 6, 1000, 7);
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--hidden", "1000", "--activation", "relu", "--epochs", "1", "--metrics-json", "m.json");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        foreach (var f in new[] { "model.zip", "filters.png", "curve.png", "latents.png", "m.json" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);

        // A prime V is one row of V pixels whatever the shape: too wide for any grid. Asked for by --filters,
        // it is refused before training, naming options that exist (it named patchHeight, an argument of the
        // library); by default the model is trained and the picture left out with a note (it used to be refused).
        using var wide = new TempFolder();
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
        // show said of the same model "(a model of 0 hidden units or fewer would fit)", where train says none fits.
        (code, output, error) = Cli.Run(wide, "show", "--model", "model.zip");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --patch-height 1 (by default): 1 filters of 1 x 20011 pixels make a grid larger than the limit of 20000 x 20000 pixels, in tiles of any shape (not even one filter fits).", error.TrimEnd());
    }

    // V = P x P alone too wide (no H fits) was said under --hidden, "not even --hidden 1 fits", where --patch is
    // what to change. At H = 100 (the default), 2HV + H + V fits one array up to V = 3268 x 3268.
    [Fact]
    public void A_patch_too_large_for_any_hidden_layer_is_refused_under_patch_with_the_largest_that_fits()
    {
        using var dir = new TempFolder();
        var (code, output, error) = Cli.Run(dir, "train", "--patch", "4097", "--patches", "100");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: --patch: A 16785409-100-16785409 autoencoder needs 3373867309 parameters, more than one array can hold (2147483591); " +
            "give --patch 3268 or less.", error.TrimEnd());
        Assert.Equal("", output);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void Too_many_hidden_units_for_the_parameters_or_for_the_filter_grid_asked_for_are_refused_before_any_work()
    {
        // "--hidden 2147483647 --filters f.png" reduced and whitened the photographs before the grid refused it;
        // without --filters, Fit refused it after "training a ...". Image patches give V = P x P before any
        // data is read: both rules are applied then, the parameters' first (it refuses the run whatever the outputs).
        using var dir = new TempFolder();
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
        using var dir = new TempFolder();
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
        // The user gave no --patch-height: the height is said to be the default, as train says its defaults.
        Assert.Equal("error: --patch-height 37 (by default): 90 filters of 37 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels; --patch-height 2003 fits.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "g.png")));
        (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "g.png", "--patch-height", "37");
        Assert.Equal(2, code);
        Assert.Equal("error: --patch-height 37: 90 filters of 37 x 2003 pixels make a grid larger than the limit of 20000 x 20000 pixels; --patch-height 2003 fits.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "g.png")));
    }

    // Of the other tile shapes that fit, show is offered the one closest to square: for 1 x 40000 tiles, which no grid holds,
    // 200 x 200. (Mutation audit: the shapes ordered farthest from square first passed every test, whose V had one other
    // shape that fits.)
    [Fact]
    public void Of_the_tile_shapes_that_fit_the_one_closest_to_square_is_offered()
    {
        var tooLarge = SparseAe.Cli.Experiment.ModelOutputs.GridTooLarge(4, 1, 40_000);
        Assert.NotNull(tooLarge);
        Assert.Equal("4 filters of 1 x 40000 pixels make a grid larger than the limit of 20000 x 20000 pixels", tooLarge.Value.Problem);
        Assert.Equal(200, tooLarge.Value.OtherHeight);
    }

    // The most hidden units whose grid fits, which train and show offer, is the largest count that fits, found by a scan of
    // every count below the one given. (Mutation audit: the binary search stopping one short of its last candidate passed
    // every test.)
    [Theory]
    [InlineData(90, 37, 2003)]
    [InlineData(400, 1000, 1000)]
    [InlineData(1000, 700, 700)]
    [InlineData(4, 1, 40_000)]
    public void The_most_hidden_units_offered_is_the_largest_count_whose_grid_fits(int hidden, int patchHeight, int patchWidth)
    {
        var tooLarge = SparseAe.Cli.Experiment.ModelOutputs.GridTooLarge(hidden, patchHeight, patchWidth);
        Assert.NotNull(tooLarge);
        int scanned = Enumerable.Range(1, hidden - 1).LastOrDefault(h => SparseAe.Cli.Experiment.ModelOutputs.GridTooLarge(h, patchHeight, patchWidth) is null);
        Assert.Equal(scanned, tooLarge.Value.MostHidden);
    }
}
