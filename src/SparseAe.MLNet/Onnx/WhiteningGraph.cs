using SparseAe.Whitening;

namespace SparseAe.MLNet.Onnx;

/// <summary>
/// ZCA whitening as ONNX nodes, the formula of <see cref="ZcaWhitening.Apply"/>:
/// y = (x - mu) W^T, x (..., d), mu (d), W (d, d) with y_i = sum_j W_ij (x_j - mu_j).
/// </summary>
internal static class WhiteningGraph
{
    public static void Write(OnnxGraph g, ZcaWhiteningTransformer t)
    {
        string x = g.Input(t.InputColumnName);
        g.Output(t.OutputColumnName, Apply(g, t.Whitening, x));
    }

    /// <summary>The whitened rows of <paramref name="x"/> (..., d).</summary>
    public static string Apply(OnnxGraph g, ZcaWhitening zca, string x)
    {
        int d = zca.Dimension;
        string centred = g.Sub(x, g.Constant("zca_mean", zca.Mean, d));
        return g.MatMul(centred, g.Constant("zca_WT", AutoencoderGraph.Transposed(zca.Matrix, d, d), d, d));
    }
}
