using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;

namespace SparseAe.SparseCodeStudy;

/// <summary>
/// What a trained code does on the rows it was trained on, measured in one pass after training through the
/// transformer's own columns: the code (a sparse VBuffer for the sparse codes) and the reconstruction error.
/// </summary>
/// <param name="Fvu">sum_i ||x_i - y_i||^2 / sum_i ||x_i - mean x||^2, the numerator from the error column: V times its (1/V) ||y_i - x_i||^2.</param>
/// <param name="FvuOwn">The same FVU with y_i = W2 h_i + b2 decoded here from the code column and the weights: a check of the error column.</param>
/// <param name="L0">Mean number of nonzero latents per row (for the sigmoid, whose code has no zeros, about H).</param>
/// <param name="DeadFraction">Share of the latents nonzero on no row.</param>
/// <param name="DenseFraction">Share of the latents nonzero on more than 10% of the rows.</param>
/// <param name="FiringRate">Each latent's share of the rows on which it is nonzero.</param>
/// <param name="EnergyWeightedL0">sum_i e_i l0_i / sum_i e_i with e_i = ||x_i - mean||^2 and l0_i row i's nonzeros: the L0 of the
/// rows that carry the variance FVU is made of. Equal to L0 when every row has as many latents (TopK); above it when a
/// code gives more latents to the rows of large deviation.</param>
/// <param name="EmptyRowFraction">Share of the rows whose code is all zeros (reconstructed as b2 alone).</param>
internal sealed record CodeMeasurement(double Fvu, double FvuOwn, double L0, double DeadFraction, double DenseFraction, double[] FiringRate,
    double EnergyWeightedL0, double EmptyRowFraction)
{
    public static CodeMeasurement Measure(SparseAutoencoderTransformer model, IDataView view, RowSet rows)
    {
        int v = rows.Dimension, h = model.Weights.HiddenCount;
        string error = model.ReconstructionErrorColumnName
            ?? throw new InvalidOperationException("The model was trained without a reconstruction-error column; the study measures FVU from it.");
        var scored = model.Transform(view);
        var cx = scored.Schema[model.InputColumnName];
        var ch = scored.Schema[model.OutputColumnName];
        var ce = scored.Schema[error];

        // W2 is (V, H) row-major; its transpose puts latent j's decoder column in one contiguous run of V values.
        float[] w2t = new float[h * v];
        ReadOnlySpan<float> w2 = model.Weights.W2.Span;
        for (int i = 0; i < v; i++)
            for (int j = 0; j < h; j++) w2t[j * v + i] = w2[i * h + j];
        float[] b2 = model.Weights.B2.ToArray();

        double[] mean = new double[v];
        for (int r = 0; r < rows.Count; r++)
        {
            var x = rows.Row(r);
            for (int i = 0; i < v; i++) mean[i] += x[i];
        }
        for (int i = 0; i < v; i++) mean[i] /= rows.Count;

        long[] active = new long[h];
        long nonzeros = 0, n = 0, empty = 0;
        double errorSum = 0, ownSum = 0, varianceSum = 0, weightedL0 = 0;
        var y = new float[v];
        VBuffer<float> xb = default, hb = default;
        float e = 0;
        using var cursor = scored.GetRowCursor([cx, ch, ce]);
        var getX = cursor.GetGetter<VBuffer<float>>(cx);
        var getH = cursor.GetGetter<VBuffer<float>>(ch);
        var getE = cursor.GetGetter<float>(ce);
        float[] xd = new float[v];
        while (cursor.MoveNext())
        {
            getX(ref xb);
            getH(ref hb);
            getE(ref e);
            if (!float.IsFinite(e))
                throw new InvalidOperationException($"Row {n}: the reconstruction-error column holds {e}.");
            xb.CopyTo(xd);
            errorSum += (double)e * v;
            b2.CopyTo(y);
            var values = hb.GetValues();
            var indices = hb.GetIndices();
            long before = nonzeros;
            for (int t = 0; t < values.Length; t++)
            {
                int j = hb.IsDense ? t : indices[t];
                float a = values[t];
                if (!float.IsFinite(a)) throw new InvalidOperationException($"Row {n}: latent {j} is {a}.");
                if (a == 0) continue;   // a dense buffer stores zeros too; only nonzeros count as active
                active[j]++;
                nonzeros++;
                TensorPrimitives.MultiplyAdd(w2t.AsSpan(j * v, v), a, y, y);
            }
            double rowVariance = 0;
            for (int i = 0; i < v; i++)
            {
                double d = xd[i] - y[i], c = xd[i] - mean[i];
                ownSum += d * d;
                rowVariance += c * c;
            }
            varianceSum += rowVariance;
            weightedL0 += rowVariance * (nonzeros - before);
            if (nonzeros == before) empty++;
            n++;
        }
        if (n != rows.Count)
            throw new InvalidOperationException($"The scored view gave {n} rows for {rows.Count} training rows.");
        double[] rate = active.Select(a => (double)a / n).ToArray();
        return new CodeMeasurement(errorSum / varianceSum, ownSum / varianceSum, (double)nonzeros / n,
            (double)rate.Count(r => r == 0) / h, (double)rate.Count(r => r > 0.1) / h, rate, weightedL0 / varianceSum, (double)empty / n);
    }
}
