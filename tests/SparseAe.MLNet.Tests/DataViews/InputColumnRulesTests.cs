using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests.DataViews;

/// <summary>The input column's rules as each public method meets them: the ArgumentException names that method's parameter.</summary>
public class InputColumnRulesTests
{
    private static readonly MLContext Ml = new(seed: 1);

    public sealed class Unrelated
    {
        [VectorType(8)]
        public float[] Other { get; set; } = new float[8];
    }

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class Image
    {
        [VectorType(64)]
        public float[] Pixels { get; set; } = [];
    }

    // Each estimator with data it fits on; its input column is not in Unrelated's schema.
    public static TheoryData<string> Components() => ["SparseAutoencoder", "ZcaWhitening", "TokenCounts", "ConvolutionalSparseFeatures"];

    private static (IEstimator<ITransformer> Estimator, IDataView Data) Make(string component)
    {
        var vectors = Ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(20, 1));
        var rng = new Random(2);
        return component switch
        {
            "SparseAutoencoder" => (Ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 3, maxIterations: 5), vectors),
            "ZcaWhitening" => (Ml.Transforms.ZcaWhitening("White", "Features"), vectors),
            "TokenCounts" => (Ml.Transforms.TokenCounts("Tokens", "Text"),
                Ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a cat sat" }, new TextRow { Text = "a dog ran" } })),
            _ => (Ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
            {
                InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 8, ImageWidth = 8, PatchSize = 4, Stride = 2,
                PoolGrid = 2, PatchCount = 50, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 3, MaxIterations = 2 },
            }), Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(_ => new Image { Pixels = Enumerable.Range(0, 64).Select(_ => (float)rng.NextDouble()).ToArray() }))),
        };
    }

    // The parameter ML.NET's interface gives the method (its own components name it when they refuse a schema).
    private static string ParameterOf(Type type, string method) => type.GetMethod(method)!.GetParameters()[0].Name!;

    // Every refusal named "schema" (a DataViewSchema) or "shape" (a SchemaShape), the helper's own parameters: ML.NET
    // names inputSchema (GetOutputSchema, GetRowToRowMapper) and input (Fit, Transform), and so do these now.
    [Theory]
    [MemberData(nameof(Components))]
    public void A_missing_input_column_is_refused_as_the_public_methods_parameter(string component)
    {
        var (estimator, data) = Make(component);
        var model = estimator.Fit(data);
        var unrelated = Ml.Data.LoadFromEnumerable(new[] { new Unrelated() });
        var shape = Mapping.MappedViewContractTests.SchemaShapeOf(unrelated.Schema);

        void Refused(Func<object> call, Type type, string method)
        {
            var e = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Contains("was not found; the data have columns: 'Other'.", e.Message);
            Assert.Equal(ParameterOf(type, method), e.ParamName);
        }

        Refused(() => estimator.GetOutputSchema(shape), typeof(IEstimator<>), nameof(IEstimator<ITransformer>.GetOutputSchema));
        Refused(() => estimator.Fit(unrelated), typeof(IEstimator<>), nameof(IEstimator<ITransformer>.Fit));
        Refused(() => model.GetOutputSchema(unrelated.Schema), typeof(ITransformer), nameof(ITransformer.GetOutputSchema));
        Refused(() => model.Transform(unrelated), typeof(ITransformer), nameof(ITransformer.Transform));
        Refused(() => model.GetRowToRowMapper(unrelated.Schema), typeof(ITransformer), nameof(ITransformer.GetRowToRowMapper));
        Assert.Equal(["inputSchema", "input", "inputSchema", "input", "inputSchema"],
            new[] { (typeof(IEstimator<>), "GetOutputSchema"), (typeof(IEstimator<>), "Fit"), (typeof(ITransformer), "GetOutputSchema"),
                (typeof(ITransformer), "Transform"), (typeof(ITransformer), "GetRowToRowMapper") }.Select(m => ParameterOf(m.Item1, m.Item2)));
    }

    // A column hidden by a later one of its name (a transform's output over its input's name) is not listed among the columns
    // the data have: the list names each column a user can ask for once. (Mutation audit: the hidden columns listed too passed
    // every test.)
    [Theory]
    [MemberData(nameof(Components))]
    public void A_missing_input_column_lists_the_columns_there_are_without_the_hidden_ones(string component)
    {
        var (estimator, _) = Make(component);
        var unrelated = Ml.Data.LoadFromEnumerable(new[] { new Unrelated() });
        var copied = Ml.Transforms.CopyColumns("Other", "Other").Fit(unrelated).Transform(unrelated);
        Assert.Contains(copied.Schema, c => c.IsHidden);
        var e = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(copied));
        Assert.Contains("was not found; the data have columns: 'Other'.", e.Message);
    }

    [Fact]
    public void A_column_of_the_wrong_kind_is_refused_as_the_public_methods_parameter()
    {
        // The rules besides "not found" go through the same helper: a Double vector, a vector of another size, a vector given as text.
        var doubles = Ml.Data.LoadFromEnumerable(new[] { new DoubleVec { Features = new double[8] } });
        var estimator = Ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 3, maxIterations: 5);
        Assert.Equal("input", Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(doubles)).ParamName);
        Assert.Equal("inputSchema", Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(doubles.Schema))).ParamName);
        var model = estimator.Fit(Ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(20, 1)));
        var five = Ml.Data.LoadFromEnumerable(new[] { new Vec5 { Features = new float[5] } });
        Assert.Equal("input", Assert.ThrowsAny<ArgumentException>(() => model.Transform(five)).ParamName);
        Assert.Equal("inputSchema", Assert.ThrowsAny<ArgumentException>(() => model.GetOutputSchema(five.Schema)).ParamName);
        var tokens = Ml.Transforms.TokenCounts("Tokens", "Features");
        Assert.Equal("input", Assert.ThrowsAny<ArgumentException>(() => tokens.Fit(doubles)).ParamName);
        Assert.Equal("inputSchema", Assert.ThrowsAny<ArgumentException>(() => tokens.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(doubles.Schema))).ParamName);
    }
}
