using Microsoft.ML.Data;
using SparseAe.Convolution;

namespace SparseAe.MLNet.Onnx;

/// <summary>
/// The convolutional featurizer as ONNX nodes, the steps of <see cref="ConvolutionalFeaturizer.Featurize"/>
/// for N images of (ImageHeight * ImageWidth) values and M = RowPositions * ColumnPositions positions of
/// P x P = L values:
/// <code>
/// patches  = Gather(image, I, axis 1)                     (N, M, L); I (M, L) holds each patch's pixel indices
/// none     : p + (p * 0) 1                                a patch holding a NaN or infinity all NaN, as the others do by centring
/// centred  = q - mean(q), q = p - p[first pixel]          float32, near the featurizer's double centring
/// contrast : centred / sqrt(var(p) + eps)                 sample variance (L - 1), sums as products with ones
/// UFLDL    : (clip(centred, -pstd, pstd) + pstd) / pstd * 0.4 + 0.1   (0.5 everywhere when pstd = 0)
/// ZCA      : (p - mu) W^T
/// sigmoid  : sigmoid(p W1^T + b1)                         (N, M, H)
/// soft thr.: z = p D^T, [Relu(z - alpha), Relu(-z - alpha)]   (N, M, 2H); D: W1's rows at unit length
/// pooled   = S features                                   (N, R, F); S (R, M) is 1 where position m is in region r,
///                                                         expanded to (N, R, M)
/// mean     : pooled * (1 / count_r)                       as the featurizer does: sum, then scale
/// output   = Reshape(pooled, (N, R * F))                  index region * F + feature, as Featurize writes it
/// </code>
/// </summary>
internal static class ConvolutionGraph
{
    public static void Write(OnnxGraph g, ConvolutionalFeaturizerTransformer t)
    {
        var f = t.Featurizer;
        var geometry = f.Geometry;
        int positions = geometry.RowPositions * geometry.ColumnPositions, length = geometry.PatchLength;
        int h = f.Encoder.HiddenCount;
        string image = g.Input(t.InputColumnName);
        string patches = g.Node("Gather", [image, g.Constant("patch_pixels", PixelIndices(geometry), positions, length)], OnnxAttribute.Int("axis", 1));
        patches = Normalize(g, f.Preprocessor, patches, length);
        if (f.Preprocessor.Zca is { } zca) patches = WhiteningGraph.Apply(g, zca, patches);
        string features;
        if (f.Encoding.Kind == FeatureEncodingKind.Sigmoid)
        {
            string w1t = g.Constant("W1T", AutoencoderGraph.Transposed(f.Parameters.W1, h, length), length, h);
            features = g.Node("Sigmoid", [g.Add(g.MatMul(patches, w1t), g.Constant("b1", f.Encoder.EffectiveBias, h))]);
        }
        else
        {
            string z = g.MatMul(patches, g.Constant("D_T", FeatureEncoding.UnitDictionaryTransposed(f.Parameters), length, h));
            string alpha = g.Scalar("alpha", (float)f.Encoding.Threshold);
            string positive = g.Node("Relu", [g.Sub(z, alpha)]);
            string negative = g.Node("Relu", [g.Sub(g.Node("Neg", [z]), alpha)]);
            features = g.Node("Concat", [positive, negative], OnnxAttribute.Int("axis", 2));
        }
        var (membership, scale) = Regions(geometry, f.Pooling);
        int regions = geometry.RegionRows * geometry.RegionColumns;
        // S expanded to the batch, (N, R, M), times the (N, M, F) features: S as it is, (R, M), broadcast against the
        // features' batch, which ONNX Runtime's MatMul refuses for N = 0 ("right operand cannot broadcast on dim 0"), and
        // a batch of no rows failed. The copies of S are small (R x M a row, against M x F features); a product over the
        // features laid out (M, N * F) instead needed a transpose of them, 12% slower at 256 images.
        // N as a (1) tensor by Gather, not Slice, whose bounds became inputs at opset 10 (every graph here holds from opset 9).
        string batch = g.Node("Gather", [g.Node("Shape", [features]), g.Constant("batch_axis", [0L], 1)], OnnxAttribute.Int("axis", 0));
        string regionsPerRow = g.Node("Expand", [g.Constant("pool_regions", membership, regions, positions),
            g.Node("Concat", [batch, g.Constant("one_one", [1L, 1L], 2)], OnnxAttribute.Int("axis", 0))]);
        string pooled = g.MatMul(regionsPerRow, features);   // (N, R, F)
        if (scale is not null) pooled = g.Mul(pooled, g.Constant("pool_scale", scale, regions, 1));
        string flat = g.Node("Reshape", [pooled, g.Constant("shape", [-1L, f.FeatureCount], 2)]);
        g.Output(t.OutputColumnName, flat);
    }

    private static string Normalize(OnnxGraph g, PatchPreprocessor pre, string p, int length)
    {
        // A NaN or infinite pixel makes its patches NaN, as the featurizer does before it encodes them. The normalisations
        // below do it by centring (infinity - infinity); without one, ONNX Runtime's sigmoid saturated an infinity to a finite
        // 0 or 1. p * 0 is NaN exactly where p is not finite, and its sum over the patch, added to each pixel, spreads it.
        if (pre.Normalization == PatchNormalizationKind.None)
            return g.Add(p, g.RowSums(g.Mul(p, g.Scalar("zero", 0f)), length));
        // The graph holds the parameter as a float32, the featurizer uses it in double: beyond float's range
        // a UFLDL pstd became infinity (NaN features) or 0 (0.5 everywhere), a contrast epsilon infinity
        // (zero patches), while Transform still normalised.
        if (!(pre.Parameter >= FloatLimits.SmallestNormal && pre.Parameter <= float.MaxValue))
            throw new NotSupportedException(
                $"ConvolutionalFeaturizerTransformer cannot be exported to ONNX: the graph holds {(pre.Normalization == PatchNormalizationKind.Ufldl ? "the UFLDL normalisation's pstd" : "the contrast normalisation's epsilon")} " +
                $"as a float32, so it must lie in {FloatLimits.SmallestNormal:R}..{(double)float.MaxValue:R}, but it is {pre.Parameter:R}.");
        // The featurizer centres each patch in double (UfldlNormalization.RemoveMean). A float32 mean of the
        // raw pixels would carry the rounding of the patch's level into every centred value (5e-4 at
        // pixels of 1e4 + [0, 1], which ZCA then amplified). So each patch's first pixel is taken off
        // first: the rest are differences of nearby floats, exact, whose float32 mean is then exact or
        // nearly so, and a flat patch gives exact zeros. (A graph that centred in double matched the
        // featurizer with ONNX Runtime's optimisations off and missed it as before with them on, the default.)
        string first = g.Node("Gather", [p, g.Constant("first_pixel", [0L], 1)], OnnxAttribute.Int("axis", 2));   // (N, M, 1)
        string shifted = g.Sub(p, first);
        string centred = g.Sub(shifted, g.Div(g.RowSums(shifted, length), g.Scalar("L", length)));
        if (pre.Normalization == PatchNormalizationKind.Contrast)
        {
            // One value has no sample variance: the featurizer takes it as 0 (the sum of squares is 0 then too).
            string variance = g.Div(AutoencoderGraph.SumOfSquares(g, centred, length), g.Scalar("L_minus_1", Math.Max(1, length - 1)));
            string scale = g.Node("Reciprocal", [g.Node("Sqrt", [g.Add(variance, g.Scalar("epsilon", (float)pre.Parameter))])]);
            return g.Mul(centred, scale);
        }
        float pstd = (float)pre.Parameter;
        if (pstd == 0) return g.Add(g.Mul(centred, g.Scalar("zero", 0f)), g.Scalar("half", 0.5f));
        string clipped = g.Node("Max", [g.Node("Min", [centred, g.Scalar("pstd", pstd)]), g.Scalar("minus_pstd", -pstd)]);
        string unit = g.Div(g.Add(clipped, g.Scalar("pstd", pstd)), g.Scalar("pstd", pstd));
        return g.Add(g.Mul(unit, g.Scalar("scale", 0.4f)), g.Scalar("offset", 0.1f));
    }

    /// <summary>(M, L): the image index of each patch's pixels, position (r, c) at row r * ColumnPositions + c.</summary>
    public static long[] PixelIndices(ConvolutionGeometry geometry)
    {
        int cols = geometry.ColumnPositions, p = geometry.PatchSize, length = geometry.PatchLength;
        // Checked before the table is made, as the pooling matrix is: a 1,024 x 1,024 image in 17 x 17 patches at stride 1
        // needs 2.35 GB of indices, which were allocated (or not: an OutOfMemoryException) before the graph's count refused them.
        long positions = (long)geometry.RowPositions * cols;
        RequireConstantFits($"its patches' pixel indices are a constant (positions, patch pixels) table of {positions} x {length} int64 values", 8L * positions * length,
            "fewer positions (a larger Stride) or smaller patches make it smaller");
        var indices = new long[positions * length];
        for (int r = 0; r < geometry.RowPositions; r++)
            for (int c = 0; c < cols; c++)
                for (int y = 0; y < p; y++)
                    for (int x = 0; x < p; x++)
                        indices[(r * cols + c) * length + y * p + x] = (long)(r * geometry.Stride + y) * geometry.ImageWidth + c * geometry.Stride + x;
        return indices;
    }

    // A constant of the featurizer's graph that alone outgrows an ONNX file, refused before it is made (the graph's own count of
    // constants, OnnxExport, refuses one only as it is added, when it has been made).
    private static void RequireConstantFits(string what, long bytes, string advice)
    {
        if (bytes > OnnxGraph.MaxFileBytes)
            throw new NotSupportedException($"ConvolutionalFeaturizerTransformer cannot be exported to ONNX: {what}, {bytes} bytes, and an ONNX file holds at most " +
                $"{OnnxGraph.MaxFileBytes} bytes (protobuf's limit); {advice}.");
    }

    /// <summary>The (R, M) region membership, and for mean pooling the (R) factors 1 / count.</summary>
    public static (float[] Membership, float[]? Scale) Regions(ConvolutionGeometry geometry, PoolingKind pooling)
    {
        int regions = geometry.RegionRows * geometry.RegionColumns, cols = geometry.ColumnPositions;
        int positions = geometry.RowPositions * cols;
        // The featurizer bounds positions and regions one at a time; their product overflowed int (a bare
        // OverflowException), and long before that the matrix outgrows what protobuf writes in one file.
        RequireConstantFits($"its pooling is a constant (regions, positions) matrix of {regions} x {positions} floats", 4L * regions * positions,
            "fewer pooling regions (a larger PoolSize or a smaller PoolGrid) or fewer positions (a larger Stride) make it smaller");
        var membership = new float[regions * positions];
        var counts = new int[regions];
        for (int r = 0; r < geometry.RowPositions; r++)
            for (int c = 0; c < cols; c++)
            {
                int region = geometry.RegionOfRow(r) * geometry.RegionColumns + geometry.RegionOfColumn(c);
                membership[region * positions + r * cols + c] = 1;
                counts[region]++;
            }
        return (membership, pooling == PoolingKind.Mean ? counts.Select(n => 1f / n).ToArray() : null);
    }
}
