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
        => columns.Dependencies(ActiveFlags.Requested(columns.OutputSchema, dependingColumns, nameof(dependingColumns)));

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        if (input.Schema != columns.InputSchema)
            throw new ArgumentException("The row's schema is not the schema this mapper was made for.", nameof(input));
        var active = ActiveFlags.Requested(columns.OutputSchema, activeColumns, nameof(activeColumns));
        // A computed column reads the input column: over an input row without it active, the row said the column was
        // active and its getter then failed with ML.NET's "requested column not active", naming no column.
        foreach (var column in active.Where(c => columns.IsComputed(c.Index)))
        {
            var source = columns.Dependencies([column]).Single();
            if (!input.IsColumnActive(source))
                throw new ArgumentException($"Column '{column.Name}' is computed from input column '{source.Name}', which is not active in the input row; " +
                    "the input row must have the columns GetDependencies names active.", nameof(input));
        }
        return new MappedRow(input, columns, active);
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
/// the other a DataViewRowCursor): which output columns are active, and their getters, whose computed ones share
/// one reader of the input row.
/// </summary>
internal sealed class MappedColumns(DataViewRow input, OutputColumns columns, IEnumerable<DataViewSchema.Column> activeColumns)
{
    private readonly bool[] _active = ActiveFlags.From(columns.OutputSchema, activeColumns);
    private object? _reader;   // the computed getters' shared reader of the input row (OutputColumns.GetGetter)

    // A column is active when it was asked for, as in ML.NET's cursors: the input column that a computed column
    // reads is active in the input, but was reported active here too when only the computed column was asked for.
    public bool IsColumnActive(DataViewSchema.Column column)
        => ActiveFlags.InSchema(columns.OutputSchema, column, nameof(column)) && _active[column.Index]
            && (columns.IsComputed(column.Index) || input.IsColumnActive(columns.PassedThrough(column.Index)));

    public ValueGetter<TValue> GetGetter<TValue>(DataViewRow owner, DataViewSchema.Column column)
    {
        ActiveFlags.CheckActive(owner, column);
        return columns.GetGetter<TValue>(input, column, ref _reader);
    }
}

internal static class ActiveFlags
{
    /// <summary>The one message for a getter called off a row (before the first MoveNext or after the last), as ML.NET's cursors refuse it.</summary>
    public static InvalidOperationException NoRow(string column) => NoRowFor($"Column '{column}'");

    /// <summary><see cref="NoRow"/> for a getter that reads no column: the row id.</summary>
    public static InvalidOperationException NoRowId() => NoRowFor("The row id");

    private static InvalidOperationException NoRowFor(string what)
        => new($"{what} cannot be read: the cursor is on no row (before its first MoveNext, or after MoveNext returned false).");

    /// <summary>
    /// The columns asked for, each checked to be a column of <paramref name="schema"/>: a column of another
    /// schema indexed past this one's end (IndexOutOfRangeException) or read another column.
    /// </summary>
    public static DataViewSchema.Column[] Requested(DataViewSchema schema, IEnumerable<DataViewSchema.Column>? columns, string parameter)
    {
        ArgumentNullException.ThrowIfNull(columns, parameter);
        var requested = columns.ToArray();
        foreach (var c in requested) InSchema(schema, c, parameter);
        return requested;
    }

    /// <summary>True, or an ArgumentOutOfRangeException naming the column when it is not one of <paramref name="schema"/>'s.</summary>
    public static bool InSchema(DataViewSchema schema, DataViewSchema.Column column, string parameter)
    {
        if (column.Index >= 0 && column.Index < schema.Count && schema[column.Index].Name == column.Name && schema[column.Index].Type.Equals(column.Type))
            return true;
        throw new ArgumentOutOfRangeException(parameter,
            $"Column '{column.Name}' (index {column.Index}, {column.Type}) is not a column of this schema, whose {schema.Count} columns are {string.Join(", ", schema.Select(c => $"'{c.Name}'"))}.");
    }

    /// <summary>The active flags of <paramref name="schema"/>'s columns; the columns come checked by <see cref="Requested"/>.</summary>
    public static bool[] From(DataViewSchema schema, IEnumerable<DataViewSchema.Column> active)
    {
        var flags = new bool[schema.Count];
        foreach (var c in active) flags[c.Index] = true;
        return flags;
    }

    public static void CheckActive(DataViewRow row, DataViewSchema.Column column)
    {
        InSchema(row.Schema, column, nameof(column));
        if (!row.IsColumnActive(column))
            throw new InvalidOperationException($"Column '{column.Name}' was not requested as active when the row or cursor was made.");
    }
}
