namespace SparseAe.Data.Images;

/// <summary>
/// The five natural photographs embedded in this assembly, the raw material for the classic
/// experiment (grey-scale, <see cref="OlshausenWhitening"/>, sample 8x8 patches, train a sparse
/// autoencoder, see Gabor-like filters).
/// </summary>
/// <remarks>
/// From scikit-image's sample data, all CC0 or public domain; the provenance table is in
/// <c>data/natural-images/README.md</c>. They are embedded (logical names <c>natural-images/NAME.png</c>)
/// so that a sample or test needs no file path. Sizes, width x height: camera 512x512 (grey), coffee
/// 600x400, chelsea 451x300, astronaut 512x512, rocket 640x427 (RGB, turned grey by
/// <see cref="ImageDecoder"/> with the BT.601 weights).
/// </remarks>
public static class EmbeddedImages
{
    private const string Prefix = "natural-images/";

    /// <summary>The file names of the embedded images, in the order <see cref="LoadAll"/> returns them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["camera.png", "coffee.png", "chelsea.png", "astronaut.png", "rocket.png"];

    /// <summary>Decodes all five images to grey in [0, 1] (a fresh copy on every call; about 8 MB of floats).</summary>
    public static IReadOnlyList<GreyImage> LoadAll() => Names.Select(Load).ToArray();

    /// <summary>Decodes one embedded image by file name, e.g. "camera.png".</summary>
    /// <exception cref="ArgumentException">No embedded image has that name.</exception>
    public static GreyImage Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var assembly = typeof(EmbeddedImages).Assembly;
        using var stream = assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new ArgumentException(
                $"No embedded image is named '{name}'; the embedded images are {string.Join(", ", Names)}.", nameof(name));
        return ImageDecoder.LoadGrey(stream, name);
    }
}
