using System.Buffers.Binary;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The Fashion-MNIST sample (samples/FashionMnist), run in its own process as a user runs it.</summary>
public class FashionMnistSampleTests
{
    /// <summary>
    /// Plain IDX files of <paramref name="count"/> blank 28x28 images (or <paramref name="height"/> x <paramref name="width"/>)
    /// labelled 0, 1, ..., 9, 0, ..., or, when <paramref name="sorted"/>, by class: the first tenth 0, the next 1, and so on;
    /// <paramref name="lastLabel"/> replaces the last image's label.
    /// </summary>
    internal static void WriteSet(string folder, string prefix, int count, bool sorted = false, int height = 28, int width = 28, byte? lastLabel = null)
    {
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++) labels[8 + i] = (byte)(sorted ? i * 10 / count : i % 10);
        if (lastLabel is byte last) labels[^1] = last;
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
        var images = new byte[16 + count * height * width];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), height);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), width);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), images);
    }

    [Fact]
    public void A_training_set_too_small_for_the_run_is_refused_before_the_output_folder_is_made()
    {
        // Program.cs checks the output folder "after the data, whose mistakes would otherwise leave an empty folder
        // made here", but the training set's size was checked after it: 100 images left an empty --output-dir behind.
        using var dir = new TempFolder();
        var data = Directory.CreateDirectory(dir.File("data")).FullName;
        WriteSet(data, "train", 100);
        WriteSet(data, "t10k", 20);
        var (code, output, error) = Cli.RunProgram("FashionMnistSamplePath", "--quick", "--data-dir", data, "--output-dir", dir.File("out"));
        Assert.True(code == 1, $"exit {code}: {error}\n{output}");
        Assert.Equal($"FashionMnist: the training set in '{data}' has 100 images; quick mode needs at least 4000.", error.Trim());
        Assert.False(Directory.Exists(dir.File("out")), "the refused run left its output folder behind");
    }

    [Fact]
    public void A_training_set_sorted_by_class_is_refused_naming_the_part_and_the_class_it_lacks()
    {
        // The loader holds each set to every class, but the run uses parts of them. Here, sorted by class, the first
        // 2,000 images that select the features hold classes 0-4 and the last 1,000 that validate them classes 7-9:
        // the run went on to its end (exit 0) with validation figures of classes it never trained on. Fashion-MNIST's
        // own files sorted so (the first 2,000 all T-shirts) ended in ML.NET's "Schema mismatch for score column
        // 'Score'" (its stack, exit 134), and a sorted test set would in "Sequence contains no matching element".
        using var dir = new TempFolder();
        var data = Directory.CreateDirectory(dir.File("data")).FullName;
        WriteSet(data, "train", 4000, sorted: true);
        WriteSet(data, "t10k", 20);
        var (code, output, error) = Cli.RunProgram("FashionMnistSamplePath", "--quick", "--data-dir", data, "--output-dir", dir.File("out"));
        Assert.True(code == 1, $"exit {code}: {error}\n{output}");
        Assert.Equal($"FashionMnist: the first 2000 training images in '{data}' (selection training) have no image of class 5 (Sandal); " +
                     "each part of the data the run uses needs every class: is the set sorted by class?", error.Trim());
        Assert.False(Directory.Exists(dir.File("out")), "the refused run left its output folder behind");
    }
}
