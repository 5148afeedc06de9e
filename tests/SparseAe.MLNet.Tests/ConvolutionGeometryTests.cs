using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Convolution;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// ConvolutionalSparseFeatures through Transform against an independent computation: patches cut by hand,
/// normalised by the documented formulas (with the fitted pstd, epsilon and ZCA), encoded with the fitted W1 and
/// b1 in double, pooled over regions written as row and column ranges, for edge geometries.
/// </summary>
public class ConvolutionGeometryTests
{
    private sealed class Row
    {
        public float[] Pixels { get; set; } = [];
    }

    private static IDataView Images(MLContext ml, int count, int height, int width, int seed)
    {
        var rng = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ => new Row { Pixels = Enumerable.Range(0, height * width).Select(_ => (float)rng.NextDouble()).ToArray() }).ToList();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition["Pixels"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, height * width);
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    // [lo, hi) of region i of n over `positions` positions: a grid cuts at ceil(i * positions / n); blocks every `size`.
    private static (int Lo, int Hi) Range(int i, int positions, int grid, int size)
        => size > 0 ? (i * size, Math.Min(positions, (i + 1) * size)) : ((i * positions + grid - 1) / grid, ((i + 1) * positions + grid - 1) / grid);

    [Theory]
    // height, width, patch, stride, grid, pool size, normalisation, ZCA epsilon (0: none), soft threshold (-1: sigmoid), pooling
    [InlineData(13, 11, 4, 3, 2, 0, PatchNormalizationKind.Contrast, 0, -1, PoolingKind.Sum)]       // sides not multiples of the stride
    [InlineData(12, 12, 12, 1, 1, 0, PatchNormalizationKind.Ufldl, 0.1, -1, PoolingKind.Mean)]      // patch = image: one position
    [InlineData(12, 10, 3, 5, 2, 0, PatchNormalizationKind.None, 0, 0.2, PoolingKind.Sum)]          // stride > patch
    [InlineData(9, 9, 1, 1, 3, 0, PatchNormalizationKind.None, 0, -1, PoolingKind.Mean)]            // 1x1 patches
    [InlineData(12, 12, 4, 2, 0, 10, PatchNormalizationKind.Contrast, 0.1, 0.1, PoolingKind.Sum)]   // pool size > the 5x5 map
    [InlineData(11, 13, 4, 1, 2, 3, PatchNormalizationKind.Ufldl, 0, 0.05, PoolingKind.Mean)]       // 8x10 map in blocks of 3: last ones smaller
    [InlineData(14, 9, 5, 2, 3, 0, PatchNormalizationKind.Contrast, 0.1, -1, PoolingKind.Sum)]      // 5x3 map, 3x3 grid
    [InlineData(10, 10, 3, 1, 7, 0, PatchNormalizationKind.Ufldl, 0, -1, PoolingKind.Sum)]          // 8x8 map, 7x7 grid: uneven cuts
    [InlineData(10, 13, 3, 2, 3, 0, PatchNormalizationKind.None, 0.1, -1, PoolingKind.Mean)]        // ZCA without a normalisation; 4x6 map, 3x3 grid: uneven means
    public void Transform_matches_a_naive_convolution_and_pooling(int height, int width, int patch, int stride, int grid, int poolSize,
        PatchNormalizationKind normalization, double zcaEpsilon, double softThreshold, PoolingKind pooling)
    {
        var ml = new MLContext(seed: 1);
        var train = Images(ml, 30, height, width, 1);
        var options = new ConvolutionalFeaturizerOptions
        {
            ImageHeight = height, ImageWidth = width, PatchSize = patch, Stride = stride, PoolGrid = grid, PoolSize = poolSize > 0 ? poolSize : null,
            Pooling = pooling, Normalization = normalization, ContrastEpsilon = 0.01, ZcaEpsilon = zcaEpsilon > 0 ? zcaEpsilon : null,
            Encoding = softThreshold >= 0 ? FeatureEncodingKind.SoftThreshold : FeatureEncodingKind.Sigmoid, SoftThreshold = Math.Max(0, softThreshold),
            PatchCount = 300, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 5, MaxIterations = 10 },
        };
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(options);
        var shape = estimator.GetOutputSchema(Mapping.MappedViewContractTests.SchemaShapeOf(train.Schema)).Single(c => c.Name == "Features");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape.Kind);
        Assert.Equal(NumberDataViewType.Single, shape.ItemType);
        var model = estimator.Fit(train);

        int rows = (height - patch) / stride + 1, cols = (width - patch) / stride + 1, len = patch * patch, h = 5;
        int regionRows = poolSize > 0 ? (rows + poolSize - 1) / poolSize : grid, regionCols = poolSize > 0 ? (cols + poolSize - 1) / poolSize : grid;
        int perRegion = softThreshold >= 0 ? 2 * h : h;
        int count = regionRows * regionCols * perRegion;
        Assert.Equal(count, model.Featurizer.FeatureCount);
        var test = Images(ml, 4, height, width, 2);
        var output = model.Transform(test);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, count), output.Schema["Features"].Type);

        var f = model.Featurizer;
        double parameter = f.Preprocessor.Parameter;
        var zca = f.Preprocessor.Zca;
        Assert.Equal(zcaEpsilon > 0, zca is not null);
        if (normalization == PatchNormalizationKind.Contrast) Assert.Equal(0.01, parameter);
        var w1 = f.Parameters.W1.ToArray();
        var b1 = f.Parameters.B1.ToArray();
        var images = test.GetColumn<float[]>("Pixels").ToArray();
        var actual = output.GetColumn<float[]>("Features").ToArray();
        for (int n = 0; n < images.Length; n++)
        {
            var image = images[n];
            // Every position's code, in double.
            var codes = new double[rows, cols, perRegion];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    var x = new double[len];
                    for (int y = 0; y < patch; y++)
                        for (int xx = 0; xx < patch; xx++) x[y * patch + xx] = image[(r * stride + y) * width + c * stride + xx];
                    double mean = x.Average();
                    if (normalization == PatchNormalizationKind.Ufldl)
                        for (int k = 0; k < len; k++) x[k] = (Math.Clamp(x[k] - mean, -parameter, parameter) + parameter) / parameter * 0.4 + 0.1;
                    if (normalization == PatchNormalizationKind.Contrast)
                    {
                        double variance = len > 1 ? x.Sum(v => (v - mean) * (v - mean)) / (len - 1) : 0;
                        for (int k = 0; k < len; k++) x[k] = (x[k] - mean) / Math.Sqrt(variance + parameter);
                    }
                    if (zca is not null)
                    {
                        var white = new double[len];
                        for (int i = 0; i < len; i++)
                            for (int k = 0; k < len; k++) white[i] += zca.Matrix[i * len + k] * (x[k] - zca.Mean[k]);
                        x = white;
                    }
                    for (int j = 0; j < h; j++)
                    {
                        double dot = 0, norm = 0;
                        for (int k = 0; k < len; k++) { dot += (double)w1[j * len + k] * x[k]; norm += (double)w1[j * len + k] * w1[j * len + k]; }
                        if (softThreshold < 0) { codes[r, c, j] = 1 / (1 + Math.Exp(-(dot + b1[j]))); continue; }
                        double d = dot / Math.Sqrt(norm);
                        codes[r, c, j] = Math.Max(0, d - softThreshold);
                        codes[r, c, h + j] = Math.Max(0, -d - softThreshold);
                    }
                }
            // Pooling over each region's ranges of rows and columns; every position in exactly one region.
            var covered = new int[rows, cols];
            for (int gr = 0; gr < regionRows; gr++)
                for (int gc = 0; gc < regionCols; gc++)
                {
                    var (r0, r1) = Range(gr, rows, grid, poolSize);
                    var (c0, c1) = Range(gc, cols, grid, poolSize);
                    Assert.True(r1 > r0 && c1 > c0, $"region ({gr}, {gc}) is empty");
                    for (int j = 0; j < perRegion; j++)
                    {
                        double sum = 0;
                        for (int r = r0; r < r1; r++)
                            for (int c = c0; c < c1; c++) { sum += codes[r, c, j]; if (j == 0) covered[r, c]++; }
                        double expected = pooling == PoolingKind.Mean ? sum / ((r1 - r0) * (c1 - c0)) : sum;
                        float got = actual[n][(gr * regionCols + gc) * perRegion + j];
                        Assert.True(Math.Abs(got - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                            $"image {n}, region ({gr}, {gc}), feature {j}: Transform {got}, naive {expected}");
                    }
                }
            Assert.All(covered.Cast<int>(), k => Assert.Equal(1, k));
        }
    }

    // The statistics Transform applies (UFLDL's pstd, ZCA's mean and W) are those of the patches Fit sampled: drawn here
    // by the documented rule (image, top, left from Random(Autoencoder.Seed)), normalised by hand.
    [Theory]
    [InlineData(PatchNormalizationKind.Ufldl)]
    [InlineData(PatchNormalizationKind.Contrast)]
    public void The_fitted_pstd_and_ZCA_are_those_of_the_sampled_training_patches(PatchNormalizationKind normalization)
    {
        const int side = 12, p = 4, len = p * p, n = 300, imageCount = 25, seed = 5;
        double epsilon = 0.1;
        var ml = new MLContext(seed: 1);
        var train = Images(ml, imageCount, side, side, 1);
        var model = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            ImageHeight = side, ImageWidth = side, PatchSize = p, Stride = 2, PoolGrid = 2, PatchCount = n, Normalization = normalization,
            ContrastEpsilon = 0.01, ZcaEpsilon = epsilon, Autoencoder = new AutoencoderTrainingOptions { HiddenCount = 5, MaxIterations = 5, Seed = seed },
        }).Fit(train);
        var images = train.GetColumn<float[]>("Pixels").ToArray();
        var rng = new Random(seed);
        var x = new double[n, len];
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            int image = rng.Next(imageCount), top = rng.Next(side - p + 1), left = rng.Next(side - p + 1);
            for (int y = 0; y < p; y++)
                for (int c = 0; c < p; c++) x[i, y * p + c] = images[image][(top + y) * side + left + c];
            double mean = Enumerable.Range(0, len).Average(k => x[i, k]), own = 0;
            for (int k = 0; k < len; k++) { x[i, k] -= mean; squares += x[i, k] * x[i, k]; own += x[i, k] * x[i, k]; }
            if (normalization == PatchNormalizationKind.Contrast)
                for (int k = 0; k < len; k++) x[i, k] /= Math.Sqrt(own / (len - 1) + 0.01);
        }
        var f = model.Featurizer;
        if (normalization == PatchNormalizationKind.Ufldl)
        {
            double pstd = 3 * Math.Sqrt(squares / (n * len - 1));
            Assert.Equal(pstd, f.Preprocessor.Parameter, 1e-6 * pstd);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < len; k++) x[i, k] = (Math.Clamp(x[i, k], -pstd, pstd) + pstd) / pstd * 0.4 + 0.1;
        }
        else Assert.Equal(0.01, f.Preprocessor.Parameter);
        var zca = f.Preprocessor.Zca!;
        for (int k = 0; k < len; k++) Assert.Equal(Enumerable.Range(0, n).Average(i => x[i, k]), zca.Mean[k], 1e-6);
        // W is (C + epsilon I)^(-1/2) of the patches' covariance C (divided by n, as UFLDL's x x' / m): W (C + epsilon I) W = I.
        var cov = new double[len, len];
        for (int a = 0; a < len; a++)
            for (int b = 0; b < len; b++)
                cov[a, b] = Enumerable.Range(0, n).Sum(i => (x[i, a] - zca.Mean[a]) * (x[i, b] - zca.Mean[b])) / n + (a == b ? epsilon : 0);
        for (int a = 0; a < len; a++)
            for (int b = 0; b < len; b++)
            {
                double s = 0;
                for (int c = 0; c < len; c++)
                    for (int d = 0; d < len; d++) s += zca.Matrix[a * len + c] * cov[c, d] * zca.Matrix[d * len + b];
                Assert.Equal(a == b ? 1 : 0, s, 1e-4);
            }
    }
}
