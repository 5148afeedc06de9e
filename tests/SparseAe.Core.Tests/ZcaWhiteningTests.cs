using SparseAe.Persistence;
using SparseAe.Whitening;
using Xunit;

namespace SparseAe.Core.Tests;

public class ZcaWhiteningTests
{
    // A negative row count is named with its own rule; it was "A batch of -1 rows of 3 needs x and y of -3 values".
    [Fact]
    public void ApplyBatch_refuses_a_negative_row_count_with_its_rule()
    {
        var zca = ZcaWhitening.Fit(SparseAe.Tests.Support.TestData.RandomRows(40, 3, 3), 40, 3, 0.1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => zca.ApplyBatch(new float[3], -1, new float[3]));
        Assert.Equal("rows", e.ParamName);
        Assert.StartsWith("rows must be at least 0, but is -1.", e.Message);
    }

    // Correlated data: x = A z + c with z standard normal, A a fixed mixing matrix.
    private static float[] Correlated(int rows, int d, int seed)
    {
        var rng = new Random(seed);
        var a = new double[d, d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) a[i, j] = (i == j ? 1.0 : 0.0) + 0.5 * (rng.NextDouble() - 0.5);
        var x = new float[rows * d];
        var z = new double[d];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < d; j++) z[j] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            for (int i = 0; i < d; i++)
            {
                double s = 3 + i;
                for (int j = 0; j < d; j++) s += a[i, j] * z[j];
                x[r * d + i] = (float)s;
            }
        }
        return x;
    }

    private static double[,] Covariance(float[] y, int rows, int d)
    {
        var mean = new double[d];
        for (int r = 0; r < rows; r++) for (int i = 0; i < d; i++) mean[i] += y[r * d + i] / rows;
        var c = new double[d, d];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) c[i, j] += (y[r * d + i] - mean[i]) * (y[r * d + j] - mean[j]) / rows;
        return c;
    }

    [Fact]
    public void Whitened_data_have_identity_covariance_and_W_is_symmetric()
    {
        const int rows = 4000, d = 6;
        var x = Correlated(rows, d, 1);
        var zca = ZcaWhitening.Fit(x, rows, d, epsilon: 1e-9);
        var y = new float[rows * d];
        var scratch = new float[d];
        for (int r = 0; r < rows; r++) zca.Apply(x.AsSpan(r * d, d), y.AsSpan(r * d, d), scratch);
        var c = Covariance(y, rows, d);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                Assert.Equal(i == j ? 1.0 : 0.0, c[i, j], 1e-3);
                Assert.Equal(zca.Matrix[i * d + j], zca.Matrix[j * d + i], 1e-5);
            }
        for (int i = 0; i < d; i++) Assert.Equal(3 + i, zca.Mean[i], 0.1);
    }

    // What README says of rows that do not vary (every row the same vector): each column's mean is its one value, so with an
    // Epsilon above 0 every whitened row is 0 (the mean summed in float blocks was a few float steps off the row, and each
    // whitened row that rounding over sqrt(Epsilon), 2.9e-4 for 777 copies of a row holding 123.456); Epsilon 0 refuses them.
    [Fact]
    public void Rows_that_do_not_vary_whiten_to_0()
    {
        float[] row = [123.456f, 246.912f, -123.456f];
        var copies = Enumerable.Range(0, 777).SelectMany(_ => row).ToArray();
        var whitened = new float[copies.Length];
        ZcaWhitening.Fit(copies, 777, 3, 0.1).ApplyBatch((float[])copies.Clone(), 777, whitened);
        // Exact zeros: each column's mean is its one value (up to 2026-12-07 the summed mean's rounding, up to 1e-3 once whitened).
        Assert.Equal(new float[copies.Length], whitened);
        var one = new float[3];
        ZcaWhitening.Fit(row, 1, 3, 0.1).ApplyBatch((float[])row.Clone(), 1, one);
        Assert.Equal(new float[3], one);
        Assert.Throws<SingularCovarianceException>(() => ZcaWhitening.Fit(copies, 777, 3, 0));
    }

    // One value in every row of a lone column: its mean, summed in float blocks, was 4.6e-5 off, the covariance 2e-9 rather
    // than 0, and ZCA at Epsilon 0 whitened every row to -1 (a 1x1 covariance is never singular by the ratio of its
    // eigenvalues). A constant column's mean is now its value: at Epsilon 0 it is refused, as three such columns were, and
    // at 0.1 it whitens to exact zeros. A column that varies keeps its summed mean.
    [Fact]
    public void A_lone_column_that_does_not_vary_is_refused_at_epsilon_0_and_whitens_to_0()
    {
        var copies = Enumerable.Repeat(123.456f, 777).ToArray();
        Assert.Throws<SingularCovarianceException>(() => ZcaWhitening.Fit(copies, 777, 1, 0));
        var zca = ZcaWhitening.Fit(copies, 777, 1, 0.1);
        Assert.Equal(123.456f, zca.Mean[0]);
        var whitened = new float[777];
        zca.ApplyBatch((float[])copies.Clone(), 777, whitened);
        Assert.Equal(new float[777], whitened);
        // Beside a column that varies, the constant one's mean is its value and the other's is the sum's.
        var mixed = Enumerable.Range(0, 777).SelectMany(i => new[] { 123.456f, i * 0.01f }).ToArray();
        var both = ZcaWhitening.Fit(mixed, 777, 2, 0.1);
        Assert.Equal(123.456f, both.Mean[0]);
        Assert.Equal(3.88f, both.Mean[1], 1e-4f);
    }

    [Fact]
    public void Epsilon_shrinks_the_output_variance()
    {
        const int rows = 2000, d = 4;
        var x = Correlated(rows, d, 2);
        var y = new float[rows * d];
        var zca = ZcaWhitening.Fit(x, rows, d, epsilon: 1.0);
        for (int r = 0; r < rows; r++) zca.Apply(x.AsSpan(r * d, d), y.AsSpan(r * d, d), new float[d]);
        var c = Covariance(y, rows, d);
        for (int i = 0; i < d; i++) Assert.InRange(c[i, i], 0.05, 0.9);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_a_reason()
    {
        var x = Correlated(10, 3, 3);
        Assert.Contains("Epsilon must be finite and at least 0, but is -1", Assert.Throws<ArgumentOutOfRangeException>(() => ZcaWhitening.Fit(x, 10, 3, -1)).Message);
        Assert.Contains("at least 1 row", Assert.Throws<ArgumentOutOfRangeException>(() => ZcaWhitening.Fit(x, 0, 3, 0.1)).Message);
        x[4] = float.NaN;
        Assert.Contains("Row 1", Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit(x, 10, 3, 0.1)).Message);
        var constant = new float[30];
        Assert.Contains("singular", Assert.Throws<SingularCovarianceException>(() => ZcaWhitening.Fit(constant, 10, 3, 0)).Message);
    }

    [Fact]
    public void Rows_too_large_to_square_or_an_epsilon_too_small_are_refused_and_small_full_rank_data_are_not()
    {
        // 1e20 overflowed the float covariance and MathNet's EVD threw IndexOutOfRangeException.
        var huge = Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit([1e20f, 0, 0, 1e20f, 0, 0], 3, 2, 0.1));
        Assert.Equal("x", huge.ParamName);
        Assert.StartsWith("The covariance of these rows overflows float at entry (0, 0): their values, up to 1E+20, are too large to square", huge.Message);
        // Singular data with Epsilon 1e-300 gave a matrix of infinities without a word.
        var tiny = Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit([1, 2, 1, 2], 2, 2, 1e-300));
        Assert.Equal("epsilon", tiny.ParamName);
        Assert.StartsWith("Epsilon 1E-300 is too small for these rows", tiny.Message);
        // A caller that names its rows has them named in these refusals too, not only in the singular one.
        Assert.StartsWith("The covariance of the sample of 3 patches overflows float at entry (0, 0)",
            Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit([1e20f, 0, 0, 1e20f, 0, 0], 3, 2, 0.1, null, "the sample of 3 patches", "ZcaEpsilon")).Message);
        Assert.StartsWith("ZcaEpsilon 1E-300 is too small for the sample of 2 patches: ",
            Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit([1, 2, 1, 2], 2, 2, 1e-300, null, "the sample of 2 patches", "ZcaEpsilon")).Message);
        // Full-rank rows of scale 1e-7 were called singular by an absolute threshold (1e-12) on the eigenvalues.
        var small = ZcaWhitening.Fit([1e-7f, 0, 0, 1e-7f, 0, 0, 1e-7f, 1e-7f], 4, 2, 0);
        var y = new float[2];
        small.Apply([1e-7f, 0], y, new float[2]);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
    }

    // An Epsilon so large that 1/sqrt(s + Epsilon) is below float's smallest normal value (1e100 on rows of scale 1) made W
    // all zeros (1e80: subnormal, 1e-40) and whitened every row to 0 without a word. Epsilon 1e60 still fits (W about 1e-30).
    [Fact]
    public void An_epsilon_so_large_that_the_matrix_is_0_in_float_is_refused()
    {
        var x = Correlated(50, 3, 3);
        foreach (double epsilon in new[] { 1e80, 1e100, double.MaxValue })
        {
            var e = Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit(x, 50, 3, epsilon, null, "the sample of 50 patches", "ZcaEpsilon"));
            Assert.Equal("epsilon", e.ParamName);
            Assert.Matches($@"^ZcaEpsilon {System.Text.RegularExpressions.Regex.Escape(epsilon.ToString("R"))} is too large for the sample of 50 patches: the whitening matrix's largest entry is [0-9.E+-]+, below float's smallest normal value \(1.18E-38\), " +
                @"so every whitened row would be 0 or lose its precision; use a smaller ZcaEpsilon \(the eigenvalues are at most [0-9.]+\)\.", e.Message);
        }
        var fitted = ZcaWhitening.Fit(x, 50, 3, 1e60);
        Assert.All(fitted.Matrix.ToArray(), v => Assert.True(Math.Abs(v) < 1e-29));
        Assert.True(fitted.Matrix[0] > 1e-31);
    }

    // Rows whose covariance is singular in exact arithmetic (each row's mean removed, or a column the sum of two
    // others) have a zero eigenvalue that the float covariance lifts to 1e-9..6e-8 of the largest, above the old
    // threshold (1e-12 of it): at Epsilon 0 some samples were refused and others fitted, and a fitted W amplified
    // rounding along the null direction 1e4-fold, so Apply and ApplyBatch (Transform and the ONNX graph) disagreed
    // by 1e-3 of the values. Full-rank rows whose smallest eigenvalue is 1e-6 of the largest still fit.
    [Theory]
    [InlineData(16, 100, "means removed")]
    [InlineData(64, 300, "last = first + second")]
    [InlineData(256, 5000, "means removed")]
    public void Rows_singular_up_to_float_rounding_are_refused_at_epsilon_0(int d, int rows, string dependence)
    {
        var rng = new Random(d + rows);
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * d, d);
            if (dependence == "means removed")
            {
                double mean = 0;
                foreach (float v in row) mean += v / d;
                for (int j = 0; j < d; j++) row[j] = (float)(row[j] - mean);
            }
            else
            {
                row[d - 1] = row[0] + row[1];
            }
        }
        // Its own type (an ArgumentException), so that a caller adding advice (the convolutional featurizer) need not
        // match the text; a caller that knows what the rows are names them, in the same words otherwise.
        var e = Assert.Throws<SingularCovarianceException>(() => ZcaWhitening.Fit(x, rows, d, 0));
        Assert.Equal("epsilon", e.ParamName);
        Assert.StartsWith("The covariance is singular (an eigenvalue is 0", e.Message);
        var named = Assert.Throws<SingularCovarianceException>(() => ZcaWhitening.Fit(x, rows, d, 0, null, "the sample of 9 patches", "ZcaEpsilon"));
        Assert.Equal(e.Message.Replace("The covariance is singular", "The covariance of the sample of 9 patches is singular").Replace("Epsilon > 0", "ZcaEpsilon > 0"), named.Message);
        // An epsilon below that fraction of the largest eigenvalue (about 1e-8 here) was taken, and whitened as 0 did:
        // the rounding still decided the null direction's scale. One above it is taken.
        var tiny = Assert.Throws<SingularCovarianceException>(() => ZcaWhitening.Fit(x, rows, d, 1e-12));
        Assert.Equal("epsilon", tiny.ParamName);
        Assert.StartsWith(e.Message.Replace(" (Parameter 'epsilon')", "")[..^1] + ", and at least ", tiny.Message);
        Assert.EndsWith(", that fraction of the largest, since float's rounding decides the scale of the null directions below it; it is 1E-12. (Parameter 'epsilon')", tiny.Message);
        Assert.Equal(d, ZcaWhitening.Fit(x, rows, d, 1e-5).Dimension);

        // The same rows, each column scaled from 1 to 1e-3 (variances 1 to 1e-6), made full rank again.
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++) x[r * d + j] = (float)rng.NextDouble() * (float)Math.Pow(10, -3.0 * j / (d - 1));
        if (rows > 2 * d) Assert.Equal(d, ZcaWhitening.Fit(x, rows, d, 0).Dimension);
    }

    // Correlated rows of scale 1e-21 and 1e-22: their float products are subnormal, and the covariance lost its
    // precision without a word: the whitened rows' covariance was 1e-3 and 0.28 off the identity (1e-7 at scale 1).
    // Rows of scale 1e-19 still fit and whiten, and an Epsilon of at least 1.18e-38 fits the small rows as before.
    [Theory]
    [InlineData(1e-21)]
    [InlineData(1e-22)]
    public void Rows_too_small_to_square_are_refused_and_rows_of_1e_19_are_whitened(double scale)
    {
        const int rows = 2000, d = 4;
        var x = Correlated(rows, d, 4);
        var small = x.Select(v => (float)(v * scale)).ToArray();
        var e = Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit(small, rows, d, 0));
        Assert.Equal("x", e.ParamName);
        Assert.StartsWith("The covariance of these rows underflows float: they differ from their means by at most ", e.Message);
        Assert.StartsWith("The covariance of the sample of 2000 patches underflows float: they differ from their means by at most ",
            Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit(small, rows, d, 0, null, "the sample of 2000 patches", "ZcaEpsilon")).Message);
        Assert.Throws<ArgumentException>(() => ZcaWhitening.Fit(small, rows, d, 1e-45));
        // An Epsilon of at least float's smallest normal value outweighs what the products lose: W is about I / sqrt(epsilon).
        var regularised = ZcaWhitening.Fit(small, rows, d, 0.1);
        for (int i = 0; i < d; i++) Assert.Equal(1 / Math.Sqrt(0.1), regularised.Matrix[i * d + i], 1e-5);

        var fine = x.Select(v => (float)(v * 1e-19)).ToArray();
        var zca = ZcaWhitening.Fit(fine, rows, d, 0);
        var y = new float[rows * d];
        zca.ApplyBatch(fine, rows, y);
        var c = Covariance(y, rows, d);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) Assert.Equal(i == j ? 1.0 : 0.0, c[i, j], 1e-4);
    }

    [Fact]
    public void The_saved_format_round_trips_and_catches_damage()
    {
        var zca = ZcaWhitening.Fit(Correlated(100, 5, 4), 100, 5, 0.1);
        using var ms = new MemoryStream();
        ZcaFormat.Write(ms, new SavedZca(zca, 100, ["White", "Features"]));
        var bytes = ms.ToArray();
        var back = ZcaFormat.Read(new MemoryStream(bytes));
        Assert.True(back.Whitening.Matrix.SequenceEqual(zca.Matrix));
        Assert.True(back.Whitening.Mean.SequenceEqual(zca.Mean));
        Assert.Equal(0.1, back.Whitening.Epsilon);
        Assert.Equal(["White", "Features"], back.ColumnNames);
        for (int cut = 0; cut < bytes.Length; cut += 7)
            Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(bytes, 0, cut)));
        var damaged = (byte[])bytes.Clone();
        damaged[40] ^= 4;
        Assert.Contains("CRC-32", Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(damaged))).Message);
        Assert.Contains("Not a SparseAe ZCA", Assert.Throws<InvalidDataException>(() => ZcaFormat.Read(new MemoryStream(new byte[64]))).Message);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(441, 64)]
    [InlineData(37, 17)]
    public void ApplyBatch_equals_Apply_row_by_row(int rows, int d)
    {
        var rng = new Random(d);
        var train = Enumerable.Range(0, 300 * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var zca = ZcaWhitening.Fit(train, 300, d, 0.1);
        var x = Enumerable.Range(0, rows * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var expected = new float[rows * d];
        for (int i = 0; i < rows; i++) zca.Apply(x.AsSpan(i * d, d), expected.AsSpan(i * d, d), new float[d]);
        var batch = new float[rows * d];
        zca.ApplyBatch((float[])x.Clone(), rows, batch);
        for (int k = 0; k < batch.Length; k++) Assert.Equal(expected[k], batch[k], 1e-4f);
    }

    [Fact]
    public void Outputs_that_overlap_their_inputs_are_refused()
    {
        var rng = new Random(3);
        var zca = ZcaWhitening.Fit(Enumerable.Range(0, 300 * 4).Select(_ => (float)rng.NextDouble()).ToArray(), 300, 4, 0.1);
        var buffer = new float[12];
        // The centred row lived in scratch while y was written over it: a wrong row, without a word.
        var e = Assert.Throws<ArgumentException>(() => zca.Apply(new float[4], buffer.AsSpan(0, 4), buffer.AsSpan(2, 4)));
        Assert.Equal("y", e.ParamName);
        Assert.StartsWith("y overlaps scratch", e.Message);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => zca.ApplyBatch(buffer.AsSpan(0, 8), 2, buffer.AsSpan(4, 8))).ParamName);
        // x may be y: the row is centred into scratch first.
        var x = new float[] { 1, 2, 3, 4 };
        var expected = new float[4];
        zca.Apply(x, expected, new float[4]);
        zca.Apply(x, x, new float[4]);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void The_preprocessor_refuses_spans_that_do_not_fit()
    {
        var rng = new Random(4);
        var zca = ZcaWhitening.Fit(Enumerable.Range(0, 300 * 4).Select(_ => (float)rng.NextDouble()).ToArray(), 300, 4, 0.1);
        var pre = new SparseAe.Convolution.PatchPreprocessor(SparseAe.Convolution.PatchNormalizationKind.Contrast, 10, zca);
        Assert.Equal("patches", Assert.Throws<ArgumentException>(() => pre.Apply(new float[7], 2, 4)).ParamName);
        Assert.Contains("The ZCA whitening is for 4-vectors but patches have 3 values", Assert.Throws<ArgumentException>(() => pre.Apply(new float[9], 3, 3)).Message);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => pre.Apply(new float[8], -1, 4)).ParamName);
        var shared = new float[16];
        Assert.Equal("scratch", Assert.Throws<ArgumentException>(() => pre.Apply(shared.AsSpan(0, 8), 2, 4, shared.AsSpan(4, 8))).ParamName);
    }
}

/// <summary>
/// What ZcaWhitening.Fit's &lt;param&gt; docs (IntelliSense) say each parameter may be, against what Fit refuses: both public
/// overloads documented no parameter ("Estimates mu and W from rows of X"), so rows 0, a vector size of 0 or 8193, a
/// negative or infinite epsilon, too few values or a NaN were met only as refusals.
/// </summary>
public class ZcaWhiteningFitDocsTests
{
    // Each rule: the parameter, the rule its <param> states, the rule in its refusal, and the case just outside
    // it and the one at its edge (accepted; empty for none), each "rows,dimension,epsilon,values,bad" (bad: a NaN at that index, or -1).
    public static TheoryData<string, string, string, string, string> Rules() => new()
    {
        { "rows", "at least 1", "needs at least 1 row", "0,3,0.1,12,-1", "1,3,0.1,3,-1" },
        { "dimension", "at least 1 and at most", "must be at least 1", "4,0,0.1,12,-1", "4,1,0.1,12,-1" },
        // Its edge is not fitted: the eigendecomposition of an 8192x8192 covariance takes about half an hour.
        { "dimension", "at most <MaxDimension> (8192)", "at most 8192 features are supported", "1,8193,0.1,8193,-1", "" },
        { "epsilon", "finite and at least 0", "must be finite and at least 0", "4,3,-1e-300,12,-1", "4,3,0.1,12,-1" },
        { "epsilon", "finite and at least 0", "must be finite and at least 0", "4,3,Infinity,12,-1", "4,3,1e10,12,-1" },
        // The random rows' eigenvalues are below 0.1: at 1e300 W's entries are 0 in float.
        { "epsilon", "too small or too large for the rows", "is too large for these rows", "4,3,1e300,12,-1", "4,3,1e10,12,-1" },
        { "x", "at least rows * V values", "must hold rows*V = 12 values, but holds 11", "4,3,0.1,11,-1", "4,3,0.1,12,-1" },
        { "x", "every one finite", "every value must be finite", "4,3,0.1,12,7", "4,3,0.1,13,12" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_Fit_enforces(string parameter, string documented, string refused, string outside, string edge)
    {
        var overloads = System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, "SparseAe.Core.xml")).Descendants("member")
            .Where(m => ((string?)m.Attribute("name"))?.StartsWith("M:SparseAe.Whitening.ZcaWhitening.Fit(", StringComparison.Ordinal) == true
                && !((string)m.Attribute("name")!).Contains("System.String", StringComparison.Ordinal)).ToList();   // the internal one names its rows
        Assert.Equal(2, overloads.Count);
        foreach (var overload in overloads)
        {
            var doc = overload.Elements("param").SingleOrDefault(p => (string?)p.Attribute("name") == parameter);
            Assert.NotNull(doc);
            // A <see cref> reads as its target's short name here.
            string text = string.Join(" ", string.Concat(doc.Nodes().Select(n => n is System.Xml.Linq.XElement e ? "<" + ((string?)e.Attribute("cref"))?.Split('.')[^1] + ">" : n.ToString()))
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(documented, text, StringComparison.Ordinal);
        }
        var refusal = Assert.ThrowsAny<ArgumentException>(() => Fit(outside));
        Assert.Equal(parameter, refusal.ParamName);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        if (edge.Length > 0) Fit(edge);
    }

    private static ZcaWhitening Fit(string setting)
    {
        var p = setting.Split(',');
        int rows = int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), dimension = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture);
        var x = SparseAe.Tests.Support.TestData.RandomRows(1, int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture), 5);
        int bad = int.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture);
        if (bad >= 0) x[bad] = float.NaN;
        return ZcaWhitening.Fit(x, rows, dimension, double.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    // A column is constant only if every row holds its first row's value: one that differs in its second row alone and
    // comes back in the third is not, and keeps its computed mean (1 for 0, 3, 0), not its first value.
    [Fact]
    public void A_column_that_differs_only_in_its_second_row_is_not_taken_for_constant()
    {
        var zca = ZcaWhitening.Fit([0f, 3f, 0f], 3, 1, 0);
        Assert.Equal(1f, zca.Mean[0], 1e-6f);
    }

    // -0.0 passes "at least 0"; kept, it was printed and saved as "-0".
    [Fact]
    public void An_epsilon_of_minus_0_is_kept_as_0()
    {
        var zca = ZcaWhitening.Fit([0f, 3f, 0f], 3, 1, -0.0);
        Assert.False(double.IsNegative(zca.Epsilon));
        Assert.False(double.IsNegative(ZcaWhitening.FromParts(1, -0.0, [1f], [1f]).Epsilon));
    }
}
