using Microsoft.ML;
using Microsoft.ML.Data;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using SparseAe.Convolution;
using SparseAe.Mat;
using SparseAe.MLNet;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Persistence;
using SparseAe.Training;
using SparseAe.Whitening;

namespace SparseAe.Fuzz;

/// <summary>Small valid inputs for every target, made with the project's own writers.</summary>
public static class Seeds
{
    /// <summary>Writes FOLDER/TARGET/NAME for one target or all; returns the exit code.</summary>
    public static int Write(string target, string folder)
    {
        var names = target == "all" ? Targets.All.Select(t => t.Name).ToList() : [Targets.Get(target).Name];
        foreach (var name in names)
        {
            var dir = Path.Combine(folder, name);
            try
            {
                Directory.CreateDirectory(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"seed: cannot write to '{folder}': {e.Message}");
                return 2;
            }
            foreach (var (file, bytes) in Make(name))
            {
                File.WriteAllBytes(Path.Combine(dir, file), bytes);
                Console.WriteLine($"{Path.Combine(dir, file)}  {bytes.Length} bytes");
            }
        }
        return 0;
    }

    /// <summary>
    /// The generated seeds, plus the files in $SPARSEAE_FUZZ_WARMUP_DIR (run-fuzz.sh points it at the
    /// checked-in corpus of the target), for warming up before fuzzing.
    /// </summary>
    public static IEnumerable<byte[]> WarmUpInputs(string target)
    {
        foreach (var (_, bytes) in Make(target)) yield return bytes;
        var dir = Environment.GetEnvironmentVariable("SPARSEAE_FUZZ_WARMUP_DIR");
        if (dir is not null && Directory.Exists(dir))
            foreach (var file in Directory.EnumerateFiles(dir).Order())
                yield return File.ReadAllBytes(file);
    }

    public static IEnumerable<(string Name, byte[] Bytes)> Make(string target) => target switch
    {
        "mat" => MatSeeds(),
        "model" => [("autoencoder-kl-sigmoid.bin", Block(s => ModelFormat.Write(s, Autoencoder(3, 2, SparsityPenalty.KLDivergence, DecoderKind.Sigmoid)))),
                    ("autoencoder-l1-linear.bin", Block(s => ModelFormat.Write(s, Autoencoder(2, 3, SparsityPenalty.L1, DecoderKind.Linear))))],
        "zca" => [("zca-3.bin", Block(s => ZcaFormat.Write(s, new SavedZca(Zca(3), 40, ["White", "Features"]))))],
        "convolution" => [("conv-identity.bin", Block(s => ConvolutionFormat.Write(s, Convolution(withZca: false)))),
                          ("conv-zca-soft.bin", Block(s => ConvolutionFormat.Write(s, Convolution(withZca: true))))],
        "mlnet-zip" => MLNetZips(),
        "mlnet-entry" => MLNetZips().Where(z => z.Item1 != "chain-zca-autoencoder.zip")
            .Select(z => (Path.ChangeExtension(z.Item1, ".entry"), MLNetTargets.TransformerEntry(z.Item2))),
        "tokens" => [("tokens-counts.bin", Block(s => TokenVocabularyFormat.Write(s, new SavedTokenVocabulary("cl100k_base", TokenWeighting.Counts, false, [0, 5, 9], null, 10, ["Tokens"])))),
                     ("tokens-logtfidf.bin", Block(s => TokenVocabularyFormat.Write(s, new SavedTokenVocabulary("o200k_base", TokenWeighting.LogTfIdf, true, [3, 100_000], [1.5f, 2.25f], 7, ["Counts", "Text"]))))],
        "idx" => IdxSeeds(),
        "image" => ImageSeeds(),
        "csv" => [("header.csv", Encoding.UTF8.GetBytes("a,b,c\n1,2.5,-3\n\n4,1E-3,NaN\n")),
                  ("rows.csv", Encoding.UTF8.GetBytes("0.5,1\r\n-Infinity,3e38\r\n")),
                  ("utf16.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("x\n1\n2\n")])],
        "selftest" => [("seed", "seed"u8.ToArray())],   // as run-fuzz.sh seeds it: a first byte that does nothing
        _ => throw new UnknownTargetException(target),
    };

    private static byte[] Block(Action<Stream> write)
    {
        var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }

    private static IEnumerable<(string, byte[])> MatSeeds()
    {
        MatVariable[] variables =
        [
            MatVariable.FromDoubles("d", [2, 3], [1, 2, 3, 4, 5, 6]),
            MatVariable.FromSingles("s", [1, 2], [0.5f, -1.5f]),
            MatVariable.FromColumnMajorArray("i16", [2, 2], new short[] { -1, 2, -3, 4 }),
            MatVariable.FromColumnMajorArray("u8", [1, 3], new byte[] { 0, 128, 255 }),
            MatVariable.FromColumnMajorArray("b", [2, 1], new[] { true, false }),
            MatVariable.FromColumnMajorArray("c", [1, 5], "hello".ToCharArray()),
            MatVariable.FromColumnMajorArray("i64", [1, 1], new long[] { long.MinValue }),
            MatVariable.FromDoubles("cube", [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]),
        ];
        foreach (bool compress in new[] { false, true })
        {
            var ms = new MemoryStream();
            MatWriter.Write(ms, variables, compress);
            yield return (compress ? "writer-level5-zlib.mat" : "writer-level5-plain.mat", ms.ToArray());
        }
    }

    /// <summary>IDX files (big-endian: 00 00, type, rank, dimensions, values), plain and gzip-compressed.</summary>
    private static IEnumerable<(string, byte[])> IdxSeeds()
    {
        static byte[] Idx(byte type, int[] dims, byte[] values)
        {
            var bytes = new byte[4 + 4 * dims.Length + values.Length];
            bytes[2] = type;
            bytes[3] = (byte)dims.Length;
            for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
            values.CopyTo(bytes, 4 + 4 * dims.Length);
            return bytes;
        }
        byte[] images = Idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
        byte[] doubles = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(doubles, 1.5);
        BinaryPrimitives.WriteDoubleBigEndian(doubles.AsSpan(8), -2e30);
        byte[] int16 = Idx(0x0B, [3], [0x80, 0x00, 0x00, 0x01, 0x7F, 0xFF]);
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(images);
        yield return ("images-ubyte-2x2x3.idx", images);
        yield return ("labels-int16-3.idx", int16);
        yield return ("double-2.idx", Idx(0x0E, [2], doubles));
        yield return ("images-ubyte-2x2x3.idx.gz", gz.ToArray());
    }

    /// <summary>Tiny images: PNG, JPEG and WebP from Skia's encoders; BMP and GIF (which Skia does not encode) by hand.</summary>
    private static IEnumerable<(string, byte[])> ImageSeeds()
    {
        static byte[] Encode(SKEncodedImageFormat format, int quality)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(3, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++)
                    bitmap.SetPixel(x, y, new SKColor((byte)(40 * x), (byte)(100 * y), 200, (byte)(255 - 50 * x)));
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(format, quality);
            return data.ToArray();
        }
        yield return ("rgba-3x2.png", Encode(SKEncodedImageFormat.Png, 100));
        yield return ("rgb-3x2.jpg", Encode(SKEncodedImageFormat.Jpeg, 90));
        yield return ("rgba-3x2-lossless.webp", Encode(SKEncodedImageFormat.Webp, 100));
        yield return ("rgba-3x2-lossy.webp", Encode(SKEncodedImageFormat.Webp, 50));
        // A 2x1 24-bit BMP: BITMAPFILEHEADER, BITMAPINFOHEADER, one bottom-up row of BGR pixels padded to 4 bytes.
        yield return ("bgr-2x1.bmp",
        [
            (byte)'B', (byte)'M', 62, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
            40, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            50, 50, 50, 200, 200, 200, 0, 0,
        ]);
        // A 1x1 GIF89a with a graphic control extension (transparent index 0) and a two-colour palette.
        yield return ("palette-1x1.gif",
        [
            (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1, 0, 1, 0, 0x80, 0, 0,
            90, 90, 90, 255, 255, 255,
            0x21, 0xF9, 4, 1, 0, 0, 0, 0,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,
            2, 2, 0x44, 0x01, 0,
            0x3B,
        ]);
    }

    private static SavedAutoencoder Autoencoder(int v, int h, SparsityPenalty penalty, DecoderKind decoder)
    {
        var p = ParameterInitializer.Initialize(v, h, 4);
        var summary = new TrainingSummary(OptimizerKind.Lbfgs, 7, 0, OptimizerExitReason.GradientTolerance,
            new CostBreakdown(1.5, 1, 0.25, 0.25), Enumerable.Range(0, h).Select(j => 0.01 * (j + 1)).ToArray(),
            TimeSpan.FromSeconds(2.5), 123, [new CostBreakdown(3, 2, 0.5, 0.5)]);
        return new SavedAutoencoder(p, new ObjectiveSettings(0.05, 3, 1e-4, penalty, decoder), summary, ["Code", "Features", "Error"]);
    }

    private static ZcaWhitening Zca(int d)
    {
        var rng = new Random(7);
        int rows = 40;
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return ZcaWhitening.Fit(x, rows, d, 0.1);
    }

    private static SavedConvolution Convolution(bool withZca)
    {
        var geometry = withZca ? new ConvolutionGeometry(6, 7, 3, 2, 1, PoolSize: 2) : new ConvolutionGeometry(6, 6, 3, 1, 2);
        var p = ParameterInitializer.Initialize(9, 2, 5);
        var preprocessor = withZca ? new PatchPreprocessor(PatchNormalizationKind.Ufldl, 0.4, Zca(9)) : PatchPreprocessor.Identity;
        var encoding = withZca ? new FeatureEncoding(FeatureEncodingKind.SoftThreshold, 0.25) : FeatureEncoding.Sigmoid;
        var featurizer = new ConvolutionalFeaturizer(geometry, preprocessor, p, withZca ? PoolingKind.Mean : PoolingKind.Sum, encoding);
        var autoencoder = new SavedAutoencoder(p, new ObjectiveSettings(), new TrainingSummary(OptimizerKind.Adam, 0, 2,
            OptimizerExitReason.EpochsCompleted, new CostBreakdown(1, 1, 0, 0), [0.1, 0.2], TimeSpan.Zero, 10, []), []);
        return new SavedConvolution(featurizer, autoencoder, 200, ["Features", "Pixels"]);
    }

    public sealed class Row
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Picture
    {
        [VectorType(36)]
        public float[] Pixels { get; set; } = [];
    }

    /// <summary>A tiny trained autoencoder saved by ML.NET: the template of mlnet-entry.</summary>
    public static byte[] AutoencoderZip()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(30));
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 2, MaxIterations = 3,
            ReconstructionErrorColumnName = "Error",
        }).Fit(data);
        return Save(ml, model, data.Schema);
    }

    private static IEnumerable<(string, byte[])> MLNetZips()
    {
        yield return ("autoencoder.zip", AutoencoderZip());

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(30));
        var zca = ml.Transforms.ZcaWhitening("White", "Features", 0.1).Fit(data);
        yield return ("zca.zip", Save(ml, zca, data.Schema));

        var chain = ml.Transforms.ZcaWhitening("White", "Features", 0.1)
            .Append(ml.Transforms.SparseAutoencoder("Code", "White", hiddenCount: 2, maxIterations: 3)).Fit(data);
        yield return ("chain-zca-autoencoder.zip", Save(ml, chain, data.Schema));

        var pictures = ml.Data.LoadFromEnumerable(Pictures(20));
        var conv = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 6, ImageWidth = 6, PatchSize = 3, Stride = 1,
            PoolGrid = 2, PatchCount = 60, ZcaEpsilon = 0.1,
            Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 2, MaxIterations = 3 },
        }).Fit(pictures);
        yield return ("convolution.zip", Save(ml, conv, pictures.Schema));
    }

    private static byte[] Save(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        var ms = new MemoryStream();
        ml.Model.Save(model, schema, ms);
        return ms.ToArray();
    }

    private static List<Row> Rows(int count)
    {
        var rng = new Random(3);
        return Enumerable.Range(0, count).Select(_ => new Row { Features = Enumerable.Range(0, 4).Select(_ => (float)rng.NextDouble()).ToArray() }).ToList();
    }

    private static List<Picture> Pictures(int count)
    {
        var rng = new Random(4);
        return Enumerable.Range(0, count).Select(_ => new Picture { Pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray() }).ToList();
    }
}
