using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Kernels;
using SparseAe.Training;

namespace SparseAe.MLNet.Data;

/// <summary>
/// Reads the input column of an IDataView as rows of V floats: all at once for L-BFGS, or in passes
/// for Adam. Sparse vectors are densified. A NaN or infinity is refused with its row number.
/// </summary>
internal sealed class DataViewRows(IDataView data, DataViewSchema.Column column, int vectorSize) : IRowSource
{
    public int VectorSize => vectorSize;

    /// <summary>Every row in one array (rows, V) row-major. Throws if there are none.</summary>
    public (float[] Data, int Rows) ReadAll(Action checkAlive)
    {
        var chunks = new List<float[]>();
        const int rowsPerChunk = 4096;
        var current = new float[rowsPerChunk * vectorSize];
        long rows = 0;
        int inChunk = 0;
        using (var reader = OpenPass(0))
        {
            while (reader.TryReadRow(current.AsSpan(inChunk * vectorSize, vectorSize)))
            {
                rows++;
                if (++inChunk == rowsPerChunk)
                {
                    checkAlive();
                    chunks.Add(current);
                    current = new float[rowsPerChunk * vectorSize];
                    inChunk = 0;
                }
                if (rows * vectorSize > Array.MaxLength)
                    throw new InvalidOperationException(
                        $"Column '{column.Name}' holds more than {Array.MaxLength / vectorSize} rows of {vectorSize} values, more than L-BFGS can hold in memory; use Optimizer = Adam, which streams.");
            }
        }
        if (rows == 0) throw NoRows();
        var all = new float[rows * vectorSize];
        int offset = 0;
        foreach (var c in chunks) { c.CopyTo(all, offset); offset += c.Length; }
        Array.Copy(current, 0, all, offset, inChunk * vectorSize);
        return (all, (int)rows);
    }

    public IRowReader OpenPass(int pass) => new Reader(data.GetRowCursor(new[] { column }), column, vectorSize);

    public long? RowCount => data.GetRowCount();

    /// <summary>A cursor in the view's own random order when it can shuffle (ML.NET's <c>CanShuffle</c>).</summary>
    public IRowReader OpenShuffledPass(int pass, Random random)
        => data.CanShuffle ? new Reader(data.GetRowCursor(new[] { column }, random), column, vectorSize) : OpenPass(pass);

    public ArgumentException NoRows() => new($"The training data have no rows; column '{column.Name}' needs at least 1.", "input");

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
