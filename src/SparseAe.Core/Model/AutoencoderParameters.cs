using System.Numerics.Tensors;
using SparseAe.Threading;

namespace SparseAe.Model;

/// <summary>
/// The weights and biases of a V-H-V sparse autoencoder, held in one flat vector theta laid out as
/// UFLDL's <c>[W1(:); W2(:); b1(:); b2(:)]</c> but row-major: W1 is (H,V), W2 is (V,H), b1 is (H), b2 is (V).
/// </summary>
/// <remarks>
/// One flat vector lets the optimisers treat the model as a point in R^n without copying, and lets a
/// gradient be laid out exactly like the parameters.
/// </remarks>
public sealed class AutoencoderParameters
{
    /// <summary>Creates zeroed parameters for the given sizes (with a log-threshold per hidden unit for JumpReLU).</summary>
    public AutoencoderParameters(int visibleCount, int hiddenCount, bool hasThresholds = false)
        : this(visibleCount, hiddenCount, new float[CountFor(visibleCount, hiddenCount, hasThresholds)], hasThresholds)
    {
    }

    /// <summary>Wraps an existing theta (not copied).</summary>
    public AutoencoderParameters(int visibleCount, int hiddenCount, float[] theta, bool hasThresholds = false)
    {
        CheckSizes(visibleCount, hiddenCount);
        ArgumentNullException.ThrowIfNull(theta);
        long expected = CountFor(visibleCount, hiddenCount, hasThresholds);
        if (theta.Length != expected)
            throw new ArgumentException(
                $"theta must hold 2*H*V + H + V{(hasThresholds ? " + H" : "")} = {expected} values for V={visibleCount}, H={hiddenCount}, but holds {theta.Length}.",
                nameof(theta));
        VisibleCount = visibleCount;
        HiddenCount = hiddenCount;
        HasThresholds = hasThresholds;
        Theta = theta;
    }

    /// <summary>True when theta ends with a log-threshold per hidden unit (JumpReLU).</summary>
    public bool HasThresholds { get; }

    /// <summary>V: inputs per row and outputs of the decoder.</summary>
    public int VisibleCount { get; }

    /// <summary>H: hidden units, the size of the code.</summary>
    public int HiddenCount { get; }

    /// <summary>All parameters, <c>[W1 | W2 | b1 | b2]</c>, then <c>log theta (H)</c> for JumpReLU.</summary>
    public float[] Theta { get; }

    private int W1Length => HiddenCount * VisibleCount;

    /// <summary>W1 (H,V), row-major: row j holds hidden unit j's filter over the V inputs.</summary>
    public Span<float> W1 => Theta.AsSpan(0, W1Length);

    /// <summary>W2 (V,H), row-major.</summary>
    public Span<float> W2 => Theta.AsSpan(W1Length, W1Length);

    /// <summary>b1 (H).</summary>
    public Span<float> B1 => Theta.AsSpan(2 * W1Length, HiddenCount);

    /// <summary>b2 (V).</summary>
    public Span<float> B2 => Theta.AsSpan(2 * W1Length + HiddenCount, VisibleCount);

    /// <summary>JumpReLU: log theta (H), the log of each hidden unit's threshold; empty otherwise.</summary>
    public Span<float> LogThresholds => HasThresholds ? Theta.AsSpan(2 * W1Length + HiddenCount + VisibleCount, HiddenCount) : default;

    /// <summary>
    /// Null when JumpReLU's log-threshold t gives a float threshold theta = exp(t) (t up to about 88.72,
    /// ln(float.MaxValue)), else what is wrong: "is 89, so its threshold exp(89) is beyond float; ...". A finite t
    /// beyond that is an infinite threshold, and the latent's code 0 on every row without a word: training stops on
    /// one, the encoder refuses one, and the model format neither writes nor reads one.
    /// </summary>
    internal static string? LogThresholdProblem(float logThreshold)
        => float.IsFinite(MathF.Exp(logThreshold)) ? null : $"is {logThreshold}, so its threshold exp({logThreshold}) is beyond float; every threshold must be finite";

    /// <summary>
    /// Theta's element <paramref name="index"/> in messages, as the layout names it: "parameter W1[j, i] (index n
    /// of theta)", or W2[i, j], b1[j], b2[i], log-threshold[j] (j a hidden unit, i an input), so that a refused
    /// value says which weight it is and not only where it lies in theta or in a file.
    /// </summary>
    internal static string ParameterName(int visibleCount, int hiddenCount, long index)
    {
        long v = visibleCount, h = hiddenCount, w = h * v;
        string name = index switch
        {
            _ when index < w => $"W1[{index / v}, {index % v}]",
            _ when index < 2 * w => $"W2[{(index - w) / h}, {(index - w) % h}]",
            _ when index < 2 * w + h => $"b1[{index - 2 * w}]",
            _ when index < 2 * w + h + v => $"b2[{index - 2 * w - h}]",
            _ => $"log-threshold[{index - 2 * w - h - v}]",
        };
        return $"parameter {name} (index {index} of theta)";
    }

    /// <summary>Length of theta: 2*H*V + H + V, plus H with thresholds (JumpReLU).</summary>
    public static int CountFor(int visibleCount, int hiddenCount, bool hasThresholds = false)
    {
        CheckSizes(visibleCount, hiddenCount);
        long n = 2L * hiddenCount * visibleCount + hiddenCount + visibleCount + (hasThresholds ? hiddenCount : 0);
        if (n > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(hiddenCount),
                $"{English.CapitalArticle(visibleCount)} {visibleCount}-{hiddenCount}-{visibleCount} autoencoder needs {n} parameters, more than one array can hold ({Array.MaxLength}).");
        return (int)n;
    }

    /// <summary>
    /// Scales each column of W2 (each hidden unit's decoder direction) to unit Euclidean norm, the
    /// sparse codes' constraint; a column of zeros stays zero.
    /// </summary>
    internal void NormalizeDecoderColumns(WorkerPool? pool = null)
    {
        int v = VisibleCount, h = HiddenCount;
        var squares = new float[h];
        var factor = new float[h];
        // Row by row over W2 (V, H), which holds the columns side by side: the sums of squares (V terms
        // each, in float), then each row scaled by the columns' factors; as the objective normalises. A
        // wide decoder's columns are split between the pool's threads, each taking a range of them.
        ParallelRanges.Run(pool, h, (j0, j1) =>
        {
            int n = j1 - j0;
            var w2 = Theta.AsSpan(W1Length + j0, W1Length - j0);
            DecoderColumnSquares(w2, v, n, h, squares.AsSpan(j0, n));
            InverseColumnNorms(squares.AsSpan(j0, n), factor.AsSpan(j0, n));
            for (int i = 0; i < v; i++) TensorPrimitives.Multiply(w2.Slice(i * h, n), factor.AsSpan(j0, n), w2.Slice(i * h, n));
        }, work: W1Length);
    }

    /// <summary>
    /// squares[j] = sum_i W2[i, j]^2 for a (V, H) decoder stored with row stride <paramref name="ld"/>
    /// (at least H), row by row in float: the one computation of the decoder columns' norms, for the
    /// trainer's renormalisation and the objective's weight normalisation alike.
    /// </summary>
    internal static void DecoderColumnSquares(ReadOnlySpan<float> w2, int v, int h, int ld, Span<float> squares)
    {
        squares.Slice(0, h).Clear();
        for (int i = 0; i < v; i++) TensorPrimitives.MultiplyAdd(w2.Slice(i * ld, h), w2.Slice(i * ld, h), squares.Slice(0, h), squares.Slice(0, h));
    }

    /// <summary>
    /// inverse[j] = 1 / sqrt(squares[j]), the factor that scales a decoder column to unit norm, and 1 for a
    /// column of zeros (sum of squares 0), which has no direction and is taken as it is (1 / 0 made its
    /// normalised column and its gradient NaN): the one rule for the trainer's renormalisation and the
    /// objective's weight normalisation alike.
    /// </summary>
    internal static void InverseColumnNorms(ReadOnlySpan<float> squares, Span<float> inverse)
    {
        for (int j = 0; j < squares.Length; j++) inverse[j] = squares[j] == 0 ? 1f : 1f / MathF.Sqrt(squares[j]);
    }

    /// <summary>A deep copy.</summary>
    public AutoencoderParameters Clone() => new(VisibleCount, HiddenCount, (float[])Theta.Clone(), HasThresholds);

    private static void CheckSizes(int visibleCount, int hiddenCount)
    {
        if (visibleCount < 1)
            throw new ArgumentOutOfRangeException(nameof(visibleCount), visibleCount, $"The visible size must be at least 1, but is {visibleCount}.");
        if (hiddenCount < 1)
            throw new ArgumentOutOfRangeException(nameof(hiddenCount), hiddenCount, $"The hidden size must be at least 1, but is {hiddenCount}.");
    }
}
