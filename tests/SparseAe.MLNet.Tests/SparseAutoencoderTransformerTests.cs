using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class SparseAutoencoderTransformerTests
{
    // The transformer's summary, what IntelliSense shows, said every activation computes h = f(W1 x + b1); a sparse code
    // takes the decoder bias off the input first, h = f(W1 (x - b2) + b1), so codes computed from Weights by the summary
    // were wrong wherever b2 is not 0 (it is trained).
    [Fact]
    public void A_ReLU_code_is_the_documented_formula_of_the_weights()
    {
        var ml = new MLContext(seed: 1);
        var rows = RowFactory.Vec8Rows(64, 1);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 6, Activation = ActivationKind.ReLU, Epochs = 3, BatchSize = 16,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        var codes = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Code").ToArray();
        var w = model.Weights;
        Assert.Contains(w.B2.ToArray(), b => Math.Abs(b) > 1e-3f);
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < w.HiddenCount; j++)
            {
                double z = w.B1.Span[j];
                for (int v = 0; v < w.VisibleCount; v++) z += w.W1.Span[j * w.VisibleCount + v] * (rows[i].Features[v] - w.B2.Span[v]);
                Assert.Equal(Math.Max(0, z), codes[i][j], 1e-4);
            }
    }

    // The code and the error columns of a row share its encoding: with both read, each row's input vector was read,
    // and encoded (the W1 x product), once per column; a getter called twice read and encoded the row again.
    public static TheoryData<ActivationKind, bool> ActivationsDenseAndSparse
    {
        get
        {
            var data = new TheoryData<ActivationKind, bool>();
            foreach (var activation in new[] { ActivationKind.Sigmoid, ActivationKind.ReLU, ActivationKind.TopK, ActivationKind.JumpReLU })
                foreach (bool sparse in new[] { false, true }) data.Add(activation, sparse);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ActivationsDenseAndSparse))]
    public void Reading_the_code_and_the_error_of_a_row_reads_its_input_once(ActivationKind activation, bool sparse)
    {
        var input = new CountingDataView(_ml.Data.LoadFromEnumerable(Rows16(40, sparse)));
        var view = WithError(activation).Transform(input);
        var (rows, _) = ReadBoth(view, twice: false);
        Assert.Equal(40, rows.Count);
        Assert.Equal(rows.Count, input.Cursors.Sum(c => c.Reads));
    }

    [Theory]
    [MemberData(nameof(ActivationsDenseAndSparse))]
    public void A_getter_called_twice_on_a_row_gives_the_same_values_and_reads_the_row_once(ActivationKind activation, bool sparse)
    {
        var input = new CountingDataView(_ml.Data.LoadFromEnumerable(Rows16(40, sparse)));
        var view = WithError(activation).Transform(input);
        var (rows, again) = ReadBoth(view, twice: true);
        Assert.Equal(rows.Count, input.Cursors.Sum(c => c.Reads));
        for (int r = 0; r < rows.Count; r++)
        {
            Assert.Equal(Bits(rows[r].Code), Bits(again[r].Code));
            Assert.Equal(Bits(rows[r].Error), Bits(again[r].Error));
        }
    }

    [Theory]
    [MemberData(nameof(ActivationsDenseAndSparse))]
    public void Each_column_read_with_the_other_has_the_bits_it_has_read_alone(ActivationKind activation, bool sparse)
    {
        var view = WithError(activation).Transform(_ml.Data.LoadFromEnumerable(Rows16(40, sparse)));
        var codes = view.GetColumn<VBuffer<float>>("Code").Select(c => c.DenseValues().ToArray()).ToArray();
        var errors = view.GetColumn<float>("Error").ToArray();
        var (both, _) = ReadBoth(view, twice: false);
        Assert.Equal(codes.Length, both.Count);
        for (int r = 0; r < both.Count; r++)
        {
            Assert.Equal(Bits(codes[r]), Bits(both[r].Code));
            Assert.Equal(Bits(errors[r]), Bits(both[r].Error));
        }
        Assert.Contains(errors, e => e > 0);   // the errors are not all alike (a value shared across rows would not show)
        Assert.True(errors.Distinct().Count() > 1 && codes.Select(c => string.Join(",", Bits(c))).Distinct().Count() > 1);
    }

    public sealed class CodeAndError
    {
        public VBuffer<float> Code { get; set; }
        public float Error { get; set; }
    }

    [Theory]
    [MemberData(nameof(ActivationsDenseAndSparse))]
    public void A_PredictionEngine_reading_both_columns_predicts_what_Transform_gives(ActivationKind activation, bool sparse)
    {
        var model = WithError(activation);
        var rows = Rows16(40, sparse);
        var (expected, _) = ReadBoth(model.Transform(_ml.Data.LoadFromEnumerable(rows)), twice: false);
        var engine = _ml.Model.CreatePredictionEngine<Sparse16, CodeAndError>(model);
        for (int r = 0; r < rows.Count; r++)
        {
            var p = engine.Predict(rows[r]);
            Assert.Equal(Bits(expected[r].Code), Bits(p.Code.DenseValues().ToArray()));
            Assert.Equal(Bits(expected[r].Error), Bits(p.Error));
        }
    }

    private readonly MLContext _ml = new(seed: 1);

    // Rows of 16 with 3 nonzeros in (0.1, 0.9), stored dense or sparse.
    private static List<Sparse16> Rows16(int count, bool sparse)
    {
        var rng = new Random(5);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int[] indices = [.. Enumerable.Range(0, 16).OrderBy(_ => rng.Next()).Take(3).Order()];
            float[] values = [.. indices.Select(_ => (float)(0.1 + 0.8 * rng.NextDouble()))];
            if (sparse) return new Sparse16 { Features = new VBuffer<float>(16, 3, values, indices) };
            var x = new float[16];
            for (int k = 0; k < 3; k++) x[indices[k]] = values[k];
            return new Sparse16 { Features = new VBuffer<float>(16, x) };
        }).ToList();
    }

    private SparseAutoencoderTransformer WithError(ActivationKind activation) => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        InputColumnName = "Features", ReconstructionErrorColumnName = "Error", HiddenCount = 6, Activation = activation, K = 2,
        MaxIterations = 5, Epochs = 2, BatchSize = 8, Seed = 1,
    }).Fit(_ml.Data.LoadFromEnumerable(Rows16(60, sparse: false)));

    // Every row's code and error through one cursor, each getter called once a row (code, then error); with twice, each
    // again (error first), the second values returned apart. SparseInputComponentTests reads with it too.
    internal static (List<(float[] Code, float Error)> Once, List<(float[] Code, float Error)> Again) ReadBoth(IDataView view, bool twice)
    {
        var once = new List<(float[], float)>();
        var again = new List<(float[], float)>();
        using var cursor = view.GetRowCursor([view.Schema["Code"], view.Schema["Error"]]);
        var code = cursor.GetGetter<VBuffer<float>>(view.Schema["Code"]);
        var error = cursor.GetGetter<float>(view.Schema["Error"]);
        VBuffer<float> c = default;
        float e = 0;
        while (cursor.MoveNext())
        {
            code(ref c);
            error(ref e);
            once.Add((c.DenseValues().ToArray(), e));
            if (!twice) continue;
            error(ref e);
            code(ref c);
            again.Add((c.DenseValues().ToArray(), e));
        }
        return (once, again);
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);
}
