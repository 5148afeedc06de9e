using Microsoft.ML;
using SparseAe.MLNet.DataViews;
using SparseAe.Training;

namespace SparseAe.MLNet;

/// <summary><c>mlContext.Data.LoadFromRowSource(...)</c>: streams rows of floats into ML.NET.</summary>
public static class RowSourceCatalog
{
    /// <summary>
    /// An IDataView with one column, <paramref name="columnName"/>, a vector of
    /// <c>source.VectorSize</c> Single values per row. Rows are read on demand, one pass per cursor,
    /// so the source can be larger than memory (a patch sampler, a file reader).
    /// </summary>
    /// <param name="catalog">The data catalog.</param>
    /// <param name="source">The rows: its VectorSize must be at least 1, and its RowCount must be null or at least 0.</param>
    /// <param name="columnName">The vector column's name. A non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="rowCount">
    /// The number of rows if known (reported by GetRowCount), else null: the source's own <c>RowCount</c> then. ML.NET
    /// trusts it (Cache reads that many rows), so a cursor whose source has other than this many throws, naming both.
    /// It must be null or at least 0, and, when the source says its RowCount, null or the source's rows (its RowCount).
    /// </param>
    public static IDataView LoadFromRowSource(this DataOperationsCatalog catalog, IRowSource source,
        string columnName = "Features", long? rowCount = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(source);
        InputColumnRules.CheckName(columnName, nameof(columnName));
        if (source.VectorSize < 1)
            throw new ArgumentOutOfRangeException(nameof(source), source.VectorSize, $"The source's VectorSize must be at least 1, but is {source.VectorSize}.");
        // The view reports the source's RowCount when no rowCount is given: a negative one would be its count.
        if (source.RowCount < 0)
            throw new ArgumentOutOfRangeException(nameof(source), source.RowCount, $"The source's RowCount must be null or at least 0, but is {source.RowCount}.");
        if (rowCount < 0)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"rowCount must be null or at least 0, but is {rowCount}.");
        if (rowCount is not null && source.RowCount is { } known && rowCount != known)
            throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"rowCount must be null or the source's {known} rows (its RowCount), but is {rowCount}.");
        return new RowSourceDataView(source, columnName, rowCount ?? source.RowCount, countGiven: rowCount is not null);
    }
}
