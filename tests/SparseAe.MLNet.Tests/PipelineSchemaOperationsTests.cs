using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;
using static SparseAe.MLNet.Tests.PipelineOperationsTests;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// The components beside ML.NET's column transforms (copy, drop, select, concatenate, normalize, an input
/// renamed, an output replacing its input), through Preview, cursors over some columns or shuffled, and
/// views of zero rows, each held to what ML.NET's own transforms do there.
/// </summary>
public class PipelineSchemaOperationsTests
{
    private readonly MLContext _ml = new(seed: 1);

    private static float[][] Column(IDataView data, string name) => data.GetColumn<float[]>(name).ToArray();

    private static string[] SlotNames(DataViewSchema.Column column)
    {
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    private SparseAutoencoderEstimator TopK(string output, string input) => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        OutputColumnName = output, InputColumnName = input, HiddenCount = 4, MaxIterations = 15, Seed = 3, Activation = ActivationKind.TopK, K = 2,
    });

    [Fact]
    public void An_input_renamed_by_CopyColumns_and_the_original_dropped_trains_the_same_codes()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(40, 1));
        var direct = TopK("Code", "Features").Fit(data).Transform(data);
        var renamed = _ml.Transforms.CopyColumns("Pixels", "Features")
            .Append(_ml.Transforms.DropColumns("Features"))
            .Append(TopK("Code", "Pixels")).Fit(data).Transform(data);
        Assert.Null(renamed.Schema.GetColumnOrNull("Features"));
        Assert.Equal(Column(direct, "Code"), Column(renamed, "Code"));
    }

    [Fact]
    public void SelectColumns_Concatenate_and_NormalizeMinMax_after_a_code_keep_its_values_and_slot_names()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(40, 2));
        var estimator = _ml.Transforms.NormalizeMinMax("Features")
            .Append(TopK("Code", "Features"))
            .Append(_ml.Transforms.NormalizeMinMax("Scaled", "Code"))
            .Append(_ml.Transforms.Concatenate("All", "Code", "Features"))
            .Append(_ml.Transforms.SelectColumns("Code", "Scaled", "All"));
        var shape = estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(data.Schema));
        var output = estimator.Fit(data).Transform(data);
        Assert.Equal(["Code", "Scaled", "All"], output.Schema.Select(c => c.Name));
        Assert.Equal(["All", "Code", "Scaled"], shape.Select(c => c.Name).Order());
        Assert.Equal(["latent_0", "latent_1", "latent_2", "latent_3"], SlotNames(output.Schema["Code"]));
        Assert.Equal(SlotNames(output.Schema["Code"]), SlotNames(output.Schema["Scaled"]));
        Assert.Equal(12, ((VectorDataViewType)output.Schema["All"].Type).Size);
        Assert.Equal("Code.latent_3", SlotNames(output.Schema["All"])[3]);
        var code = Column(output, "Code");
        var all = Column(output, "All");
        Assert.Equal(code[7], all[7][..4]);
        Assert.All(Column(output, "Scaled").SelectMany(v => v), v => Assert.InRange(v, 0f, 1f));
    }

    // The estimator's shape says what Fit's transformer gives, column by column: kind, item type and slot names. A downstream
    // estimator checks itself against the shape (a regression trainer on the error column needs a scalar), before any Fit.
    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.TopK)]
    public void The_estimators_shape_has_the_kind_and_type_of_every_column_the_transformer_gives(ActivationKind activation)
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(40, 2));
        var options = new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 4,
            Activation = activation, K = 2, MaxIterations = 5, Epochs = 1, Seed = 1,
        };
        var estimator = _ml.Transforms.SparseAutoencoder(options);
        var shape = estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(data.Schema));
        var output = estimator.Fit(data).Transform(data).Schema;
        Assert.Equal(output.Where(c => !c.IsHidden).Select(c => c.Name).Order(), shape.Select(c => c.Name).Order());
        foreach (var column in shape)
        {
            var type = output[column.Name].Type;
            var kind = type is VectorDataViewType v ? (v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector)
                : SchemaShape.Column.VectorKind.Scalar;
            Assert.True(kind == column.Kind, $"{column.Name}: the shape says {column.Kind}, the transformer gives {type}");
            Assert.Equal(type is VectorDataViewType vector ? vector.ItemType : type, column.ItemType);
            Assert.Equal(output[column.Name].HasSlotNames(), column.Annotations.Any(a => a.Name == "SlotNames"));
        }
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, shape.Single(c => c.Name == "Error").Kind);
    }

    [Fact]
    public void An_output_named_as_its_input_replaces_it_as_ML_NETs_own_transforms_do()
    {
        var rows = LabelledRows(40, 3);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var estimator = _ml.Transforms.ZcaWhitening("Features", epsilon: 0.1);
        var shape = estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(data.Schema));
        Assert.Equal(["Features", "Group", "Label"], shape.Select(c => c.Name).Order());
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape.Single(c => c.Name == "Features").Kind);
        var model = estimator.Fit(data);
        var output = model.Transform(data);
        var reference = _ml.Transforms.NormalizeMinMax("Features").Fit(data).Transform(data);
        // As NormalizeMinMax: the original stays behind, hidden, and the name reads the new column.
        Assert.Equal(reference.Schema.Select(c => (c.Name, c.IsHidden)), output.Schema.Select(c => (c.Name, c.IsHidden)));
        var y = new float[8];
        model.Whitening.Apply(rows[4].Features, y, new float[8]);
        Assert.Equal(y, Column(output, "Features")[4]);

        using var temp = new TempFolder();
        var path = Path.Combine(temp, "inplace.zip");
        _ml.Model.Save(model, data.Schema, path);
        var loaded = new MLContext().Model.Load(path, out var schema);
        Assert.Equal(data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
        Assert.Equal(Column(output, "Features"), Column(loaded.Transform(data), "Features"));
    }

    [Fact]
    public void Preview_shows_the_computed_columns_of_the_first_rows()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(30, 4));
        var model = TopK("Code", "Features").Fit(data);
        var preview = model.Preview(data, maxRows: 5);
        Assert.Equal(5, preview.RowView.Length);
        Assert.Equal(["Features", "Label", "Group", "Code"], preview.Schema.Where(c => !c.IsHidden).Select(c => c.Name));
        var codes = Column(model.Transform(data), "Code");
        var first = (VBuffer<float>)preview.ColumnView.Single(c => c.Column.Name == "Code").Values[2];
        Assert.Equal(codes[2], first.DenseValues().ToArray());
        Assert.Equal(30, model.Transform(data).Preview(maxRows: 100).RowView.Length);
    }

    [Fact]
    public void A_cursor_over_the_code_alone_reads_it_and_reports_the_columns_active_as_ML_NETs_cursors_do()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(20, 5));
        var output = TopK("Code", "Features").Fit(data).Transform(data);
        var normalized = _ml.Transforms.NormalizeMinMax("Code", "Features").Fit(data).Transform(data);
        foreach (var view in new[] { output, normalized })
        {
            using var cursor = view.GetRowCursor([view.Schema["Code"]]);
            Assert.True(cursor.IsColumnActive(view.Schema["Code"]));
            Assert.False(cursor.IsColumnActive(view.Schema["Label"]));
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["Code"]);
            int rows = 0;
            var value = default(VBuffer<float>);
            while (cursor.MoveNext()) { getter(ref value); Assert.Equal(((VectorDataViewType)view.Schema["Code"].Type).Size, value.Length); rows++; }
            Assert.Equal(20, rows);
        }
        using (var ours = output.GetRowCursor([output.Schema["Code"]]))
        using (var theirs = normalized.GetRowCursor([normalized.Schema["Code"]]))
            Assert.Equal(theirs.IsColumnActive(normalized.Schema["Features"]), ours.IsColumnActive(output.Schema["Features"]));
    }

    [Fact]
    public void A_shuffled_cursor_gives_every_row_once_with_the_code_of_its_own_input()
    {
        var data = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(LabelledRows(25, 6)));   // LoadFromEnumerable cannot shuffle; a cache can
        var model = TopK("Code", "Features").Fit(data);
        var output = model.Transform(data);
        Assert.True(output.CanShuffle);
        var byInput = Column(data, "Features").Zip(Column(output, "Code")).ToDictionary(p => string.Join(",", p.First), p => p.Second);
        using var cursor = output.GetRowCursor(output.Schema, new Random(3));
        var features = cursor.GetGetter<VBuffer<float>>(output.Schema["Features"]);
        var code = cursor.GetGetter<VBuffer<float>>(output.Schema["Code"]);
        var seen = new List<string>();
        VBuffer<float> f = default, c = default;
        while (cursor.MoveNext())
        {
            features(ref f);
            code(ref c);
            string key = string.Join(",", f.DenseValues());
            Assert.Equal(byInput[key], c.DenseValues().ToArray());
            seen.Add(key);
        }
        Assert.Equal(byInput.Keys.Order(), seen.Order());
        Assert.NotEqual(byInput.Keys, seen);
    }

    [Fact]
    public void A_view_of_zero_rows_transforms_to_zero_rows_with_the_full_schema()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(20, 7));
        var model = _ml.Transforms.ZcaWhitening("White", "Features", 0.1).Append(TopK("Code", "White")).Fit(data);
        var empty = _ml.Data.FilterRowsByColumn(data, "Group", lowerBound: -9, upperBound: -1);
        var output = model.Transform(empty);
        Assert.Equal(["Features", "Label", "Group", "White", "Code"], output.Schema.Select(c => c.Name));
        Assert.Empty(Column(output, "Code"));
        Assert.Empty(output.Preview().RowView);
        var listEmpty = model.Transform(_ml.Data.LoadFromEnumerable(new List<Labelled>()));
        Assert.Equal(0, listEmpty.GetRowCount());
        Assert.Empty(Column(listEmpty, "White"));
    }

    [Fact]
    public void GetOutputSchema_and_Fit_refuse_a_column_of_the_wrong_type_alike()
    {
        var data = _ml.Data.LoadFromEnumerable(LabelledRows(10, 8));
        var estimator = _ml.Transforms.SparseAutoencoder("Code", "Label");
        var shape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(data.Schema)));
        var fit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Equal("inputSchema", shape.ParamName);
        Assert.Equal("input", fit.ParamName);
        Assert.Contains("Input column 'Label' must be a known-size vector of Single, but is a scalar of String", shape.Message);
        Assert.Contains("Input column 'Label' must be a known-size vector of Single, but is String", fit.Message);
        // The appended estimator's check runs when the chain's schema is asked for, as ML.NET's own do.
        var chain = _ml.Transforms.Conversion.MapValueToKey("Label").Append(_ml.Transforms.ZcaWhitening("W", "Label"));
        var chained = Assert.Throws<ArgumentOutOfRangeException>(() => chain.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(data.Schema)));
        Assert.Contains("but is a scalar key of UInt32", chained.Message);
    }

    [Fact]
    public void A_cursor_set_over_a_cached_view_reads_every_row_once_with_its_own_code()
    {
        var data = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(LabelledRows(64, 9)));
        var output = TopK("Code", "Features").Fit(data).Transform(data);
        var byInput = Column(data, "Features").Zip(Column(output, "Code")).ToDictionary(p => string.Join(",", p.First), p => p.Second);
        var cursors = output.GetRowCursorSet([output.Schema["Code"], output.Schema["Features"]], 2, new Random(1));
        var seen = new List<string>();
        foreach (var cursor in cursors)
            using (cursor)
            {
                Assert.False(cursor.IsColumnActive(output.Schema["Label"]));
                var code = cursor.GetGetter<VBuffer<float>>(output.Schema["Code"]);
                var features = cursor.GetGetter<VBuffer<float>>(output.Schema["Features"]);
                VBuffer<float> c = default, f = default;
                while (cursor.MoveNext())
                {
                    code(ref c);
                    features(ref f);
                    string key = string.Join(",", f.DenseValues());
                    Assert.Equal(byInput[key], c.DenseValues().ToArray());
                    seen.Add(key);
                }
            }
        Assert.Equal(byInput.Keys.Order(), seen.Order());
    }
}
