using System.Buffers.Binary;
using System.Diagnostics;
using System.Reflection;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The Fashion-MNIST sample (samples/FashionMnist), run in its own process as a user runs it.</summary>
public class FashionMnistSampleTests
{
    private static string SamplePath => typeof(FashionMnistSampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FashionMnistSamplePath").Value!;

    /// <summary>Plain IDX files of <paramref name="count"/> blank 28x28 images labelled 0, 1, ..., 9, 0, ...</summary>
    private static void WriteSet(string folder, string prefix, int count)
    {
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++) labels[8 + i] = (byte)(i % 10);
        File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), labels);
        var images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { SamplePath, "--quick", "--data-dir", data, "--output-dir", dir.File("out") }) start.ArgumentList.Add(a);
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 1, $"exit {code}: {error}\n{output}");
        Assert.Equal($"FashionMnist: the training set in '{data}' has 100 images; quick mode needs at least 4000.", error.Trim());
        Assert.False(Directory.Exists(dir.File("out")), "the refused run left its output folder behind");
    }
}
