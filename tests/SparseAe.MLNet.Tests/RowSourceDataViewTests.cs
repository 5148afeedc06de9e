using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class RowSourceDataViewTests
{
    // A source that makes rows on demand and counts how many passes were opened.
    private sealed class GeneratedRows(int rows, int size) : IRowSource
    {
        public int Passes;
        public int VectorSize => size;

        public IRowReader OpenPass(int pass)
        {
            Passes++;
            return new Reader(this, rows, size);
        }

        public int Reads, Disposals;

        private sealed class Reader(GeneratedRows owner, int rows, int size) : IRowReader
        {
            private int _next;

            public bool TryReadRow(Span<float> destination)
            {
                owner.Reads++;
                if (_next >= rows) return false;
                for (int i = 0; i < size; i++) destination[i] = 0.1f + 0.8f * ((_next * 7 + i * 3) % 11) / 10f;
                _next++;
                return true;
            }

            public void Dispose() => owner.Disposals++;
        }
    }

    // The check of rowCount looks one row ahead at the last counted row; a reader that said false there was asked
    // again by the next MoveNext (7 reads of 5 rows), which the IRowReader contract does not promise to answer.
    [Fact]
    public void A_reader_is_not_asked_again_after_the_look_ahead_found_its_end()
    {
        var source = new GeneratedRows(5, 3);
        var view = new MLContext().Data.LoadFromRowSource(source, "Features", rowCount: 5);
        using (var cursor = view.GetRowCursor(view.Schema))
            while (cursor.MoveNext()) { }
        Assert.Equal(6, source.Reads);   // five rows and the end
    }

    [Fact]
    public void Rows_stream_into_ML_NET_and_train_the_autoencoder()
    {
        var ml = new MLContext(seed: 1);
        var source = new GeneratedRows(2000, 16);
        var data = ml.Data.LoadFromRowSource(source, "Patch", rowCount: 2000);
        Assert.Equal(2000, data.GetRowCount());
        Assert.Equal(16, ((VectorDataViewType)data.Schema["Patch"].Type).Size);
        var first = data.GetColumn<float[]>("Patch").First();
        Assert.Equal(0.1f, first[0], 1e-6f);

        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Patch", HiddenCount = 5, Optimizer = OptimizerKind.Adam, Epochs = 3, BatchSize = 100,
        }).Fit(data);
        Assert.Equal(2000, model.Summary.TrainingRows);
        Assert.True(source.Passes >= 4, $"expected one pass per epoch plus the read above, saw {source.Passes}");
    }

    // The cursor kept its last Position after the end, read a reader it had disposed, disposed the user's
    // reader twice, and the code's "no row" check (which looks at Position) passed the last code on.
    [Fact]
    public void Its_cursors_keep_ML_NET_s_rules_at_the_end_and_once_disposed()
    {
        var ml = new MLContext(seed: 1);
        var source = new GeneratedRows(3, 16);
        var data = ml.Data.LoadFromRowSource(source, "Patch", rowCount: 3);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Patch", HiddenCount = 2, MaxIterations = 3 }).Fit(data);
        var output = model.Transform(data);
        const string noRow = "cannot be read: the cursor is on no row (before its first MoveNext, or after MoveNext returned false).";

        var cursor = output.GetRowCursor(output.Schema);
        var code = cursor.GetGetter<VBuffer<float>>(output.Schema["Code"]);
        var patch = cursor.GetGetter<VBuffer<float>>(output.Schema["Patch"]);
        VBuffer<float> value = default;
        Assert.Equal("Column 'Patch' " + noRow, Assert.Throws<InvalidOperationException>(() => patch(ref value)).Message);
        while (cursor.MoveNext()) code(ref value);
        Assert.Equal(-1, cursor.Position);
        Assert.Equal("Column 'Code' " + noRow, Assert.Throws<InvalidOperationException>(() => code(ref value)).Message);
        int reads = source.Reads;
        Assert.False(cursor.MoveNext());
        Assert.Equal(reads, source.Reads);   // the ended stream is not read again

        int disposals = source.Disposals;
        var second = data.GetRowCursor(data.Schema);
        Assert.True(second.MoveNext());
        second.Dispose();
        second.Dispose();
        Assert.Equal(disposals + 1, source.Disposals);
        reads = source.Reads;
        Assert.False(second.MoveNext());
        Assert.Equal(-1, second.Position);
        Assert.Equal(reads, source.Reads);
        cursor.Dispose();
    }

    // Its cursor looked only at the index: a column of another schema at index 0 was active and was read
    // as this view's column, or refused with "holds Single; it cannot be read as Single".
    [Fact]
    public void A_column_of_another_schema_is_refused_by_name()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromRowSource(new GeneratedRows(2, 4), "Patch");
        var stranger = new DataViewSchema.Builder();
        stranger.AddColumn("S0", NumberDataViewType.Single);
        stranger.AddColumn("Patch", new VectorDataViewType(NumberDataViewType.Single, 5));
        const string message = "is not a column of this schema, whose 1 columns are 'Patch'.";
        using var cursor = data.GetRowCursor(data.Schema);
        foreach (var column in stranger.ToSchema())
        {
            string expected = $"Column '{column.Name}' (index {column.Index}, {column.Type}) {message}";
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => cursor.IsColumnActive(column)).Message);
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => cursor.GetGetter<float>(column)).Message);
            Assert.StartsWith(expected, Assert.Throws<ArgumentOutOfRangeException>(() => data.GetRowCursor([column])).Message);
        }
    }

    // A cursor asked for no column has its column inactive, and refuses a getter of it as ML.NET's own views do; the view
    // cannot shuffle (one pass is one stream in the source's order), so ML.NET shuffles it through a pool of its rows.
    // (Mutation audit: the column always active, and CanShuffle true, passed every test.)
    [Fact]
    public void A_cursor_without_its_column_refuses_its_getter_and_the_view_does_not_shuffle_itself()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromRowSource(new GeneratedRows(3, 4), "Patch");
        Assert.False(data.CanShuffle);
        using (var none = data.GetRowCursor([]))
        {
            Assert.False(none.IsColumnActive(data.Schema["Patch"]));
            Assert.Equal("Column 'Patch' is not an active column of this cursor.",
                Assert.Throws<InvalidOperationException>(() => none.GetGetter<VBuffer<float>>(data.Schema["Patch"])).Message);
            Assert.True(none.MoveNext());
        }
        using var all = data.GetRowCursor(data.Schema);
        Assert.True(all.IsColumnActive(data.Schema["Patch"]));
    }

    // GetRowCount returned the rowCount given whatever the rows were, and ML.NET trusts it: Cache over 10 rows said
    // to be 4 kept 4 without a word, and over 5 rows said to be 10 threw a bare IndexOutOfRangeException.
    [Fact]
    public void A_rowCount_that_is_not_the_source_s_is_refused_naming_both()
    {
        var ml = new MLContext(seed: 1);
        var tooLow = ml.Data.Cache(ml.Data.LoadFromRowSource(new GeneratedRows(10, 3), "Patch", rowCount: 4));
        // Cache's filler thread fails, and ML.NET wraps what it threw ("Event we were waiting on was subject to an exception").
        var low = Assert.IsType<InvalidDataException>(Assert.Throws<InvalidOperationException>(() => tooLow.GetColumn<float[]>("Patch").Count()).InnerException);
        Assert.Equal("The row source GeneratedRows has more than 4 rows, but LoadFromRowSource's rowCount says 4; give the source's number of rows, or null when it is not known.", low.Message);

        var tooHigh = ml.Data.LoadFromRowSource(new GeneratedRows(5, 3), "Patch", rowCount: 10);
        var high = Assert.Throws<InvalidDataException>(() => tooHigh.GetColumn<float[]>("Patch").Count());
        Assert.Equal("The row source GeneratedRows has 5 rows, but LoadFromRowSource's rowCount says 10; give the source's number of rows, or null when it is not known.", high.Message);

        var none = ml.Data.LoadFromRowSource(new GeneratedRows(1, 3), "Patch", rowCount: 0);
        Assert.StartsWith("The row source GeneratedRows has more than 0 rows", Assert.Throws<InvalidDataException>(() => none.GetColumn<float[]>("Patch").Count()).Message);

        // A source that knows its rows is checked when the view is made.
        var known = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.LoadFromRowSource(new ArrayRowSource(new float[6], 2, 3), "Patch", rowCount: 3));
        Assert.StartsWith("rowCount must be null or the source's 2 rows (its RowCount), but is 3.", known.Message);

        var right = ml.Data.Cache(ml.Data.LoadFromRowSource(new GeneratedRows(4, 3), "Patch", rowCount: 4));
        Assert.Equal(4, right.GetColumn<float[]>("Patch").Count());
    }

    // A consumer that trusts GetRowCount reads the rows it says and asks for no more, so the check of rowCount looks one
    // row ahead at the last counted row: 10 rows said to be 4 are refused at the 4th MoveNext, not after it, where such a
    // consumer would have read 4 rows of 10 without a word.
    [Fact]
    public void More_rows_than_rowCount_are_refused_at_the_last_counted_row()
    {
        var view = new MLContext().Data.LoadFromRowSource(new GeneratedRows(10, 3), "Patch", rowCount: 4);
        using var cursor = view.GetRowCursor(view.Schema);
        for (int i = 0; i < 3; i++) Assert.True(cursor.MoveNext());
        var e = Assert.Throws<InvalidDataException>(() => cursor.MoveNext());
        Assert.Equal("The row source GeneratedRows has more than 4 rows, but LoadFromRowSource's rowCount says 4; give the source's number of rows, or null when it is not known.", e.Message);
    }

    // Without rowCount the view reported no count even when the source said its rows (an ArrayRowSource of 10 rows gave
    // GetRowCount() == null), so ML.NET and the trainers could not use it: L-BFGS read a view too large for it before
    // refusing it. The source's RowCount is now the view's, and checked as a rowCount given is.
    [Fact]
    public void Without_rowCount_the_view_reports_the_source_s_RowCount_and_checks_it()
    {
        var ml = new MLContext(seed: 1);
        Assert.Equal(10, ml.Data.LoadFromRowSource(new ArrayRowSource(new float[30], 10, 3), "Patch").GetRowCount());
        Assert.Null(ml.Data.LoadFromRowSource(new GeneratedRows(10, 3), "Patch").GetRowCount());

        var lying = ml.Data.LoadFromRowSource(new SaysRows(new GeneratedRows(5, 3), 10), "Patch");
        Assert.Equal(10, lying.GetRowCount());
        var e = Assert.Throws<InvalidDataException>(() => lying.GetColumn<float[]>("Patch").Count());
        Assert.Equal("The row source SaysRows has 5 rows, but its RowCount says 10; a source's RowCount must be the rows each pass gives, or null when it does not know them.", e.Message);
    }

    // Now that the view reports the source's own RowCount, a negative one (a source's "unknown" as -1) was taken as the
    // count: GetRowCount() said -1 and every cursor threw at its first row, "has more than -1 rows, but its RowCount
    // says -1", without the rule. It is refused when the view is made, as a negative rowCount is.
    [Fact]
    public void A_negative_RowCount_of_the_source_is_refused_up_front()
    {
        var ml = new MLContext();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.LoadFromRowSource(new SaysRows(new GeneratedRows(5, 3), -1), "Patch"));
        Assert.Equal("source", e.ParamName);
        Assert.StartsWith("The source's RowCount must be null or at least 0, but is -1.", e.Message);
    }

    private sealed class SaysRows(GeneratedRows inner, long said) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public IRowReader OpenPass(int pass) => inner.OpenPass(pass);
        public long? RowCount => said;
    }

    // Rows 0, 1, 2, ... with row `failAt` refused as a CSV's bad line is: part of it written, then an exception, and
    // the reader goes on with the next row if asked again.
    private sealed class FailingRows(int rows, int failAt) : IRowSource
    {
        public int VectorSize => 2;
        public IRowReader OpenPass(int pass) => new Reader(rows, failAt);

        private sealed class Reader(int rows, int failAt) : IRowReader
        {
            private int _next;

            public bool TryReadRow(Span<float> destination)
            {
                if (_next >= rows) return false;
                destination.Fill(_next);
                if (_next++ == failAt)
                {
                    destination[0] = -1;
                    throw new InvalidDataException($"row {failAt} is bad");
                }
                return true;
            }

            public void Dispose() { }
        }
    }

    // After the source threw, the cursor kept the last Position, its getter returned the row half overwritten by the
    // failed read (-1, 2 for row 1), and MoveNext read on: row 3 came as the next row, row 2 missing without a word.
    [Fact]
    public void A_cursor_whose_source_threw_reads_no_further()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromRowSource(new FailingRows(4, failAt: 2), "Patch");
        using var cursor = data.GetRowCursor(data.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(data.Schema["Patch"]);
        VBuffer<float> value = default;
        Assert.True(cursor.MoveNext());
        Assert.True(cursor.MoveNext());
        Assert.Equal("row 2 is bad", Assert.Throws<InvalidDataException>(() => cursor.MoveNext()).Message);
        Assert.Equal(-1, cursor.Position);
        Assert.StartsWith("Column 'Patch' cannot be read: the cursor is on no row", Assert.Throws<InvalidOperationException>(() => getter(ref value)).Message);
        var again = Assert.Throws<InvalidOperationException>(() => cursor.MoveNext());
        Assert.Equal("The row source FailingRows failed at row 2 (row 2 is bad); this cursor reads no further: open another.", again.Message);
        Assert.IsType<InvalidDataException>(again.InnerException);
    }

    // With a row count, the last counted row's MoveNext reads one row more to check the count: a source that failed there
    // was said to have failed at the last counted row ("failed at row 2"), which it had read well.
    [Fact]
    public void A_source_that_fails_past_its_count_is_said_to_fail_there()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromRowSource(new FailingRows(4, failAt: 3), "Patch", rowCount: 3);
        using var cursor = data.GetRowCursor(data.Schema);
        Assert.True(cursor.MoveNext());
        Assert.True(cursor.MoveNext());
        Assert.Equal("row 3 is bad", Assert.Throws<InvalidDataException>(() => cursor.MoveNext()).Message);
        Assert.Equal(-1, cursor.Position);
        Assert.Equal("The row source FailingRows failed at row 3, read past the 3 rows counted to check the count (row 3 is bad); this cursor reads no further: open another.",
            Assert.Throws<InvalidOperationException>(() => cursor.MoveNext()).Message);
    }

    // The id getter off a row said "Column 'the row id' cannot be read", calling the row id a column by a name it does not have.
    [Fact]
    public void The_row_id_off_a_row_is_refused_as_the_row_id()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromRowSource(new GeneratedRows(1, 4), "Patch");
        using var cursor = data.GetRowCursor(data.Schema);
        var id = cursor.GetIdGetter();
        DataViewRowId value = default;
        Assert.Equal("The row id cannot be read: the cursor is on no row (before its first MoveNext, or after MoveNext returned false).",
            Assert.Throws<InvalidOperationException>(() => id(ref value)).Message);
        Assert.True(cursor.MoveNext());
        id(ref value);
        Assert.Equal(0UL, value.Low);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var ml = new MLContext();
        Assert.Contains("columnName", Assert.Throws<ArgumentException>(() => ml.Data.LoadFromRowSource(new GeneratedRows(1, 2), " ")).Message);
        Assert.Contains("rowCount must be null or at least 0, but is -1",
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.LoadFromRowSource(new GeneratedRows(1, 2), rowCount: -1)).Message);
    }
}
