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

    /// <summary>
    /// Every row in one array (rows, V) row-major, or, when the view has more than
    /// <paramref name="maxRows"/> rows and a <paramref name="sampler"/> is given, a uniform random
    /// sample of <paramref name="maxRows"/> of them in one pass (reservoir sampling: Vitter 1985,
    /// "Random sampling with a reservoir", Algorithm R). Without a sampler, more than
    /// <paramref name="maxRows"/> rows throw <paramref name="tooMany"/>. Throws if there are no rows.
    /// </summary>
    /// <returns>The rows kept, how many, and how many the view had.</returns>
    public (float[] Data, int Rows, long Seen) ReadAll(Action checkAlive, long maxRows, Random? sampler, Func<Exception> tooMany)
    {
        maxRows = Math.Min(maxRows, Array.MaxLength / vectorSize);
        const int rowsPerChunk = 4096;
        var chunks = new List<float[]>();
        var row = new float[vectorSize];
        long seen = 0;
        using (var reader = OpenPass(0))
        {
            while (true)
            {
                if (seen < maxRows)
                {
                    int inChunk = (int)(seen % rowsPerChunk);
                    if (inChunk == 0) { checkAlive(); chunks.Add(new float[rowsPerChunk * vectorSize]); }
                    if (!reader.TryReadRow(chunks[^1].AsSpan(inChunk * vectorSize, vectorSize))) break;
                }
                else
                {
                    if (!reader.TryReadRow(row)) break;
                    if (sampler is null) throw tooMany();
                    if (seen % rowsPerChunk == 0) checkAlive();
                    long j = sampler.NextInt64(seen + 1);   // row `seen` replaces a kept one with probability maxRows / (seen + 1)
                    if (j < maxRows) row.CopyTo(chunks[(int)(j / rowsPerChunk)].AsSpan((int)(j % rowsPerChunk) * vectorSize, vectorSize));
                }
                seen++;
            }
        }
        if (seen == 0) throw NoRows();
        long kept = Math.Min(seen, maxRows);
        var all = new float[kept * vectorSize];
        long offset = 0;
        foreach (var c in chunks)
        {
            int n = (int)Math.Min(c.Length, all.LongLength - offset);
            Array.Copy(c, 0, all, offset, n);
            offset += n;
        }
        return (all, (int)kept, seen);
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
