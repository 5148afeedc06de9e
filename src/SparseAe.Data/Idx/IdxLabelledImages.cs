namespace SparseAe.Data.Idx;

/// <summary>
/// One set of an MNIST-style data set: the images of <c>{prefix}-images-idx3-ubyte</c> and the labels of
/// <c>{prefix}-labels-idx1-ubyte</c> in one folder, each gzipped (<c>.gz</c>, as Debian and the data
/// sets' sites ship them) or not (the gzipped one where both are there): MNIST, Fashion-MNIST (prefixes "train" and "t10k").
/// </summary>
/// <param name="Pixels">The images, each Height x Width row-major, scaled to [0, 1] (bytes / 255): (Count, Height * Width); not
/// null, and Pixels must hold Count*Height*Width values.</param>
/// <param name="Labels">Each image's label, as stored (0..255): not null, and Labels must hold one label per image (Count).</param>
/// <param name="Count">Images in the set: Count must be at least 1.</param>
/// <param name="Height">Rows of every image: Height must be at least 1.</param>
/// <param name="Width">Columns of every image: Width must be at least 1.</param>
public sealed record IdxLabelledImages(float[] Pixels, byte[] Labels, int Count, int Height, int Width)
{
    /// <summary>The images, each Height x Width row-major, scaled to [0, 1] (bytes / 255): (Count, Height * Width).</summary>
    // A set made by hand is checked here as Read checks a file's: Count 0, a width of 0 or too few pixels were taken, and
    // Image(i) then failed inside AsSpan, naming nothing of the set. (A `with` copy is not checked again.)
    public float[] Pixels { get; init; } = Checked(Pixels, Labels, Count, Height, Width);

    /// <summary>
    /// Reads and checks the pair: the images as <see cref="IdxImages.Read"/> does (unsigned bytes, n, rows
    /// and cols at least 1), the labels unsigned bytes of dimensions [n]. Each refusal names the file, its
    /// type or dimensions, and the rule.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder holds neither the gzipped nor the plain file.</exception>
    /// <exception cref="InvalidDataException">A file is damaged (see <see cref="IdxFile.Read(string)"/>) or breaks a rule above.</exception>
    /// <exception cref="InsufficientMemoryException">
    /// The images, or the labels with the images' float copy, need more memory than this process can get: each checked on its
    /// file's header, before its values are read.
    /// </exception>
    /// <param name="folder">The folder that holds both files: not null.</param>
    /// <param name="prefix">The files' prefix, e.g. "train" or "t10k": not null.</param>
    public static IdxLabelledImages Read(string folder, string prefix)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(prefix);
        var images = IdxImages.Read(Find(folder, $"{prefix}-images-idx3-ubyte"));
        // A label matrix would be read flat, and a count that differs would fail only at training: both are the files' faults.
        // Checked on the header, before any label is read: a header of 400,000,000 labels was decompressed and made floats first.
        // The memory then looked for is the labels' and the images' float copy, made after them: the images' own check
        // counted that copy before the labels were held (11,700,000 images of 1x1 and their labels under a 64 MB heap passed
        // it, and the copy ended in a bare OutOfMemoryException).
        string labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        using var stream = File.OpenRead(labelsPath);
        long pixels = (long)images.Count * images.Height * images.Width;
        return IdxReader.ReadHeld(stream, labelsPath, (type, dims) => CheckLabels(labelsPath, type, dims, images),
            (_, dims) => (dims[0] + 4 * pixels,
                $"{dims[0]} labels as bytes, and the {images.Count} images of {images.Height} rows and {images.Width} columns as floats, {4 * pixels} bytes"),
            "use files with fewer images",
            labels => new IdxLabelledImages(images.ScaleToUnit(), labels.Values, images.Count, images.Height, images.Width));
    }

    /// <summary>Image <paramref name="index"/>'s Height * Width pixels, a view into <see cref="Pixels"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">index is outside [0, Count).</exception>
    /// <param name="index">The image: index must be in [0, Count).</param>
    public ReadOnlySpan<float> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"IdxLabelledImages: image index must be in [0, {Count}), but is {index}.");
        int size = Height * Width;
        return Pixels.AsSpan(index * size, size);
    }

    private static float[] Checked(float[] pixels, byte[] labels, int count, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels, nameof(Pixels));
        ArgumentNullException.ThrowIfNull(labels, nameof(Labels));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(Count), count, $"Count must be at least 1, but is {count}.");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(Height), height, $"Height must be at least 1, but is {height}.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(Width), width, $"Width must be at least 1, but is {width}.");
        long values = (long)count * height * width;
        if (pixels.Length != values)
            throw new ArgumentException($"Pixels must hold Count*Height*Width = {count}*{height}*{width} = {values} values, but holds {pixels.Length}.", nameof(Pixels));
        if (labels.Length != count)
            throw new ArgumentException($"Labels must hold one label per image (Count = {count}), but holds {labels.Length}.", nameof(Labels));
        return pixels;
    }

    private static void CheckLabels(string name, IdxDataType type, int[] dims, IdxImages images)
    {
        IdxReader.RequireUnsignedBytes(name, type, dims, "labels", "");
        string shape = IdxReader.Shape(dims);
        if (dims.Length != 1)
            throw new InvalidDataException($"IDX file '{name}' must hold one label per image (dimensions [n]), but its dimensions are {shape}.");
        if (dims[0] != images.Count)
            throw new InvalidDataException(
                $"IDX file '{name}' has {dims[0]} labels (dimensions {shape}) for the {images.Count} images of '{images.Name}' " +
                $"(dimensions [{images.Count}, {images.Height}, {images.Width}]); each image needs one label.");
    }

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
