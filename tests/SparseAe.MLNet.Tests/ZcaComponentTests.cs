using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class ZcaComponentTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void ZCA_then_autoencoder_saves_loads_and_predicts_bit_identically()
    {
        var rows = RowFactory.Vec8Rows(300, 7);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var pipeline = _ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.01)
            .Append(_ml.Transforms.SparseAutoencoder("Code", "White", hiddenCount: 6, maxIterations: 30));
        var model = pipeline.Fit(data);
        var zca = (ZcaWhiteningTransformer)model.First();
        Assert.Equal(8, zca.Whitening.Dimension);
        Assert.Equal(300, zca.TrainingRows);

        var white = model.Transform(data).GetColumn<float[]>("White").ToArray();
        var y = new float[8];
        zca.Whitening.Apply(rows[3].Features, y, new float[8]);
        Assert.Equal(y, white[3]);

        using var temp = new TempFolder();
        var path = Path.Combine(temp, "zca.zip");
        _ml.Model.Save(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        var expected = model.Transform(data).GetColumn<float[]>("Code").ToArray();
        var actual = loaded.Transform(data).GetColumn<float[]>("Code").ToArray();
        Assert.Equal(expected, actual);
        var engine = _ml.Model.CreatePredictionEngine<Vec8, CodeOutput>(loaded);
        Assert.Equal(expected[5], engine.Predict(rows[5]).Code);
    }

    [Fact]
    public void ZCA_logs_its_fit_in_the_invariant_culture_as_the_training_log_does()
    {
        // Under a decimal comma (de-DE's) it logged "(epsilon 0,1)", beside the training's "cost 0.25".
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var culture = Thread.CurrentThread.CurrentCulture;
        // A culture with de-DE's decimal comma, built from the invariant one: the ARM64 run under qemu is
        // globalization-invariant and has no de-DE.
        var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        Thread.CurrentThread.CurrentCulture = comma;
        try { ml.Transforms.ZcaWhitening("W", "Features", 0.1).Fit(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(20, 1))); }
        finally { Thread.CurrentThread.CurrentCulture = culture; }
        Assert.Contains(messages, m => m.EndsWith("ZCA whitening of 8-vectors fitted on 20 rows (epsilon 0.1).", StringComparison.Ordinal));
    }

    [Fact]
    public void ZCA_bad_inputs_name_the_problem()
    {
        Assert.Contains("Epsilon must be finite and at least 0, but is -0.5",
            Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.ZcaWhitening("W", "Features", -0.5)).Message);
        // System.Random draws the same numbers for -s as for s: seed -7 took seed 7's sample without a word.
        Assert.StartsWith("seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7.",
            Assert.ThrowsAny<ArgumentOutOfRangeException>(() => _ml.Transforms.ZcaWhitening("W", "Features", maximumRows: 10, seed: -7)).Message);
        var model = _ml.Transforms.ZcaWhitening("W", "Features").Fit(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(20, 1)));
        var five = _ml.Data.LoadFromEnumerable(new[] { new Vec5 { Features = new float[5] } });
        Assert.StartsWith("Input column 'Features' must be a vector of 8 Single values, the size the whitening was fitted on, but has 5.",
            Assert.ThrowsAny<ArgumentException>(() => model.Transform(five)).Message);
        Assert.Contains("no rows", Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.ZcaWhitening("W", "Features").Fit(_ml.Data.LoadFromEnumerable(new List<Vec8>()))).Message);
    }

    // ML.NET's VectorWhiten gives its output its input's type; ZCA flattened a Vector<Single, 2, 4> to a Vector<Single, 8>,
    // so a stage after it that reads the shape (an image model, a reshape) lost it.
    [Fact]
    public void ZCA_keeps_the_dimensions_of_its_input_vector_through_save_and_load()
    {
        var rows = RowFactory.Vec8Rows(50, 4);
        var schema = SchemaDefinition.Create(typeof(Vec8));
        schema[nameof(Vec8.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2, 4);
        var shaped = _ml.Data.LoadFromEnumerable(rows, schema);
        var model = _ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1).Fit(shaped);
        var output = model.Transform(shaped);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2, 4), output.Schema["White"].Type);

        var flat = _ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1).Fit(_ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), flat.Transform(_ml.Data.LoadFromEnumerable(rows)).Schema["White"].Type);
        Assert.Equal(flat.Transform(_ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("White").ToArray(), output.GetColumn<float[]>("White").ToArray());

        using var temp = new TempFolder();
        var path = Path.Combine(temp, "zca-2x4.zip");
        _ml.Model.Save(model, shaped.Schema, path);
        var loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2, 4), loaded.GetOutputSchema(shaped.Schema)["White"].Type);
        // Over a flat 8-vector the same transformer gives a flat 8-vector: the shape is the input's, not saved.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), loaded.GetOutputSchema(_ml.Data.LoadFromEnumerable(rows).Schema)["White"].Type);
    }

    // Each whitened value mixes every input value, so the whitened column has no slot names: given the input's,
    // slot "x3" of the whitened vector would claim to be input x3 (a feature-importance report, a model explanation
    // would name inputs the values are not), where its estimator's shape promises none.
    [Fact]
    public void The_whitened_column_does_not_take_the_inputs_slot_names()
    {
        var rows = RowFactory.Vec8Rows(50, 4);
        var schema = SchemaDefinition.Create(typeof(Vec8));
        var names = new VBuffer<ReadOnlyMemory<char>>(8, Enumerable.Range(0, 8).Select(i => $"x{i}".AsMemory()).ToArray());
        schema[nameof(Vec8.Features)].AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, 8));
        var named = _ml.Data.LoadFromEnumerable(rows, schema);
        Assert.True(named.Schema["Features"].HasSlotNames());
        var output = _ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1).Fit(named).Transform(named);
        Assert.False(output.Schema["White"].HasSlotNames());
        Assert.Null(output.Schema["White"].Annotations.Schema.GetColumnOrNull("SlotNames"));
    }

    public sealed class Wide
    {
        [VectorType(8193)]
        public float[] Features { get; set; } = new float[8193];
    }

    // A column wider than ZCA's 8,192 values was read whole (every row, 32 KB each) before ZcaWhitening.Fit
    // refused the width, by its own parameter 'dimension' and without the column's name.
    [Fact]
    public void A_column_wider_than_ZCA_allows_is_refused_from_its_schema_before_any_row_is_read()
    {
        int read = 0;
        IEnumerable<Wide> Rows()
        {
            for (int i = 0; i < 3; i++) { read++; yield return new Wide(); }
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.ZcaWhitening("W", "Features").Fit(_ml.Data.LoadFromEnumerable(Rows())));
        Assert.Equal(0, read);
        Assert.Equal("input", e.ParamName);
        Assert.Equal("Input column 'Features' holds vectors of 8193 values: ZCA of 8193-vectors needs an 8193x8193 covariance; " +
            "at most 8192 features are supported. (Parameter 'input')\nActual value was 8193.", e.Message.ReplaceLineEndings("\n"));
    }

    public sealed class Widest
    {
        [VectorType(8192)]
        public float[] Features { get; set; } = new float[8192];
    }

    // 8,192 values is the widest column ZCA takes, not one too wide: its Fit goes on to the rows (here a HugeView, which fails
    // when read), or to the memory an 8192x8192 covariance needs where there is not that much. (Mutation audit: the width refused
    // at 8,192 too passed every test.)
    [Fact]
    public void A_column_of_exactly_8192_values_is_not_refused_as_too_wide()
    {
        var view = new HugeView(_ml.Data.LoadFromEnumerable(Array.Empty<Widest>()), rows: null);
        var e = Assert.ThrowsAny<Exception>(() => _ml.Transforms.ZcaWhitening("W", "Features").Fit(view));
        Assert.DoesNotContain("at most 8192 features", e.Message);
        Assert.True(e.Message == "a row was read" || e.Message.Contains("memory"), e.Message);
    }

    // ZCA checked for cancellation only every 4,096 rows it read: a cancellation after the last check (here,
    // while the last row was read; in a 784-wide Fit, 1 s into the 6 s of covariance and eigendecomposition)
    // was ignored, and Fit returned a transformer from a cancelled context.
    [Fact]
    public void MLContext_CancelExecution_after_the_rows_are_read_stops_ZCA_s_Fit()
    {
        var ml = new MLContext(seed: 1);
        var rows = RowFactory.Vec8Rows(100, 3);
        IEnumerable<Vec8> Rows()
        {
            for (int i = 0; i < rows.Count; i++)
            {
                if (i == rows.Count - 1) ComponentTests.CancelExecution(ml);
                yield return rows[i];
            }
        }
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.ZcaWhitening("W", "Features", 0.1).Fit(ml.Data.LoadFromEnumerable(Rows())));
    }

    public sealed class CodeOutput
    {
        public float[] Code { get; set; } = [];
    }
}
