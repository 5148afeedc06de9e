namespace SparseAe.Data.Idx;

/// <summary>
/// The images of an MNIST-style images file (<c>train-images-idx3-ubyte</c> of MNIST and Fashion-MNIST):
/// IDX unsigned bytes with dimensions [n, rows, cols], each at least 1. The pixels are held as the file's
/// bytes, one a pixel, and given out as floats in [0, 1] (byte / 255, the usual MNIST scaling).
/// </summary>
public sealed class IdxImages
{
    private readonly byte[] _pixels;

    private IdxImages(string name, byte[] pixels, int count, int height, int width)
        => (Name, _pixels, Count, Height, Width) = (name, pixels, count, height, width);

    /// <summary>Where the images came from (the path as given).</summary>
    public string Name { get; }

    /// <summary>Images in the file (its first dimension), at least 1.</summary>
    public int Count { get; }

    /// <summary>Rows of every image (the second dimension), at least 1.</summary>
    public int Height { get; }

    /// <summary>Columns of every image (the third dimension), at least 1.</summary>
    public int Width { get; }

    /// <summary>
    /// Reads and checks an images file, plain or gzipped. The type and dimensions are checked, and the
    /// memory for the pixels as bytes and as one float copy (5 bytes a pixel) is looked for, before any
    /// pixel is read: a 1.6-billion-pixel file that does not fit is refused up front, not after minutes of
    /// decompression, and one that fits costs 5 bytes a pixel, not a float copy per step.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is damaged (see <see cref="IdxFile.Read(string)"/>), or is not images of unsigned bytes
    /// with at least one image of at least one row and column; the message names the file and what it holds.
    /// </exception>
    /// <exception cref="InsufficientMemoryException">The pixels need more memory than this process can get.</exception>
    /// <param name="path">The images file: not null or empty.</param>
    public static IdxImages Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return IdxReader.ReadHeld(stream, path, (type, dims) => Check(path, type, dims),
            (_, dims) => (5L * dims[0] * dims[1] * dims[2], Held(dims)), "use a file with fewer images",
            raw => new IdxImages(path, raw.Values, raw.Dimensions[0], raw.Dimensions[1], raw.Dimensions[2]));
    }

    private static string Held(int[] dims) => $"{dims[0]} images of {dims[1]} rows and {dims[2]} columns, as bytes and as floats";

    /// <summary>Image <paramref name="index"/>'s Height x Width pixels, row-major, in [0, 1]: a new array.</summary>
    /// <exception cref="ArgumentOutOfRangeException">index is outside [0, Count).</exception>
    /// <param name="index">The image: index must be in [0, Count).</param>
    public float[] Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"IDX file '{Name}': image index must be in [0, {Count}), but is {index}.");
        int size = Height * Width;
        var image = new float[size];
        Scale(_pixels.AsSpan(index * size, size), image);
        return image;
    }

    /// <summary>Every image, row-major, one after another ((Count, Height x Width)), in [0, 1]: one new array.</summary>
    public float[] ScaleToUnit()
    {
        var all = new float[_pixels.Length];
        Scale(_pixels, all);
        return all;
    }

    private static void Scale(ReadOnlySpan<byte> bytes, Span<float> pixels)
    {
        for (int i = 0; i < bytes.Length; i++) pixels[i] = bytes[i] / 255f;
    }

    private static void Check(string name, IdxDataType type, int[] dims)
    {
        IdxReader.RequireUnsignedBytes(name, type, dims, "images", ", as MNIST and Fashion-MNIST store them");
        string shape = IdxReader.Shape(dims);
        if (dims.Length != 3)
            throw new InvalidDataException($"IDX file '{name}' must hold images (dimensions [n, rows, cols]), but its dimensions are {shape}.");
        if (dims[0] == 0)
            throw new InvalidDataException($"IDX file '{name}' holds no images (dimensions {shape}); at least one is needed.");
        if (dims[1] == 0 || dims[2] == 0)
            throw new InvalidDataException(
                $"IDX file '{name}' holds images of {dims[1]} rows and {dims[2]} columns (dimensions {shape}); an image needs at least 1 of each.");
    }
}
