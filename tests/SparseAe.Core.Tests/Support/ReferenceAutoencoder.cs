namespace SparseAe.Tests.Support;

/// <summary>
/// An independent float64 implementation of the UFLDL sparse autoencoder cost, written the way
/// sparseAutoencoderCost.m is usually first written: one example at a time, plain loops, W1 and W2
/// indexed as matrices. The tests check the float32 objective against it and check it by central
/// differences.
/// </summary>
internal static class ReferenceAutoencoder
{
    public sealed record Result(double Total, double Reconstruction, double Decay, double Sparsity, double[] Gradient);

    /// <param name="theta">[W1 (H,V) row-major | W2 (V,H) row-major | b1 | b2].</param>
    /// <param name="x">m rows of V.</param>
    public static Result Evaluate(double[] theta, double[][] x, int v, int h, double rho, double beta, double lambda, bool l1, bool linear = false)
    {
        int m = x.Length;
        double W1(int j, int i) => theta[j * v + i];
        double W2(int i, int j) => theta[h * v + i * h + j];
        double B1(int j) => theta[2 * h * v + j];
        double B2(int i) => theta[2 * h * v + h + i];
        static double Sig(double z) => 1 / (1 + Math.Exp(-z));

        var a1 = new double[m][];
        var a2 = new double[m][];
        var rhoHat = new double[h];
        for (int n = 0; n < m; n++)
        {
            a1[n] = new double[h];
            for (int j = 0; j < h; j++)
            {
                double z = B1(j);
                for (int i = 0; i < v; i++) z += W1(j, i) * x[n][i];
                a1[n][j] = Sig(z);
                rhoHat[j] += a1[n][j] / m;
            }
            a2[n] = new double[v];
            for (int i = 0; i < v; i++)
            {
                double z = B2(i);
                for (int j = 0; j < h; j++) z += W2(i, j) * a1[n][j];
                a2[n][i] = linear ? z : Sig(z);
            }
        }

        double recon = 0;
        for (int n = 0; n < m; n++)
            for (int i = 0; i < v; i++) recon += 0.5 * (a2[n][i] - x[n][i]) * (a2[n][i] - x[n][i]) / m;
        double decay = 0;
        for (int k = 0; k < 2 * h * v; k++) decay += 0.5 * lambda * theta[k] * theta[k];
        double sparsity = 0;
        var s = new double[h];
        for (int j = 0; j < h; j++)
        {
            if (l1)
            {
                for (int n = 0; n < m; n++) sparsity += beta * Math.Abs(a1[n][j]) / m;
                s[j] = beta;
            }
            else
            {
                sparsity += beta * (rho * Math.Log(rho / rhoHat[j]) + (1 - rho) * Math.Log((1 - rho) / (1 - rhoHat[j])));
                s[j] = beta * (-rho / rhoHat[j] + (1 - rho) / (1 - rhoHat[j]));
            }
        }

        var grad = new double[theta.Length];
        for (int n = 0; n < m; n++)
        {
            var d3 = new double[v];
            for (int i = 0; i < v; i++) d3[i] = linear ? a2[n][i] - x[n][i] : -(x[n][i] - a2[n][i]) * a2[n][i] * (1 - a2[n][i]);
            var d2 = new double[h];
            for (int j = 0; j < h; j++)
            {
                double back = 0;
                for (int i = 0; i < v; i++) back += W2(i, j) * d3[i];
                d2[j] = (back + s[j]) * a1[n][j] * (1 - a1[n][j]);
            }
            for (int i = 0; i < v; i++)
            {
                for (int j = 0; j < h; j++) grad[h * v + i * h + j] += d3[i] * a1[n][j] / m;
                grad[2 * h * v + h + i] += d3[i] / m;
            }
            for (int j = 0; j < h; j++)
            {
                for (int i = 0; i < v; i++) grad[j * v + i] += d2[j] * x[n][i] / m;
                grad[2 * h * v + j] += d2[j] / m;
            }
        }
        for (int k = 0; k < 2 * h * v; k++) grad[k] += lambda * theta[k];
        return new Result(recon + decay + sparsity, recon, decay, sparsity, grad);
    }
}
