namespace SparseAe.Data.Idx;

/// <summary>
/// The contents of an IDX file, the format of MNIST and Fashion-MNIST: dimensions and every value as a
/// float, in the file's order (row-major: the last dimension varies fastest).
/// </summary>
/// <remarks>
/// <para>Layout (Y. LeCun, C. Cortes and C. J. C. Burges, "The MNIST database of handwritten digits"):
/// bytes 0-1 are 0, byte 2 the type (<see cref="IdxDataType"/>), byte 3 the number of dimensions d,
/// then d big-endian int32 sizes, then the values, big-endian, and nothing after them. Files whose
/// first two bytes are 1F 8B are gzip (RFC 1952), as the data sets are distributed.</para>
/// <para>Item i is the i-th slice along the first dimension: an image of 28x28 = 784 values in an
/// images file (60000, 28, 28), one label in a labels file (60000). Values are raw (0..255 for bytes);
/// <see cref="IdxImages"/> reads an images file as its bytes and gives them in [0, 1]. Int32 values beyond 2^24 and doubles lose
/// precision in float, and a finite double beyond float's range is refused rather than read as infinity.</para>
/// </remarks>
public sealed class IdxFile
{
    private readonly int[] _dimensions;

    internal IdxFile(string name, IdxDataType dataType, int[] dimensions, float[] data)
    {
        Name = name;
        DataType = dataType;
        _dimensions = dimensions;
        // Read-only to the caller: the array itself, cast back from IReadOnlyList, let a caller change ItemCount and Item.
        Dimensions = Array.AsReadOnly(dimensions);
        Data = data;
        ItemSize = 1;
        for (int i = 1; i < dimensions.Length; i++) ItemSize *= dimensions[i];
    }

    /// <summary>Where the data came from (the path, or the name given with the stream).</summary>
    public string Name { get; }

    /// <summary>The element type stored in the file.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The sizes, first (slowest-varying) first, e.g. [60000, 28, 28].</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Every value, row-major, converted to float; length = product of the dimensions.</summary>
    public float[] Data { get; }

    /// <summary>The first dimension: images or labels in the file.</summary>
    public int ItemCount => _dimensions[0];

    /// <summary>Values per item: the product of the dimensions after the first (1 for a vector file).</summary>
    public int ItemSize { get; }

    /// <summary>Item <paramref name="index"/>'s values (ItemSize of them), a view into <see cref="Data"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">index is outside [0, ItemCount).</exception>
    /// <param name="index">The item: index must be in [0, ItemCount).</param>
    public ReadOnlySpan<float> Item(int index)
    {
        if ((uint)index >= (uint)ItemCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"IDX file '{Name}': item index must be in [0, {ItemCount}), but is {index}.");
        return Data.AsSpan(index * ItemSize, ItemSize);
    }

    /// <summary>Reads a plain or gzipped IDX file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or truncated; the message names the byte offset.</exception>
    /// <exception cref="InsufficientMemoryException">
    /// The values, as stored and as floats, need more memory than this process can get: checked on the header, before
    /// any value is read; the message names the file, its type and dimensions, and the bytes needed and available.
    /// </exception>
    /// <param name="path">The file: not null or empty.</param>
    public static IdxFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return IdxReader.Read(stream, path);
    }

    /// <summary>
    /// Reads a plain or gzipped IDX file from <paramref name="stream"/> (from its current position to
    /// its end; not closed). <paramref name="name"/> names it in errors.
    /// </summary>
    /// <exception cref="InvalidDataException">The data are damaged or truncated; the message names the byte offset.</exception>
    /// <exception cref="InsufficientMemoryException">The values need more memory than this process can get (see <see cref="Read(string)"/>).</exception>
    /// <param name="stream">The file's bytes, from the current position to the end: not null.</param>
    /// <param name="name">The file's name in errors and its <see cref="Name"/>: not null.</param>
    public static IdxFile Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return IdxReader.Read(stream, name);
    }

    /// <summary>The file's name, element type and dimensions, e.g. <c>train-images-idx3-ubyte: UnsignedByte [60000, 28, 28]</c>.</summary>
    public override string ToString() => $"{Name}: {DataType} [{string.Join(", ", _dimensions)}]";
}
