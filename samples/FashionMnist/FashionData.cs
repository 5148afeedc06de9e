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
        if (File.Exists(folder))
            throw new IOException($"'{folder}' is a file, not a folder; --data-dir takes the folder of the four Fashion-MNIST IDX files.");
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"The Fashion-MNIST folder '{folder}' does not exist; install it with `apt-get install -y dataset-fashion-mnist` or pass --data-dir.");
        return new FashionData(Read(folder, "train"), Read(folder, "t10k"));
    }

    private static List<FashionImage> Read(string folder, string prefix)
    {
        IdxLabelledImages set;
        try
        {
            set = IdxLabelledImages.Read(folder, prefix);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{e.Message} Is it the Fashion-MNIST folder (apt-get install -y dataset-fashion-mnist)?", e.FileName, e);
        }
        string what = $"The {prefix} set in '{folder}'";
        if (set.Height != FashionImage.Side || set.Width != FashionImage.Side)
            throw new InvalidDataException($"{what} holds {set.Height}x{set.Width} images; Fashion-MNIST's are 28x28.");
        int bad = Array.FindIndex(set.Labels, l => l >= ClassNames.Length);
        if (bad >= 0)
            throw new InvalidDataException($"{what}: label {bad} is {set.Labels[bad]}; Fashion-MNIST labels are 0..9.");
        // The sample shows per-class figures, test images of chosen classes and a split of the classes in
        // two halves: each set must hold every class.
        var images = Enumerable.Range(0, set.Count).Select(i => new FashionImage { Pixels = set.Image(i).ToArray(), Label = set.Labels[i] }).ToList();
        if (AbsentClass(images) is int absent and >= 0)
            throw new InvalidDataException($"{what} has no image of class {absent} ({ClassNames[absent]}) among its {set.Count}; the sample needs every class in both sets.");
        return images;
    }

    /// <summary>The first class 0..9 of which <paramref name="images"/> hold no image, or -1 when they hold every class.</summary>
    public static int AbsentClass(IEnumerable<FashionImage> images)
    {
        var seen = new bool[ClassNames.Length];
        foreach (var image in images) seen[(int)image.Label] = true;
        return Array.IndexOf(seen, false);
    }
}
