using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class SparseAutoencoderTransformerTests
{
    // The transformer's summary, what IntelliSense shows, said every activation computes h = f(W1 x + b1); a sparse code
    // takes the decoder bias off the input first, h = f(W1 (x - b2) + b1), so codes computed from Weights by the summary
    // were wrong wherever b2 is not 0 (it is trained).
    [Fact]
    public void A_ReLU_code_is_the_documented_formula_of_the_weights()
    {
        var ml = new MLContext(seed: 1);
        var rows = RowFactory.Vec8Rows(64, 1);
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 6, Activation = ActivationKind.ReLU, Epochs = 3, BatchSize = 16,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        var codes = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Code").ToArray();
        var w = model.Weights;
        Assert.Contains(w.B2.ToArray(), b => Math.Abs(b) > 1e-3f);
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < w.HiddenCount; j++)
            {
                double z = w.B1.Span[j];
                for (int v = 0; v < w.VisibleCount; v++) z += w.W1.Span[j * w.VisibleCount + v] * (rows[i].Features[v] - w.B2.Span[v]);
                Assert.Equal(Math.Max(0, z), codes[i][j], 1e-4);
            }
    }
}
