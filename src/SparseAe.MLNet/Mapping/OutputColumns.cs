using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Kernels;
using SparseAe.MLNet.DataViews;

namespace SparseAe.MLNet.Mapping;

/// <summary>A column computed from the input column: its name, type, and a factory of getters.</summary>
/// <typeparam name="TInput">The reader of the current row's input it is given: <see cref="InputVector"/>
/// or <see cref="InputText"/>, or what a transformer makes of an InputVector to share work between its columns
/// (<see cref="OutputColumns.OverVector"/>).</typeparam>
/// <param name="Name">The output column's name.</param>
/// <param name="Type">The output column's type.</param>
/// <param name="MakeGetter">Given the reader of the current row's input, returns a ValueGetter of the column's
/// type. One reader serves every computed getter of a mapped cursor or row (one thread reads a cursor); each
/// cursor and row has its own, and each getter owns its other buffers, so getters on different cursors can run
/// on different threads.</param>
/// <param name="Annotations">The column's annotations (slot names), if any.</param>
internal sealed record ComputedColumn<TInput>(string Name, DataViewType Type, Func<TInput, Delegate> MakeGetter,
    DataViewSchema.Annotations? Annotations = null);

/// <summary>
/// Work on the current input row that the getters of one mapped cursor or row share (the autoencoder's code and error columns: the row read and encoded once):
/// done once per row position, however many of them read the row and however often, by ML.NET's convention that a
/// row keeps its values while its Position stays (ML.NET's own row mappers cache by it). A row without a position
/// (negative) is worked on at every call. Failed work is not kept: the next call does it again.
/// </summary>
internal abstract class OncePerRow
{
    private long _done = -1;   // the position the work was last done for

    /// <summary>The position of the input row.</summary>
    public abstract long Position { get; }

    /// <summary>Does the work for the current row.</summary>
    protected abstract void Work();

    /// <summary>Does the work unless it was done for this row.</summary>
    protected void Update()
    {
        long position = Position;
        if (position >= 0 && position == _done) return;
        _done = -1;
        Work();
        _done = position;
    }
}

/// <summary>
/// Reads the input vector of the current row, checking its length: as dense floats (<see cref="Read"/>), or as it is
/// stored (<see cref="ReadStored"/>), so that a sparse row reaches the encoder without being densified.
/// </summary>
internal sealed class InputVector(DataViewRow row, DataViewSchema.Column column, int size)
{
    private readonly ValueGetter<VBuffer<float>> _getter = row.GetGetter<VBuffer<float>>(column);
    private float[]? _dense;   // made on the first sparse row that must be densified
    private VBuffer<float> _buffer;

    /// <summary>The input row's position, which work shared by several getters keys on (<see cref="OncePerRow"/>).</summary>
    public long Position => row.Position;

    // A row without a position (negative: a user's own DataViewRow may have none) is not called "Row -1".
    private string RowName() => row.Position >= 0
        ? $"Row {row.Position} of column '{column.Name}'"
        : $"A row of column '{column.Name}' (one without a position)";

    /// <summary>The row as V dense floats (a sparse row is copied out into a buffer of this reader's).</summary>
    public ReadOnlySpan<float> Read()
    {
        ReadStored();
        return Last();
    }

    /// <summary>
    /// The row as stored: dense (Values has V floats) or sparse (Indices and Values its nonzeros, the
    /// indices as ML.NET keeps them, ascending), without copying.
    /// </summary>
    public StoredRow ReadStored()
    {
        _getter(ref _buffer);
        if (_buffer.Length != size)
            throw new InvalidOperationException($"{RowName()} has {_buffer.Length} values, but the transform takes {size}.");
        if (_buffer.IsDense) return new StoredRow(false, default, _buffer.GetValues());
        // Checked here, for every reader of the row: VBuffer.CopyTo trusts the indices (an index past V threw
        // IndexOutOfRangeException, a negative or repeated one gave wrong values without a word).
        if (VectorKernels.FindSparseRowFault(_buffer.GetIndices(), _buffer.GetValues(), size) is { } fault)
            throw fault.ToException(RowName());
        return new StoredRow(true, _buffer.GetIndices(), _buffer.GetValues());
    }

    /// <summary>The row the last <see cref="ReadStored"/> read, as V dense floats, without reading it again.</summary>
    public ReadOnlySpan<float> Last()
    {
        if (_buffer.IsDense) return _buffer.GetValues();   // no copy for the usual dense row
        _dense ??= new float[size];
        _buffer.CopyTo(_dense);
        return _dense;
    }
}

/// <summary>A row as its VBuffer stores it: dense values, or the indices and values of its nonzeros.</summary>
internal readonly ref struct StoredRow(bool isSparse, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
{
    public bool IsSparse { get; } = isSparse;
    public ReadOnlySpan<int> Indices { get; } = indices;
    public ReadOnlySpan<float> Values { get; } = values;
}

/// <summary>Reads the input text of the current row (a missing value reads as empty text).</summary>
internal sealed class InputText(DataViewRow row, DataViewSchema.Column column)
{
    private readonly ValueGetter<ReadOnlyMemory<char>> _getter = row.GetGetter<ReadOnlyMemory<char>>(column);
    private ReadOnlyMemory<char> _text;

    public ReadOnlyMemory<char> Read()
    {
        _getter(ref _text);
        return _text;
    }
}

/// <summary>
/// A transformer's view of one input schema: the output schema (every input column, each computed column
/// right after the input column of its name that it hides, or else at the end, as ML.NET places them) and the
/// getters that produce them, from one input column (a vector or a text).
/// </summary>
internal sealed class OutputColumns
{
    private readonly DataViewSchema.Column _input;
    // Makes the reader of an input row's input column that the computed getters of one mapped cursor or row share.
    private readonly Func<DataViewRow, DataViewSchema.Column, object> _reader;
    // Each computed column, given that reader, a getter.
    private readonly IReadOnlyList<ComputedColumn<object>> _computed;
    // Each output column's source: the index of the input column passed through, or ~k for computed column k.
    private readonly int[] _sources;

    /// <summary>
    /// Columns computed from a known-size vector of Single, read densely as <see cref="InputVector"/>;
    /// <paramref name="sizeRule"/> says where <paramref name="inputSize"/> comes from, for the message when
    /// a column has another size ("the size the autoencoder was trained on"). A schema that breaks the input
    /// column's rules is refused as <paramref name="paramName"/>, the caller's public parameter.
    /// </summary>
    public OutputColumns(DataViewSchema inputSchema, string paramName, string inputColumnName, int inputSize, string sizeRule, IReadOnlyList<ComputedColumn<InputVector>> computed)
        : this(inputSchema, InputColumnRules.Find(inputSchema, paramName, inputColumnName, inputSize, sizeRule),
            (row, column) => new InputVector(row, column, inputSize), Erase(computed))
    {
    }

    /// <summary>
    /// Columns computed, as in the constructor, from a known-size vector of Single, through a reader that
    /// <paramref name="share"/> makes of the <see cref="InputVector"/>: work several columns need (the row's code, for
    /// the code and the error columns) is then done once a row, for all the getters of a cursor (<see cref="OncePerRow"/>).
    /// </summary>
    public static OutputColumns OverVector<TShared>(DataViewSchema inputSchema, string paramName, string inputColumnName, int inputSize, string sizeRule,
        Func<InputVector, TShared> share, IReadOnlyList<ComputedColumn<TShared>> computed) where TShared : class
        => new(inputSchema, InputColumnRules.Find(inputSchema, paramName, inputColumnName, inputSize, sizeRule),
            (row, column) => share(new InputVector(row, column, inputSize)), Erase(computed));

    /// <summary>Columns computed from a text column, read as <see cref="InputText"/> (a schema without it refused as <paramref name="paramName"/>).</summary>
    public static OutputColumns OverText(DataViewSchema inputSchema, string paramName, string inputColumnName, IReadOnlyList<ComputedColumn<InputText>> computed)
        => new(inputSchema, InputColumnRules.FindText(inputSchema, paramName, inputColumnName), (row, column) => new InputText(row, column), Erase(computed));

    private OutputColumns(DataViewSchema inputSchema, DataViewSchema.Column input, Func<DataViewRow, DataViewSchema.Column, object> reader,
        IReadOnlyList<ComputedColumn<object>> computed)
    {
        InputSchema = inputSchema;
        _input = input;
        _reader = reader;
        _computed = computed;
        _sources = Order(inputSchema, computed.Select(c => c.Name).ToArray());
        var builder = new DataViewSchema.Builder();
        foreach (int source in _sources)
        {
            if (source >= 0) builder.AddColumn(inputSchema[source].Name, inputSchema[source].Type, inputSchema[source].Annotations);
            else builder.AddColumn(computed[~source].Name, computed[~source].Type, computed[~source].Annotations);
        }
        OutputSchema = builder.ToSchema();
    }

    // ML.NET's order (its ColumnBindings): a computed column that replaces an input column ("Features" -> "Features")
    // comes right after the last column of its name, which it hides, so it keeps the replaced column's place; one of
    // a new name comes at the end. Appended at the end, a replacement moved the column after all the others
    // (Preview, SaveAsText and a schema read by position listed it last, where NormalizeMinMax keeps it in place).
    private static int[] Order(DataViewSchema inputSchema, string[] computed)
    {
        var sources = Enumerable.Range(0, inputSchema.Count).ToList();
        string Name(int source) => source >= 0 ? inputSchema[source].Name : computed[~source];
        for (int k = 0; k < computed.Length; k++)
        {
            int last = sources.FindLastIndex(source => Name(source) == computed[k]);
            if (last < 0) sources.Add(~k);
            else sources.Insert(last + 1, ~k);
        }
        return [.. sources];
    }

    // The columns over readers of one type, held over readers of any (each is given the reader _reader made).
    private static ComputedColumn<object>[] Erase<TInput>(IReadOnlyList<ComputedColumn<TInput>> computed)
        => computed.Select(c => new ComputedColumn<object>(c.Name, c.Type, reader => c.MakeGetter((TInput)reader), c.Annotations)).ToArray();

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }

    public bool IsComputed(int index) => _sources[index] < 0;

    /// <summary>The input column that output column <paramref name="index"/> passes through (it is not computed).</summary>
    public DataViewSchema.Column PassedThrough(int index) => InputSchema[_sources[index]];

    /// <summary>The input columns needed to produce the given output columns.</summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new SortedSet<int>();
        foreach (var c in outputColumns) needed.Add(IsComputed(c.Index) ? _input.Index : _sources[c.Index]);
        return needed.Select(i => InputSchema[i]).ToArray();
    }

    /// <summary>
    /// A getter of output column <paramref name="column"/> over <paramref name="input"/>. <paramref name="reader"/> is
    /// the reader of the input column that the computed getters of one mapped cursor or row share: made here on the
    /// first of them (the input column is active only when one is), kept by the caller, one per cursor or row.
    /// </summary>
    public ValueGetter<T> GetGetter<T>(DataViewRow input, DataViewSchema.Column column, ref object? reader)
    {
        if (!IsComputed(column.Index)) return input.GetGetter<T>(PassedThrough(column.Index));
        reader ??= _reader(input, _input);
        var getter = _computed[~_sources[column.Index]].MakeGetter(reader);
        return getter as ValueGetter<T>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {TypeName(typeof(T))}.");
    }

    /// <summary>A type as C# spells it, VBuffer&lt;Double&gt; rather than .NET's VBuffer`1.</summary>
    public static string TypeName(Type type)
        => type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>" : type.Name;

    /// <summary>Writes a dense vector into a VBuffer, reusing its storage.</summary>
    public static void Write(ReadOnlySpan<float> values, ref VBuffer<float> destination)
    {
        var editor = VBufferEditor.Create(ref destination, values.Length);
        values.CopyTo(editor.Values);
        destination = editor.Commit();
    }
}
