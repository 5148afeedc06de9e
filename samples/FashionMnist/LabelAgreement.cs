namespace FashionMnistSample;

/// <summary>Whether ONNX Runtime's label for an image agrees with ML.NET's, a near tie allowed (<see cref="OnnxCheck"/>).</summary>
internal static class LabelAgreement
{
    /// <summary>
    /// ML.NET's two best class probabilities closer than this are a near tie: ONNX Runtime sums in another order (and
    /// on another CPU at another vector width), about 1e-6 apart, and may pick the other label of the two, rightly.
    /// </summary>
    public const float NearTie = 1e-4f;

    /// <summary>
    /// ONNX Runtime's label <paramref name="actual"/> is ML.NET's <paramref name="expected"/>, or a label whose ML.NET
    /// probability (<paramref name="scores"/>, slot k of class <paramref name="slotLabels"/>[k]) is within
    /// <see cref="NearTie"/> of the best.
    /// </summary>
    public static bool Agrees(float expected, float actual, float[] scores, float[] slotLabels)
    {
        if (expected == actual) return true;
        int slot = Array.IndexOf(slotLabels, actual);
        return slot >= 0 && scores[slot] >= scores.Max() - NearTie;
    }
}
