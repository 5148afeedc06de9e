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
/// several threads, each bit for bit against one cursor alone, in every column the model computes (the code,
/// the reconstruction error, ZCA's output) and their slot names. The encoder keeps per-thread scratch
/// ([ThreadStatic]: the pre-activations of codes wider than 1,024, and the featurizer's batch block) and each
/// getter owns its buffers; a buffer shared between cursors or threads would make these differ.
/// </summary>
public class ConcurrentUseTests
{
    private const int Threads = 4, Rounds = 4;
    private readonly MLContext _ml = new(seed: 1);

    // Every column a model here computes; a model without one leaves it out of the engine's schema (EngineFor).
    public sealed class Prediction
    {
        public VBuffer<float> White { get; set; }
        public VBuffer<float> Code { get; set; }
        public float Error { get; set; }
    }

    public static TheoryData<string> Models => ["Sigmoid", "ReLU", "TopK", "JumpReLU", "ZCA then Sigmoid", "ZCA then ReLU", "ZCA then TopK", "ZCA then JumpReLU",
        "ReLU 1100 wide", "ReLU on sparse rows", "Convolution with ZCA", "TokenCounts"];

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
            case var zca when zca.StartsWith("ZCA then ", StringComparison.Ordinal):
                var activation = Enum.Parse<ActivationKind>(zca["ZCA then ".Length..]);
                Check(RowFactory.Vec8Rows(300, 2), data => _ml.Transforms.ZcaWhitening("White", "Features").Append(AutoencoderEstimator(activation, 12, "White")).Fit(data));
                break;
            default:
                Check(RowFactory.Vec8Rows(300, 2), Autoencoder(Enum.Parse<ActivationKind>(model), 12));
                break;
        }
    }

    private Func<IDataView, ITransformer> Autoencoder(ActivationKind activation, int hiddenCount) => data => AutoencoderEstimator(activation, hiddenCount, "Features").Fit(data);

    private SparseAutoencoderEstimator AutoencoderEstimator(ActivationKind activation, int hiddenCount, string input) => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = input, ReconstructionErrorColumnName = "Error", HiddenCount = hiddenCount, Activation = activation, K = 3, MaxIterations = 10, Epochs = 2, Seed = 1,
    });

    private void Check<TRow>(List<TRow> rows, Func<IDataView, ITransformer> fit) where TRow : class
    {
        var data = _ml.Data.LoadFromEnumerable(rows);
        var model = SavedAndLoaded(fit(data), data.Schema);
        var view = model.Transform(data);
        var columns = Computed(view, data);
        var reference = Read(view, columns);
        string slotNames = SlotNames(view.Schema, columns);
        // Rows alike (all-zero codes, say) would hide one cursor's value written into another's, in any column.
        for (int c = 0; c < columns.Length; c++)
        {
            int distinct = reference.Select(line => line.Split(Between)[c]).Distinct().Count();
            Assert.True(distinct > reference.Length / 2, $"only {distinct} of {reference.Length} rows differ in column '{columns[c]}'");
        }

        var interleaved = Interleaved(view, columns, cursors: 3, seed: 7);
        for (int c = 0; c < interleaved.Length; c++) AssertSame(reference, interleaved[c], $"cursor {c} of {interleaved.Length} interleaved on one thread");
        // A race shows on some runs only; a few rounds make a missed one rare (each run is a few hundred rows).
        for (int round = 0; round < Rounds; round++)
        {
            var engines = OnThreads(_ => EngineFor<TRow>(model, view.Schema),
                (engine, t) => [SlotNames(engine.OutputSchema, columns), .. Enumerable.Range(0, rows.Count).Select(i => (i + t * rows.Count / Threads) % rows.Count)   // each thread from its own row
                    .Select(r => (r, Line(engine.Predict(rows[r]), columns))).OrderBy(p => p.r).Select(p => p.Item2)]);
            var transforms = OnThreads(_ => model.Transform(data), (own, _) => [SlotNames(own.Schema, columns), .. Read(own, columns)]);
            for (int t = 0; t < Threads; t++)
            {
                AssertSame([slotNames, .. reference], engines[t], $"the PredictionEngine of thread {t} of {Threads} (round {round})");
                AssertSame([slotNames, .. reference], transforms[t], $"the Transform and cursor of thread {t} of {Threads} (round {round})");
            }
        }
    }

    private const string Between = " | ";

    // The columns the model adds to the input's (the code, the error, ZCA's output), in the view's order.
    private static string[] Computed(IDataView view, IDataView input)
        => [.. view.Schema.Where(c => !c.IsHidden && input.Schema.GetColumnOrNull(c.Name) is null).Select(c => c.Name)];

    // A PredictionEngine that fills the Prediction members the model computes and leaves the others out.
    private PredictionEngine<TRow, Prediction> EngineFor<TRow>(ITransformer model, DataViewSchema output) where TRow : class
    {
        var members = SchemaDefinition.Create(typeof(Prediction), SchemaDefinition.Direction.Write);
        members.RemoveAll(m => output.GetColumnOrNull(m.ColumnName) is null);
        return _ml.Model.CreatePredictionEngine<TRow, Prediction>(model, outputSchemaDefinition: members);
    }

    private static string Line(Prediction p, string[] columns) => string.Join(Between, columns.Select(name => name + " " + name switch
    {
        "White" => Bits(p.White),
        "Code" => Bits(p.Code),
        "Error" => Bits(p.Error),
        _ => throw new InvalidOperationException($"Column '{name}' has no member of Prediction."),
    }));

    // Each column's slot names (ML.NET's annotation; "none" without it), as one line.
    private static string SlotNames(DataViewSchema schema, string[] columns) => "slot names: " + string.Join(Between, columns.Select(name =>
    {
        var column = schema[name];
        if (!column.HasSlotNames()) return name + " none";
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        return name + " " + string.Join(' ', names.DenseValues());
    }));

    private static void AssertSame(string[] reference, string[] actual, string reader)
    {
        Assert.True(actual.Length == reference.Length, $"{reader} read {actual.Length} rows; one cursor alone read {reference.Length}.");
        int differ = reference.Where((line, r) => actual[r] != line).Count();
        if (differ == 0) return;
        int row = Enumerable.Range(0, reference.Length).First(r => actual[r] != reference[r]);
        string[] expectedColumns = reference[row].Split(Between), gotColumns = actual[row].Split(Between);
        int column = Enumerable.Range(0, expectedColumns.Length).First(c => c >= gotColumns.Length || gotColumns[c] != expectedColumns[c]);
        string[] expected = expectedColumns[column].Split(' '), got = column < gotColumns.Length ? gotColumns[column].Split(' ') : [];
        int at = Enumerable.Range(0, Math.Max(expected.Length, got.Length)).First(i => i >= expected.Length || i >= got.Length || expected[i] != got[i]);
        // A column is its name, "dense|sparse length:" and then each stored value ("slot:bits" when sparse), or
        // its name and "scalar bits"; the first line of a thread's reading is the slot names.
        Assert.Fail($"{reader} gave other bits than one cursor alone on {differ} of {reference.Length} lines; the first, line {row}, has in column " +
            $"'{expected[0]}' '{string.Join(' ', got.Skip(at).Take(1))}' where one cursor alone has '{string.Join(' ', expected.Skip(at).Take(1))}' " +
            $"(word {at}; '{string.Join(' ', expected.Take(3))}').");
    }

    private ITransformer SavedAndLoaded(ITransformer model, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        _ml.Model.Save(model, schema, stream);
        stream.Position = 0;
        return new MLContext().Model.Load(stream, out _);
    }

    private static string[] Read(IDataView view, string[] columns)
    {
        using var cursor = view.GetRowCursor(columns.Select(name => view.Schema[name]));
        var readers = columns.Select(name => ColumnReader.For(cursor, view.Schema[name])).ToArray();
        var lines = new List<string>();
        while (cursor.MoveNext())
        {
            foreach (var r in readers) r.Fetch();
            lines.Add(string.Join(Between, readers.Select(r => r.Format())));
        }
        return [.. lines];
    }

    // Cursors of one view advanced in a seeded random order on this thread. A row's values are formatted only when
    // its cursor next moves, after the others have run: a value living in storage another cursor also writes shows.
    private static string[][] Interleaved(IDataView view, string[] columns, int cursors, int seed)
    {
        var open = Enumerable.Range(0, cursors).Select(_ => view.GetRowCursor(columns.Select(name => view.Schema[name]))).ToList();
        var readers = open.Select(c => columns.Select(name => ColumnReader.For(c, view.Schema[name])).ToArray()).ToArray();
        var read = Enumerable.Range(0, cursors).Select(_ => new List<string>()).ToArray();
        var rng = new Random(seed);
        var moving = Enumerable.Range(0, cursors).ToList();
        while (moving.Count > 0)
        {
            int c = moving[rng.Next(moving.Count)];
            if (open[c].Position >= 0) read[c].Add(string.Join(Between, readers[c].Select(r => r.Format())));
            if (open[c].MoveNext()) foreach (var r in readers[c]) r.Fetch();
            else moving.Remove(c);
        }
        open.ForEach(c => c.Dispose());
        return [.. read.Select(r => r.ToArray())];
    }

    // One column of a cursor: Fetch reads the current row into the reader's value, Format writes it as Line does.
    private abstract class ColumnReader(string name)
    {
        public static ColumnReader For(DataViewRow row, DataViewSchema.Column column) => column.Type switch
        {
            VectorDataViewType => new Of<VBuffer<float>>(column.Name, row.GetGetter<VBuffer<float>>(column), Bits),
            _ => new Of<float>(column.Name, row.GetGetter<float>(column), Bits),
        };

        public abstract void Fetch();

        public string Format() => name + " " + FormatValue();

        protected abstract string FormatValue();

        private sealed class Of<T>(string name, ValueGetter<T> getter, Func<T, string> format) : ColumnReader(name)
        {
            private T _value = default!;

            public override void Fetch() => getter(ref _value);

            protected override string FormatValue() => format(_value);
        }
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

    private static string Hex(float f) => BitConverter.SingleToInt32Bits(f).ToString("X8", CultureInfo.InvariantCulture);

    private static string Bits(float value) => "scalar " + Hex(value);

    // Exact bits, and how the vector is stored: its indices when sparse.
    private static string Bits(VBuffer<float> v) => v.IsDense
        ? $"dense {v.Length}: " + string.Join(' ', v.GetValues().ToArray().Select(Hex))
        : $"sparse {v.Length}: " + string.Join(' ', v.GetIndices().ToArray().Zip(v.GetValues().ToArray(), (i, x) => $"{i}:{Hex(x)}"));
}
