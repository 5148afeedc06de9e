using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.MLNet.Mapping;

/// <summary>
/// Row-to-row mapping, which PredictionEngine needs (without IRowToRowMapper it throws
/// "Must be a row to row mapper") and which TransformerChain composes when the autoencoder sits
/// anywhere in a chain.
/// </summary>
internal sealed class VectorRowMapper(OutputColumns columns) : IRowToRowMapper
{
    public DataViewSchema InputSchema => columns.InputSchema;
    public DataViewSchema OutputSchema => columns.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        => columns.Dependencies(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        if (input.Schema != columns.InputSchema)
            throw new ArgumentException("The row's schema is not the schema this mapper was made for.", nameof(input));
        return new MappedRow(input, columns, activeColumns);
    }
}

/// <summary>
/// A row of the output schema over a row of the input schema. It owns the input row, as ML.NET's
/// IRowToRowMapper.GetRow requires: disposing it disposes the input row, once, so upstream
/// transforms (ONNX, TensorFlow) free what their rows hold.
/// </summary>
internal sealed class MappedRow(DataViewRow input, OutputColumns columns, IEnumerable<DataViewSchema.Column> activeColumns) : DataViewRow
{
    private readonly MappedColumns _view = new(input, columns, activeColumns);
    private bool _disposed;

    public override DataViewSchema Schema => columns.OutputSchema;
    public override long Position => input.Position;
    public override long Batch => input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
    public override bool IsColumnActive(DataViewSchema.Column column) => _view.IsColumnActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _view.GetGetter<TValue>(this, column);

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (disposing) input.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// What a mapped row and a mapped cursor share (they cannot share a base class: one is a DataViewRow,
/// the other a DataViewRowCursor): which output columns are active, and their getters.
/// </summary>
internal sealed class MappedColumns(DataViewRow input, OutputColumns columns, IEnumerable<DataViewSchema.Column> activeColumns)
{
    private readonly bool[] _active = ActiveFlags.From(columns.OutputSchema, activeColumns);

    public bool IsColumnActive(DataViewSchema.Column column)
        => columns.IsComputed(column.Index) ? _active[column.Index] : input.IsColumnActive(columns.InputSchema[column.Index]);

    public ValueGetter<TValue> GetGetter<TValue>(DataViewRow owner, DataViewSchema.Column column)
    {
        ActiveFlags.CheckActive(owner, column);
        return columns.GetGetter<TValue>(input, column);
    }
}

internal static class ActiveFlags
{
    public static bool[] From(DataViewSchema schema, IEnumerable<DataViewSchema.Column> active)
    {
        var flags = new bool[schema.Count];
        foreach (var c in active) flags[c.Index] = true;
        return flags;
    }

    public static void CheckActive(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= row.Schema.Count)
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not in this row's schema.");
        if (!row.IsColumnActive(column))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested as active when the row or cursor was made.");
    }
}
