using SparseAe.Data.Images;

namespace SparseAe.Data.Tests.Images;

public class EmbeddedImagesTests
{
    [Fact]
    public void The_five_photographs_load_with_their_sizes()
    {
        var images = EmbeddedImages.LoadAll();
        (string Name, int Width, int Height)[] expected =
        [
            ("camera.png", 512, 512),
            ("coffee.png", 600, 400),
            ("chelsea.png", 451, 300),
            ("astronaut.png", 512, 512),
            ("rocket.png", 640, 427),
        ];
        Assert.Equal(expected.Length, images.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Name, images[i].Name);
            Assert.Equal(expected[i].Width, images[i].Width);
            Assert.Equal(expected[i].Height, images[i].Height);
            Assert.All(images[i].Pixels, v => Assert.InRange(v, 0f, 1f));
            // A photograph, not a flat or empty decode.
            Assert.True(images[i].Pixels.Max() - images[i].Pixels.Min() > 0.5f, images[i].Name);
        }
    }

    [Fact]
    public void Load_matches_the_shipped_file()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "data", "natural-images", "chelsea.png")))
            directory = Path.GetDirectoryName(directory);
        Assert.NotNull(directory);
        var fromFile = ImageDecoder.LoadGrey(Path.Combine(directory, "data", "natural-images", "chelsea.png"));
        Assert.Equal(fromFile.Pixels, EmbeddedImages.Load("chelsea.png").Pixels);
    }

    [Fact]
    public void Unknown_name_lists_the_embedded_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => EmbeddedImages.Load("lena.png"));
        Assert.Contains("'lena.png'", error.Message);
        Assert.Contains("camera.png, coffee.png, chelsea.png, astronaut.png, rocket.png", error.Message);
    }
}
