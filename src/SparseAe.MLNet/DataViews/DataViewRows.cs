using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Kernels;
using SparseAe.Training;

namespace SparseAe.MLNet.DataViews;

/// <summary>
/// The input column of an IDataView as a row source: passes of rows of V floats, in the view's order
/// or its own random order. Sparse vectors are densified. A NaN or infinity is refused with its row number.
/// </summary>
internal sealed class DataViewRows(IDataView data, DataViewSchema.Column column, int vectorSize) : IRowSource
{
    public int VectorSize => vectorSize;

    public IRowReader OpenPass(int pass) => new Reader(data.GetRowCursor(new[] { column }), column, vectorSize);

    public long? RowCount => data.GetRowCount();

    /// <summary>A cursor in the view's own random order when it can shuffle (ML.NET's <c>CanShuffle</c>).</summary>
    public IRowReader OpenShuffledPass(int pass, Random random)
        => data.CanShuffle ? new Reader(data.GetRowCursor(new[] { column }, random), column, vectorSize) : OpenPass(pass);

    public string Description => $"column '{column.Name}'";

    private sealed class Reader : IRowReader
    {
        private readonly DataViewRowCursor _cursor;
        private readonly ValueGetter<VBuffer<float>> _getter;
        private readonly string _name;
        private readonly int _size;
        private VBuffer<float> _buffer;
        private long _row;

        public Reader(DataViewRowCursor cursor, DataViewSchema.Column column, int size)
        {
            _cursor = cursor;
            _getter = cursor.GetGetter<VBuffer<float>>(column);
            _name = column.Name;
            _size = size;
        }

        public bool TryReadRow(Span<float> destination)
        {
            if (!_cursor.MoveNext()) return false;
            _getter(ref _buffer);
            if (_buffer.Length != _size)
                throw new InvalidOperationException($"Row {_row} of column '{_name}' has {_buffer.Length} values, but the column's type says {_size}.");
            _buffer.CopyTo(destination);
            int bad = VectorKernels.IndexOfNonFinite(destination);
            if (bad >= 0)
                throw new ArgumentException(
                    $"Row {_row} of column '{_name}' holds {destination[bad]} at index {bad}; training needs finite values in every row.", "input");
            _row++;
            return true;
        }

        public void Dispose() => _cursor.Dispose();
    }
}
