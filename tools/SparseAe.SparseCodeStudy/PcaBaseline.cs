using MathNet.Numerics.LinearAlgebra;

namespace SparseAe.SparseCodeStudy;

/// <summary>
/// The linear baseline: the FVU of the best k-dimensional linear code of the same rows, PCA with k components:
/// FVU_pca(k) = sum_{i &gt; k} lambda_i / sum_i lambda_i over the eigenvalues lambda of the rows' covariance, largest
/// first (the variance the top k principal directions leave). A sparse code with L0 = k active latents should do far
/// better, because each row chooses its own k directions (Gao et al. 2024 compare the same way).
/// </summary>
internal sealed class PcaBaseline
{
    private readonly double[] _eigenvalues;   // descending
    private readonly double _total;

    public PcaBaseline(RowSet rows)
    {
        int n = rows.Count, v = rows.Dimension;
        var centred = Matrix<double>.Build.Dense(n, v);
        var mean = new double[v];
        for (int r = 0; r < n; r++)
        {
            var x = rows.Row(r);
            for (int i = 0; i < v; i++) mean[i] += x[i];
        }
        for (int i = 0; i < v; i++) mean[i] /= n;
        for (int r = 0; r < n; r++)
        {
            var x = rows.Row(r);
            for (int i = 0; i < v; i++) centred[r, i] = x[i] - mean[i];
        }
        // Sum of squares and cross-products C = Xc^T Xc (the 1/n cancels in the ratio); eigenvalues clamped at 0 against rounding.
        var c = centred.TransposeThisAndMultiply(centred);
        _eigenvalues = c.Evd(Symmetricity.Symmetric).EigenValues.Select(e => Math.Max(e.Real, 0)).OrderByDescending(e => e).ToArray();
        _total = _eigenvalues.Sum();
    }

    public int Dimension => _eigenvalues.Length;

    /// <summary>FVU of PCA with k components, k in 0..V.</summary>
    public double Fvu(int k)
    {
        if (k < 0 || k > _eigenvalues.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie in 0..V = 0..{_eigenvalues.Length}, but is {k}.");
        return _eigenvalues.Skip(k).Sum() / _total;
    }
}
