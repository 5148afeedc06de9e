using SparseAe.Model;

namespace SparseAe.Convolution;

/// <summary>How the featurizer turns a preprocessed patch into features with the trained encoder.</summary>
public enum FeatureEncodingKind
{
    /// <summary>The autoencoder's own code, sigmoid(W1 x + b1): H features per position.</summary>
    Sigmoid = 0,

    /// <summary>
    /// Soft threshold with polarity split (Coates and Ng, "The importance of encoding versus training
    /// with sparse coding and vector quantization", ICML 2011, eq. 4 and section 3.2): with d_j the
    /// j-th row of W1 scaled to unit length, f = [max(0, d_j.x - alpha), max(0, -d_j.x - alpha)]:
    /// 2H features per position. The autoencoder supplies the dictionary; alpha is the threshold.
    /// </summary>
    SoftThreshold = 1,
}

/// <summary>The encoding and its threshold (used by <see cref="FeatureEncodingKind.SoftThreshold"/> only).</summary>
public sealed record FeatureEncoding(FeatureEncodingKind Kind, double Threshold)
{
    /// <summary>The autoencoder's sigmoid code, H features per position.</summary>
    public static FeatureEncoding Sigmoid { get; } = new(FeatureEncodingKind.Sigmoid, 0);

    /// <summary>Features per hidden unit and position: 2 with the polarity split, else 1.</summary>
    public int FeaturesPerUnit => Kind == FeatureEncodingKind.SoftThreshold ? 2 : 1;

    /// <summary>Throws naming the kind or the threshold when either is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, $"The feature encoding must be Sigmoid or SoftThreshold, but is {(int)Kind}.");
        if (Kind == FeatureEncodingKind.SoftThreshold && !IsThreshold(Threshold))
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"The soft threshold {ThresholdRule}, but is {Threshold}.");
    }

    /// <summary>
    /// The soft threshold's range, 0..float.MaxValue: alpha is subtracted in float (and written as a float32 into an
    /// ONNX graph), so a finite double above float's largest value became infinity there and every feature was 0.
    /// </summary>
    internal static bool IsThreshold(double threshold) => threshold >= 0 && threshold <= float.MaxValue;

    /// <summary>The rule <see cref="IsThreshold"/> checks, as the messages that refuse a threshold say it.</summary>
    internal static string ThresholdRule => $"must lie in 0..{(double)float.MaxValue:R} (it is applied as a float)";

    /// <summary>
    /// The dictionary of the soft threshold: W1's rows scaled to unit length, stored transposed
    /// (V, H) for the batch product X D^T. A zero row stays zero (its features are then always 0).
    /// W1 is (H, V) row-major.
    /// </summary>
    internal static float[] UnitDictionaryTransposed(AutoencoderParameters p)
    {
        int v = p.VisibleCount, h = p.HiddenCount;
        var dt = new float[v * h];
        ReadOnlySpan<float> w1 = p.W1;
        for (int j = 0; j < h; j++)
        {
            var row = w1.Slice(j * v, v);
            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (norm is >= 1e-18f and <= 1e18f)   // its sum of squares, 1e-36..1e36, is a normal float
            {
                float scale = 1f / norm;
                for (int t = 0; t < v; t++) dt[t * h + j] = row[t] * scale;
                continue;
            }
            // Beyond that range the float sum of squares overflows (weights beyond about 1e19) or underflows
            // (below 1e-23), which made such a filter a zero one: those rows are scaled in double. (Ordinary rows keep the
            // float path above, bit for bit: the samples' written-down outputs were made with it.)
            double squares = 0;
            foreach (float w in row) squares += (double)w * w;
            double inverse = squares > 0 ? 1 / Math.Sqrt(squares) : 0;
            for (int t = 0; t < v; t++) dt[t * h + j] = (float)(row[t] * inverse);
        }
        return dt;
    }
}
