using Microsoft.ML;
using Microsoft.ML.Data;

namespace FashionMnistSample;

/// <summary>
/// The final pipeline (convolutional features, standardisation, LbfgsMaximumEntropy) exported with
/// ML.NET's ConvertToOnnx and run in ONNX Runtime through ApplyOnnxModel: how many test images get the
/// same predicted label as ML.NET's own Transform gives them.
/// </summary>
internal static class OnnxCheck
{
    /// <summary>
    /// ML.NET's two best class probabilities closer than this are a near tie: ONNX Runtime sums in another order (and
    /// on another CPU at another vector width), about 1e-6 apart, and may pick the other label of the two, rightly.
    /// </summary>
    public const float NearTie = 1e-4f;

    /// <summary>
    /// Same: the images where ONNX Runtime predicts ML.NET's label, or, at a near tie, the other label of the two (a
    /// figure that holds on any CPU); Strict: those where it predicts ML.NET's label itself.
    /// </summary>
    public static (int Same, int Strict, int Total) Run(MLContext ml, ITransformer model, IDataView trainView, IDataView testView, string onnxPath)
    {
        SparseAe.Persistence.AtomicFile.Write(onnxPath, s => ml.Model.ConvertToOnnx(model, trainView, s));
        var scored = model.Transform(testView);
        var expected = scored.GetColumn<float>("PredictedLabel").ToArray();
        var scores = Rows(scored, scored.Schema["Score"]);
        // ApplyOnnxModel names each graph output after its column; the graph's PredictedLabel and Score are the last of that name.
        var onnx = ml.Transforms.ApplyOnnxModel(onnxPath).Fit(testView).Transform(testView);
        var actual = onnx.GetColumn<VBuffer<float>>(onnx.Schema["PredictedLabel"]).Select(v => v.GetItemOrDefault(0)).ToArray();
        var onnxScores = Rows(onnx, onnx.Schema["Score"]);
        int same = 0, strict = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i]) strict++;
            // ONNX Runtime's best class (the scores' slots are the same classes in both) is one of ML.NET's near-best.
            if (expected[i] == actual[i] || scores[i][Array.IndexOf(onnxScores[i], onnxScores[i].Max())] >= scores[i].Max() - NearTie) same++;
        }
        return (same, strict, expected.Length);
    }

    private static float[][] Rows(IDataView view, DataViewSchema.Column column)
        => view.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
}
