using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Mapping;

/// <summary>
/// What a transformed view and its rows owe ML.NET's contracts beyond the values: columns that are not
/// the view's, readers of the wrong type, malformed sparse rows, and the estimator's promised shape.
/// Each case was found by an audit; before, most failed with IndexOutOfRangeException or silently.
/// </summary>
public class MappedViewContractTests
{
    private readonly MLContext _ml = new(seed: 1);

    private IDataView Rows16(int count) => _ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i =>
        new Sparse16 { Features = new VBuffer<float>(16, 3, [0.2f + 0.01f * i, 0.5f, 0.9f], [i % 5, 7, 12 + i % 4]) }));

    private ITransformer Autoencoder(ActivationKind activation = ActivationKind.Sigmoid) => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 6, Activation = activation, K = 2,
        MaxIterations = 5, Epochs = 1, BatchSize = 8,
    }).Fit(Rows16(40));

    [Fact]
    public void A_column_of_another_schema_or_none_is_refused_by_name()
    {
        var view = Autoencoder().Transform(Rows16(3));
        var stranger = new DataViewSchema.Builder();
        for (int i = 0; i < 8; i++) stranger.AddColumn($"S{i}", NumberDataViewType.Single);
        var schema = stranger.ToSchema();
        // Index 1 is the view's 'Code', another column; index 7 is past the view's end.
        foreach (var column in new[] { schema["S1"], schema["S7"] })
        {
            string expected = $"Column '{column.Name}' (index {column.Index}, Single) is not a column of this schema, whose {view.Schema.Count} columns are 'Features', 'Code', 'Error'.";
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRowCursor([column])).Message);
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRowCursorSet([column], 2)).Message);
            using var cursor = view.GetRowCursor(view.Schema);
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => cursor.IsColumnActive(column)).Message);
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => cursor.GetGetter<float>(column)).Message);
        }
        Assert.Equal("columnsNeeded", Assert.Throws<ArgumentNullException>(() => view.GetRowCursor(null!)).ParamName);
    }

    // A column of the name and index of one of the view's, but of another type (the 'Code' of an autoencoder of another
    // width), is not the view's column either: taken by name and index alone, a cursor asked for a 3-wide code gave a 6-wide one.
    [Fact]
    public void A_column_of_another_type_at_a_columns_name_and_index_is_refused()
    {
        var view = Autoencoder().Transform(Rows16(3));
        var other = new DataViewSchema.Builder();
        other.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 16));
        other.AddColumn("Code", new VectorDataViewType(NumberDataViewType.Single, 3));
        var code = other.ToSchema()["Code"];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => view.GetRowCursor([code]));
        Assert.StartsWith("Column 'Code' (index 1, Vector<Single, 3>) is not a column of this schema", e.Message);
    }

    [Fact]
    public void A_getter_of_the_wrong_type_names_the_type_asked_for()
    {
        var view = Autoencoder().Transform(Rows16(3));
        using var cursor = view.GetRowCursor(view.Schema);
        var e = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<double>>(view.Schema["Code"]));
        Assert.Equal("Column 'Code' holds Vector<Single, 6>; it cannot be read as VBuffer<Double>.", e.Message);
    }

    // LoadFromEnumerable's getter met a NullReferenceException there, which reached the caller.
    [Fact]
    public void Reading_a_computed_column_off_a_row_names_the_cursor_state()
    {
        var view = Autoencoder().Transform(Rows16(2));
        using var cursor = view.GetRowCursor(view.Schema);
        var code = cursor.GetGetter<VBuffer<float>>(view.Schema["Code"]);
        var error = cursor.GetGetter<float>(view.Schema["Error"]);
        VBuffer<float> value = default;
        float e = 0;
        const string message = "cannot be read: the cursor is on no row (before its first MoveNext, or after MoveNext returned false).";
        Assert.Equal("Column 'Code' " + message, Assert.Throws<InvalidOperationException>(() => code(ref value)).Message);
        while (cursor.MoveNext())
        {
            code(ref value);
            error(ref e);
            Assert.Equal(6, value.Length);
        }
        Assert.Equal("Column 'Error' " + message, Assert.Throws<InvalidOperationException>(() => error(ref e)).Message);
    }

    // An input column passed through gave the input's own getter: over LoadFromEnumerable it threw NullReferenceException
    // before the first MoveNext and, once the cursor was disposed, returned the last row's values; ML.NET's own
    // transforms (CopyColumns) name the state for every column, and so does this view now.
    [Fact]
    public void Reading_a_passed_through_column_off_a_row_names_the_cursor_state()
    {
        var view = Autoencoder().Transform(Rows16(2));
        const string message = "Column 'Features' cannot be read: the cursor is on no row (before its first MoveNext, or after MoveNext returned false).";
        VBuffer<float> value = default;
        var cursor = view.GetRowCursor(view.Schema);
        var features = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(() => features(ref value)).Message);
        Assert.True(cursor.MoveNext());
        features(ref value);
        Assert.Equal(16, value.Length);
        cursor.Dispose();
        Assert.Equal(message, Assert.Throws<InvalidOperationException>(() => features(ref value)).Message);
    }

    // On an input row without the input column active, the mapped row said 'Code' was active and its getter then
    // failed with ML.NET's "requested column not active (Parameter 'column')", naming no column.
    [Fact]
    public void A_mapped_row_over_an_input_row_without_the_input_column_is_refused_by_name()
    {
        var data = Rows16(3);
        var mapper = Autoencoder().GetRowToRowMapper(data.Schema);
        using var cursor = data.GetRowCursor([]);
        foreach (var column in new[] { "Code", "Error" })
        {
            var e = Assert.Throws<ArgumentException>(() => mapper.GetRow(cursor, [mapper.OutputSchema[column]]));
            Assert.Equal("input", e.ParamName);
            Assert.StartsWith($"Column '{column}' is computed from input column 'Features', which is not active in the input row; " +
                "the input row must have the columns GetDependencies names active.", e.Message);
        }
        using var passThrough = mapper.GetRow(cursor, [mapper.OutputSchema["Features"]]);   // only a computed column needs the input column
        Assert.False(passThrough.IsColumnActive(mapper.OutputSchema["Code"]));
    }

    /// <summary>A Sparse16 row with a second column that the transform passes through.</summary>
    public sealed class Labelled16
    {
        [VectorType(16)]
        public VBuffer<float> Features { get; set; }
        public float Label { get; set; }
    }

    private IDataView Labelled(int count) => _ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i =>
        new Labelled16 { Features = new VBuffer<float>(16, 2, [0.3f, 0.6f], [i % 8, 9]), Label = i }));

    // A passed-through column needs only itself: reading only 'Label' must not make the input compute 'Features'
    // (an upstream ONNX or TensorFlow transform, a text featurizer) nor the code.
    [Fact]
    public void A_passed_through_column_depends_on_itself_alone()
    {
        var data = Labelled(3);
        var mapper = Autoencoder().GetRowToRowMapper(data.Schema);
        Assert.Equal(["Label"], mapper.GetDependencies([mapper.OutputSchema["Label"]]).Select(c => c.Name));
        Assert.Equal(["Features"], mapper.GetDependencies([mapper.OutputSchema["Code"]]).Select(c => c.Name));
        Assert.Equal(["Features", "Label"], mapper.GetDependencies([mapper.OutputSchema["Code"], mapper.OutputSchema["Label"]]).Select(c => c.Name));
    }

    // A mapped row says a passed-through column is active only when the input row has it active: over an input row
    // without it, the row said 'Label' was active, and its getter then failed with ML.NET's message naming no column.
    [Fact]
    public void A_passed_through_column_inactive_in_the_input_row_is_not_active()
    {
        var data = Labelled(3);
        var mapper = Autoencoder().GetRowToRowMapper(data.Schema);
        using var cursor = data.GetRowCursor([data.Schema["Features"]]);
        using var row = mapper.GetRow(cursor, [mapper.OutputSchema["Label"], mapper.OutputSchema["Code"]]);
        Assert.False(row.IsColumnActive(mapper.OutputSchema["Label"]));
        Assert.True(row.IsColumnActive(mapper.OutputSchema["Code"]));
        var e = Assert.Throws<InvalidOperationException>(() => row.GetGetter<float>(mapper.OutputSchema["Label"]));
        Assert.Equal("Column 'Label' was not requested as active when the row or cursor was made.", e.Message);
    }

    // A mapper reads its input row by the columns of the schema it was made for: over a row of another schema (another view's
    // cursor, with 'Features' at another index) it would read the wrong columns, or fail deep inside ML.NET. It refuses the row.
    [Fact]
    public void A_row_of_another_schema_is_refused()
    {
        var data = Labelled(3);
        var mapper = Autoencoder().GetRowToRowMapper(data.Schema);
        var other = Rows16(3);
        using var cursor = other.GetRowCursor(other.Schema);
        var e = Assert.Throws<ArgumentException>(() => mapper.GetRow(cursor, [mapper.OutputSchema["Code"]]));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith("The row's schema is not the schema this mapper was made for.", e.Message);
    }

    // A mapped row keeps its input row's id: ML.NET's cross-validation and its shuffles key on it, and a row of the
    // mapper (PredictionEngine, a TransformerChain's row) gave every row the same id.
    [Fact]
    public void A_mapped_row_gives_its_input_rows_id()
    {
        var data = Rows16(3);
        var mapper = Autoencoder().GetRowToRowMapper(data.Schema);
        using var cursor = data.GetRowCursor(data.Schema);
        using var row = mapper.GetRow(cursor, [mapper.OutputSchema["Code"]]);
        var inputId = cursor.GetIdGetter();
        var rowId = row.GetIdGetter();
        var seen = new HashSet<DataViewRowId>();
        while (cursor.MoveNext())
        {
            DataViewRowId expected = default, actual = default;
            inputId(ref expected);
            rowId(ref actual);
            Assert.Equal(expected, actual);
            seen.Add(actual);
        }
        Assert.Equal(3, seen.Count);
    }

    [Theory]
    [InlineData(new[] { 3, 40 }, "index 1 is 40; indices must lie in [0, 16)")]
    [InlineData(new[] { -1, 5 }, "index 0 is -1; indices must lie in [0, 16)")]
    [InlineData(new[] { 5, 5 }, "index 1 is 5 after 5; indices must be strictly ascending")]
    [InlineData(new[] { 7, 5 }, "index 1 is 5 after 7; indices must be strictly ascending")]
    public void A_malformed_sparse_row_is_refused_by_every_reader_of_it(int[] indices, string rule)
    {
        // The code column checked the indices; the error column and ZCA densified the row unchecked: an
        // index past V threw IndexOutOfRangeException, a negative or repeated one gave wrong values.
        var bad = _ml.Data.LoadFromEnumerable(new[] { new Sparse16 { Features = new VBuffer<float>(16, 2, [1f, 2f], indices) } });
        var zca = _ml.Transforms.ZcaWhitening("White", "Features").Fit(Rows16(40));
        var readers = new (IDataView View, string Column)[]
        {
            (Autoencoder().Transform(bad), "Code"), (Autoencoder().Transform(bad), "Error"), (Autoencoder(ActivationKind.TopK).Transform(bad), "Error"),
            (zca.Transform(bad), "White"),
        };
        foreach (var (view, column) in readers)
        {
            using var cursor = view.GetRowCursor([view.Schema[column]]);
            Assert.True(cursor.MoveNext());
            var e = Assert.ThrowsAny<ArgumentException>(() =>
            {
                if (view.Schema[column].Type is VectorDataViewType) { VBuffer<float> v = default; cursor.GetGetter<VBuffer<float>>(view.Schema[column])(ref v); }
                else { float v = 0; cursor.GetGetter<float>(view.Schema[column])(ref v); }
            });
            Assert.StartsWith($"Row 0 of column 'Features': {rule}", e.Message);
        }
    }

    [Fact]
    public void Reading_well_formed_sparse_rows_allocates_nothing_a_row()
    {
        // The rule check named each row with a formatted string before it knew the row was bad: about
        // 100 bytes a row on the code and error columns. Now the name is formatted only on refusal.
        const int count = 20_000;
        var rows = Enumerable.Range(0, count).Select(i =>
            new Sparse16 { Features = new VBuffer<float>(16, 3, [0.2f, 0.5f, 0.9f], [i % 5, 7, 12 + i % 4]) }).ToList();
        var view = Autoencoder().Transform(_ml.Data.LoadFromEnumerable(rows));
        long BytesOfOnePass() => AllocationMeasurement.BytesAllocatedBy(() =>
        {
            using var cursor = view.GetRowCursor([view.Schema["Code"], view.Schema["Error"]]);
            var code = cursor.GetGetter<VBuffer<float>>(view.Schema["Code"]);
            var error = cursor.GetGetter<float>(view.Schema["Error"]);
            VBuffer<float> c = default;
            float e = 0;
            while (cursor.MoveNext()) { code(ref c); error(ref e); }
        });
        BytesOfOnePass();   // the first pass compiles and fills the buffers
        long bytes = BytesOfOnePass();
        Assert.True(bytes < count, $"One pass over {count} sparse rows allocated {bytes} bytes ({(double)bytes / count:F1} a row); it should allocate none a row.");
    }

    [Fact]
    public void The_estimators_shape_promises_the_slot_names_the_transformer_gives()
    {
        var data = Rows16(40);
        var shape = SchemaShapeOf(data.Schema);
        foreach (var activation in new[] { ActivationKind.Sigmoid, ActivationKind.ReLU, ActivationKind.TopK, ActivationKind.JumpReLU })
        {
            var estimator = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 6, Activation = activation, K = 2, Epochs = 1 });
            var promised = estimator.GetOutputSchema(shape).Single(c => c.Name == "Code");
            var given = estimator.Fit(data).GetOutputSchema(data.Schema)["Code"];
            Assert.Equal(given.Annotations.Schema.Select(a => a.Name), promised.Annotations.Select(a => a.Name));
        }
        var text = _ml.Data.LoadFromEnumerable(new[] { new Text.TokenCountsTests.TextRow { Text = "a cat" }, new Text.TokenCountsTests.TextRow { Text = "a dog" } });
        var counts = _ml.Transforms.TokenCounts("Counts", "Text");
        Assert.Equal(["SlotNames"], counts.GetOutputSchema(SchemaShapeOf(text.Schema)).Single(c => c.Name == "Counts").Annotations.Select(a => a.Name));
        Assert.Equal(["SlotNames"], counts.Fit(text).GetOutputSchema(text.Schema)["Counts"].Annotations.Schema.Select(a => a.Name));
    }

    internal static SchemaShape SchemaShapeOf(DataViewSchema schema)
        => (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .Invoke(null, [schema])!;
}
