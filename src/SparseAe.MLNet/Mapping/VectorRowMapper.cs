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

/// <summary>A row of the output schema over a row of the input schema.</summary>
internal sealed class MappedRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly OutputColumns _columns;
    private readonly bool[] _active;

    public MappedRow(DataViewRow input, OutputColumns columns, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _input = input;
        _columns = columns;
        _active = ActiveFlags.From(columns.OutputSchema, activeColumns);
    }

    public override DataViewSchema Schema => _columns.OutputSchema;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column)
        => _columns.IsComputed(column.Index) ? _active[column.Index] : _input.IsColumnActive(_columns.InputSchema[column.Index]);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        ActiveFlags.CheckActive(this, column);
        return _columns.GetGetter<TValue>(_input, column);
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
