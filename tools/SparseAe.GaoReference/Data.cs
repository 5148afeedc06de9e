using System.Globalization;
using System.Text;

namespace SparseAe.GaoReference;

/// <summary>Row files (one row per line, comma-separated numbers, no header) and synthetic data.</summary>
public static class Data
{
    public static double[][] ReadRows(string path)
    {
        var rows = new List<double[]>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split(',');
            var x = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out x[i]) || !double.IsFinite(x[i]))
                    throw new FormatException($"{path}:{lineNo}: '{parts[i]}' is not a finite number");
            if (rows.Count > 0 && x.Length != rows[0].Length)
                throw new FormatException($"{path}:{lineNo}: {x.Length} values, the first row has {rows[0].Length}");
            rows.Add(x);
        }
        if (rows.Count == 0) throw new FormatException($"{path}: no rows");
        return rows.ToArray();
    }

    public static void WriteRows(string path, IEnumerable<double[]> rows)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var x in rows) w.WriteLine(string.Join(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Synthetic rows with a known answer: x = m + sum_{j in S} c_j a_j + noise, where the atoms a_j are
    /// <paramref name="atoms"/> random unit vectors in R^dim (orthonormal if asked), S is k distinct atoms drawn uniformly, the
    /// coefficients c_j are uniform in [0.5, 1.5] (positive, as ReLU latents are), m is a fixed offset with
    /// N(0, 1) entries (so that b_pre has something to learn), and the noise is N(0, noise^2) per entry.
    /// Returns the rows, the atoms and the noise floor sum ||noise||^2 / sum ||x - mean||^2 (the FVU of
    /// reconstructing every row from its true atoms and coefficients).
    /// </summary>
    public static (double[][] Rows, double[][] Atoms, double NoiseFloor) Synthetic(
        int n, int dim, int atoms, int k, double noise, int seed, bool orthonormal)
    {
        // Two rows at least: the noise floor divides by their spread about their mean (one row: FVU=Infinity).
        if (n < 2) throw new ArgumentException($"--rows must be at least 2, but is {n}");
        if (dim < 1) throw new ArgumentException($"--dim must be at least 1, but is {dim}");
        if (atoms < 1) throw new ArgumentException($"--atoms must be at least 1, but is {atoms}");
        if (k < 1) throw new ArgumentException($"--k must be at least 1, but is {k}");
        if (!(double.IsFinite(noise) && noise >= 0))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--noise must be a finite number at least 0, but is {noise}"));
        if (orthonormal && atoms > dim) throw new ArgumentException($"--atoms must be at most --dim ({dim}) with --orthonormal 1, but is {atoms}");
        if (k > atoms) throw new ArgumentException($"--k must be at most --atoms ({atoms}), but is {k}");
        // System.Random draws the same numbers for -s as for s: -3 would write the rows of 3.
        if (seed < 0) throw new ArgumentException($"--seed must be at least 0, but is {seed}");
        var rng = new Random(seed);
        var dict = new double[atoms][];
        for (int j = 0; j < atoms; j++)
        {
            dict[j] = new double[dim];
            for (int i = 0; i < dim; i++) dict[j][i] = TopKSae.Gaussian(rng);
            // Orthonormal atoms (Gram-Schmidt against the earlier ones): no interference between atoms.
            if (orthonormal) for (int q = 0; q < j; q++) TopKSae.Axpy(-TopKSae.Dot(dict[q], dict[j]), dict[q], dict[j]);
            TopKSae.Normalise(dict[j]);
        }
        var offset = new double[dim];
        for (int i = 0; i < dim; i++) offset[i] = TopKSae.Gaussian(rng);

        var rows = new double[n][];
        double noiseSq = 0;
        var pick = Enumerable.Range(0, atoms).ToArray();
        for (int r = 0; r < n; r++)
        {
            var x = (double[])offset.Clone();
            // k distinct atoms: the first k of a partial Fisher-Yates shuffle.
            for (int t = 0; t < k; t++)
            {
                int u = t + rng.Next(atoms - t);
                (pick[t], pick[u]) = (pick[u], pick[t]);
                TopKSae.Axpy(0.5 + rng.NextDouble(), dict[pick[t]], x);
            }
            for (int i = 0; i < dim; i++) { double e = noise * TopKSae.Gaussian(rng); x[i] += e; noiseSq += e * e; }
            rows[r] = x;
        }
        double total = Metrics.TotalSquaredDeviation(rows, Metrics.Mean(rows));
        return (rows, dict, noiseSq / total);
    }
}
