using CsCheck;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// Property-based tests (CsCheck) over random shapes and values: vector sizes 1..4,096, hidden sizes
/// 1..2,048, one to a few dozen rows (so often more hidden units than rows), rows that are
/// constant, subnormal, huge or ordinary. Every case must end in a model with finite weights and
/// finite codes, or in a clear exception before training; rows with NaN or infinity must be refused
/// naming the row and the index. Iterations are few: the properties are about shapes and values.
/// </summary>
public class PropertyTests
{
    public enum RowKind { Uniform, Constant, Subnormal, Huge, Mixed }

    public sealed record Case(int Visible, int Hidden, int Rows, RowKind Kind, DecoderKind Decoder, SparsityPenalty Penalty, int Seed)
    {
        public float[][] MakeRows()
        {
            var rng = new Random(Seed);
            float Value(RowKind kind, float constant) => kind switch
            {
                RowKind.Uniform => (float)rng.NextDouble(),
                RowKind.Constant => constant,
                RowKind.Subnormal => (float)(rng.NextDouble() * 1e-39),          // below float's 1.18e-38
                RowKind.Huge => (float)((rng.NextDouble() - 0.5) * 2e30),
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            return Enumerable.Range(0, Rows).Select(_ =>
            {
                var kind = Kind == RowKind.Mixed ? (RowKind)rng.Next(4) : Kind;
                float constant = (float)rng.NextDouble();
                return Enumerable.Range(0, Visible).Select(_ => Value(kind, constant)).ToArray();
            }).ToArray();
        }
    }

    private static Gen<Case> Cases(int maxVisible, int maxHidden, Gen<RowKind> kinds) =>
        Gen.Select(Gen.Int[1, maxVisible], Gen.Int[1, maxHidden], Gen.Int[1, 40], kinds, Gen.Enum<DecoderKind>(), Gen.Enum<SparsityPenalty>(), Gen.Int)
            .Select(t => new Case(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7));

    private static IDataView View(MLContext ml, float[][] rows, int visible)
    {
        var schema = SchemaDefinition.Create(typeof(VariableVec));
        schema[nameof(VariableVec.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, visible);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new VariableVec { Features = r }), schema);
    }

    // Trains a case for 3 iterations; returns null when training refused it (with the exception).
    private static SparseAutoencoderTransformer? Train(Case c, out IDataView data, out Exception? refusal)
    {
        var ml = new MLContext(seed: 1);
        data = View(ml, c.MakeRows(), c.Visible);
        refusal = null;
        try
        {
            return ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                InputColumnName = "Features", OutputColumnName = "Code", HiddenCount = c.Hidden, MaxIterations = 3,
                Decoder = c.Decoder, Penalty = c.Penalty, Threads = 1,
            }).Fit(data);
        }
        catch (Exception e) when (e is ArgumentException or SparseAe.Optimization.NonFiniteCostException)
        {
            refusal = e;
            return null;
        }
    }

    private static void AssertFinite(Case c, SparseAutoencoderTransformer model, IDataView data)
    {
        var w = model.Weights;
        foreach (var part in new[] { w.W1.ToArray(), w.W2.ToArray(), w.B1.ToArray(), w.B2.ToArray() })
            Assert.True(part.All(float.IsFinite), $"{c}: a weight is not finite");
        foreach (var code in model.Transform(data).GetColumn<float[]>("Code"))
        {
            Assert.Equal(c.Hidden, code.Length);
            Assert.True(code.All(v => float.IsFinite(v) && v >= 0 && v <= 1), $"{c}: a code is outside [0, 1]");
        }
    }

    [Fact]
    public void Any_vector_and_hidden_size_with_ordinary_values_trains_to_finite_weights_and_codes()
    {
        // The whole size range (up to 4,096 x 2,048: 16.8 million weights), few cases: each one allocates
        // the optimiser's vectors for every weight. Constant and subnormal rows are ordinary here.
        var kinds = Gen.Int[0, 2].Select(k => (RowKind)k);   // Uniform, Constant, Subnormal
        Cases(4096, 2048, kinds).Sample(c =>
        {
            var model = Train(c, out var data, out var refusal);
            Assert.True(model is not null, $"{c}: refused: {refusal?.Message}");
            AssertFinite(c, model!, data);
        }, iter: 12, threads: 1);
    }

    [Fact]
    public void Huge_values_give_finite_weights_or_a_clear_refusal_and_never_a_NaN()
    {
        Cases(64, 64, Gen.Enum<RowKind>()).Sample(c =>
        {
            var model = Train(c, out var data, out var refusal);
            if (model is null)
            {
                // Only values whose squares overflow may be refused, and the refusal says so.
                Assert.True(c.Kind is RowKind.Huge or RowKind.Mixed, $"{c}: refused although every value is ordinary: {refusal!.Message}");
                Assert.Contains("not finite", refusal!.Message);
                return;
            }
            AssertFinite(c, model, data);
        }, iter: 150, threads: 1);
    }

    [Fact]
    public void A_NaN_or_infinity_anywhere_is_refused_naming_the_row_and_index()
    {
        Gen.Select(Gen.Int[1, 4096], Gen.Int[1, 40], Gen.Int, Gen.Int[0, 2]).Sample(t =>
        {
            var (visible, count, seed, which) = t;
            var rng = new Random(seed);
            var rows = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, visible).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
            int row = rng.Next(count), index = rng.Next(visible);
            rows[row][index] = which switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
            var ml = new MLContext(seed: 1);
            var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                InputColumnName = "Features", HiddenCount = 3, MaxIterations = 2, Threads = 1,
            }).Fit(View(ml, rows, visible)));
            // Whole numbers: "Row 1" is in "Row 12 ...".
            Assert.Matches($@"\bRow {row}\b", e.Message);
            Assert.Matches($@"\bindex {index}\b", e.Message);
        }, iter: 60, threads: 1);
    }
}
