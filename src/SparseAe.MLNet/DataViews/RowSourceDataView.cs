using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Training;

namespace SparseAe.MLNet.DataViews;

/// <summary>
/// An IDataView with one known-size vector column over an <see cref="IRowSource"/>: every cursor
/// opens a fresh pass and reads one row at a time, so a sampler of millions of patches streams
/// into ML.NET without being materialised.
/// </summary>
internal sealed class RowSourceDataView : IDataView
{
    private readonly IRowSource _source;
    private readonly long? _rowCount;
    private readonly bool _countGiven;

    // countGiven: whether rowCount is LoadFromRowSource's rowCount rather than the source's own RowCount (for the message when the rows differ).
    public RowSourceDataView(IRowSource source, string columnName, long? rowCount, bool countGiven)
    {
        _source = source;
        _rowCount = rowCount;
        _countGiven = countGiven;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(columnName, new VectorDataViewType(NumberDataViewType.Single, source.VectorSize));
        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, Mapping.ActiveFlags.Requested(Schema, columnsNeeded, nameof(columnsNeeded)).Any(c => c.Index == 0));

    // One pass is one sequential stream, so a cursor set is a single cursor.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RowSourceDataView _parent;
        private readonly IRowReader _reader;
        private readonly float[] _row;
        private readonly bool _active;
        private long _position = -1;
        private bool _done;   // the stream has ended, or the cursor is disposed: the reader is not read again

        public Cursor(RowSourceDataView parent, bool active)
        {
            _parent = parent;
            _active = active;
            _row = new float[parent._source.VectorSize];
            _reader = SparseAe.Training.RowReading.Open(parent._source, 0);
        }

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        // ML.NET's cursor rules: Position is -1 before the first row and again after the last (or once
        // disposed), and then MoveNext stays false without touching the reader. This cursor kept its last
        // Position and read a reader it had disposed, and the transformers' "no row" check, which looks at
        // Position, passed the last row's code on after the end.
        // A source that threw may have written part of the row, and a reader asked again may go on with the next
        // row (a CSV's does, past its bad line): the cursor is then on no row and refuses to read further.
        public override bool MoveNext()
        {
            if (_failure is not null && !_disposed)
                throw new InvalidOperationException(
                    $"The row source {SourceName} failed at row {_failedRow} ({_failure.Message}); this cursor reads no further: open another.", _failure);
            try
            {
                return Next();
            }
            catch (Exception e)
            {
                (_failure, _position) = (e, -1);
                _failedRow = _lookingAhead ? $"{_reading}, read past the {_reading} rows counted to check the count" : $"{_reading}";
                throw;
            }
        }

        private Exception? _failure;
        private string _failedRow = "";
        // The row the reader is asked for, as the failure names it: the next row, or the row past the count that the look
        // ahead reads (a source failing there was said to fail at the last counted row, which it had read well).
        private long _reading;
        private bool _lookingAhead;

        private string SourceName => _parent._source.Description ?? _parent._source.GetType().Name;

        // The rows are checked against the rowCount given (or the source's own), which GetRowCount reports and ML.NET trusts: Cache read
        // only that many (10 rows said to be 4 were cached as 4, silently) or indexed past the rows it got. At the
        // last row counted the source is asked for one more, since a consumer that trusts the count asks no further.
        private bool Next()
        {
            (_reading, _lookingAhead) = (_position + 1, false);
            if (!_done && _reader.TryReadRow(_row))
            {
                _position++;
                long? n = _parent._rowCount;
                if (_position >= n) throw CountMismatch($"more than {n}");
                if (_position == n - 1)
                {
                    (_reading, _lookingAhead) = (n.Value, true);
                    if (_reader.TryReadRow(_peek ??= new float[_row.Length])) throw CountMismatch($"more than {n}");
                    _done = true;   // the look ahead found the end: it was the reader's last read (a reader is not asked again after its false)
                }
                return true;
            }
            if (!_done && _parent._rowCount is { } count && _position + 1 != count)
                throw CountMismatch($"{_position + 1}");
            _done = true;
            _position = -1;
            return false;
        }

        private float[]? _peek;

        private InvalidDataException CountMismatch(string rows)
            => new($"The row source {SourceName} has {rows} rows, but " + (_parent._countGiven
                ? $"LoadFromRowSource's rowCount says {_parent._rowCount}; give the source's number of rows, or null when it is not known."
                : $"its RowCount says {_parent._rowCount}; a source's RowCount must be the rows each pass gives, or null when it does not know them."));

        private void CheckRow(string column)
        {
            if (_position < 0) throw Mapping.ActiveFlags.NoRow(column);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId id) =>
            {
                if (_position < 0) throw Mapping.ActiveFlags.NoRowId();
                id = new DataViewRowId((ulong)_position, 0);
            };

        // A column of another schema is refused by name, as the transformed views refuse it: by its index alone
        // it was read as this view's column.
        public override bool IsColumnActive(DataViewSchema.Column column)
            => Mapping.ActiveFlags.InSchema(Schema, column, nameof(column)) && _active;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw new InvalidOperationException($"Column '{column.Name}' is not an active column of this cursor.");
            string name = column.Name;
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> dst) => { CheckRow(name); Mapping.OutputColumns.Write(_row, ref dst); };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {Mapping.OutputColumns.TypeName(typeof(TValue))}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed) _reader.Dispose();   // the user's reader, once
            _disposed = true;
            _done = true;
            _position = -1;
            base.Dispose(disposing);
        }

        private bool _disposed;
    }
}
