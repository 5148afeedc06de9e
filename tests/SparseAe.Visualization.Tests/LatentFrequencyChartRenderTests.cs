using SkiaSharp;

namespace SparseAe.Visualization.Tests;

/// <summary>What LatentFrequencyChart draws.</summary>
public class LatentFrequencyChartRenderTests
{
    private static readonly SKColor Blue = new(0x1f, 0x77, 0xb4), Red = new(0xd6, 0x27, 0x28);

    // 200 latents: rates spread over 1e-4..0.5 (log-uniform), and `dead` more that never fired.
    private static double[] Rates(int dead)
    {
        var rng = new Random(3);
        return Enumerable.Range(0, 200).Select(_ => Math.Pow(10, -4 + 3.7 * rng.NextDouble())).Concat(new double[dead]).ToArray();
    }

    [Theory]
    [InlineData(800, 500)]
    [InlineData(640, 480)]
    [InlineData(LatentFrequencyChart.MinSide, LatentFrequencyChart.MinSide)]
    public void Png_decodes_with_the_requested_size(int width, int height)
    {
        SKColor[,] pixels = PngDecoder.Decode(LatentFrequencyChart.RenderPng(Rates(10), width, height));
        Assert.Equal(width, pixels.GetLength(0));
        Assert.Equal(height, pixels.GetLength(1));
    }

    [Fact]
    public void The_firing_latents_are_drawn_as_blue_bars_on_white()
    {
        SKColor[,] pixels = PngDecoder.Decode(LatentFrequencyChart.RenderPng(Rates(0)));
        Assert.Equal(SKColors.White, pixels[0, 0]);
        int blue = Count(pixels, Blue, 600);
        Assert.True(blue > 5000, $"only {blue} blue pixels in the plot area");
    }

    [Fact]
    public void Dead_latents_are_drawn_as_a_red_bar_of_their_own()
    {
        // Without dead latents the red is only the "dead: 0" label; 60 dead latents add a tall bar.
        int without = Count(PngDecoder.Decode(LatentFrequencyChart.RenderPng(Rates(0))), Red, 600);
        int with = Count(PngDecoder.Decode(LatentFrequencyChart.RenderPng(Rates(60))), Red, 600);
        Assert.True(with > without + 2000, $"red pixels left of the legend: {with} with 60 dead latents, {without} with none");
    }

    [Fact]
    public void A_code_whose_latents_are_all_dead_still_renders()
    {
        SKColor[,] pixels = PngDecoder.Decode(LatentFrequencyChart.RenderPng(new double[50]));
        Assert.True(Count(pixels, Red, 600) > 2000);
        Assert.Equal(0, Count(pixels, Blue, 600));
    }

    // The red bar counts the latents of rate 0 over the rows the rates were measured on, which need not be dead: train's
    // rates are the last epoch's, and a latent silent there that fired in an earlier epoch is not dead by the window rule.
    // `train --activation relu --l1-weight 3 --hidden 20 --epochs 10 --batch-size 8` printed dead=0.0% beside a chart
    // that said "dead: 10" and "dead (never fired): 10".
    [Fact]
    public void The_latents_of_rate_0_are_said_as_such_not_as_dead_or_never_fired()
    {
        using ScottPlot.Plot plot = LatentFrequencyChart.Build(LatentHistogram.Of([0, 0, 0.5]), "t");
        string[] texts = [.. plot.Legend.ManualItems.Select(i => i.LabelText), .. plot.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText)];
        Assert.DoesNotContain(texts, t => t.Contains("dead", StringComparison.OrdinalIgnoreCase) || t.Contains("never fired", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, texts.Count(t => t.StartsWith("rate 0", StringComparison.Ordinal) && t.EndsWith(": 2", StringComparison.Ordinal)));
    }

    // The legend's first row is drawn whole: ScottPlot clipped it to a row as tall as its 10 px symbol, so "firing: 200"
    // lost the top of its f ("tiring"). Its ink, found right of the blue swatch, must be as tall as the text's own ink box
    // in the embedded font, measured by SkiaSharp alone (the clip took 2-3 px off).
    [Fact]
    public void The_legend_s_first_row_is_drawn_whole()
    {
        SKColor[,] pixels = PngDecoder.Decode(LatentFrequencyChart.RenderPng(Rates(0)));
        int width = pixels.GetLength(0), height = pixels.GetLength(1);
        var swatch = Enumerable.Range(600, width - 600).SelectMany(x => Enumerable.Range(0, height).Select(y => (x, y)))
            .Where(p => Near(pixels[p.x, p.y], Blue)).ToArray();
        Assert.NotEmpty(swatch);
        int left = swatch.Max(p => p.x) + 3, right = Math.Min(width, left + 90), middle = (swatch.Min(p => p.y) + swatch.Max(p => p.y)) / 2;
        bool Ink(int y) => Enumerable.Range(left, right - left).Any(x => pixels[x, y].Red < 160 && pixels[x, y].Green < 160 && pixels[x, y].Blue < 160);
        Assert.True(Ink(middle), "no text beside the blue swatch");
        int top = middle, bottom = middle;
        while (top > 0 && Ink(top - 1)) top--;
        while (bottom < height - 1 && Ink(bottom + 1)) bottom++;

        using ScottPlot.Plot plot = LatentFrequencyChart.Build(LatentHistogram.Of(Rates(0)), "t");
        var label = plot.Legend.ManualItems[0];
        Assert.Equal("firing: 200", label.LabelText);
        using var font = new SKFont(ScottPlot.Fonts.GetTypeface(label.LabelFontName, false, false), label.LabelFontSize);
        font.MeasureText(label.LabelText, out SKRect ink);
        Assert.True(bottom - top + 1 >= Math.Floor(ink.Height), $"the first legend row's text is {bottom - top + 1} px tall (rows {top}..{bottom}); its ink box is {ink.Height:F1} px");
    }

    // Every decade of the axis has its tick, the lowest too: rates down to 0.001 are labelled 1, 0.1, 0.01 and 0.001, beside
    // the slot of the latents of rate 0.
    [Fact]
    public void Every_decade_from_the_lowest_to_rate_1_is_labelled()
    {
        using ScottPlot.Plot plot = LatentFrequencyChart.Build(LatentHistogram.Of([0.001, 0.02, 0.5]), "t");
        plot.RenderInMemory(800, 500);   // the ticks are made as the axis is drawn
        string[] labels = [.. plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label)];
        Assert.Equal(["never", "1", "0.1", "0.01", "0.001"], labels);
    }

    [Fact]
    public void Rendering_does_not_depend_on_anything_but_the_arguments()
    {
        Assert.Equal(LatentFrequencyChart.RenderPng(Rates(5), 500, 300, "same"), LatentFrequencyChart.RenderPng(Rates(5), 500, 300, "same"));
    }

    // Pixels near `colour` left of x = maxX (the legend sits on the right and holds a swatch of each colour).
    private static int Count(SKColor[,] pixels, SKColor colour, int maxX)
    {
        int n = 0;
        for (int y = 0; y < pixels.GetLength(1); y++)
            for (int x = 0; x < Math.Min(maxX, pixels.GetLength(0)); x++)
                if (Near(pixels[x, y], colour)) n++;
        return n;
    }

    private static bool Near(SKColor c, SKColor colour)
        => Math.Abs(c.Red - colour.Red) <= 12 && Math.Abs(c.Green - colour.Green) <= 12 && Math.Abs(c.Blue - colour.Blue) <= 12;
}
