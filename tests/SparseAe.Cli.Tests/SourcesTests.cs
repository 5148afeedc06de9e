using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Data.Images;
using SparseAe.Data.Patches;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.Cli.Tests;

public class SourcesTests
{
    [Fact]
    public void Train_on_a_gzipped_IDX_file_of_images()
    {
        using var dir = new TempFolder();
        // 30 images of 12 x 12 ubyte: magic 0 0 8 3, then big-endian dims, then the bytes.
        var rng = new Random(1);
        var bytes = new byte[4 + 12 + 30 * 144];
        bytes[2] = 0x08; bytes[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), 30);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 12);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), 12);
        rng.NextBytes(bytes.AsSpan(16));
        using (var file = File.Create(Path.Combine(dir, "images-idx3-ubyte.gz")))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
            gz.Write(bytes);
        var (code, output, error) = Cli.Run(dir, "train", "--idx", "images-idx3-ubyte.gz", "--patch", "6", "--patches", "400", "--hidden", "5", "--iterations", "5");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("400 6x6 patches from images-idx3-ubyte.gz", output);
        Assert.Contains("training a 36-5-36", output);
        Assert.DoesNotContain("whitening", output);
    }

    /// <summary>A gzipped IDX file of <paramref name="count"/> 100 x 100 images, one random image repeated (so it compresses).</summary>
    private static void WriteRepeatedImages(string path, int count)
    {
        var header = new byte[16];
        header[2] = 0x08; header[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 100);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 100);
        var image = new byte[100 * 100];
        new Random(4).NextBytes(image);
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(header);
        for (int i = 0; i < count; i++) gz.Write(image);
    }

    private static (int Code, string Out, string Err) TrainWithHeapLimit(string dir, string idx, int megabytes)
    {
        var start = Cli.StartInfo(dir, "train", "--idx", idx, "--patch", "8", "--patches", "1000", "--hidden", "10", "--iterations", "5");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + ((long)megabytes << 20).ToString("X", CultureInfo.InvariantCulture);
        return Cli.Run(start);
    }

    [Fact]
    public void An_IDX_file_costs_five_bytes_a_pixel_and_one_that_does_not_fit_is_refused_before_it_is_read()
    {
        // 20 million pixels under a 192 MB heap: the bytes, their floats, a scaled copy and one copy an image
        // (13 bytes a pixel, 260 MB) ended in "internal error: OutOfMemoryException". The bytes and one float
        // copy (100 MB) fit.
        using var dir = new TempFolder();
        WriteRepeatedImages(Path.Combine(dir, "mid.gz"), 2_000);
        var (code, output, error) = TrainWithHeapLimit(dir, "mid.gz", 192);
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.Contains("1000 8x8 patches from mid.gz", output);

        // 80 million pixels need 0.4 GB: refused from the header, before 80 MB are inflated, and nothing is written.
        using var small = new TempFolder();
        WriteRepeatedImages(Path.Combine(small, "big.gz"), 8_000);
        (code, output, error) = TrainWithHeapLimit(small, "big.gz", 96);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Reading IDX file 'big.gz' (8000 images of 100 rows and 100 columns, as bytes and as floats) needs about 0.4 GB of memory, " +
            "but about 0.1 GB are available; use a file with fewer images.", error.TrimEnd());
        Assert.Equal(new[] { "big.gz" }, Directory.GetFileSystemEntries(small).Select(Path.GetFileName));
    }

    [Fact]
    public void Zca_whitening_goes_into_the_saved_model()
    {
        using var dir = new TempFolder();
        var rng = new Random(2);
        File.WriteAllLines(Path.Combine(dir, "rows.csv"), Enumerable.Range(0, 300).Select(_ =>
            string.Join(',', Enumerable.Range(0, 9).Select(_ => rng.NextDouble().ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output, error) = Cli.Run(dir, "train", "--csv", "rows.csv", "--whiten", "zca", "--hidden", "4", "--iterations", "5");
        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        var model = new MLContext().Model.Load(Path.Combine(dir, "model.zip"), out _);
        var chain = Assert.IsAssignableFrom<IEnumerable<ITransformer>>(model).ToList();
        Assert.IsType<ZcaWhiteningTransformer>(chain[0]);
        Assert.IsType<SparseAutoencoderTransformer>(chain[1]);
        var (featurize, _, featurizeError) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "rows.csv", "--out", "f.csv");
        Assert.True(featurize == 0, featurizeError);
        Assert.Equal(301, File.ReadAllLines(Path.Combine(dir, "f.csv")).Length);
    }

    [Fact]
    public void A_million_patches_stream_through_an_IDataView_without_being_held()
    {
        var images = new[] { new GreyImage(64, 64, Enumerable.Range(0, 4096).Select(i => (float)Math.Sin(i * 0.37)).ToArray(), "waves") };
        var source = new PatchRowSource(images, 8, 1_000_000, seed: 3);
        var data = new MLContext().Data.LoadFromRowSource(source, "Patch", source.Count);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long rows = 0;
        using (var cursor = data.GetRowCursor(data.Schema))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Patch"]);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext()) { getter(ref buffer); rows++; }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000_000, rows);
        // Held whole, a million 64-float patches are 256 MB; streamed, a few buffers.
        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB while streaming");
    }
}
