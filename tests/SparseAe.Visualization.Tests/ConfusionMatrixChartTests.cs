namespace SparseAe.Visualization.Tests;

/// <summary>Every bad argument ConfusionMatrixChart refuses, and how it lays out its class names.</summary>
public class ConfusionMatrixChartTests
{
    [Fact]
    public void A_negative_count_is_refused_naming_its_cell()
    {
        // Row 0 = {-1, 2} has total 1: its shares were -1 and 2, clamped to white and dark blue without a word.
        var e = Assert.Throws<ArgumentException>(
            () => ConfusionMatrixChart.RenderPng(new[,] { { -1, 2 }, { 0, 1 } }, ["cat", "dog"], "t", 200));
        Assert.Equal("counts", e.ParamName);
        Assert.Contains("counts[0, 0] (true 'cat', predicted 'cat') is -1; a count of rows cannot be negative.", e.Message);
    }

    // The message said only "counts must be a non-empty square matrix.": not what the matrix was.
    [Theory]
    [InlineData(2, 3)]
    [InlineData(0, 0)]
    [InlineData(3, 0)]
    public void A_matrix_that_is_not_square_or_is_empty_is_refused_naming_its_shape(int rows, int columns)
    {
        var e = Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.RenderPng(new int[rows, columns], ["a", "b", "c"], "t", 200));
        Assert.Equal("counts", e.ParamName);
        Assert.Contains($"counts must be a non-empty square matrix (one row and one column per class), but is {rows} x {columns}.", e.Message);
    }

    [Fact]
    public void Class_names_that_do_not_match_the_classes_are_refused_naming_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.RenderPng(new int[2, 2], ["a", "b", "c"], "t", 200));
        Assert.Equal("classNames", e.ParamName);
        Assert.Contains("classNames must hold one name per class of counts (2), but holds 3.", e.Message);
    }

    // A row total summed in int overflows to -2: its shares clamp to white, and a PNG is still drawn. The top row's two
    // squares must be half-shaded, as {1, 1}'s are.
    [Fact]
    public void Counts_whose_row_total_exceeds_int_are_drawn()
    {
        SkiaSharp.SKColor[,] pixels = PngDecoder.Decode(ConfusionMatrixChart.RenderPng(new[,] { { int.MaxValue, int.MaxValue }, { 0, 1 } }, ["cat", "dog"], "t", 600));
        var (halfCount, _, halfY) = Square(pixels, 0.5);
        var (darkCount, _, darkY) = Square(pixels, 1.0);
        Assert.True(halfCount > 2 * 10_000 && darkCount > 10_000, $"{halfCount} half-shaded and {darkCount} dark pixels");
        Assert.True(halfY < darkY, $"the half-shaded squares (centre y {halfY:F0}) are not the top row, above true 'dog' (centre y {darkY:F0})");
    }

    // ChartSize.Check(size, size) said "width must lie in 100..10000 pixels, but is 0": there is no width argument.
    [Theory]
    [InlineData(0)]
    [InlineData(20000)]
    public void A_size_out_of_range_is_refused_as_size(int size)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrixChart.RenderPng(new[,] { { 1 } }, ["cat"], "t", size));
        Assert.Equal("size", e.ParamName);
        Assert.Contains($"size must lie in {TrainingCurve.MinSide}..{TrainingCurve.MaxSide} pixels, but is {size}.", e.Message);
    }

    // A square per pair of classes: 3,000 classes were 9 million squares, minutes and tens of GB of allocations, for squares
    // of a pixel or less.
    [Fact]
    public void More_classes_than_a_chart_draws_are_refused_naming_the_count_and_the_limit()
    {
        int n = ConfusionMatrixChart.MaxClasses + 1;
        var e = Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.RenderPng(new int[n, n], Enumerable.Repeat("c", n).ToArray(), "t", 200));
        Assert.Equal("counts", e.ParamName);
        Assert.StartsWith($"counts has 1001 classes, and a confusion chart draws at most 1000 (a square for each pair of classes: 1002001 squares); ", e.Message);
    }

    [Fact]
    public void A_null_title_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentNullException>(() => ConfusionMatrixChart.RenderPng(new[,] { { 1, 0 }, { 0, 1 } }, ["cat", "dog"], null!, 200));
        Assert.Equal("title", e.ParamName);
    }

    [Fact]
    public void A_null_class_name_is_refused_naming_it()
    {
        var e = Assert.Throws<ArgumentNullException>(() => ConfusionMatrixChart.RenderPng(new[,] { { 1, 0 }, { 0, 1 } }, ["cat", null!], "t", 200));
        Assert.Equal("classNames", e.ParamName);
        Assert.Contains("classNames[1] is null.", e.Message);
    }

    // The predicted classes' names, turned upright, were cut off at the picture's edge beyond about 22 characters, with
    // "predicted class" written over them: the axis kept 150 pixels for them whatever their length.
    [Fact]
    public void Long_class_names_below_the_matrix_are_not_cut_off()
    {
        string[] names = [.. Enumerable.Range(0, 4).Select(i => $"class {i} with a rather long descriptive name")];
        var counts = new int[4, 4];
        for (int i = 0; i < 4; i++) counts[i, i] = 1;
        SkiaSharp.SKColor[,] pixels = PngDecoder.Decode(ConfusionMatrixChart.RenderPng(counts, names, "t", 1000));
        // The last rows of the picture are white margin, below the axis label, when the names leave room for it.
        for (int y = 995; y < 1000; y++)
            for (int x = 0; x < 1000; x++)
                Assert.True(pixels[x, y].Red > 200, $"pixel ({x}, {y}) is {pixels[x, y]}: text runs off the bottom of the picture");
    }

    // Each square is shaded by its share of its row (white 0 to dark blue (8, 48, 107) at 1), so the diagonal reads as recall.
    // Row 0 = {1, 3} gives shares 0.25 and 0.75, row 1 = {1, 0} gives 1 and 0; by column they would be 0.5, 1, 0.5 and 0.
    [Fact]
    public void Each_square_is_shaded_by_its_share_of_its_row()
    {
        SkiaSharp.SKColor[,] pixels = PngDecoder.Decode(ConfusionMatrixChart.RenderPng(new[,] { { 1, 3 }, { 1, 0 } }, ["cat", "dog"], "t", 600));
        foreach (double share in new[] { 0.25, 0.75, 1.0 })
        {
            var (count, _, _) = Square(pixels, share);
            Assert.True(count > 10_000, $"{count} pixels of the shade of share {share}: no square has it");
        }
    }

    // True classes run down from the top, predicted classes across from the left: row 0 = {4, 0} is the dark square at
    // the top left, row 1 = {1, 1} the two half-shaded squares below it.
    [Fact]
    public void The_first_true_class_is_the_top_row_and_the_first_predicted_class_the_left_column()
    {
        SkiaSharp.SKColor[,] pixels = PngDecoder.Decode(ConfusionMatrixChart.RenderPng(new[,] { { 4, 0 }, { 1, 1 } }, ["cat", "dog"], "t", 600));
        var (darkCount, darkX, darkY) = Square(pixels, 1.0);
        var (halfCount, halfX, halfY) = Square(pixels, 0.5);
        Assert.True(darkCount > 10_000 && halfCount > 2 * 10_000, $"{darkCount} dark and {halfCount} half-shaded pixels");
        Assert.True(darkY < halfY, $"the square of true 'cat' (centre y {darkY:F0}) is not above those of true 'dog' (centre y {halfY:F0})");
        Assert.True(darkX < halfX, $"the square of predicted 'cat' (centre x {darkX:F0}) is not left of the middle of row 'dog' (centre x {halfX:F0})");
    }

    // The pixels of the shade of `share` (white to (8, 48, 107), as the chart's summary says): how many, and their centre.
    private static (int Count, double X, double Y) Square(SkiaSharp.SKColor[,] pixels, double share)
    {
        byte Mix(byte to) => (byte)Math.Round(255 + (to - 255) * share);
        var shade = new SkiaSharp.SKColor(Mix(8), Mix(48), Mix(107));
        int count = 0;
        double sumX = 0, sumY = 0;
        for (int y = 0; y < pixels.GetLength(1); y++)
            for (int x = 0; x < pixels.GetLength(0); x++)
            {
                SkiaSharp.SKColor c = pixels[x, y];
                if (Math.Abs(c.Red - shade.Red) <= 2 && Math.Abs(c.Green - shade.Green) <= 2 && Math.Abs(c.Blue - shade.Blue) <= 2)
                {
                    count++;
                    sumX += x;
                    sumY += y;
                }
            }
        return (count, count == 0 ? double.NaN : sumX / count, count == 0 ? double.NaN : sumY / count);
    }
}
