using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe;
using SparseAe.MLNet;

// Usage: SparseAe.FitCheck CONTEXT-SEED THREADS OUT.txt
// Trains, from new MLContext(seed: CONTEXT-SEED) and with no seed in any options (so every seed comes
// from the context), an autoencoder with L-BFGS, one with Adam, ZCA whitening and the convolutional
// featurizer on fixed synthetic data, and writes the bits of their weights and of their outputs on
// a few rows to OUT.txt, one section per component.
// Or: SparseAe.FitCheck --featurizer-images COUNT said|unsaid
// Fits the convolutional featurizer on COUNT blank 28x28 images, from a view that says its row count or not,
// for a run under a DOTNET_GCHeapHardLimit: prints the InsufficientMemoryException's message and exits 3, or exits 0.
// Or: SparseAe.FitCheck --featurizer-output fit | save MODEL.zip | load MODEL.zip
// Fits the convolutional featurizer on blank 28x28 images, 2x2 patches at every position pooled one by one, with
// 50,000 hidden units (291 MB to featurize an image), and saves it to MODEL.zip; or loads MODEL.zip and featurizes
// a blank image. The same exits as --featurizer-images.
// Or: SparseAe.FitCheck --zca-rows COUNT WIDTH said|unsaid [MAXIMUM-ROWS]
// Fits ZCA (epsilon 0.1) on COUNT rows of WIDTH values (16 distinct rows over and over), from a view that says its row count
// or not, capped at MAXIMUM-ROWS when given: the same exits as --featurizer-images, and for a view that does not say its
// count, "rows read: N" on standard error.
// Or: SparseAe.FitCheck --idx FILE
// Reads FILE with IdxFile.Read, for a run under a DOTNET_GCHeapHardLimit: the same, printing the file's type and dimensions when it is read.
// Or: SparseAe.FitCheck --idx-pair FOLDER PREFIX
// The same with IdxLabelledImages.Read, printing the images' count and size when the pair is read.
if (args is ["--zca-rows", var rowsText, var widthText, var rowsSaid and ("said" or "unsaid"), .. var cap] && cap.Length <= 1
    && long.TryParse(rowsText, out long zcaRows) && int.TryParse(widthText, out int zcaWidth))
{
    var context = new MLContext(seed: 1);
    var rng = new Random(7);
    var pool = Enumerable.Range(0, 16).Select(_ => new VectorRow { Features = Enumerable.Range(0, zcaWidth).Select(_ => (float)rng.NextDouble()).ToArray() }).ToArray();
    long read = 0;
    IEnumerable<VectorRow> Rows() { for (long i = 0; i < zcaRows; i++) { read++; yield return pool[i % pool.Length]; } }
    var definition = SchemaDefinition.Create(typeof(VectorRow));
    definition[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, zcaWidth);
    var view = rowsSaid == "said"
        ? context.Data.LoadFromEnumerable(Enumerable.Range(0, (int)zcaRows).Select(i => pool[i % pool.Length]).ToList(), definition)
        : context.Data.LoadFromEnumerable(Rows(), definition);
    long? maximumRows = cap.Length == 1 ? long.Parse(cap[0], CultureInfo.InvariantCulture) : null;
    int code = UnderHeapLimit(() => Console.WriteLine(
        $"fitted on {context.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1, maximumRows: maximumRows, seed: 1).Fit(view).TrainingRows} rows"));
    if (rowsSaid == "unsaid") Console.Error.WriteLine($"rows read: {read}");
    return code;
}
if (args is ["--idx", var idxPath])
    return UnderHeapLimit(() => Console.WriteLine(SparseAe.Data.Idx.IdxFile.Read(idxPath)));
if (args is ["--idx-pair", var pairFolder, var pairPrefix])
    return UnderHeapLimit(() =>
    {
        var set = SparseAe.Data.Idx.IdxLabelledImages.Read(pairFolder, pairPrefix);
        Console.WriteLine($"{set.Count} images of {set.Height}x{set.Width}");
    });
if (args is ["--featurizer-images", var countText, var said and ("said" or "unsaid")] && int.TryParse(countText, out int imageCount))
{
    var blank = new BlankImage();   // one array for every row: the view costs nothing, the featurizer's copy does
    IEnumerable<BlankImage> Rows() { for (int i = 0; i < imageCount; i++) yield return blank; }
    var context = new MLContext(seed: 1);
    var view = said == "said" ? context.Data.LoadFromEnumerable(Enumerable.Repeat(blank, imageCount).ToList()) : context.Data.LoadFromEnumerable(Rows());
    return UnderHeapLimit(() => context.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
    {
        InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 28, ImageWidth = 28, PatchSize = 8, PatchCount = 1000,
        Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 4, MaxIterations = 1 },
    }).Fit(view));
}
if (args is ["--featurizer-output", var what, .. var rest] && (what, rest.Length) is ("fit", 0) or ("save" or "load", 1))
{
    var context = new MLContext(seed: 1);
    var view = context.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(_ => new BlankImage()).ToList());
    // 729 positions and as many pooling regions of 50,000 hidden units: codes and features of 146 MB each.
    var estimator = context.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
    {
        InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 28, ImageWidth = 28, PatchSize = 2, Stride = 1, PoolSize = 1,
        PatchCount = 20, Normalization = SparseAe.Convolution.PatchNormalizationKind.None,
        Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 50_000, MaxIterations = 1 },
    });
    return UnderHeapLimit(() =>
    {
        if (what == "load") Console.WriteLine(context.Model.Load(rest[0], out _).Transform(view).GetColumn<float[]>("Features").First().Length);
        else if (what == "save") context.Model.Save(estimator.Fit(view), view.Schema, rest[0]);
        else estimator.Fit(view);
    });
}
if (args.Length != 3 || !int.TryParse(args[0], out int contextSeed) || !int.TryParse(args[1], out int threads))
{
    Console.Error.WriteLine("usage: SparseAe.FitCheck CONTEXT-SEED THREADS OUT.txt");
    return 2;
}
var ml = new MLContext(seed: contextSeed);
var random = new Random(5);   // the data are the same in every run; only the context's seed varies
var vectors = Enumerable.Range(0, 300).Select(_ => new VectorRow { Features = Enumerable.Range(0, 16).Select(_ => (float)random.NextDouble()).ToArray() }).ToList();
var images = Enumerable.Range(0, 40).Select(_ => new ImageRow { Pixels = Enumerable.Range(0, 144).Select(_ => (float)random.NextDouble()).ToArray() }).ToList();
var vectorView = ml.Data.LoadFromEnumerable(vectors);
var imageView = ml.Data.LoadFromEnumerable(images);
var lines = new List<string>();

foreach (var optimizer in new[] { OptimizerKind.Lbfgs, OptimizerKind.Adam })
{
    var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6, Optimizer = optimizer,
        MaxIterations = 30, Epochs = 3, BatchSize = 32, ShufflePoolRows = 64, Threads = threads,
    }).Fit(optimizer == OptimizerKind.Adam ? ml.Data.Cache(vectorView) : vectorView);   // a cache can shuffle: Adam reads it in a seeded order
    lines.Add($"autoencoder {optimizer}");
    lines.Add(Hex(model.Weights.W1.Span) + " " + Hex(model.Weights.W2.Span) + " " + Hex(model.Weights.B1.Span) + " " + Hex(model.Weights.B2.Span));
    lines.AddRange(Outputs(model.Transform(vectorView), "Code"));
}

var zca = ml.Transforms.ZcaWhitening("White", "Features").Fit(vectorView);
lines.Add("zca");
lines.AddRange(Outputs(zca.Transform(vectorView), "White"));

var featurizer = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
{
    OutputColumnName = "Conv", InputColumnName = "Pixels", ImageHeight = 12, ImageWidth = 12, PatchSize = 4,
    PatchCount = 400, ZcaEpsilon = 0.1,
    Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 5, MaxIterations = 20, Decoder = DecoderKind.Linear, Threads = threads },
}).Fit(imageView);
lines.Add("convolutional featurizer");
lines.AddRange(Outputs(featurizer.Transform(imageView), "Conv"));

File.WriteAllLines(args[2], lines);
Console.WriteLine($"wrote {lines.Count} lines");
return 0;

// The modes run under a DOTNET_GCHeapHardLimit: a refusal's message and exit 3, or exit 0.
static int UnderHeapLimit(Action run)
{
    try
    {
        run();
    }
    catch (InsufficientMemoryException e)
    {
        Console.Error.WriteLine(e.Message);
        return 3;
    }
    return 0;
}

static IEnumerable<string> Outputs(IDataView view, string column)
{
    var col = view.Schema[column];
    using var cursor = view.GetRowCursor([col]);
    var getter = cursor.GetGetter<VBuffer<float>>(col);
    VBuffer<float> buffer = default;
    for (int i = 0; i < 5 && cursor.MoveNext(); i++)
    {
        getter(ref buffer);
        yield return Hex(buffer.DenseValues().ToArray());
    }
}

static string Hex(ReadOnlySpan<float> values)
{
    var parts = new string[values.Length];
    for (int i = 0; i < values.Length; i++) parts[i] = BitConverter.SingleToInt32Bits(values[i]).ToString("X8", CultureInfo.InvariantCulture);
    return string.Join(' ', parts);
}

internal sealed class VectorRow
{
    [VectorType(16)] public float[] Features { get; set; } = [];
}

internal sealed class ImageRow
{
    [VectorType(144)] public float[] Pixels { get; set; } = [];
}

internal sealed class BlankImage
{
    [VectorType(784)] public float[] Pixels { get; set; } = new float[784];
}
