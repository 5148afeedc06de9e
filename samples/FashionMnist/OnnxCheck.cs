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
    /// Same: the images where ONNX Runtime predicts ML.NET's label, or, at a near tie, the other label of the two (a
    /// figure that holds on any CPU); Strict: those where it predicts ML.NET's label itself.
    /// </summary>
    public static (int Same, int Strict, int Total) Run(MLContext ml, ITransformer model, IDataView trainView, IDataView testView, string onnxPath)
    {
        SparseAe.Persistence.AtomicFile.Write(onnxPath, s => ml.Model.ConvertToOnnx(model, trainView, s));
        var scored = model.Transform(testView);
        var expected = scored.GetColumn<float>("PredictedLabel").ToArray();
        var scores = scored.GetColumn<VBuffer<float>>(scored.Schema["Score"]).Select(v => v.DenseValues().ToArray()).ToArray();
        // Score's slot k is the class of key k + 1: the label column's key values, in that order.
        VBuffer<float> keyValues = default;
        scored.Schema["Label"].GetKeyValues(ref keyValues);
        var slotLabels = keyValues.DenseValues().ToArray();
        // ApplyOnnxModel names each graph output after its column; the graph's PredictedLabel is the last of that name.
        var onnx = ml.Transforms.ApplyOnnxModel(onnxPath).Fit(testView).Transform(testView);
        var actual = onnx.GetColumn<VBuffer<float>>(onnx.Schema["PredictedLabel"]).Select(v => v.GetItemOrDefault(0)).ToArray();
        int same = 0, strict = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] == actual[i]) strict++;
            if (LabelAgreement.Agrees(expected[i], actual[i], scores[i], slotLabels)) same++;
        }
        return (same, strict, expected.Length);
    }
}
