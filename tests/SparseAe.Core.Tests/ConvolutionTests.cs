using SparseAe.Convolution;
using SparseAe.Model;
using SparseAe.Persistence;
using SparseAe.Tests.Support;
using SparseAe.Training;
using SparseAe.Whitening;
using Xunit;

namespace SparseAe.Core.Tests;

public class ConvolutionTests
{
    // Naive twin: every position, the preprocessing written out, the encoder in double, then pooling.
    private static double[] Naive(float[] image, ConvolutionGeometry g, PatchNormalizationKind norm, double parameter, ZcaWhitening? zca,
        AutoencoderParameters p, PoolingKind pooling, double? softThreshold = null)
    {
        int rows = g.RowPositions, cols = g.ColumnPositions, h = p.HiddenCount, len = g.PatchLength, grid = g.PoolGrid, size = g.PoolSize;
        // Regions written out: a G x G grid, or blocks of `size` positions with a smaller last block.
        int regionRows = size > 0 ? (rows + size - 1) / size : grid, regionCols = size > 0 ? (cols + size - 1) / size : grid;
        int width = softThreshold is null ? h : 2 * h;
        var features = new double[regionRows * regionCols * width];
        var counts = new int[regionRows * regionCols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                var patch = new double[len];
                for (int y = 0; y < g.PatchSize; y++)
                    for (int x = 0; x < g.PatchSize; x++) patch[y * g.PatchSize + x] = image[(r * g.Stride + y) * g.ImageWidth + c * g.Stride + x];
                double mean = patch.Average();
                if (norm == PatchNormalizationKind.Ufldl)
                    for (int k = 0; k < len; k++) patch[k] = (Math.Clamp(patch[k] - mean, -parameter, parameter) + parameter) / parameter * 0.4 + 0.1;
                if (norm == PatchNormalizationKind.Contrast)
                {
                    double variance = patch.Sum(v => (v - mean) * (v - mean)) / (len - 1);
                    for (int k = 0; k < len; k++) patch[k] = (patch[k] - mean) / Math.Sqrt(variance + parameter);
                }
                if (zca is not null)
                {
                    var y2 = new double[len];
                    for (int i = 0; i < len; i++)
                        for (int k = 0; k < len; k++) y2[i] += zca.Matrix[i * len + k] * (patch[k] - zca.Mean[k]);
                    patch = y2;
                }
                int region = size > 0 ? (r / size) * regionCols + c / size : (r * grid / rows) * grid + c * grid / cols;
                counts[region]++;
                for (int j = 0; j < h; j++)
                {
                    if (softThreshold is double alpha)
                    {
                        // Coates and Ng 2011: d_j = W1 row j / ||row j||, features max(0, +-d_j.x - alpha).
                        double length = Math.Sqrt(Enumerable.Range(0, len).Sum(k => (double)p.W1[j * len + k] * p.W1[j * len + k]));
                        double d = 0;
                        for (int k = 0; k < len; k++) d += p.W1[j * len + k] / length * patch[k];
                        features[region * width + j] += Math.Max(0, d - alpha);
                        features[region * width + h + j] += Math.Max(0, -d - alpha);
                        continue;
                    }
                    double z = p.B1[j];
                    for (int k = 0; k < len; k++) z += p.W1[j * len + k] * patch[k];
                    features[region * width + j] += 1 / (1 + Math.Exp(-z));
                }
            }
        if (pooling == PoolingKind.Mean)
            for (int region = 0; region < counts.Length; region++)
                for (int j = 0; j < width; j++) features[region * width + j] /= counts[region];
        return features;
    }

    [Theory]
    [InlineData(12, 10, 4, 1, 2, PoolingKind.Sum, PatchNormalizationKind.Ufldl, false)]
    [InlineData(12, 12, 5, 2, 3, PoolingKind.Mean, PatchNormalizationKind.Contrast, true)]
    [InlineData(9, 11, 3, 3, 1, PoolingKind.Sum, PatchNormalizationKind.None, false)]
    [InlineData(16, 16, 8, 1, 2, PoolingKind.Mean, PatchNormalizationKind.Ufldl, true)]
    [InlineData(14, 11, 3, 1, 1, PoolingKind.Sum, PatchNormalizationKind.Contrast, false, 4)]
    [InlineData(20, 20, 5, 2, 1, PoolingKind.Mean, PatchNormalizationKind.None, false, 3)]
    [InlineData(12, 10, 4, 1, 2, PoolingKind.Sum, PatchNormalizationKind.Contrast, true, 0, 0.25)]
    [InlineData(14, 11, 3, 1, 1, PoolingKind.Mean, PatchNormalizationKind.Ufldl, false, 4, 0.0)]
    [InlineData(28, 28, 8, 1, 3, PoolingKind.Sum, PatchNormalizationKind.Contrast, true, 0, 0.5)]
    public void Featurize_matches_the_naive_convolution_and_pooling(int height, int width, int patch, int stride, int grid,
        PoolingKind pooling, PatchNormalizationKind norm, bool withZca, int poolSize = 0, double? softThreshold = null)
    {
        var g = new ConvolutionGeometry(height, width, patch, stride, grid, poolSize);
        int len = patch * patch, h = 7;
        var image = TestData.RandomRows(1, height * width, 1);
        var p = ParameterInitializer.Initialize(len, h, 2);
        for (int j = 0; j < h; j++) p.B1[j] = 0.05f * j - 0.1f;
        double parameter = norm switch { PatchNormalizationKind.Ufldl => 0.3, PatchNormalizationKind.Contrast => 0.01, _ => 0 };
        var zca = withZca ? ZcaWhitening.Fit(TestData.RandomRows(300, len, 3), 300, len, 0.1) : null;
        var encoding = softThreshold is double alpha ? new FeatureEncoding(FeatureEncodingKind.SoftThreshold, alpha) : null;
        var featurizer = new ConvolutionalFeaturizer(g, new PatchPreprocessor(norm, parameter, zca), p, pooling, encoding);
        var features = new float[featurizer.FeatureCount];
        featurizer.Featurize(image, features, featurizer.CreateWorkspace());
        var expected = Naive(image, g, norm, parameter, zca, p, pooling, softThreshold);
        Assert.Equal(expected.Length, features.Length);
        for (int k = 0; k < features.Length; k++)
            Assert.True(Math.Abs(features[k] - expected[k]) <= 1e-4 * Math.Max(1, Math.Abs(expected[k])), $"feature {k}: {features[k]} vs {expected[k]}");
    }

    [Fact]
    public void Bad_geometry_names_the_setting()
    {
        Assert.Contains("PatchSize must lie in 1..10", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(10, 12, 11, 1, 1).Validate()).Message);
        Assert.Contains("Stride must lie in 1..65536, but is 0", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(10, 10, 3, 0, 1).Validate()).Message);
        Assert.Contains("PoolGrid must lie in 1..2", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(10, 10, 6, 4, 3).Validate()).Message);
        // A stride past the image leaves one position: the refusal named PoolGrid and "the 1x1 map of positions" alone,
        // not what made the map that small.
        Assert.StartsWith("PoolGrid must lie in 1..1 (the 1x1 map of positions that 6x6 patches at stride 40 leave on a 28x28 image), but is 3.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(28, 28, 6, 40, 3).Validate()).Message);
        Assert.Contains("PoolSize must be 0 (use PoolGrid) or lie in 1..65536, but is -1", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(10, 10, 3, 1, 1, -1).Validate()).Message);
        Assert.Contains("ImageHeight must lie in 1..65536, but is 0", Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(0, 10, 3, 1, 1).Validate()).Message);
        Assert.Contains("An image of 65536x65536 = 4294967296 pixels is more than one array holds",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(65536, 65536, 2, 2, 1).Validate()).Message);
        Assert.Contains("The 39998x39998 positions of 3x3 patches (stride 1) hold 14398560036 values, more than one array holds",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConvolutionGeometry(40000, 40000, 3, 1, 1).Validate()).Message);
        // 13333 x 13333 positions: their patches fit one array (1.6e9 values), their 32 codes each do not.
        Assert.Contains("13333x13333 positions and 1x1 regions of 32 hidden units give 5688604448 codes and 32 features an image, more than one array holds", Assert.Throws<ArgumentException>(() =>
            new ConvolutionalFeaturizer(new ConvolutionGeometry(40000, 40000, 3, 3, 1), PatchPreprocessor.Identity, ParameterInitializer.Initialize(9, 32, 1), PoolingKind.Sum)).Message);
        var p = ParameterInitializer.Initialize(9, 4, 1);
        Assert.Contains("takes 9 values but 4x4 patches have 16", Assert.Throws<ArgumentException>(() =>
            new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 4, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum)).Message);
        // JumpReLU parameters were encoded with the sigmoid, their thresholds ignored.
        var jump = ParameterInitializer.InitializeSparseCode(9, 4, 1, new float[9], thresholds: true);
        Assert.StartsWith("The autoencoder's parameters hold JumpReLU thresholds, but the featurizer's encodings are the sigmoid code and the soft threshold", Assert.Throws<ArgumentException>(() =>
            new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, jump, PoolingKind.Sum)).Message);
    }

    [Fact]
    public void The_saved_format_round_trips_and_catches_damage()
    {
        var p = ParameterInitializer.Initialize(16, 5, 4);
        var zca = ZcaWhitening.Fit(TestData.RandomRows(100, 16, 5), 100, 16, 0.1);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(10, 9, 4, 2, 2, PoolSize: 2), new PatchPreprocessor(PatchNormalizationKind.Ufldl, 0.4, zca), p, PoolingKind.Mean);
        var summary = new TrainingSummary(OptimizerKind.Lbfgs, 3, 0, SparseAe.Optimization.OptimizerExitReason.MaxIterations,
            new SparseAe.Objective.CostBreakdown(1, 0.5, 0.25, 0.25), new double[5], TimeSpan.FromSeconds(1), 100, []);
        var saved = new SavedConvolution(featurizer, new SavedAutoencoder(p, new SparseAe.Objective.ObjectiveSettings(), summary, []), 100, ["F", "Pixels"]);
        using var ms = new MemoryStream();
        ConvolutionFormat.Write(ms, saved);
        var bytes = ms.ToArray();
        var back = ConvolutionFormat.Read(new MemoryStream(bytes));
        var image = TestData.RandomRows(1, 90, 6);
        var a = new float[featurizer.FeatureCount];
        var b = new float[featurizer.FeatureCount];
        featurizer.Featurize(image, a, featurizer.CreateWorkspace());
        back.Featurizer.Featurize(image, b, back.Featurizer.CreateWorkspace());
        Assert.Equal(a, b);
        Assert.Equal(["F", "Pixels"], back.ColumnNames);
        Assert.Equal(100, back.TrainingPatches);
        Assert.Equal(2, back.Featurizer.Geometry.PoolSize);
        for (int cut = 0; cut < bytes.Length; cut += 37)
            Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(bytes, 0, cut)));
        var damaged = (byte[])bytes.Clone();
        damaged[30] ^= 8;
        Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(damaged)));
    }

    // A current block re-framed as an older version: the fields that version lacked (the last
    // `dropped` payload bytes) are cut off and the header and CRC-32 rewritten.
    private static byte[] AsOlderVersion(byte[] bytes, int dropped, uint version)
    {
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) - dropped;
        var old = new byte[16 + length + 4];
        bytes.AsSpan(0, 16 + length).CopyTo(old);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(4), version);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(8), version);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(12), length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(old.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(old.AsSpan(16, length)));
        return old;
    }

    private static byte[] SavedBytes(ConvolutionalFeaturizer featurizer, AutoencoderParameters p)
    {
        var summary = new TrainingSummary(OptimizerKind.Lbfgs, 1, 0, SparseAe.Optimization.OptimizerExitReason.MaxIterations,
            new SparseAe.Objective.CostBreakdown(1, 1, 0, 0), new double[p.HiddenCount], TimeSpan.Zero, 10, []);
        using var ms = new MemoryStream();
        ConvolutionFormat.Write(ms, new SavedConvolution(featurizer, new SavedAutoencoder(p, new SparseAe.Objective.ObjectiveSettings(), summary, []), 10, ["F", "P"]));
        return ms.ToArray();
    }

    [Fact]
    public void Older_blocks_read_with_the_defaults_of_their_time()
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var soft = new FeatureEncoding(FeatureEncodingKind.SoftThreshold, 0.3);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2, PoolSize: 3), PatchPreprocessor.Identity, p, PoolingKind.Sum, soft);
        var bytes = SavedBytes(featurizer, p);
        var current = ConvolutionFormat.Read(new MemoryStream(bytes)).Featurizer;
        Assert.Equal(soft, current.Encoding);
        Assert.Equal(3, current.Geometry.PoolSize);
        // Version 2 had no encoding (4 + 8 bytes at the end): the sigmoid code.
        var v2 = ConvolutionFormat.Read(new MemoryStream(AsOlderVersion(bytes, 12, 2))).Featurizer;
        Assert.Equal(FeatureEncoding.Sigmoid, v2.Encoding);
        Assert.Equal(3, v2.Geometry.PoolSize);
        Assert.Equal(2 * 2 * 3, v2.FeatureCount);
    }

    [Fact]
    public void A_version_1_block_reads_as_grid_pooling_of_the_sigmoid_code()
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum);
        // Version 1 ended with the column names: no pool size, no encoding (4 + 4 + 8 bytes).
        var v1 = ConvolutionFormat.Read(new MemoryStream(AsOlderVersion(SavedBytes(featurizer, p), 16, 1))).Featurizer;
        Assert.Equal(0, v1.Geometry.PoolSize);
        Assert.Equal(2, v1.Geometry.PoolGrid);
        Assert.Equal(FeatureEncoding.Sigmoid, v1.Encoding);
    }

    [Fact]
    public void A_block_with_an_unknown_encoding_is_refused()
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum);
        var bytes = SavedBytes(featurizer, p);
        // The encoding kind sits 12 bytes before the end of the payload; 7 is no encoding.
        var damaged = AsOlderVersion(bytes, 0, ConvolutionFormat.CurrentVersion);
        int payloadEnd = damaged.Length - 4;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(payloadEnd - 12), 7);
        damaged = AsOlderVersion(damaged, 0, ConvolutionFormat.CurrentVersion);   // fresh CRC over the edit
        Assert.Contains("feature encoding", Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(damaged))).Message);
    }

    [Fact]
    public void A_block_whose_nested_autoencoder_is_a_sparse_code_is_refused_when_it_is_read()
    {
        // The writer refuses a TopK (or ReLU, JumpReLU) nested autoencoder, but the reader took one: the
        // featurizer then encoded with the sigmoid while its Objective said TopK, and the loaded model
        // could not be saved again.
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum);
        var bytes = SavedBytes(featurizer, p);
        var topK = FormatSamples.Bytes(new SavedAutoencoder(p, new SparseAe.Objective.ObjectiveSettings(Decoder: DecoderKind.Linear,
            Activation: ActivationKind.TopK, K: 2), FormatSamples.Summary(3), []));
        // Payload: 44 bytes of fields, i32 Z (0: no ZCA here), i32 A, the A bytes of the autoencoder block, the rest.
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        var payload = bytes.AsSpan(16, length);
        Assert.Equal(0, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(payload[44..]));
        int aeLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(payload[48..]);
        var spliced = new List<byte>();
        spliced.AddRange(bytes.AsSpan(0, 16 + 48).ToArray());
        spliced.AddRange(BitConverter.GetBytes(topK.Length));
        spliced.AddRange(topK);
        spliced.AddRange(payload[(52 + aeLength)..].ToArray());
        spliced.AddRange(new byte[4]);   // the CRC-32, written below
        var damaged = spliced.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(12), damaged.Length - 20);
        damaged = AsOlderVersion(damaged, 0, ConvolutionFormat.CurrentVersion);   // fresh CRC over the edit
        var e = Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(damaged)));
        Assert.Equal("The nested autoencoder at offset 68 is a TopK code; the featurizer encodes patches with the sigmoid autoencoder's first layer.", e.Message);
    }

    [Theory]
    [InlineData(0, "The ZCA block length at offset 60 is ", "the ZCA block ends after ")]
    [InlineData(1, "The autoencoder block length at offset ", "the autoencoder block ends after ")]
    public void A_nested_block_length_with_bytes_after_the_nested_block_is_refused(int nested, string field, string rule)
    {
        // The layout says Z (and A) bytes hold a ZcaFormat (ModelFormat) block; the reader read the nested block from
        // the front of those bytes and ignored any that followed its CRC-32, so padding there loaded as if absent.
        var bytes = FormatSamples.Bytes(FormatSamples.Convolution());
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        var payload = bytes.AsSpan(16, length).ToArray();
        // Payload: 44 bytes of fields, i32 Z, Z bytes, i32 A, A bytes, the rest.
        int at = 44;
        if (nested == 1) at += 4 + System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at));
        int blockLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at));
        var padded = new List<byte>(bytes.AsSpan(0, 16).ToArray());
        padded.AddRange(payload[..at]);
        padded.AddRange(BitConverter.GetBytes(blockLength + 4));
        padded.AddRange(payload.AsSpan(at + 4, blockLength).ToArray());
        padded.AddRange(new byte[4]);   // the padding after the nested block's CRC-32
        padded.AddRange(payload[(at + 4 + blockLength)..]);
        padded.AddRange(new byte[4]);   // the outer CRC-32, written below
        var damaged = padded.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(12), damaged.Length - 20);
        damaged = AsOlderVersion(damaged, 0, ConvolutionFormat.CurrentVersion);   // fresh CRC over the edit
        var e = Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(damaged)));
        Assert.StartsWith(field, e.Message);
        Assert.Contains($"is {blockLength + 4}, but {rule}{blockLength} bytes, at its CRC-32; the 4 bytes after it belong to no field.", e.Message);
    }

    [Fact]
    public void A_block_whose_image_size_overflows_is_refused_when_it_is_read()
    {
        // Loaded, 65536 x 65536 images made the input column "a vector of 0 Single values" (the int product wrapped).
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var featurizer = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum);
        var damaged = AsOlderVersion(SavedBytes(featurizer, p), 0, ConvolutionFormat.CurrentVersion);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(16), 65536);   // image height, the payload's first field
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(20), 65536);   // image width
        damaged = AsOlderVersion(damaged, 0, ConvolutionFormat.CurrentVersion);   // fresh CRC over the edit
        var e = Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(damaged)));
        Assert.Contains("An image of 65536x65536 = 4294967296 pixels is more than one array holds", e.Message);
    }

    [Fact]
    public void A_workspace_of_another_featurizer_is_refused()
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var small = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum);
        var large = new ConvolutionalFeaturizer(new ConvolutionGeometry(12, 12, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum);
        var features = new float[large.FeatureCount];
        var e = Assert.Throws<ArgumentException>(() => large.Featurize(new float[144], features, small.CreateWorkspace()));
        Assert.Equal("workspace", e.ParamName);
        Assert.StartsWith("The workspace was made by another featurizer; use this featurizer's CreateWorkspace().", e.Message);
        Assert.Throws<ArgumentException>(() => small.EncodePositions(new float[64], large.CreateWorkspace()));
        Assert.All(features, f => Assert.Equal(0f, f));
    }

    [Theory]
    [InlineData(1e21f)]
    [InlineData(1e-25f)]
    public void The_soft_threshold_dictionary_does_not_depend_on_the_weights_scale(float scale)
    {
        // Unit-length filters: their float sums of squares overflowed (or underflowed) and made them zero filters.
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var scaled = p.Clone();
        for (int k = 0; k < scaled.W1.Length; k++) scaled.W1[k] *= scale;
        var g = new ConvolutionGeometry(8, 8, 3, 1, 2);
        var encoding = new FeatureEncoding(FeatureEncodingKind.SoftThreshold, 0.01);
        var image = TestData.RandomRows(1, 64, 9);
        float[] Features(AutoencoderParameters parameters)
        {
            var f = new ConvolutionalFeaturizer(g, PatchPreprocessor.Identity, parameters, PoolingKind.Sum, encoding);
            var features = new float[f.FeatureCount];
            f.Featurize(image, features, f.CreateWorkspace());
            return features;
        }
        var expected = Features(p);
        var actual = Features(scaled);
        Assert.Contains(expected, v => v > 0);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], 1e-5f);
    }

    [Fact]
    public void A_soft_threshold_that_is_negative_or_beyond_float_is_refused()
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        // 1e39 is a finite double, but alpha is subtracted in float: it became infinity and every feature 0.
        foreach (var alpha in new[] { -0.1, double.NaN, double.PositiveInfinity, 1e39, 3.4028236e38 })
            Assert.Equal($"The soft threshold must lie in 0..3.4028234663852886E+38 (it is applied as a float), but is {alpha}. (Parameter 'Threshold')" +
                $"{Environment.NewLine}Actual value was {alpha}.", Assert.Throws<ArgumentOutOfRangeException>(() =>
                new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum,
                    new FeatureEncoding(FeatureEncodingKind.SoftThreshold, alpha))).Message);
        // float's largest value itself is a threshold: no response passes it, so every feature is 0 by the formula.
        var largest = new ConvolutionalFeaturizer(new ConvolutionGeometry(8, 8, 3, 1, 2), PatchPreprocessor.Identity, p, PoolingKind.Sum,
            new FeatureEncoding(FeatureEncodingKind.SoftThreshold, float.MaxValue));
        Assert.Equal(float.MaxValue, largest.Encoding.Threshold);
    }

    // docs/onnx.md: a NaN or infinite pixel makes NaN the features of the regions whose patches hold it. Without a
    // normalisation nothing subtracts the infinity from itself: the sigmoid saturated to 0 or 1 and the soft threshold gave
    // infinities and zeros, features of a finite image that hid the corrupt pixel.
    [Theory]
    [InlineData(FeatureEncodingKind.Sigmoid, float.PositiveInfinity)]
    [InlineData(FeatureEncodingKind.Sigmoid, float.NegativeInfinity)]
    [InlineData(FeatureEncodingKind.SoftThreshold, float.PositiveInfinity)]
    [InlineData(FeatureEncodingKind.SoftThreshold, float.NaN)]
    public void A_pixel_that_is_not_finite_makes_NaN_the_features_of_its_regions_whatever_the_normalisation(FeatureEncodingKind encoding, float pixel)
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var g = new ConvolutionGeometry(8, 8, 3, 1, 2);
        var image = TestData.RandomRows(1, 64, 9);
        image[0] = pixel;   // the top-left corner: in the patches of region 0 only
        foreach (var normalization in new[] { PatchNormalizationKind.None, PatchNormalizationKind.Ufldl, PatchNormalizationKind.Contrast })
        {
            var f = new ConvolutionalFeaturizer(g, new PatchPreprocessor(normalization, normalization == PatchNormalizationKind.None ? 0 : 0.5, null), p,
                PoolingKind.Sum, new FeatureEncoding(encoding, 0.1));
            var features = new float[f.FeatureCount];
            f.Featurize(image, features, f.CreateWorkspace());
            int perRegion = f.FeatureCount / 4;
            Assert.All(features[..perRegion], v => Assert.True(float.IsNaN(v), $"{normalization}: region 0 holds {v}"));
            Assert.All(features[perRegion..], v => Assert.True(float.IsFinite(v), $"{normalization}: another region holds {v}"));
            var codes = f.EncodePositions(image, f.CreateWorkspace()).ToArray();
            Assert.All(codes[..3], v => Assert.True(float.IsNaN(v), $"{normalization}: position 0 holds {v}"));
        }
    }

    // A flat patch is all zeros once centred; with a contrast epsilon below about 1e-77 its scale
    // 1/sqrt(0 + epsilon) is beyond float, and 0 x infinity made every feature of its region NaN.
    [Fact]
    public void A_contrast_epsilon_too_small_for_float_is_refused_and_the_smallest_allowed_keeps_flat_patches_at_zero()
    {
        var p = ParameterInitializer.Initialize(9, 3, 4);
        var g = new ConvolutionGeometry(6, 6, 3, 1, 2);
        foreach (var epsilon in new[] { 1e-80, 1e-45, 1e-39 })
            Assert.Contains($"The Contrast normalisation needs an epsilon of at least 1.1754943508222875E-38 (the smallest normal float), but has {epsilon}",
                Assert.Throws<ArgumentOutOfRangeException>(() =>
                    new ConvolutionalFeaturizer(g, new PatchPreprocessor(PatchNormalizationKind.Contrast, epsilon, null), p, PoolingKind.Sum)).Message);
        var featurizer = new ConvolutionalFeaturizer(g, new PatchPreprocessor(PatchNormalizationKind.Contrast, 1.1754943508222875E-38, null), p, PoolingKind.Sum);
        var image = Enumerable.Repeat(0.25f, 36).ToArray();
        var features = new float[featurizer.FeatureCount];
        featurizer.Featurize(image, features, featurizer.CreateWorkspace());
        var code = new float[3];
        new AutoencoderEncoder(p).Encode(new float[9], code);   // a flat patch normalises to zeros
        for (int k = 0; k < features.Length; k++) Assert.Equal(4 * code[k % 3], features[k], 1e-6f);
    }

    [Fact]
    public void Patch_sampling_and_the_UFLDL_deviation_follow_their_definitions()
    {
        // Two 3x4 images with distinct values: every sampled 2x2 patch must be a real window.
        var images = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        var patches = PatchSampling.Sample(images, 2, 3, 4, 2, 50, 7);
        for (int i = 0; i < 50; i++)
        {
            float first = patches[i * 4];
            int image = (int)first / 12, top = ((int)first % 12) / 4, left = (int)first % 4;
            Assert.InRange(top, 0, 1);
            Assert.InRange(left, 0, 2);
            Assert.Equal(new[] { first, first + 1, first + 4, first + 5 }, patches.AsSpan(i * 4, 4).ToArray());
            Assert.InRange(image, 0, 1);
        }
        // Patches {0,2} and {4,6}: after mean removal all values are +-1, so std (n - 1) = sqrt(4/3).
        Assert.Equal(3 * Math.Sqrt(4.0 / 3), UfldlNormalization.Normalize(new float[] { 0f, 2f, 4f, 6f }, 2, 2), 1e-12);
    }

    [Fact]
    public void A_stack_of_images_is_refused_unless_it_holds_its_stated_shape_and_fits_the_patch()
    {
        var six = new float[2 * 3 * 4];
        var shape = Assert.Throws<ArgumentException>(() => PatchSampling.Sample(six, 2, 3, 5, 2, 10, 1));
        Assert.Equal("images", shape.ParamName);
        Assert.Contains("imageCount*height*width = 2*3*5 = 30 values, but holds 24", shape.Message);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => PatchSampling.Sample(six, 2, 0, 4, 2, 10, 1)).ParamName);
        Assert.Equal("imageCount", Assert.Throws<ArgumentOutOfRangeException>(() => PatchSampling.Sample(six, -1, 3, 4, 2, 10, 1)).ParamName);
        Assert.Contains("at least one image", Assert.Throws<ArgumentException>(() => PatchSampling.Sample(ReadOnlyMemory<float>.Empty, 0, 3, 4, 2, 10, 1)).Message);
        // The same message as for a list of images, naming the image by its row.
        var small = Assert.Throws<ArgumentException>(() => PatchSampling.Sample(six, 2, 3, 4, 4, 10, 1));
        Assert.Contains("Image 0 'row 0 of the stack' is 4x3 (width x height), smaller than the 4x4 patch", small.Message);
    }

    [Fact]
    public void Sampling_one_patch_refuses_a_wrong_destination_and_an_image_smaller_than_the_patch()
    {
        // SampleOne is public: it checks what it needs even when Validate was not called first.
        var images = new[] { new TestImage(5, 5, "square"), new TestImage(9, 3, "strip") };
        var destination = Assert.Throws<ArgumentException>(() => PatchSampling.SampleOne(new Random(1), images, 4, new float[15]));
        Assert.Contains("patchSize^2 = 16", destination.Message);
        var random = new Random(3);
        var patch = new float[16];
        var error = Assert.Throws<ArgumentException>(() => { for (int i = 0; i < 100; i++) PatchSampling.SampleOne(random, images, 4, patch); });
        Assert.Contains("Image 1 'strip' is 9x3 (width x height), smaller than the 4x4 patch", error.Message);
    }

    private sealed record TestImage(int Width, int Height, string Name) : IPatchImage
    {
        public ReadOnlySpan<float> Pixels => new float[Width * Height];
    }

    // A filter that is all zeros stays a zero column of the soft threshold's dictionary (its features are then 0), not
    // 0 times 1/0: NaN features for every image.
    [Fact]
    public void A_zero_filter_is_a_zero_column_of_the_unit_dictionary()
    {
        var dictionary = FeatureEncoding.UnitDictionaryTransposed(new AutoencoderParameters(4, 2));
        Assert.All(dictionary, d => Assert.Equal(0f, d));
    }

    // Every window of the image is drawn: the top row from 0 to H - P, the left column from 0 to W - P. Pixel (r, c) holds
    // 4r + c, so a patch's first pixel names its window.
    [Fact]
    public void Patch_sampling_draws_every_window_of_the_image()
    {
        var image = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();   // 3 rows of 4
        var patches = PatchSampling.Sample(image, 1, 3, 4, 2, 2000, 7);
        var firsts = Enumerable.Range(0, 2000).Select(k => (int)patches[k * 4]).ToArray();
        Assert.Equal([0, 1], firsts.Select(v => v / 4).Distinct().Order());
        Assert.Equal([0, 1, 2], firsts.Select(v => v % 4).Distinct().Order());
    }

    private sealed record PatchImage(int Width, int Height, string Name) : IPatchImage
    {
        public ReadOnlySpan<float> Pixels => new float[Width * Height];
    }

    // The check before patches are streamed one at a time: an image narrower than the patch is named, as a shorter one is.
    [Fact]
    public void Validate_names_an_image_narrower_than_the_patch()
    {
        var e = Assert.Throws<ArgumentException>(() => PatchSampling.Validate([new PatchImage(3, 5, "n")], 4));
        Assert.StartsWith("Image 0 'n' is 3x5 (width x height), smaller than the 4x4 patch", e.Message);
        Assert.StartsWith("Image 0 's' is 5x3", Assert.Throws<ArgumentException>(() => PatchSampling.Validate([new PatchImage(5, 3, "s")], 4)).Message);
    }

    // The soft threshold's features are 2H a region: the most hidden units a geometry takes halve where the feature vector,
    // not the codes of the positions, is the larger array (pooling blocks of one position: as many regions as positions).
    [Fact]
    public void The_soft_thresholds_two_features_a_unit_halve_the_hidden_units_a_geometry_takes()
    {
        var oneByOne = new ConvolutionGeometry(8, 8, 3, 1, 0, 1);   // 6x6 positions, 6x6 regions
        Assert.Equal(Array.MaxLength / 36, ConvolutionalFeaturizer.MostHiddenUnits(oneByOne, 1));
        Assert.Equal(Array.MaxLength / 72, ConvolutionalFeaturizer.MostHiddenUnits(oneByOne, 2));
        var grid = new ConvolutionGeometry(8, 8, 3, 1, 2);          // 36 positions, 4 regions: the codes are the larger
        Assert.Equal(Array.MaxLength / 36, ConvolutionalFeaturizer.MostHiddenUnits(grid, 2));
    }
}
