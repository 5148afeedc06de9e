using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests.Zca;

public class ZcaWhiteningEstimatorTests
{
    private readonly MLContext _ml = new(seed: 1);

    // Rows too large to square (1e30) or too small (1e-21) were refused by Core's words for its own span:
    // ParamName 'x', a parameter Fit(IDataView input) does not have, and no column named. Then "Input column 'Features'
    // cannot be whitened: The covariance of these rows ...": the column is now the rows' name, as the featurizer's patches are.
    [Theory]
    [InlineData(1e30f, "The covariance of the 20 rows of column 'Features' overflows float")]
    [InlineData(1e-21f, "The covariance of the 20 rows of column 'Features' underflows float")]
    public void Rows_whose_covariance_float_cannot_hold_are_refused_as_the_input_column(float scale, string reason)
    {
        var rows = RowFactory.Vec8Rows(20, 1);
        foreach (var r in rows)
            for (int j = 0; j < r.Features.Length; j++) r.Features[j] *= scale;
        var e = Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.ZcaWhitening("White", "Features", 0).Fit(_ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("input", e.ParamName);
        Assert.StartsWith(reason, e.Message);
    }

    // A singular covariance at epsilon 0 or one too small for it ("The covariance is singular ...") named no column, where the featurizer's same refusals name its patches' column.
    [Theory]
    [InlineData(0.0, "The covariance of the 20 rows of column 'Features' is singular")]
    [InlineData(1e-300, "The covariance of the 20 rows of column 'Features' is singular")]
    [InlineData(0.0, "The covariance of the sample of 5 of the 20 rows of column 'Features' is singular", 5L)]
    public void An_epsilon_the_rows_cannot_take_is_refused_naming_the_input_column(double epsilon, string reason, long? maximumRows = null)
    {
        var rows = RowFactory.Vec8Rows(20, 1);
        foreach (var r in rows) r.Features[7] = r.Features[0] + r.Features[1];   // rank 7: singular
        var e = Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.ZcaWhitening("White", "Features", epsilon, maximumRows, seed: 1).Fit(_ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("epsilon", e.ParamName);
        Assert.StartsWith(reason, e.Message);
    }

    // The documented formula, computed apart in double (a Jacobi eigendecomposition): mu each feature's mean over the rows,
    // the covariance divided by m (not m - 1; that would move W by 1/(2m), 2e-3 here), W = U diag(1/sqrt(s + epsilon)) U^T.
    // At epsilon 0 the whitened rows' covariance is the identity. Whitened values reach about 3; tolerance is absolute.
    [Theory]
    [InlineData(0.1, 300, 5e-6, double.NaN)]
    [InlineData(0.0, 2000, 6e-4, 1e-3)]   // float rounding, amplified by 1/sqrt of the smallest eigenvalue (1.4e-5)
    public void The_whitened_rows_equal_the_documented_formula_computed_in_double(double epsilon, int m, double tolerance, double identity)
    {
        const int d = 8;
        var rng = new Random(11);
        var mix = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) mix[i, j] = rng.NextDouble() - 0.3;
        var rows = Enumerable.Range(0, m).Select(_ =>
        {
            var z = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            return new Vec8 { Features = Enumerable.Range(0, d).Select(i => (float)(3 + Enumerable.Range(0, d).Sum(j => mix[i, j] * z[j]))).ToArray() };
        }).ToList();
        var mu = new double[d];
        foreach (var r in rows) for (int j = 0; j < d; j++) mu[j] += r.Features[j] / (double)m;
        var cov = new double[d, d];
        foreach (var r in rows) for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cov[i, j] += (r.Features[i] - mu[i]) * (r.Features[j] - mu[j]) / m;
        var (s, u) = Jacobi(cov);
        var w = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) w[i, j] += u[i, k] * u[j, k] / Math.Sqrt(s[k] + epsilon);

        var data = _ml.Data.LoadFromEnumerable(rows);
        var white = _ml.Transforms.ZcaWhitening("White", "Features", epsilon).Fit(data).Transform(data).GetColumn<float[]>("White").ToArray();
        var whiteCov = new double[d, d];
        for (int r = 0; r < m; r++)
        {
            for (int i = 0; i < d; i++)
            {
                double y = 0;
                for (int j = 0; j < d; j++) y += w[i, j] * (rows[r].Features[j] - mu[j]);
                Assert.True(Math.Abs(y - white[r][i]) <= tolerance, $"row {r}, value {i}: {white[r][i]}, by the formula {y}");
                for (int j = 0; j < d; j++) whiteCov[i, j] += white[r][i] * (double)white[r][j] / m;
            }
        }
        if (!double.IsNaN(identity))
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) Assert.Equal(i == j ? 1 : 0, whiteCov[i, j], identity);
    }

    // Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.
    private static (double[] Values, double[,] Vectors) Jacobi(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) off += a[i, j] * a[i, j];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (a[p, q] == 0) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = theta == 0 ? 1 : Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), sn = t * c;
                    for (int k = 0; k < n; k++) (a[k, p], a[k, q]) = (c * a[k, p] - sn * a[k, q], sn * a[k, p] + c * a[k, q]);
                    for (int k = 0; k < n; k++) (a[p, k], a[q, k]) = (c * a[p, k] - sn * a[q, k], sn * a[p, k] + c * a[q, k]);
                    for (int k = 0; k < n; k++) (v[k, p], v[k, q]) = (c * v[k, p] - sn * v[k, q], sn * v[k, p] + c * v[k, q]);
                }
        }
        return (Enumerable.Range(0, n).Select(i => a[i, i]).ToArray(), v);
    }

    // An epsilon of -0.0 passes "at least 0" and whitens as 0, but was kept as it came: the log said "(epsilon -0)" and
    // Whitening.Epsilon was -0, as the objective's weights were until they were stored as 0.
    [Fact]
    public void An_epsilon_of_minus_0_is_kept_and_logged_as_0()
    {
        var messages = new List<string>();
        _ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var model = _ml.Transforms.ZcaWhitening("White", "Features", -0.0).Fit(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(64, 1)));
        Assert.False(double.IsNegative(model.Whitening.Epsilon));
        Assert.Contains(messages, m => m.EndsWith("fitted on 64 rows (epsilon 0).", StringComparison.Ordinal));
    }

    // ZCA holds the rows it fits on. A view that says how many has their memory checked from the count before any is read
    // (with maximumRows, only the sample's); one that does not say, each time the rows read fill a chunk; and the width's
    // covariance before any row, whatever the view says. Each in a process of its own under a 256 MB heap limit
    // (SparseAe.FitCheck --zca-rows), where 3,000,000 rows of 64 values take 0.8 GB. (Mutation audit: the check as rows
    // arrive, the width's before the rows, and the sample's in place of every row's, each removed, passed every test.)
    [Theory]
    [InlineData("3000000 64 unsaid", 3, @"^ZCA of the \d+ rows of 64 values read so far \(the rows in one array, and a 64x64 covariance .*; set maximumRows to fit on a random sample of the rows\.\s+rows read: \d{1,6}$")]
    [InlineData("10 4096 unsaid", 3, @"^ZCA of 4096-vectors \(a 4096x4096 covariance and its eigendecomposition, in double\) needs about 1\.1 GB .*; whiten vectors of fewer values\.\s+rows read: 0$")]
    [InlineData("3000000 64 said", 3, @"^ZCA of 3000000 rows of 64 values \(the rows in one array, and a 64x64 covariance .*; set maximumRows to fit on a random sample of the rows\.$")]
    [InlineData("3000000 64 said 1000", 0, @"^fitted on 1000 rows$")]
    public void Rows_too_many_for_memory_are_refused_before_they_outgrow_it_and_a_sample_is_held_to_its_own(string args, int exit, string pattern)
    {
        using var folder = new SparseAe.Tests.Support.TempFolder();
        var (code, text) = SparseAe.Tests.Support.ProcessRunner.Run("dotnet",
            [SparseAe.Tests.Support.TestData.Metadata("FitCheckPath"), "--zca-rows", .. args.Split(' ')], folder, TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" });   // 256 MB
        Assert.True(code == exit, $"exit {code}: {text}");
        Assert.Matches(new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.Singleline), text.TrimEnd());
    }
}
