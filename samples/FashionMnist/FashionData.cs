using Microsoft.ML.Data;
using SparseAe.Data.Idx;

namespace FashionMnistSample;

/// <summary>One 28x28 image, pixels scaled to [0, 1], and its class 0..9.</summary>
public sealed class FashionImage
{
    public const int Side = 28;

    [VectorType(Side * Side)]
    public float[] Pixels { get; set; } = [];

    public float Label { get; set; }
}

/// <summary>The Fashion-MNIST training and test sets (Xiao, Rasul and Vollgraf, 2017) read from IDX files.</summary>
internal sealed record FashionData(IReadOnlyList<FashionImage> Train, IReadOnlyList<FashionImage> Test)
{
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static FashionData Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"The Fashion-MNIST folder '{folder}' does not exist; install it with `apt-get install -y dataset-fashion-mnist` or pass --data-dir.");
        return new FashionData(Read(folder, "train"), Read(folder, "t10k"));
    }

    private static List<FashionImage> Read(string folder, string prefix)
    {
        var images = IdxFile.Read(Find(folder, $"{prefix}-images-idx3-ubyte"));
        var labels = IdxFile.Read(Find(folder, $"{prefix}-labels-idx1-ubyte"));
        // Checked here, where the file can be named: the type would otherwise surface as ScaleToUnit's
        // InvalidOperationException, a label matrix would be read flat, and an empty set would fail
        // only at the first training step.
        RequireBytes(images, "images");
        if (images.Dimensions.Count != 3 || images.Dimensions[1] != FashionImage.Side || images.Dimensions[2] != FashionImage.Side)
            throw new InvalidDataException($"{images.Name} must hold 28x28 images (dimensions [n, 28, 28]), but its dimensions are {Shape(images)}.");
        if (images.ItemCount == 0)
            throw new InvalidDataException($"{images.Name} holds no images (dimensions {Shape(images)}); the sample trains and tests on at least one.");
        RequireBytes(labels, "labels");
        if (labels.Dimensions.Count != 1)
            throw new InvalidDataException($"{labels.Name} must hold one label per image (dimensions [n]), but its dimensions are {Shape(labels)}.");
        if (labels.ItemCount != images.ItemCount)
            throw new InvalidDataException(
                $"{labels.Name} has {labels.ItemCount} labels (dimensions {Shape(labels)}) for the {images.ItemCount} images of {images.Name} " +
                $"(dimensions {Shape(images)}); each image needs one label.");
        var pixels = images.ScaleToUnit();
        const int length = FashionImage.Side * FashionImage.Side;
        var list = new List<FashionImage>(images.ItemCount);
        for (int i = 0; i < images.ItemCount; i++)
        {
            float label = labels.Data[i];
            if (label is < 0 or > 9 || label != MathF.Floor(label))
                throw new InvalidDataException($"{labels.Name}: label {i} is {label}; Fashion-MNIST labels are 0..9.");
            list.Add(new FashionImage { Pixels = pixels.AsSpan(i * length, length).ToArray(), Label = label });
        }
        return list;
    }

    private static void RequireBytes(IdxFile file, string what)
    {
        if (file.DataType != IdxDataType.UnsignedByte)
            throw new InvalidDataException(
                $"{file.Name} holds {file.DataType} values (IDX type 0x{(byte)file.DataType:X2}, dimensions {Shape(file)}); " +
                $"Fashion-MNIST {what} are unsigned bytes (type 0x08).");
    }

    private static string Shape(IdxFile file) => $"[{string.Join(", ", file.Dimensions)}]";

    // The Debian package ships the files gzipped; a folder of unpacked files works as well.
    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"'{folder}' has neither {name}.gz nor {name}; is it the Fashion-MNIST folder?", Path.Combine(folder, name));
    }
}
