using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Kernels;
using SparseAe.Training;

namespace SparseAe.MLNet.DataViews;

/// <summary>
/// The input column of an IDataView as a row source: passes of rows of V floats, in the view's order
/// or its own random order. A NaN or infinity is refused with its row number. A pass whose first rows
/// are stored sparse says so (<see cref="IRowReader.RowsAreSparse"/>), and Adam and L-BFGS then read every row
/// as stored (<see cref="IRowReader.TryReadSparseRow"/>: a sparse VBuffer's indices and values, a dense
/// one's nonzeros); <see cref="IRowReader.TryReadRow"/> densifies, as ZCA and the featurizer read.
/// </summary>
internal sealed class DataViewRows(IDataView data, DataViewSchema.Column column, int vectorSize) : IRowSource, IRowCountSaidElsewhere
{
    /// <summary>How many of a pass's first rows decide its <see cref="IRowReader.RowsAreSparse"/>.</summary>
    internal const int RowsInspected = 16;

    public int VectorSize => vectorSize;

    public IRowReader OpenPass(int pass) => new Reader(data.GetRowCursor(new[] { column }), column, vectorSize, shuffled: false);

    public long? RowCount => data.GetRowCount();

    /// <summary>A cursor in the view's own random order when it can shuffle (ML.NET's <c>CanShuffle</c>).</summary>
    public IRowReader OpenShuffledPass(int pass, Random random)
        => data.CanShuffle ? new Reader(data.GetRowCursor(new[] { column }, random), column, vectorSize, shuffled: true) : OpenPass(pass);

    public string Description => $"column '{column.Name}'";

    // The count is the view's GetRowCount(): the refusal names the view (its type, without a generic arity) and that method.
    string IRowCountSaidElsewhere.MoreRowsThanSaid
        => $"The input view {data.GetType().Name.Split('`')[0]} said it has {RowCount} rows (its GetRowCount()), but a cursor over column '{column.Name}' gave more; " +
            "a view's GetRowCount() must be the rows each cursor gives, or null when it does not know them.";

    private sealed class Reader : IRowReader
    {
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<VBuffer<float>> _getter;
        private readonly string _name;
        private readonly int _size;
        private readonly bool _shuffled;
        private VBuffer<float> _buffer;
        private long _row;
        // RowsAreSparse: the first rows read ahead (copies), returned before the cursor's next ones.
        private readonly Queue<VBuffer<float>> _ahead = new();
        private bool? _sparse;

        public Reader(DataViewRowCursor cursor, DataViewSchema.Column column, int size, bool shuffled)
        {
            _cursor = cursor;
            _getter = cursor.GetGetter<VBuffer<float>>(column);
            _name = column.Name;
            _size = size;
            _shuffled = shuffled;
        }

        // The row being read, as messages name it. A view that shuffles itself (a binary file, a cache)
        // gives its rows in a random order and does not say where each lies in the view, so the count is
        // of that order, and the message says so (it named row 249 of a file whose NaN was in row 150).
        private string Row => _shuffled ? $"Row {_row} of this pass's random order of column '{_name}'" : $"Row {_row} of column '{_name}'";

        /// <summary>
        /// True when every one of the pass's first <see cref="RowsInspected"/> rows (all, when fewer) is
        /// a sparse VBuffer; false for a pass without rows. Reads them ahead, once, on this cursor.
        /// </summary>
        public bool RowsAreSparse => _sparse ??= ReadAhead();

        private bool ReadAhead()
        {
            bool sparse = true;
            while (_ahead.Count < RowsInspected && _cursor.MoveNext())
            {
                _getter(ref _buffer);
                VBuffer<float> copy = default;
                _buffer.CopyTo(ref copy);
                _ahead.Enqueue(copy);
                sparse &= !copy.IsDense;
            }
            return sparse && _ahead.Count > 0;
        }

        // The next row into _buffer (a row read ahead first); false at the end of the pass.
        private bool Next()
        {
            if (_ahead.TryDequeue(out var row)) _buffer = row;
            else if (_cursor.MoveNext()) _getter(ref _buffer);
            else return false;
            if (_buffer.Length != _size)
                throw new InvalidOperationException($"{Row} has {_buffer.Length} values, but the column's type says {_size}.");
            return true;
        }

        public bool TryReadRow(Span<float> destination)
        {
            if (!Next()) return false;
            // VBuffer.CopyTo trusts a sparse row's indices: one past V threw IndexOutOfRangeException, a
            // negative, repeated or descending one dropped values without a word (ZCA, the featurizer, and
            // training on a column whose first rows are dense read rows here).
            if (!_buffer.IsDense && VectorKernels.FindSparseRowFault(_buffer.GetIndices(), _buffer.GetValues(), _size) is { } fault)
                throw fault.ToException(Row);
            _buffer.CopyTo(destination);
            int bad = VectorKernels.IndexOfNonFinite(destination);
            if (bad >= 0)
                throw new ArgumentException(
                    $"{Row} holds {destination[bad]} at index {bad}; training needs finite values in every row.", "input");
            _row++;
            return true;
        }

        public bool TryReadSparseRow(Span<int> indices, Span<float> values, out int count)
        {
            count = 0;
            if (indices.Length != _size || values.Length != _size)
                throw new ArgumentException($"indices and values must both hold V = {_size} values, but hold {indices.Length} and {values.Length}.");
            if (!Next()) return false;
            var stored = _buffer.GetValues();
            if (_buffer.IsDense)
                count = SparseRows.Compress(stored, indices, values);   // a dense row among sparse ones: its nonzeros
            else
            {
                var storedIndices = _buffer.GetIndices();
                if (VectorKernels.FindSparseRowFault(storedIndices, stored, _size) is { } fault) throw fault.ToException(Row);
                storedIndices.CopyTo(indices);
                stored.CopyTo(values);
                count = stored.Length;
            }
            int bad = VectorKernels.IndexOfNonFinite(values.Slice(0, count));
            if (bad >= 0)
                throw new ArgumentException(
                    $"{Row} holds {values[bad]} at index {indices[bad]}; training needs finite values in every row.", "input");
            _row++;
            return true;
        }

        public void Dispose() => _cursor.Dispose();
    }
}
