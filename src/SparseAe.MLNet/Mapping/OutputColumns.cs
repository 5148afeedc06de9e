using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet.Data;
using SparseAe.Model;

namespace SparseAe.MLNet.Mapping;

/// <summary>
/// The transformer's view of one input schema: the output schema (every input column, then the code
/// column and the optional reconstruction-error column) and the getters that compute them.
/// </summary>
internal sealed class OutputColumns
{
    private readonly AutoencoderEncoder _encoder;
    private readonly DataViewSchema.Column _input;

    public OutputColumns(SparseAutoencoderTransformer transformer, DataViewSchema inputSchema)
    {
        _encoder = transformer.Encoder;
        InputSchema = inputSchema;
        _input = InputColumnRules.Find(inputSchema, transformer.InputColumnName, _encoder.VisibleCount);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(transformer.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, _encoder.HiddenCount));
        if (transformer.ReconstructionErrorColumnName is string errorName)
            builder.AddColumn(errorName, NumberDataViewType.Single);
        OutputSchema = builder.ToSchema();
        CodeIndex = inputSchema.Count;
        ErrorIndex = transformer.ReconstructionErrorColumnName is null ? -1 : inputSchema.Count + 1;
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public int CodeIndex { get; }
    public int ErrorIndex { get; }
    public DataViewSchema.Column InputColumn => _input;

    public bool IsComputed(int index) => index >= InputSchema.Count;

    /// <summary>The input columns needed to produce the given output columns.</summary>
    public IEnumerable<DataViewSchema.Column> Dependencies(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new HashSet<int>();
        foreach (var c in outputColumns)
        {
            if (IsComputed(c.Index)) needed.Add(_input.Index);
            else needed.Add(c.Index);
        }
        return needed.Order().Select(i => InputSchema[i]).ToArray();
    }

    /// <summary>A getter for a computed column over the given input row. Each call computes afresh.</summary>
    public Delegate MakeGetter(DataViewRow input, int index)
    {
        var source = input.GetGetter<VBuffer<float>>(_input);
        var x = new float[_encoder.VisibleCount];
        var code = new float[_encoder.HiddenCount];
        VBuffer<float> buffer = default;
        void Encode()
        {
            source(ref buffer);
            if (buffer.Length != x.Length)
                throw new InvalidOperationException($"Row {input.Position} of column '{_input.Name}' has {buffer.Length} values, but the autoencoder takes {x.Length}.");
            buffer.CopyTo(x);
            _encoder.Encode(x, code);
        }

        if (index == CodeIndex)
        {
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) =>
            {
                Encode();
                var editor = VBufferEditor.Create(ref dst, code.Length);
                code.CopyTo(editor.Values);
                dst = editor.Commit();
            });
        }
        if (index == ErrorIndex)
        {
            var scratch = new float[_encoder.VisibleCount];
            return (ValueGetter<float>)((ref float dst) =>
            {
                Encode();
                dst = _encoder.ReconstructionError(x, code, scratch);
            });
        }
        throw new ArgumentOutOfRangeException(nameof(index), index, $"Column index {index} is not computed by the autoencoder.");
    }

    public ValueGetter<T> GetGetter<T>(DataViewRow input, DataViewSchema.Column column)
    {
        if (!IsComputed(column.Index)) return input.GetGetter<T>(InputSchema[column.Index]);
        var getter = MakeGetter(input, column.Index);
        return getter as ValueGetter<T>
            ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}; it cannot be read as {typeof(T).Name}.");
    }
}
