using SparseAe.Data.Csv;
using SparseAe.Data.Idx;

namespace SparseAe.SparseCodeStudy;

/// <summary>Rows (row-major, <see cref="Dimension"/> floats each) and, for a labelled set, one label per row.</summary>
internal sealed record RowSet(float[] Rows, int Count, int Dimension, float[]? Labels)
{
    public ReadOnlySpan<float> Row(int i) => Rows.AsSpan(i * Dimension, Dimension);
}

/// <summary>A data set of the study: training rows, optional labelled test rows, and how they were made.</summary>
internal sealed record StudyData(string Name, string Description, RowSet Train, RowSet? Test);

internal static class StudyDataLoader
{
    /// <summary>
    /// The whitened 8x8 patches `sparseae train --normalize standard --save-rows` writes: each patch's mean removed,
    /// then all values scaled together to unit variance. Used as they are.
    /// </summary>
    public static StudyData Patches(string csvPath)
    {
        var (data, rows, columns) = VectorCsv.Read(csvPath);
        if (rows < 2)
            throw new InvalidDataException($"'{csvPath}' holds {rows} rows; the study needs at least 2.");
        return new StudyData("patches", $"{rows:N0} whitened {Side(columns)} natural-image patches from {Path.GetFileName(csvPath)}",
            new RowSet(data, rows, columns, null), null);
    }

    /// <summary>
    /// Fashion-MNIST, 784 values per image: the first <paramref name="trainCount"/> training images and all test images,
    /// pixels / 255, then standardised with the training subset's statistics: the mean image subtracted pixel by pixel,
    /// then every value divided by one scale s = sqrt(sum (x - mean)^2 / (rows * 784)), so the training values have
    /// unit variance on average (as the patches) while the pixels keep their relative variances.
    /// </summary>
    public static StudyData Fashion(string folder, int trainCount)
    {
        var (train, trainLabels) = ReadIdx(folder, "train", trainCount);
        var (test, testLabels) = ReadIdx(folder, "t10k", int.MaxValue);
        const int v = 784;
        int n = trainLabels.Length;
        var mean = new double[v];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < v; p++) mean[p] += train[i * v + p];
        for (int p = 0; p < v; p++) mean[p] /= n;
        double ss = 0;
        for (int i = 0; i < n; i++)
            for (int p = 0; p < v; p++) { double d = train[i * v + p] - mean[p]; ss += d * d; }
        double scale = Math.Sqrt(ss / ((double)n * v));
        Standardise(train, mean, scale);
        Standardise(test, mean, scale);
        return new StudyData("fashion", $"Fashion-MNIST, the first {n:N0} training images (test: {testLabels.Length:N0}), " +
            $"pixels/255 minus the training mean image, divided by {scale:G4}",
            new RowSet(train, n, v, trainLabels), new RowSet(test, testLabels.Length, v, testLabels));
    }

    private static void Standardise(float[] rows, double[] mean, double scale)
    {
        int v = mean.Length;
        for (int i = 0; i < rows.Length; i++) rows[i] = (float)((rows[i] - mean[i % v]) / scale);
    }

    private static (float[] Pixels, float[] Labels) ReadIdx(string folder, string prefix, int count)
    {
        var set = IdxLabelledImages.Read(folder, prefix);
        if (set.Height * set.Width != 784)
            throw new InvalidDataException($"The {prefix} set in '{folder}' holds {set.Height}x{set.Width} images; Fashion-MNIST's are 28x28.");
        int n = Math.Min(count, set.Count);
        return (set.Pixels.AsSpan(0, n * 784).ToArray(), Array.ConvertAll(set.Labels[..n], l => (float)l));
    }

    private static string Side(int columns)
    {
        int s = (int)Math.Round(Math.Sqrt(columns));
        return s * s == columns ? $"{s}x{s}" : $"{columns}-value";
    }
}
