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
        var dir = Cli.TempDirectory();
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

    [Fact]
    public void Zca_whitening_goes_into_the_saved_model()
    {
        var dir = Cli.TempDirectory();
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
