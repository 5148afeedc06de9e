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

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var ml = new MLContext();
        Assert.Contains("columnName", Assert.Throws<ArgumentException>(() => ml.Data.LoadFromRowSource(new GeneratedRows(1, 2), " ")).Message);
        Assert.Contains("rowCount must be null or at least 0, but is -1",
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.LoadFromRowSource(new GeneratedRows(1, 2), rowCount: -1)).Message);
    }
}
