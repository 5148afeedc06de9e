using SparseAe.Convolution;
using SparseAe.Visualization;

namespace FashionMnistSample;

/// <summary>The sample's pictures: the learned filters, and test images beside their strongest feature maps.</summary>
internal static class Pictures
{
    public const int MapsPerImage = 4;

    /// <summary>
    /// The encoder's filters as they act on the contrast-normalised patch: with ZCA the encoder sees
    /// Z (x - mean), so filter j is row j of W1 Z (UFLDL's linear decoder exercise shows W * ZCAWhite).
    /// W1 is (H, V), Z is (V, V).
    /// </summary>
    public static byte[] Filters(ConvolutionalFeaturizer featurizer)
    {
        var p = featurizer.Parameters;
        int side = featurizer.Geometry.PatchSize, v = p.VisibleCount, h = p.HiddenCount;
        var filters = p.W1.ToArray();
        if (featurizer.Preprocessor.Zca is { } zca)
        {
            // (W1 Z)[i, j] = row i of W1 . column j of Z, and Z = U diag(1/sqrt(lambda + eps)) U^T is
            // symmetric, so column j is row j.
            ReadOnlySpan<float> w1 = p.W1, z = zca.Matrix;
            for (int i = 0; i < h; i++)
                for (int j = 0; j < v; j++)
                    filters[i * v + j] = System.Numerics.Tensors.TensorPrimitives.Dot(w1.Slice(i * v, v), z.Slice(j * v, v));
        }
        return FilterGrid.RenderPng(filters, h, side, side);
    }

    /// <summary>
    /// One row per image: the image, then the <see cref="MapsPerImage"/> feature maps with the largest
    /// pooled activation (the sigmoid code, or the positive part max(0, z - alpha) of the soft
    /// threshold), each centred on a 28x28 tile. Every tile is scaled by its own largest value.
    /// </summary>
    public static byte[] FeatureMaps(ConvolutionalFeaturizer featurizer, IReadOnlyList<FashionImage> images)
    {
        var g = featurizer.Geometry;
        int side = FashionImage.Side, tile = side * side, h = featurizer.Encoder.HiddenCount;
        int rows = g.RowPositions, cols = g.ColumnPositions;
        float alpha = featurizer.Encoding.Kind == FeatureEncodingKind.SoftThreshold ? (float)featurizer.Encoding.Threshold : 0f;
        var tiles = new float[images.Count * (1 + MapsPerImage) * tile];
        var workspace = featurizer.CreateWorkspace();
        for (int i = 0; i < images.Count; i++)
        {
            var t = tiles.AsSpan(i * (1 + MapsPerImage) * tile, (1 + MapsPerImage) * tile);
            images[i].Pixels.CopyTo(t);
            var codes = featurizer.EncodePositions(images[i].Pixels, workspace);
            var strength = new double[h];
            for (int n = 0; n < rows * cols; n++)
                for (int j = 0; j < h; j++) strength[j] += Math.Max(0, codes[n * h + j] - alpha);
            var strongest = Enumerable.Range(0, h).OrderByDescending(j => strength[j]).ThenBy(j => j).Take(MapsPerImage).ToArray();
            for (int m = 0; m < strongest.Length; m++)
            {
                var map = t.Slice((1 + m) * tile, tile);
                int top = (side - rows) / 2, left = (side - cols) / 2;
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < cols; c++)
                        map[(top + r) * side + left + c] = Math.Max(0, codes[(r * cols + c) * h + strongest[m]] - alpha);
            }
        }
        return FilterGrid.RenderPng(tiles, images.Count * (1 + MapsPerImage), side, side, minTileWidth: 84);
    }
}
