// Saves one model of each kind with the build it is compiled against, and what that build computes with each
// for the first rows: tests/SparseAe.MLNet.Tests/GoldenModels/README.md says how it was run. Compiled against
// an earlier commit, so it uses only the API every such commit has; FIRST leaves out what the first formats'
// builds lacked (the linear decoder, the soft threshold), CONV2 what convolution format 2's builds lacked (the soft
// threshold) and adds pools of a given size, which that format added; SPARSE_CODES and TOKENS mark what later
// commits added.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;

var dir = args[0];
Directory.CreateDirectory(dir);
var ml = new MLContext(1);
var rng = new Random(1);
var rows = Enumerable.Range(0, 120).Select(_ => new Row { Features = Enumerable.Range(0, 64).Select(_ => (float)rng.NextDouble()).ToArray() }).ToList();
var data = ml.Data.LoadFromEnumerable(rows);
var expected = new List<string>();

void Save(string name, ITransformer t, IDataView input)
{
    ml.Model.Save(t, input.Schema, Path.Combine(dir, name + ".zip"));
    // Every Single or vector-of-Single column the model adds, for the first 8 rows, as its build computes them.
    var output = t.Transform(input);
    var added = output.Schema.Where(c => !c.IsHidden && (input.Schema.GetColumnOrNull(c.Name) is null || input.Schema[c.Name].Type != c.Type
        || c.Index != input.Schema[c.Name].Index)).ToList();
    using var cursor = output.GetRowCursor(added);
    for (int r = 0; r < 8 && cursor.MoveNext(); r++)
        foreach (var c in added)
        {
            float[] values;
            if (c.Type is VectorDataViewType)
            {
                var buffer = default(VBuffer<float>);
                cursor.GetGetter<VBuffer<float>>(c)(ref buffer);
                values = buffer.DenseValues().ToArray();
            }
            else
            {
                float v = 0;
                cursor.GetGetter<float>(c)(ref v);
                values = [v];
            }
            expected.Add($"{name}\t{c.Name}\t{r}\t{string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
        }
    Console.WriteLine("saved " + name);
}

Save("ae-sigmoid", ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 5, MaxIterations = 10, ReconstructionErrorColumnName = "Err" }).Fit(data), data);
#if !FIRST
Save("ae-linear", ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 5, MaxIterations = 10, Decoder = SparseAe.DecoderKind.Linear }).Fit(data), data);
#endif
Save("ae-adam", ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 5, Optimizer = SparseAe.OptimizerKind.Adam, Epochs = 2, BatchSize = 16 }).Fit(data), data);
Save("zca", ml.Transforms.ZcaWhitening("W", "Features").Fit(data), data);
Save("conv", ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions { InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 3, PatchCount = 200, ZcaEpsilon = 0.1, Autoencoder = new SparseAutoencoderOptions { HiddenCount = 4, MaxIterations = 5 } }).Fit(data), data);
#if CONV2
Save("conv-pool", ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions { InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 3, PatchCount = 200, PoolSize = 2, ZcaEpsilon = 0.1, Autoencoder = new SparseAutoencoderOptions { HiddenCount = 4, MaxIterations = 5 } }).Fit(data), data);
#endif
#if !FIRST && !CONV2
Save("conv-soft", ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions { InputColumnName = "Features", OutputColumnName = "Conv", ImageHeight = 8, ImageWidth = 8, PatchSize = 3, PatchCount = 200, PoolSize = 3, Encoding = SparseAe.Convolution.FeatureEncodingKind.SoftThreshold, Autoencoder = new SparseAutoencoderOptions { HiddenCount = 4, MaxIterations = 5 } }).Fit(data), data);
#endif
Save("chain", ml.Transforms.ZcaWhitening("W", "Features").Append(ml.Transforms.SparseAutoencoder("Code", "W", hiddenCount: 4, maxIterations: 5)).Fit(data), data);
#if SPARSE_CODES
Save("sc-relu", ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6, Activation = SparseAe.ActivationKind.ReLU, Epochs = 2, BatchSize = 16, ReconstructionErrorColumnName = "Err" }).Fit(data), data);
Save("sc-topk", ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6, Activation = SparseAe.ActivationKind.TopK, K = 2, AuxK = 3, Epochs = 2, BatchSize = 16 }).Fit(data), data);
Save("sc-jump", ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6, Activation = SparseAe.ActivationKind.JumpReLU, Epochs = 2, BatchSize = 16 }).Fit(data), data);
#endif
#if TOKENS
var text = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "the cat sat on the mat" }, new TextRow { Text = "a dog and a cat" }, new TextRow { Text = "hello world 12345678901234" } });
Save("tokens", ml.Transforms.TokenCounts("TC", "Text").Fit(text), text);
Save("tokens-tfidf", ml.Transforms.TokenCounts(new TokenCountsOptions { OutputColumnName = "TC", InputColumnName = "Text", Weighting = SparseAe.TokenWeighting.LogTfIdf, Normalize = true }).Fit(text), text);
#endif
File.WriteAllLines(Path.Combine(dir, "expected.tsv"), expected);
return 0;

public sealed class Row { [VectorType(64)] public float[] Features { get; set; } = []; }
public sealed class TextRow { public string Text { get; set; } = ""; }
