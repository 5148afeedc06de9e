using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet.Tests.Text;
using Xunit;

namespace SparseAe.MLNet.Tests.Mapping;

/// <summary>
/// Every transformer, saved and loaded back, used as a web service uses a loaded model: cursors of one view
/// interleaved on one thread, a PredictionEngine per thread, and Transform on the shared transformer from
/// several threads, each bit for bit against one cursor alone. The encoder keeps per-thread scratch
/// ([ThreadStatic]: the pre-activations of codes wider than 1,024, and the featurizer's batch block) and each
/// getter owns its buffers; a buffer shared between cursors or threads would make these differ.
/// </summary>
public class ConcurrentUseTests
{
    private const int Threads = 4, Rounds = 4;
    private readonly MLContext _ml = new(seed: 1);

    public sealed class Prediction
    {
        public VBuffer<float> Code { get; set; }
    }

    public static TheoryData<string> Models => ["Sigmoid", "ReLU", "TopK", "JumpReLU", "ReLU 1100 wide", "ReLU on sparse rows", "Convolution with ZCA", "TokenCounts"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Concurrent_readers_of_a_loaded_model_give_the_bits_of_one_cursor(string model)
    {
        switch (model)
        {
            case "Convolution with ZCA":
                var options = ConvolutionComponentTests.Options(zca: 0.1);
                options.OutputColumnName = "Code";
                Check(ConvolutionComponentTests.Bars(120, 2), data => _ml.Transforms.ConvolutionalSparseFeatures(options).Fit(data));
                break;
            case "TokenCounts":
                Check(TextPipelineTests.Documents(300, 2), data => _ml.Transforms.TokenCounts("Code", "Text", maximumTokens: 64, weighting: TokenWeighting.LogTfIdf, normalize: true).Fit(data));
                break;
            case "ReLU on sparse rows":
                Check(TokenRows.SparseRows(TokenRows.Random(300, 2, (_, rng) => rng.Next(1, 9), 5)), Autoencoder(ActivationKind.ReLU, 12));
                break;
            case "ReLU 1100 wide":   // over 1,024 units: the encoder's per-thread row scratch, not the stack
                Check(RowFactory.Vec8Rows(300, 2), Autoencoder(ActivationKind.ReLU, 1100));
                break;
            default:
                Check(RowFactory.Vec8Rows(300, 2), Autoencoder(Enum.Parse<ActivationKind>(model), 12));
                break;
        }
    }

    private Func<IDataView, ITransformer> Autoencoder(ActivationKind activation, int hiddenCount) => data => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = "Features", HiddenCount = hiddenCount, Activation = activation, K = 3, MaxIterations = 10, Epochs = 2, Seed = 1,
    }).Fit(data);

    private void Check<TRow>(List<TRow> rows, Func<IDataView, ITransformer> fit) where TRow : class
    {
        var data = _ml.Data.LoadFromEnumerable(rows);
        var model = SavedAndLoaded(fit(data), data.Schema);
        var view = model.Transform(data);
        var reference = Read(view);
        // Rows alike (all-zero codes, say) would hide one cursor's value written into another's.
        Assert.True(reference.Distinct().Count() > reference.Length / 2, $"only {reference.Distinct().Count()} of {reference.Length} rows differ");

        var interleaved = Interleaved(view, cursors: 3, seed: 7);
        for (int c = 0; c < interleaved.Length; c++) AssertSame(reference, interleaved[c], $"cursor {c} of {interleaved.Length} interleaved on one thread");
        // A race shows on some runs only; a few rounds make a missed one rare (each run is a few hundred rows).
        for (int round = 0; round < Rounds; round++)
        {
            var engines = OnThreads(_ => _ml.Model.CreatePredictionEngine<TRow, Prediction>(model),
                (engine, t) => Enumerable.Range(0, rows.Count).Select(i => (i + t * rows.Count / Threads) % rows.Count)   // each thread from its own row
                    .Select(r => (r, Bits(engine.Predict(rows[r]).Code))).OrderBy(p => p.r).Select(p => p.Item2).ToArray());
            var transforms = OnThreads(_ => model.Transform(data), (own, _) => Read(own));
            for (int t = 0; t < Threads; t++)
            {
                AssertSame(reference, engines[t], $"the PredictionEngine of thread {t} of {Threads} (round {round})");
                AssertSame(reference, transforms[t], $"the Transform and cursor of thread {t} of {Threads} (round {round})");
            }
        }
    }

    private static void AssertSame(string[] reference, string[] actual, string reader)
    {
        Assert.True(actual.Length == reference.Length, $"{reader} read {actual.Length} rows; one cursor alone read {reference.Length}.");
        int differ = reference.Where((line, r) => actual[r] != line).Count();
        if (differ == 0) return;
        int row = Enumerable.Range(0, reference.Length).First(r => actual[r] != reference[r]);
        string[] expected = reference[row].Split(' '), got = actual[row].Split(' ');
        int at = Enumerable.Range(0, Math.Max(expected.Length, got.Length)).First(i => i >= expected.Length || i >= got.Length || expected[i] != got[i]);
        // A line is "dense|sparse length:" and then each stored value ("slot:bits" when sparse).
        Assert.Fail($"{reader} gave other bits than one cursor alone on {differ} of {reference.Length} rows; the first, row {row}, has " +
            $"'{string.Join(' ', got.Skip(at).Take(1))}' where one cursor alone has '{string.Join(' ', expected.Skip(at).Take(1))}' (stored value {at - 2}; '{expected[0]} {expected[1]}').");
    }

    private ITransformer SavedAndLoaded(ITransformer model, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        _ml.Model.Save(model, schema, stream);
        stream.Position = 0;
        return new MLContext().Model.Load(stream, out _);
    }

    private static string[] Read(IDataView view)
    {
        var column = view.Schema["Code"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var lines = new List<string>();
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            lines.Add(Bits(value));
        }
        return [.. lines];
    }

    // Cursors of one view advanced in a seeded random order on this thread. A row's value is read only when its
    // cursor next moves, after the others have run: a value living in storage another cursor also writes shows.
    private static string[][] Interleaved(IDataView view, int cursors, int seed)
    {
        var column = view.Schema["Code"];
        var open = Enumerable.Range(0, cursors).Select(_ => view.GetRowCursor([column])).ToList();
        var getters = open.Select(c => c.GetGetter<VBuffer<float>>(column)).ToArray();
        var values = new VBuffer<float>[cursors];
        var read = Enumerable.Range(0, cursors).Select(_ => new List<string>()).ToArray();
        var rng = new Random(seed);
        var moving = Enumerable.Range(0, cursors).ToList();
        while (moving.Count > 0)
        {
            int c = moving[rng.Next(moving.Count)];
            if (open[c].Position >= 0) read[c].Add(Bits(values[c]));
            if (open[c].MoveNext()) getters[c](ref values[c]);
            else moving.Remove(c);
        }
        open.ForEach(c => c.Dispose());
        return [.. read.Select(r => r.ToArray())];
    }

    // Each thread prepares its own state, then all start reading together.
    private static string[][] OnThreads<TState>(Func<int, TState> prepare, Func<TState, int, string[]> run)
    {
        var results = new string[Threads][];
        var errors = new Exception?[Threads];
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            TState state = default!;
            try { state = prepare(t); }
            catch (Exception e) { errors[t] = e; }
            start.SignalAndWait();
            if (errors[t] is null)
                try { results[t] = run(state, t); }
                catch (Exception e) { errors[t] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        foreach (var e in errors) if (e is not null) ExceptionDispatchInfo.Throw(e);
        return results;
    }

    // Exact bits, and how the vector is stored: its indices when sparse.
    private static string Bits(VBuffer<float> v)
    {
        static string Hex(float f) => BitConverter.SingleToInt32Bits(f).ToString("X8", CultureInfo.InvariantCulture);
        return v.IsDense
            ? $"dense {v.Length}: " + string.Join(' ', v.GetValues().ToArray().Select(Hex))
            : $"sparse {v.Length}: " + string.Join(' ', v.GetIndices().ToArray().Zip(v.GetValues().ToArray(), (i, x) => $"{i}:{Hex(x)}"));
    }
}
