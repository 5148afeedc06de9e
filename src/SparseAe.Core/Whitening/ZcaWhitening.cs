using MathNet.Numerics.LinearAlgebra;
using SparseAe.Kernels;

namespace SparseAe.Whitening;

/// <summary>
/// ZCA whitening of row vectors (UFLDL, "Whitening" and "Implementing PCA/Whitening"; Coates, Lee
/// and Ng 2011): y = W (x - mu), W = U diag(1 / sqrt(s + epsilon)) U^T, where U diag(s) U^T is the
/// eigendecomposition of the covariance Sigma = (1/m) sum_i (x_i - mu)(x_i - mu)^T. W is symmetric
/// and (V,V); epsilon regularises the small eigenvalues (and low-pass filters the result).
/// </summary>
/// <remarks>
/// mu is the per-feature mean (Coates et al.). UFLDL's exercise instead removes each patch's own mean
/// first; do that before (UFLDL normalisation) if wanted. The covariance is summed in double over
/// float products of blocks of rows; the eigendecomposition is MathNet's symmetric EVD.
/// </remarks>
public sealed class ZcaWhitening
{
    private readonly float[] _mean, _w;

    private ZcaWhitening(int dimension, double epsilon, float[] mean, float[] w)
    {
        Dimension = dimension;
        Epsilon = epsilon == 0 ? 0 : epsilon;   // -0.0 passes "at least 0": kept as 0, as the objective's weights, not printed "-0"
        _mean = mean;
        _w = w;
    }

    /// <summary>The largest V supported (a V x V matrix of 64 Mi entries); saved whitenings are held to it too.</summary>
    public const int MaxDimension = 8192;

    /// <summary>
    /// An eigenvalue at most this fraction of the largest is 0 (float's epsilon, 2^-23): the covariance is summed
    /// from float products, whose rounding lifts a 0 to about 1e-8 of the largest. Such data are refused with an
    /// Epsilon below this fraction of the largest eigenvalue, 0 included.
    /// </summary>
    internal const double SingularRatio = 1.0 / (1 << 23);

    /// <summary>V, the length of the vectors.</summary>
    public int Dimension { get; }

    /// <summary>The regulariser added to each eigenvalue.</summary>
    public double Epsilon { get; }

    /// <summary>mu (V).</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>W (V,V), row-major and symmetric.</summary>
    public ReadOnlySpan<float> Matrix => _w;

    /// <summary>Estimates mu and W from rows of X, (rows, V) row-major.</summary>
    /// <param name="x">The rows, (rows, V) row-major: at least rows * V values (more are ignored), every one finite, and rows whose
    /// covariance overflows or underflows float are refused.</param>
    /// <param name="rows">The rows to fit on, at least 1.</param>
    /// <param name="dimension">V, the length of each row, at least 1 and at most <see cref="MaxDimension"/> (8192).</param>
    /// <param name="epsilon">Added to each covariance eigenvalue, finite and at least 0; 0 refuses rows whose covariance is
    /// singular, and one too small or too large for the rows is refused (the whitening matrix would hold an infinity, or its
    /// largest entry would be below float's smallest normal value).</param>
    public static ZcaWhitening Fit(ReadOnlySpan<float> x, int rows, int dimension, double epsilon) => Fit(x, rows, dimension, epsilon, null);

    /// <summary>
    /// Estimates mu and W from rows of X, (rows, V) row-major; <paramref name="checkCancellation"/>, when given,
    /// runs before the work starts, after every 256 rows of the covariance and before and after the
    /// eigendecomposition (which cannot be stopped inside), and stops the fit by throwing
    /// (OperationCanceledException: ML.NET's CheckAlive, a token's ThrowIfCancellationRequested).
    /// </summary>
    /// <param name="x">The rows, (rows, V) row-major: at least rows * V values (more are ignored), every one finite, and rows whose
    /// covariance overflows or underflows float are refused.</param>
    /// <param name="rows">The rows to fit on, at least 1.</param>
    /// <param name="dimension">V, the length of each row, at least 1 and at most <see cref="MaxDimension"/> (8192).</param>
    /// <param name="epsilon">Added to each covariance eigenvalue, finite and at least 0; 0 refuses rows whose covariance is
    /// singular, and one too small or too large for the rows is refused (the whitening matrix would hold an infinity, or its
    /// largest entry would be below float's smallest normal value).</param>
    /// <param name="checkCancellation">Throws to stop the fit; null for none.</param>
    public static ZcaWhitening Fit(ReadOnlySpan<float> x, int rows, int dimension, double epsilon, Action? checkCancellation)
        => Fit(x, rows, dimension, epsilon, checkCancellation, null, nameof(Epsilon));

    /// <summary>
    /// <see cref="Fit(ReadOnlySpan{float}, int, int, double, Action?)"/> for a caller that knows what the rows are:
    /// <paramref name="rowsName"/> (e.g. "the sample of 200 patches of column 'Pixels'") names them in the refusals
    /// of their covariance, "The covariance of {rowsName} is singular" (overflows, underflows) and "{epsilonName} 1E-300 is
    /// too small for {rowsName}"; null keeps "The covariance is singular ..." and "these rows" in the others. The singular
    /// refusal is a <see cref="SingularCovarianceException"/>, so that the caller can add its
    /// own advice without matching the text. <paramref name="epsilonName"/> is what the caller's user calls Epsilon
    /// (the featurizer's ZcaEpsilon), said in the refusals that advise it, so that renaming the text afterwards
    /// cannot touch the rows' name.
    /// </summary>
    internal static ZcaWhitening Fit(ReadOnlySpan<float> x, int rows, int dimension, double epsilon, Action? checkCancellation, string? rowsName, string epsilonName)
    {
        checkCancellation?.Invoke();
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"ZCA needs at least 1 row, but got {rows}.");
        CheckSizeAndEpsilon(dimension, epsilon);
        EnsureMemory(dimension);
        if (x.Length < (long)rows * dimension)
            throw new ArgumentException($"x must hold rows*V = {(long)rows * dimension} values, but holds {x.Length}.", nameof(x));
        int bad = VectorKernels.IndexOfNonFinite(x.Slice(0, rows * dimension));
        if (bad >= 0)
            throw new ArgumentException($"Row {bad / dimension} holds {x[bad]} at index {bad % dimension}; every value must be finite.", nameof(x));

        int d = dimension;
        string rowsSaid = rowsName ?? "these rows";
        var meanD = new double[d];
        VectorKernels.AddColumnSums(x.Slice(0, rows * d), rows, d, meanD);
        var mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float)(meanD[j] / rows);
        KeepConstantColumnsExact(x.Slice(0, rows * d), rows, d, mean);

        // Sigma = (1/m) sum over blocks of Xc^T Xc (float per block, double across blocks).
        const int block = 256;
        var centred = new float[block * d];
        var partial = new float[d * d];
        var sigma = new double[d * d];
        float deviation = 0;   // the largest |x - mu|
        for (int r0 = 0; r0 < rows; r0 += block)
        {
            int n = Math.Min(block, rows - r0);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < d; j++) centred[i * d + j] = x[(r0 + i) * d + j] - mean[j];
            deviation = Math.Max(deviation, Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(centred.AsSpan(0, n * d))));
            MatrixKernels.MultiplyAtB(centred.AsSpan(0, n * d), centred.AsSpan(0, n * d), partial, n, d, d);
            for (int k = 0; k < partial.Length; k++) sigma[k] += partial[k];
            checkCancellation?.Invoke();
        }
        // Products of values beyond about 1e18 overflow float; MathNet's EVD of an infinite matrix threw
        // IndexOutOfRangeException.
        int overflow = Array.FindIndex(sigma, s => !double.IsFinite(s));
        if (overflow >= 0)
            throw new ArgumentException(
                $"The covariance of {rowsSaid} overflows float at entry ({overflow / d}, {overflow % d}): their values, up to {LargestMagnitude(x.Slice(0, rows * d)):G3}, " +
                "are too large to square; scale them (to magnitudes below about 1e18) before ZCA.", nameof(x));
        // Products below float's smallest normal value are subnormal: rows of scale 1e-21 whitened to a covariance
        // 1e-3 off the identity, 1e-22 to 0.28 off, without a word. An Epsilon of at least that value outweighs
        // the lost precision (a contrast-normalised patch of tiny pixels with ZcaEpsilon 0.1), and rows that do
        // not vary at all are exact zeros.
        if (deviation > 0 && (double)deviation * deviation < FloatLimits.SmallestNormal && epsilon < FloatLimits.SmallestNormal)
            throw new ArgumentException(
                $"The covariance of {rowsSaid} underflows float: they differ from their means by at most {deviation:G3}, whose square is below float's smallest normal value " +
                $"({FloatLimits.SmallestNormal:G3}), so their products lose their precision; scale them (to magnitudes above about 1e-18) before ZCA, " +
                $"or raise {epsilonName} to at least {FloatLimits.SmallestNormal:G3}, which outweighs what is lost (it is {epsilon:R}).", nameof(x));
        var cov = Matrix<double>.Build.Dense(d, d, (i, j) => sigma[i * d + j] / rows);
        var evd = cov.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        checkCancellation?.Invoke();
        var u = evd.EigenVectors;
        // Zero relative to the largest eigenvalue: an absolute 1e-12 called full-rank data of scale 1e-7 singular.
        // And zero within float's precision: the covariance is summed from float products, which lift an exact 0
        // to 1e-9..6e-8 of the largest (rows with their means removed, a column the sum of two others); 1e-12 let
        // such rows through, and W amplified rounding along the null direction 1e4-fold. An epsilon below that same
        // fraction of the largest is no better than 0 (1e-12 whitened as 0 did): the rounding still decides the scale.
        double largest = evd.EigenValues.Max(e => e.Real), smallest = evd.EigenValues.Min(e => e.Real);
        double least = SingularRatio * largest;
        if (smallest <= least && (epsilon == 0 || epsilon < least))
            throw new SingularCovarianceException(
                $"The covariance{(rowsName is null ? "" : $" of {rowsName}")} is singular (an eigenvalue is 0, or at most {SingularRatio:G3} times the largest, float's precision: the smallest is {smallest:G3}, " +
                $"the largest {largest:G3}); ZCA needs {epsilonName} > 0 for such data" +
                (epsilon == 0 ? "." : $", and at least {least:G3}, that fraction of the largest, since float's rounding decides the scale of the null directions below it; it is {epsilon:R}."),
                nameof(epsilon));
        var scale = Vector<double>.Build.Dense(d, k => 1.0 / Math.Sqrt(Math.Max(evd.EigenValues[k].Real, 0) + epsilon));
        // U diag(scale) U^T as U's columns scaled, times U^T: a dense diagonal matrix cost a second V^3 product (a 1,024-wide
        // Fit of 4,096 rows took 3.9 s, now 3.35 s, on a Zen 3) and V^2 doubles more, for the same bits (its zeros add nothing).
        var w = u.MapIndexed((_, k, value) => value * scale[k]).TransposeAndMultiply(u);
        var wf = new float[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) wf[i * d + j] = (float)w[i, j];
        // An Epsilon too small for a zero eigenvalue (1e-300) gives 1/sqrt beyond float: an infinite matrix.
        if (VectorKernels.IndexOfNonFinite(wf) is var infinite and >= 0)
            throw new ArgumentException(
                $"{epsilonName} {epsilon:R} is too small for {rowsSaid}: the smallest eigenvalue is {evd.EigenValues.Min(e => e.Real):G3}, and the whitening matrix " +
                $"holds {wf[infinite]} at ({infinite / d}, {infinite % d}); use a larger {epsilonName} (e.g. 1e-5 times the largest eigenvalue, {largest:G3}).", nameof(epsilon));
        // And one so large that 1/sqrt(s + epsilon) is below float's normal range (1e100 on rows of scale 1): W was all
        // zeros, or subnormal at 1e80, and whitened every row to 0 without a word.
        double largestEntry = LargestMagnitude(wf);
        if (largestEntry < FloatLimits.SmallestNormal)
            throw new ArgumentException(
                $"{epsilonName} {epsilon:R} is too large for {rowsSaid}: the whitening matrix's largest entry is {largestEntry:G3}, below float's smallest normal value " +
                $"({FloatLimits.SmallestNormal:G3}), so every whitened row would be 0 or lose its precision; use a smaller {epsilonName} (the eigenvalues are at most {largest:G3}).",
                nameof(epsilon));
        return new ZcaWhitening(d, epsilon, mean, wf);
    }

    /// <summary>
    /// Rebuilds a fitted whitening from its parts (used when loading): mu (V) and W (V,V) row-major, held
    /// to Fit's rules (V in 1..MaxDimension, epsilon finite and at least 0, every value finite).
    /// </summary>
    public static ZcaWhitening FromParts(int dimension, double epsilon, float[] mean, float[] matrix)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(matrix);
        CheckSizeAndEpsilon(dimension, epsilon);
        if (mean.Length != dimension)
            throw new ArgumentException($"A ZCA of size {dimension} needs {dimension} means, but has {mean.Length}.", nameof(mean));
        if (matrix.Length != (long)dimension * dimension)
            throw new ArgumentException($"A ZCA of size {dimension} needs {(long)dimension * dimension} matrix entries, but has {matrix.Length}.", nameof(matrix));
        // A NaN here would whiten every patch to NaN without a word; Fit never makes one.
        if (VectorKernels.IndexOfNonFinite(mean) is var m and >= 0)
            throw new ArgumentException($"The {MeanName(m)} is {mean[m]}; every value must be finite.", nameof(mean));
        if (VectorKernels.IndexOfNonFinite(matrix) is var k and >= 0)
            throw new ArgumentException($"The {MatrixEntryName(dimension, k)} is {matrix[k]}; every value must be finite.", nameof(matrix));
        // Apply computes W (x - mu) and ApplyBatch (X - mu) W, the same only for a symmetric W: a matrix that is not (a PCA
        // whitening's, a transposed copy) whitened a row one way in the transformer and its graph, and another in the
        // convolutional featurizer's batches. Fit's W = U diag U^T is symmetric to float rounding.
        if (IndexOfAsymmetry(dimension, matrix) is var a and >= 0)
        {
            long i = a / dimension, j = a % dimension;
            throw new ArgumentException(
                $"The {MatrixEntryName(dimension, a)} is {matrix[a]:R}, but the entry at ({j}, {i}) is {matrix[j * dimension + i]:R}; a ZCA matrix " +
                $"(U diag(1/sqrt(s + epsilon)) U^T) is symmetric, to within {SymmetryTolerance:R} of its largest entry ({LargestMagnitude(matrix):R}).", nameof(matrix));
        }
        return new ZcaWhitening(dimension, epsilon, (float[])mean.Clone(), (float[])matrix.Clone());
    }

    /// <summary>
    /// How far W_ij and W_ji may differ, as a share of W's largest entry: Fit's W, computed in double and rounded to float,
    /// differs by float rounding (about 1e-7 of the entry), a matrix made otherwise by a share of its entries.
    /// </summary>
    internal const double SymmetryTolerance = 1e-5;

    /// <summary>The row-major index of the first (i, j), i &lt; j, whose mirror (j, i) differs by more than <see cref="SymmetryTolerance"/> of W's largest entry; -1 if none.</summary>
    internal static long IndexOfAsymmetry(int dimension, ReadOnlySpan<float> matrix)
    {
        double allowed = SymmetryTolerance * LargestMagnitude(matrix);
        for (int i = 0; i < dimension; i++)
            for (int j = i + 1; j < dimension; j++)
                if (Math.Abs((double)matrix[i * dimension + j] - matrix[j * dimension + i]) > allowed) return (long)i * dimension + j;
        return -1;
    }

    /// <summary>
    /// A column that holds one value in every row has that value as its mean, exactly. The sums run in float within blocks
    /// of rows, which put the mean of 777 rows of 123.456 4.6e-5 off: the covariance was 2e-9, not 0, and a lone such
    /// column (V = 1, whose one eigenvalue is its own largest, so never singular by the ratio) whitened every row to -1 at
    /// Epsilon 0 without a word. The columns are compared row by row until every one has varied, most often in the
    /// second row.
    /// </summary>
    private static void KeepConstantColumnsExact(ReadOnlySpan<float> x, int rows, int d, float[] mean)
    {
        var constant = new bool[d];
        Array.Fill(constant, true);
        int left = d;
        for (int r = 1; r < rows && left > 0; r++)
            for (int j = 0; j < d; j++)
                if (constant[j] && x[r * d + j] != x[j]) { constant[j] = false; left--; }
        for (int j = 0; j < d; j++)
            if (constant[j]) mean[j] = x[j];
    }

    // The largest |value| (0 of none): the rows' scale, W's largest entry.
    private static double LargestMagnitude(ReadOnlySpan<float> values) => values.IsEmpty ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values));

    /// <summary>mu's element <paramref name="index"/> in messages, "mean at index i": FromParts and the saved block's writer and reader alike.</summary>
    internal static string MeanName(long index) => $"mean at index {index}";

    /// <summary>
    /// W's element <paramref name="index"/> of the row-major (V,V) storage in messages, "matrix entry at (row, column)":
    /// FromParts and the saved block's writer and reader alike.
    /// </summary>
    internal static string MatrixEntryName(int dimension, long index) => $"matrix entry at ({index / dimension}, {index % dimension})";

    // The rules Fit and FromParts share.
    private static void CheckSizeAndEpsilon(int dimension, double epsilon)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"The vector size must be at least 1, but is {dimension}.");
        CheckEpsilon(epsilon);
        if (dimension > MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, TooWide(dimension));
    }

    /// <summary>Epsilon's rule, for Fit and FromParts and for callers that take it before any row (the ZCA estimator).</summary>
    internal static void CheckEpsilon(double epsilon)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"Epsilon must be finite and at least 0, but is {epsilon}.");
    }

    /// <summary>
    /// Refuses, with <see cref="InsufficientMemoryException"/>, a fit whose matrices do not fit in the memory this
    /// process can still get: about 64 V^2 bytes beside the rows (the covariance in float and double, its copy for
    /// MathNet, the eigendecomposition's matrices, U's scaled columns, W in double and float: 62 V^2 measured at
    /// V = 2,048), 4.3 GB at V = 8,192. Without it a 4,096-wide fit under a 256 MB heap limit read and summed its
    /// rows and ended in an OutOfMemoryException in MathNet's EVD ("internal error" in the command line).
    /// Fit checks it; callers that know V before reading any row (the ZCA estimator) check it first too.
    /// </summary>
    internal static void EnsureMemory(int dimension) => Training.MemoryBudget.Ensure(64L * dimension * dimension,
        $"ZCA of {dimension}-vectors ({English.Article(dimension)} {dimension}x{dimension} covariance and its eigendecomposition, in double)", "whiten vectors of fewer values");

    /// <summary>
    /// <see cref="EnsureMemory(int)"/> with the <paramref name="rows"/> a caller reads whole for the fit, 4 V bytes each
    /// in one array: before they are read when their count is known, else as they arrive (<paramref name="readSoFar"/>:
    /// those held so far, which are copied into one array once read). The matrices alone were checked, and
    /// 600,000 rows of 64 values under a 256 MB heap limit ended in an OutOfMemoryException while they were read
    /// ("internal error" in the command line, train --patches 600000 --whiten zca).
    /// </summary>
    internal static void EnsureMemory(int dimension, long rows, bool readSoFar, string advice) => Training.MemoryBudget.Ensure(
        64L * dimension * dimension + 4L * rows * dimension,
        $"ZCA of {Training.MemoryBudget.Counted(rows, $"rows of {dimension} values", readSoFar)} (the rows in one array, and {English.Article(dimension)} {dimension}x{dimension} covariance and its eigendecomposition, in double)",
        advice);

    /// <summary>
    /// The words for a vector size over <see cref="MaxDimension"/>, for Fit and FromParts and for callers that
    /// know the size before reading any row (the ZCA estimator, from its column's schema).
    /// </summary>
    internal static string TooWide(int dimension)
        => $"ZCA of {dimension}-vectors needs {English.Article(dimension)} {dimension}x{dimension} covariance; at most {MaxDimension} features are supported.";

    /// <summary>
    /// Whitens <paramref name="rows"/> row vectors at once: Y = (X - 1 mu^T) W, one matrix product
    /// (W is symmetric, so row i of Y is W (x_i - mu)). X and Y are (rows, V), apart; X is centred in place.
    /// </summary>
    public void ApplyBatch(Span<float> x, int rows, Span<float> y)
    {
        int d = Dimension;
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 0, but is {rows}.");
        if (x.Length < (long)rows * d || y.Length < (long)rows * d)
            throw new ArgumentException($"A batch of {rows} rows of {d} needs x and y of {(long)rows * d} values; got {x.Length} and {y.Length}.",
                x.Length < (long)rows * d ? nameof(x) : nameof(y));
        if (y.Slice(0, rows * d).Overlaps(x.Slice(0, rows * d)))
            throw new ArgumentException("y overlaps x; the whitened rows need memory of their own.", nameof(y));
        for (int i = 0; i < rows; i++)
            System.Numerics.Tensors.TensorPrimitives.Subtract(x.Slice(i * d, d), _mean, x.Slice(i * d, d));
        SparseAe.Kernels.MatrixKernels.MultiplyAB(x.Slice(0, rows * d), _w, y.Slice(0, rows * d), rows, d, d);
    }

    /// <summary>y = W (x - mean) for one row of <see cref="Dimension"/> values; <paramref name="scratch"/> needs as many,
    /// apart from y (x may be y).</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, Span<float> scratch)
    {
        int d = Dimension;
        if (x.Length != d || y.Length != d || scratch.Length < d)
            throw new ArgumentException($"ZCA of size {d} needs x and y of {d} values and scratch of at least {d}; got {x.Length}, {y.Length}, {scratch.Length}.",
                x.Length != d ? nameof(x) : y.Length != d ? nameof(y) : nameof(scratch));
        var centred = scratch.Slice(0, d);
        if (y.Overlaps(centred))
            throw new ArgumentException("y overlaps scratch; the centred row is kept there while y is written.", nameof(y));
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, _mean, centred);
        for (int i = 0; i < d; i++) y[i] = System.Numerics.Tensors.TensorPrimitives.Dot(_w.AsSpan(i * d, d), centred);
    }
}

/// <summary>
/// The refusal of rows whose covariance is singular at Epsilon 0 (an <see cref="ArgumentException"/> of parameter
/// "epsilon"): its own type so that a caller that knows why its rows are singular (the convolutional featurizer,
/// after UFLDL's normalisation) can say so without matching the message's text.
/// </summary>
internal sealed class SingularCovarianceException(string message, string paramName) : ArgumentException(message, paramName);
