using Microsoft.ML;
using SparseAe.MLNet.MLNetInternals;

namespace SparseAe.MLNet;

/// <summary>The <c>mlContext.Transforms.SparseAutoencoder(...)</c>, <c>ZcaWhitening(...)</c> and <c>ConvolutionalSparseFeatures(...)</c> extensions.</summary>
public static class SparseAutoencoderCatalog
{
    /// <summary>
    /// Trains a sparse autoencoder on <paramref name="inputColumnName"/> (a known-size vector of Single,
    /// values best in [0, 1]) and outputs each row's hidden code, a vector of <paramref name="hiddenCount"/> Single.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The code column to create. A non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="inputColumnName">The input column; null means the same name as the output. Null or a non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="hiddenCount">H, the hidden units, at least 1 (and few enough that a block of rows fits in one array: the refusal names the most).</param>
    /// <param name="sparsityTarget">rho, the target mean activation, in (0, 1).</param>
    /// <param name="sparsityWeight">beta, the sparsity penalty's weight, finite and at least 0.</param>
    /// <param name="weightDecay">lambda, the weight decay, finite and at least 0.</param>
    /// <param name="maxIterations">L-BFGS iterations at most, at least 1.</param>
    /// <param name="seed">Seed of the initial weights, at least 0; null takes one from the MLContext.</param>
    public static SparseAutoencoderEstimator SparseAutoencoder(this TransformsCatalog catalog,
        string outputColumnName,
        string? inputColumnName = null,
        int hiddenCount = Defaults.HiddenCount,
        double sparsityTarget = Defaults.SparsityTarget,
        double sparsityWeight = Defaults.SparsityWeight,
        double weightDecay = Defaults.WeightDecay,
        int maxIterations = Defaults.MaxIterations,
        int? seed = null)
        => catalog.SparseAutoencoder(new SparseAutoencoderOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            HiddenCount = hiddenCount,
            SparsityTarget = sparsityTarget,
            SparsityWeight = sparsityWeight,
            WeightDecay = weightDecay,
            MaxIterations = maxIterations,
            Seed = seed,
        });

    /// <summary>Trains a sparse autoencoder with every option given.</summary>
    public static SparseAutoencoderEstimator SparseAutoencoder(this TransformsCatalog catalog, SparseAutoencoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new SparseAutoencoderEstimator(HostAccess.GetEnvironment(catalog), options);
    }

    /// <summary>
    /// Fits ZCA whitening y = W (x - mu) on <paramref name="inputColumnName"/> (a known-size vector of
    /// Single) and outputs the whitened vector, of the same size: mu is each feature's mean over the rows,
    /// W = U diag(1/sqrt(s + epsilon)) U^T from the eigendecomposition U diag(s) U^T of the covariance
    /// (1/m) sum_i (x_i - mu)(x_i - mu)^T (divided by the m rows, not m - 1), as UFLDL and Coates et al.
    /// Unlike ML.NET's <c>VectorWhiten</c>, which removes no mean (its matrix is (1/m) sum_i x_i x_i^T,
    /// so it expects centred data) and defaults to an epsilon of 1e-5.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The whitened column to create. A non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="inputColumnName">The input column; null means the same name as the output. Null or a non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</param>
    /// <param name="epsilon">Added to each covariance eigenvalue before the inverse square root: in the
    /// squared units of the values, not relative to them (0.1, UFLDL's, suits patches scaled to [0.1, 0.9];
    /// data of variance well below epsilon are mostly scaled by 1/sqrt(epsilon), hardly whitened). Finite and at least 0;
    /// 0 refuses rows whose covariance is singular, and Fit refuses one too small or too large for the rows.</param>
    /// <param name="maximumRows">Fit on a uniform random sample of at most this many rows (ML.NET's
    /// <c>VectorWhiten</c> takes the first <c>maximumNumberOfRows</c> instead): null (every row) or at least 1, and, as the rows
    /// are held in one array, at most 2147483591 / V rows of V values (Fit refuses more, and a view of more rows without it). A cap at
    /// or above the rows the view says it has means every row.</param>
    /// <param name="seed">Seed of that sample, at least 0; null takes one from the MLContext.</param>
    /// <remarks>
    /// The vector may hold up to 8,192 values. Fit's eigendecomposition grows as V^3 and cannot be interrupted
    /// (cancellation takes effect before and after it): on a 2-core Zen 3, 0.06 s at V = 256 and 3.4 s at 1,024,
    /// so about half an hour at 8,192 (docs/performance.md). Rows that do not vary (all the same vector) have a covariance
    /// of exactly 0, whatever the vector's size (a column of one value has that value as its mean): they are refused only by
    /// epsilon 0, above it whiten to exact zeros, and later rows are only centred and scaled by 1/sqrt(epsilon).
    /// </remarks>
    public static ZcaWhiteningEstimator ZcaWhitening(this TransformsCatalog catalog, string outputColumnName,
        string? inputColumnName = null, double epsilon = Defaults.ZcaEpsilon, long? maximumRows = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ZcaWhiteningEstimator(HostAccess.GetEnvironment(catalog), outputColumnName, inputColumnName, epsilon, maximumRows, seed);
    }

    /// <summary>
    /// Learns a patch autoencoder from random patches of the training images and outputs, for each
    /// image, its feature maps pooled over a grid or square blocks of positions (see <see cref="ConvolutionalFeaturizerEstimator"/>).
    /// </summary>
    public static ConvolutionalFeaturizerEstimator ConvolutionalSparseFeatures(this TransformsCatalog catalog, ConvolutionalFeaturizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new ConvolutionalFeaturizerEstimator(HostAccess.GetEnvironment(catalog), options);
    }
}
