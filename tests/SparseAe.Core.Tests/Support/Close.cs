using System.Numerics.Tensors;
using Xunit;

namespace SparseAe.Tests.Support;

/// <summary>
/// Element-by-element comparisons of gradients and parameters that build a failure message only on
/// failure. With Assert.True(condition, $"...") in the loop every element formats its message whether
/// or not it fails: for the 168,925 parameters of a V = 2,085, H = 40 objective that was most of the
/// test's time as ARM64 code under qemu (one test: 31.8 s with the eager messages, 11.0 s without).
/// </summary>
internal static class Close
{
    /// <summary>|actual[i] - expected[i]| &lt;= absolute + relative |expected[i]| for every i (NaN fails); else fails with message(i) of the first.</summary>
    public static void Elementwise(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double absolute, double relative, Func<int, string> message)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            if (!(Math.Abs(actual[i] - expected[i]) <= absolute + relative * Math.Abs(expected[i]))) Assert.Fail(message(i));
    }

    /// <inheritdoc cref="Elementwise(ReadOnlySpan{float}, ReadOnlySpan{double}, double, double, Func{int, string})"/>
    public static void Elementwise(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double absolute, double relative, Func<int, string> message)
    {
        var wide = new double[expected.Length];   // float to double is exact: the same comparison as above
        TensorPrimitives.ConvertChecked(expected, wide.AsSpan());
        Elementwise(actual, wide, absolute, relative, message);
    }
}
