using Microsoft.ML;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests.Zca;

public class ZcaWhiteningEstimatorTests
{
    private readonly MLContext _ml = new(seed: 1);

    // Rows too large to square (1e30) or too small (1e-21) were refused by Core's words for its own span:
    // ParamName 'x', a parameter Fit(IDataView input) does not have, and no column named.
    [Theory]
    [InlineData(1e30f, "The covariance of these rows overflows float")]
    [InlineData(1e-21f, "The covariance of these rows underflows float")]
    public void Rows_whose_covariance_float_cannot_hold_are_refused_as_the_input_column(float scale, string reason)
    {
        var rows = RowFactory.Vec8Rows(20, 1);
        foreach (var r in rows)
            for (int j = 0; j < r.Features.Length; j++) r.Features[j] *= scale;
        var e = Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.ZcaWhitening("White", "Features", 0).Fit(_ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith($"Input column 'Features' cannot be whitened: {reason}", e.Message);
    }
}
