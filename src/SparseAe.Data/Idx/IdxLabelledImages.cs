namespace SparseAe.Data.Idx;

/// <summary>
/// One set of an MNIST-style data set: the images of <c>{prefix}-images-idx3-ubyte</c> and the labels of
/// <c>{prefix}-labels-idx1-ubyte</c> in one folder, each gzipped (<c>.gz</c>, as Debian and the data
/// sets' sites ship them) or not: MNIST, Fashion-MNIST (prefixes "train" and "t10k").
/// </summary>
/// <param name="Pixels">The images, each Height x Width row-major, scaled to [0, 1] (bytes / 255): (Count, Height * Width).</param>
/// <param name="Labels">Each image's label, as stored (0..255).</param>
/// <param name="Count">Images in the set, at least 1.</param>
/// <param name="Height">Rows of every image.</param>
/// <param name="Width">Columns of every image.</param>
public sealed record IdxLabelledImages(float[] Pixels, byte[] Labels, int Count, int Height, int Width)
{
    /// <summary>
    /// Reads and checks the pair: both files of unsigned bytes, the images (n, rows, cols) with n, rows and
    /// cols at least 1, the labels (n). Each refusal names the file, its type or dimensions, and the rule.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder holds neither the gzipped nor the plain file.</exception>
    /// <exception cref="InvalidDataException">A file is damaged (see <see cref="IdxFile.Read(string)"/>) or breaks a rule above.</exception>
    public static IdxLabelledImages Read(string folder, string prefix)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(prefix);
        var images = IdxFile.Read(Find(folder, $"{prefix}-images-idx3-ubyte"));
        var labels = IdxFile.Read(Find(folder, $"{prefix}-labels-idx1-ubyte"));
        // A float or int file would meet ScaleToUnit's InvalidOperationException, a label matrix would be
        // read flat, and an empty set would fail only at the first training step: all are the files' faults.
        RequireBytes(images, "images");
        if (images.Dimensions.Count != 3)
            throw new InvalidDataException($"{images.Name} must hold images (dimensions [n, rows, cols]), but its dimensions are {Shape(images)}.");
        if (images.ItemCount == 0)
            throw new InvalidDataException($"{images.Name} holds no images (dimensions {Shape(images)}).");
        if (images.Dimensions[1] == 0 || images.Dimensions[2] == 0)
            throw new InvalidDataException(
                $"{images.Name} holds images of {images.Dimensions[1]} rows and {images.Dimensions[2]} columns (dimensions {Shape(images)}); an image needs at least 1 of each.");
        RequireBytes(labels, "labels");
        if (labels.Dimensions.Count != 1)
            throw new InvalidDataException($"{labels.Name} must hold one label per image (dimensions [n]), but its dimensions are {Shape(labels)}.");
        if (labels.ItemCount != images.ItemCount)
            throw new InvalidDataException(
                $"{labels.Name} has {labels.ItemCount} labels (dimensions {Shape(labels)}) for the {images.ItemCount} images of {images.Name} " +
                $"(dimensions {Shape(images)}); each image needs one label.");
        var bytes = Array.ConvertAll(labels.Data, v => (byte)v);   // exact: the file holds bytes
        return new IdxLabelledImages(images.ScaleToUnit(), bytes, images.ItemCount, images.Dimensions[1], images.Dimensions[2]);
    }

    /// <summary>Image <paramref name="index"/>'s Height * Width pixels, a view into <see cref="Pixels"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * Height * Width, Height * Width);

    private static void RequireBytes(IdxFile file, string what)
    {
        if (file.DataType != IdxDataType.UnsignedByte)
            throw new InvalidDataException(
                $"{file.Name} holds {file.DataType} values (IDX type 0x{(byte)file.DataType:X2}, dimensions {Shape(file)}); {what} must be unsigned bytes (type 0x08).");
    }

    private static string Shape(IdxFile file) => $"[{string.Join(", ", file.Dimensions)}]";

    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"'{folder}' has neither {name}.gz nor {name}.", Path.Combine(folder, name));
    }
}
