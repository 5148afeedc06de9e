using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.MLNet.DataViews;

/// <summary>
/// The rules for a transform's input column (a vector of Single, or text), with messages that name the column, the rule and what was found.
/// Each refusal names the public method's parameter that carried the schema, as ML.NET's own components do: inputSchema
/// (IEstimator.GetOutputSchema, ITransformer.GetOutputSchema and GetRowToRowMapper) or input (Fit, Transform).
/// </summary>
internal static class InputColumnRules
{
    /// <summary>
    /// Finds the input column in a schema, a known-size vector of Single, of <paramref name="expectedSize"/>
    /// values when given; <paramref name="sizeRule"/> says where that size comes from ("the size the
    /// autoencoder was trained on"). A schema that breaks a rule is refused as <paramref name="paramName"/>.
    /// </summary>
    public static DataViewSchema.Column Find(DataViewSchema schema, string paramName, string name, int? expectedSize, string? sizeRule = null)
    {
        var column = Named(schema, paramName, name);
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(paramName,
                $"Input column '{name}' must be a known-size vector of Single, but is {column.Type}.");
        if (!vector.IsKnownSize)
            throw new ArgumentOutOfRangeException(paramName,
                $"Input column '{name}' must be a known-size vector of Single, but its size is variable ({column.Type}).");
        if (expectedSize is int v && vector.Size != v)
            throw new ArgumentOutOfRangeException(paramName,
                $"Input column '{name}' must be a vector of {v} Single values{(sizeRule is null ? "" : $", {sizeRule}")}, but has {vector.Size}.");
        return column;
    }

    /// <summary>Finds a text input column (ReadOnlyMemory&lt;char&gt;, one value per row) in a schema, as <see cref="Find"/> does.</summary>
    public static DataViewSchema.Column FindText(DataViewSchema schema, string paramName, string name)
    {
        var column = Named(schema, paramName, name);
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(paramName, $"Input column '{name}' must be text (one String per row), but is {column.Type}.");
        return column;
    }

    /// <summary>The text rule on a SchemaShape, with <see cref="FindText"/>'s words.</summary>
    private static void CheckText(SchemaShape shape, string paramName, string name)
    {
        var col = Named(shape, paramName, name);
        if (col.Kind != SchemaShape.Column.VectorKind.Scalar || col.ItemType is not TextDataViewType || col.IsKey)
            throw new ArgumentOutOfRangeException(paramName, $"Input column '{name}' must be text (one String per row), but is {Describe(col)}.");
    }

    /// <summary>The same rules on a SchemaShape (estimator-time checks, where only the kind is known).</summary>
    private static void Check(SchemaShape shape, string paramName, string name)
    {
        var col = Named(shape, paramName, name);
        if (col.Kind != SchemaShape.Column.VectorKind.Vector || col.ItemType != NumberDataViewType.Single || col.IsKey)
            throw new ArgumentOutOfRangeException(paramName, $"Input column '{name}' must be a known-size vector of Single, but is {Describe(col)}.");
    }

    // A shape column as the messages say it: "a scalar key of UInt32", "a variable-size vector of Double".
    private static string Describe(SchemaShape.Column col)
    {
        string kind = col.Kind switch
        {
            SchemaShape.Column.VectorKind.Scalar => "a scalar",
            SchemaShape.Column.VectorKind.Vector => "a vector",
            _ => "a variable-size vector",
        };
        return $"{kind}{(col.IsKey ? " key" : "")} of {col.ItemType}";
    }

    // The column of that name, or an error listing the columns there are.
    private static DataViewSchema.Column Named(DataViewSchema schema, string paramName, string name)
        => schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(paramName, NotFound(name, schema.Where(c => !c.IsHidden).Select(c => c.Name)));

    // The same on a SchemaShape. SchemaShape.TryFindColumn is internal; the last column of a name wins, as in a schema.
    private static SchemaShape.Column Named(SchemaShape shape, string paramName, string name)
        => shape.LastOrDefault(c => c.Name == name) is { Name: not null } column ? column
            : throw new ArgumentOutOfRangeException(paramName, NotFound(name, shape.Select(c => c.Name)));

    // "...; the data have columns: 'a', 'b'.", or, for data without a column, "...; the data have no columns."
    // (the empty list read "the data have columns: .").
    private static string NotFound(string name, IEnumerable<string> columns)
    {
        string list = string.Join(", ", columns.Select(c => $"'{c}'"));
        return $"Input column '{name}' was not found; the data have {(list.Length == 0 ? "no columns" : $"columns: {list}")}.";
    }

    /// <summary>
    /// The estimators' output shape (their GetOutputSchema): the input shape with the given columns added (or
    /// replaced), a shape that breaks the rules refused as IEstimator.GetOutputSchema's parameter, inputSchema.
    /// </summary>
    public static SchemaShape WithOutputs(SchemaShape inputSchema, string inputColumnName, params OutputShape[] outputs)
    {
        Check(inputSchema, nameof(inputSchema), inputColumnName);
        return WithColumns(inputSchema, outputs);
    }

    /// <summary>The input shape with the given Single columns added (or replaced), computed from a text column, as <see cref="WithOutputs"/>.</summary>
    public static SchemaShape WithOutputsFromText(SchemaShape inputSchema, string inputColumnName, params OutputShape[] outputs)
    {
        CheckText(inputSchema, nameof(inputSchema), inputColumnName);
        return WithColumns(inputSchema, outputs);
    }

    private static SchemaShape WithColumns(SchemaShape input, OutputShape[] outputs)
    {
        var columns = input.ToDictionary(c => c.Name);
        foreach (var (name, kind, slotNames) in outputs)
            columns[name] = MLNetInternals.HostAccess.ShapeColumn(name, kind, NumberDataViewType.Single, slotNames);
        return new SchemaShape(columns.Values);
    }

    /// <summary>
    /// The rules of a column name an estimator is given, checked when it is made: not empty or blank
    /// (null too, unless <paramref name="optional"/>, where null means "none" or "the other column"),
    /// and one a saved model can hold (<see cref="CheckSavable"/>). <paramref name="option"/> names the
    /// option or parameter in the message.
    /// </summary>
    public static void CheckName(string? name, string option, bool optional = false)
    {
        if (optional && name is null) return;
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"{option} must be {(optional ? "null or " : "")}a non-blank column name, but is {(name is null ? "null" : $"'{name}'")}.", option);
        CheckSavable(name, option);
    }

    /// <summary>
    /// Refuses, when an estimator is made, a column name that a saved model could not hold (see
    /// <see cref="SparseAe.Persistence.ModelFormat.ColumnNameProblem"/>), so that Save never fails half-way
    /// through ML.NET's zip. <paramref name="option"/> names the option or parameter in the message.
    /// </summary>
    public static void CheckSavable(string? name, string option)
    {
        if (name is not null && SparseAe.Persistence.ModelFormat.ColumnNameProblem(name) is { } problem)
            throw new ArgumentException($"{option} {problem}, so a model with it could not be saved.", option);
    }
}

/// <summary>An output column of an estimator's shape: a Single scalar or vector, with slot names or not
/// (as the fitted transformer's column will have them).</summary>
internal readonly record struct OutputShape(string Name, SchemaShape.Column.VectorKind Kind, bool SlotNames = false);
