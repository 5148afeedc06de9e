using Microsoft.ML;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// A view with the schema of <paramref name="schemaSource"/> that says it has <paramref name="rows"/> rows (null: does not say) and fails
/// the test if any row is read: for the refusals that must come from the row count, before the rows.
/// </summary>
internal sealed class HugeView(IDataView schemaSource, long? rows) : IDataView
{
    public bool CanShuffle => false;
    public DataViewSchema Schema => schemaSource.Schema;
    public long? GetRowCount() => rows;
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => throw new InvalidOperationException("a row was read");
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => throw new InvalidOperationException("a row was read");
}
