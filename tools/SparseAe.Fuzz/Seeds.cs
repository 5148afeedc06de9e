using Microsoft.ML;
using Microsoft.ML.Data;
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
            Directory.CreateDirectory(dir);
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
