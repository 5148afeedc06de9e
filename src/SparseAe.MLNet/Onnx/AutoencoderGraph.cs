using Microsoft.ML.Data;
using SparseAe.Kernels;
using SparseAe.Model;
using SparseAe.Objective;

namespace SparseAe.MLNet.Onnx;

/// <summary>
/// The autoencoder's columns as ONNX nodes, the same formulas as <see cref="AutoencoderEncoder"/>:
/// <code>
/// z    = x W1^T + b1                         x (N, V), W1^T (V, H), b1 (H): b1 - W1 b2 for the sparse codes
/// code = sigmoid(z) | Relu(z)                (N, H)
///      | Where(z > theta, z, 0)              JumpReLU, theta = exp(t) (H)
///      | ScatterElements(0, TopK(z, K).indices, Relu(TopK(z, K).values))   TopK: K latents a row, then ReLU
///      then, JumpReLU and TopK: Where(IsNaN(z) counted over the row > 0, NaN, code)  a row of NaN codes
/// y    = code W2^T + b2, sigmoid(y) for a sigmoid decoder                  (N, V)
/// err  = ((y - x)^2 summed over V) / V       (N, 1): the mean squared reconstruction error
/// </code>
/// A NaN input makes every z of its row NaN: the sigmoid and ReLU pass it on, while JumpReLU's comparison
/// would give zeros and TopK a few NaN among zeros, so both are given a row of NaN, as the encoder does
/// (a missing input, a missing code). The count is a product with a column of ones, not ReduceMax (see
/// <see cref="OnnxGraph"/>: no Reduce*).
/// TopK ties go to the lower index in ONNX (the operator's rule), as in the encoder's own selection, but
/// ONNX Runtime's product rounds the pre-activations differently: a row whose K-th and (K+1)-th
/// pre-activations lie within that rounding of each other may differ in which one it keeps.
/// Likewise JumpReLU: a z within that rounding of its threshold may be kept (about theta) on one side and 0 on the other.
/// </summary>
internal static class AutoencoderGraph
{
    public static void Write(OnnxGraph g, SparseAutoencoderTransformer t)
    {
        var encoder = t.Encoder;
        int v = encoder.VisibleCount, h = encoder.HiddenCount;
        string x = g.Input(t.InputColumnName);
        string w1t = g.Constant("W1T", Transposed(t.Weights.W1.Span, h, v), v, h);
        string z = g.Add(g.MatMul(x, w1t), g.Constant("b1", encoder.EffectiveBias, h));
        string code = encoder.Activation switch
        {
            ActivationKind.Sigmoid => g.Node("Sigmoid", [z]),
            ActivationKind.ReLU => g.Node("Relu", [z]),
            ActivationKind.JumpReLU => g.Node("Where", [g.Node("Greater", [z, g.Constant("theta", encoder.Thresholds, h)]), z, g.Scalar("zero", 0f)]),
            ActivationKind.TopK => TopK(g, z, encoder.K),
            _ => throw new NotSupportedException($"SparseAutoencoderTransformer cannot export activation {encoder.Activation} to ONNX: no graph is written for it."),
        };
        if (encoder.Activation is ActivationKind.JumpReLU or ActivationKind.TopK) code = NaNRowsToNaN(g, z, code, h);
        string? error = null;
        if (t.ReconstructionErrorColumnName is not null)
        {
            string y = g.Add(g.MatMul(code, g.Constant("W2T", Transposed(t.Weights.W2.Span, v, h), h, v)), g.Constant("b2", t.Weights.B2.Span, v));
            if (encoder.Decoder == DecoderKind.Sigmoid) y = g.Node("Sigmoid", [y]);
            error = g.Div(SumOfSquares(g, g.Sub(y, x), v), g.Scalar("V", v));
        }
        g.Output(t.OutputColumnName, code);
        if (error is not null) g.Output(t.ReconstructionErrorColumnName!, error);
    }

    // The K largest pre-activations of each row, through ReLU, at their own positions; zeros elsewhere.
    private static string TopK(OnnxGraph g, string z, int k)
    {
        g.RequireOpset(11, "a TopK code writes its kept latents with ScatterElements, an opset 11 operator");
        var top = g.Node("TopK", [z, g.Constant("K", [(long)k], 1)], 2, OnnxAttribute.Int("axis", 1));
        string zeros = g.Node("ConstantOfShape", [g.Node("Shape", [z])]);
        return g.Node("ScatterElements", [zeros, top[1], g.Node("Relu", [top[0]])], OnnxAttribute.Int("axis", 1));
    }

    // Where(any z of the row is NaN, NaN, code): (N, 1) counts of NaN broadcast over the row's H codes.
    private static string NaNRowsToNaN(OnnxGraph g, string z, string code, int h)
    {
        string nans = g.RowSums(g.Node("Cast", [g.Node("IsNaN", [z])], OnnxAttribute.Int("to", 1)), h, "ones_h");
        return g.Node("Where", [g.Node("Greater", [nans, g.Scalar("zero_nans", 0f)]), g.Scalar("nan", float.NaN), code]);
    }

    /// <summary>Sum of squares along the last axis of (..., n), keeping it as 1: (d .* d) times a column of ones.</summary>
    public static string SumOfSquares(OnnxGraph g, string d, int n)
        => g.RowSums(g.Mul(d, d), n);

    /// <summary>A^T of A (rows, columns) row-major.</summary>
    public static float[] Transposed(ReadOnlySpan<float> a, int rows, int columns)
    {
        var t = new float[a.Length];
        MatrixKernels.Transpose(a, t, rows, columns);
        return t;
    }
}
