using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.MLNet.Mapping;

/// <summary>The lazily transformed data: input rows with the code (and error) columns appended.</summary>
internal sealed class MappedDataView(IDataView input, OutputColumns columns) : IDataView
{
    public DataViewSchema Schema => columns.OutputSchema;
    public bool CanShuffle => input.CanShuffle;
    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = ActiveFlags.Requested(Schema, columnsNeeded, nameof(columnsNeeded));
        return new MappedCursor(input.GetRowCursor(columns.Dependencies(needed), rand), columns, needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var needed = ActiveFlags.Requested(Schema, columnsNeeded, nameof(columnsNeeded));
        return input.GetRowCursorSet(columns.Dependencies(needed), n, rand)
            .Select(c => (DataViewRowCursor)new MappedCursor(c, columns, needed)).ToArray();
    }

    /// <summary>A cursor over an input cursor, which it owns: disposing it disposes the input cursor, once.</summary>
    private sealed class MappedCursor(DataViewRowCursor input, OutputColumns columns, IEnumerable<DataViewSchema.Column> active) : DataViewRowCursor
    {
        private readonly DataViewRowCursor _input = input;
        private readonly MappedColumns _view = new(input, columns, active);
        private bool _disposed;

        public override DataViewSchema Schema => columns.OutputSchema;
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override bool MoveNext() => _input.MoveNext();
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _view.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var getter = _view.GetGetter<TValue>(this, column);
            // Every column reads the input row: before the first MoveNext or after the last, the input's getter
            // failed in its own way (LoadFromEnumerable's with a NullReferenceException) or, for a column passed
            // through from a disposed cursor, returned the last row's values. ML.NET's cursors name the state
            // instead, and so does this one, for computed and passed-through columns alike.
            var input = _input;
            return (ref TValue value) =>
            {
                if (input.Position < 0) throw ActiveFlags.NoRow(column.Name);
                getter(ref value);
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed) return;
            _disposed = true;
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
