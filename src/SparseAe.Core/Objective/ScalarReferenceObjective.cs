using SparseAe.Model;

namespace SparseAe.Objective;

/// <summary>
/// The same cost and gradient as <see cref="SparseAutoencoderObjective"/> for the sigmoid activation
/// (UFLDL's model, either decoder, either penalty), written as plain scalar loops over one example at a
/// time (the way sparseAutoencoderCost.m is first written): no vectors, no blocking, one thread.
/// <see cref="ObjectiveSettings.Activation"/> is not read: with a sparse code's settings it still computes
/// the sigmoid model (the sparse codes' independent reference is the tests' ReferenceSparseCode). It is the yardstick the benchmarks measure the fast path against, and a
/// second implementation the tests compare it with.
/// </summary>
internal sealed class ScalarReferenceObjective(int visibleCount, int hiddenCount, ObjectiveSettings settings)
{
    private readonly int _v = visibleCount, _h = hiddenCount;

    /// <summary>J and its terms at theta on X (rows, V); the gradient goes to <paramref name="gradient"/>.</summary>
    public CostBreakdown Evaluate(ReadOnlySpan<float> theta, ReadOnlySpan<float> x, int rows, Span<float> gradient)
    {
        int v = _v, h = _h, hv = h * v;
        if (theta.Length != AutoencoderParameters.CountFor(v, h) || gradient.Length != theta.Length || rows < 1 || x.Length < rows * v)
            throw new ArgumentException("Shapes do not match the V and H of this objective.");
        var a1 = new float[rows * h];
        var a2 = new float[rows * v];
        var rhoHat = new double[h];
        for (int n = 0; n < rows; n++)
        {
            for (int j = 0; j < h; j++)
            {
                float z = theta[2 * hv + j];
                for (int i = 0; i < v; i++) z += theta[j * v + i] * x[n * v + i];
                a1[n * h + j] = 1f / (1f + MathF.Exp(-z));
                rhoHat[j] += a1[n * h + j];
            }
            for (int i = 0; i < v; i++)
            {
                float z = theta[2 * hv + h + i];
                for (int j = 0; j < h; j++) z += theta[hv + i * h + j] * a1[n * h + j];
                a2[n * v + i] = settings.Decoder == DecoderKind.Sigmoid ? 1f / (1f + MathF.Exp(-z)) : z;
            }
        }
        double rho = settings.SparsityTarget, beta = settings.SparsityWeight, lambda = settings.WeightDecay, sparsity = 0;
        var s = new float[h];
        for (int j = 0; j < h; j++)
        {
            double q = rhoHat[j] / rows;
            if (beta == 0) continue;   // a term weighted 0 adds 0, also where KL is infinite (0 x infinity would be NaN)
            if (settings.Penalty == SparsityPenalty.KLDivergence)
            {
                sparsity += rho * Math.Log(rho / q) + (1 - rho) * Math.Log((1 - rho) / (1 - q));
                s[j] = (float)(beta * (-rho / q + (1 - rho) / (1 - q)));
            }
            else
            {
                sparsity += q;
                s[j] = (float)beta;
            }
        }
        gradient.Clear();
        double squared = 0;
        var d3 = new float[v];
        for (int n = 0; n < rows; n++)
        {
            for (int i = 0; i < v; i++)
            {
                float y = a2[n * v + i], e = y - x[n * v + i];
                squared += e * e;
                d3[i] = settings.Decoder == DecoderKind.Sigmoid ? e * y * (1 - y) : e;
                for (int j = 0; j < h; j++) gradient[hv + i * h + j] += d3[i] * a1[n * h + j];
                gradient[2 * hv + h + i] += d3[i];
            }
            for (int j = 0; j < h; j++)
            {
                float back = s[j];
                for (int i = 0; i < v; i++) back += theta[hv + i * h + j] * d3[i];
                float a = a1[n * h + j], d2 = back * a * (1 - a);
                for (int i = 0; i < v; i++) gradient[j * v + i] += d2 * x[n * v + i];
                gradient[2 * hv + j] += d2;
            }
        }
        double decay = 0;
        for (int k = 0; k < gradient.Length; k++)
        {
            gradient[k] /= rows;
            if (k < 2 * hv)
            {
                gradient[k] += (float)lambda * theta[k];
                decay += 0.5 * lambda * theta[k] * theta[k];
            }
        }
        double reconstruction = squared / (2.0 * rows);
        return new CostBreakdown(reconstruction + decay + beta * sparsity, reconstruction, decay, beta * sparsity);
    }
}
