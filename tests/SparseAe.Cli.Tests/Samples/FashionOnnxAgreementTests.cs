using FashionMnistSample;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The Fashion-MNIST sample's count of ONNX Runtime labels that agree with ML.NET's (samples/FashionMnist/LabelAgreement.cs).</summary>
public class FashionOnnxAgreementTests
{
    private static readonly float[] Labels = [0, 1, 2, 3];

    [Fact]
    public void A_near_tie_excuses_the_other_label_of_the_two_and_nothing_else()
    {
        float[] tie = [0.1f, 0.44999f, 0.45f, 0.00001f];
        Assert.True(LabelAgreement.Agrees(2, 2, tie, Labels));
        Assert.True(LabelAgreement.Agrees(2, 1, tie, Labels));   // 1 is within 1e-4 of the best, 2
        Assert.False(LabelAgreement.Agrees(2, 0, tie, Labels));
        Assert.False(LabelAgreement.Agrees(2, 7, tie, Labels));  // not a class at all

        // No tie: another label is a disagreement. The count looked at the argmax of ONNX Runtime's Score, not at its
        // label, so a graph whose scores were right and whose label was wrong (its key-to-value map off by one) agreed
        // on every image.
        float[] clear = [0.1f, 0.2f, 0.7f, 0];
        Assert.False(LabelAgreement.Agrees(2, 3, clear, Labels));
        Assert.False(LabelAgreement.Agrees(2, 1, clear, Labels));
    }
}
