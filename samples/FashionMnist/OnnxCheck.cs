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
    public static (int Same, int Total) Run(MLContext ml, ITransformer model, IDataView trainView, IDataView testView, string onnxPath)
    {
        SparseAe.Persistence.AtomicFile.Write(onnxPath, s => ml.Model.ConvertToOnnx(model, trainView, s));
        var expected = model.Transform(testView).GetColumn<float>("PredictedLabel").ToArray();
        // ApplyOnnxModel names each graph output after its column; the graph's PredictedLabel is the last of that name.
        var onnx = ml.Transforms.ApplyOnnxModel(onnxPath).Fit(testView).Transform(testView);
        var actual = onnx.GetColumn<VBuffer<float>>(onnx.Schema["PredictedLabel"]).Select(v => v.GetItemOrDefault(0)).ToArray();
        return (expected.Zip(actual).Count(p => p.First == p.Second), expected.Length);
    }
}
