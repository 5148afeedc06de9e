using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace SparseAe.MLNet.Tests.Mapping;

/// <summary>The work the code and error getters of one mapped row share (OncePerRow), keyed on the input row's Position.</summary>
public class OutputColumnsTests
{
    private readonly MLContext _ml = new(seed: 1);

    // A row without a position (Position -1, as a user's own DataViewRow may be) is encoded at every read: the cache of the
    // row's code keys on the position, and a negative one says nothing about whether the row changed. Keyed on -1 like any
    // other, the first read found "already done for -1" (the cache starts there) and gave a code of zeros, and later reads
    // the first vector's code for every other vector.
    [Fact]
    public void A_row_without_a_position_is_encoded_at_every_read()
    {
        var rows = RowFactory.Vec8Rows(30, 5);
        var data = _ml.Data.LoadFromEnumerable(rows);
        var model = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 3, MaxIterations = 5,
        }).Fit(data);
        var transformed = model.Transform(data);
        var codes = transformed.GetColumn<float[]>("Code").ToArray();
        var errors = transformed.GetColumn<float>("Error").ToArray();

        var mapper = model.GetRowToRowMapper(data.Schema);
        var input = new PositionlessRow(data.Schema);
        using var row = mapper.GetRow(input, mapper.OutputSchema);
        var code = row.GetGetter<VBuffer<float>>(mapper.OutputSchema["Code"]);
        var error = row.GetGetter<float>(mapper.OutputSchema["Error"]);
        VBuffer<float> c = default;
        float e = 0;
        foreach (int i in new[] { 0, 7, 3 })
        {
            input.Features = rows[i].Features;
            code(ref c);
            error(ref e);
            Assert.Equal(codes[i], c.DenseValues().ToArray());
            Assert.Equal(errors[i], e);
        }
    }

    // A row whose vector is not the length its column's type says (a user's own view or row that breaks the type) is refused
    // by the code and error getters, naming the row, the column and both lengths: read as it came, a shorter row was
    // encoded over the buffer's end or gave the code of part of a row, and a longer one was cut without a word. A row
    // without a position is called that, not "Row -1".
    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void A_row_of_another_length_than_its_type_is_refused_naming_both(int length)
    {
        var data = _ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(30, 5));
        var model = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 3, MaxIterations = 5,
        }).Fit(data);
        var mapper = model.GetRowToRowMapper(data.Schema);
        var input = new PositionlessRow(data.Schema) { Features = Enumerable.Range(0, length).Select(i => 0.1f * i).ToArray() };
        using var row = mapper.GetRow(input, mapper.OutputSchema);
        var code = row.GetGetter<VBuffer<float>>(mapper.OutputSchema["Code"]);
        var error = row.GetGetter<float>(mapper.OutputSchema["Error"]);
        VBuffer<float> c = default;
        float e = 0;
        string expected = $"A row of column 'Features' (one without a position) has {length} values, but the transform takes 8.";
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => code(ref c)).Message);
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => error(ref e)).Message);
    }

    /// <summary>A row of one Features column (8 wide by its type) whose value is set from outside, with no position.</summary>
    private sealed class PositionlessRow(DataViewSchema schema) : DataViewRow
    {
        public float[] Features { get; set; } = new float[8];

        public override DataViewSchema Schema => schema;
        public override long Position => -1;
        public override long Batch => 0;
        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = default;
        public override bool IsColumnActive(DataViewSchema.Column column) => true;
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            => (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> dst) => dst = new VBuffer<float>(Features.Length, (float[])Features.Clone()));
    }
}
