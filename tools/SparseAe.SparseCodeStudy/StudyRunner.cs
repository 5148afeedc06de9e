using System.Globalization;
using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Visualization;
using SparseAe.Persistence;

namespace SparseAe.SparseCodeStudy;

/// <summary>Trains every configuration on one data set through the public ML.NET API and measures it.</summary>
internal sealed class StudyRunner(StudyData data, Budget budget, string outputFolder, bool probe, TextWriter log)
{
    /// <summary>The linear baseline on the same training rows.</summary>
    public PcaBaseline Pca { get; } = new(data.Train);

    /// <summary>
    /// The share of sum_i ||x_i - mean||^2 held by the 10% of rows with the largest ||x_i - mean||^2: 0.1 when every row
    /// deviates alike, near 1 when a few rows carry the variance. FVU is a sum over rows, so it mostly weighs those rows.
    /// </summary>
    public static double TopDecileShare(RowSet rows)
    {
        int v = rows.Dimension;
        var mean = new double[v];
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i < v; i++) mean[i] += rows.Row(r)[i];
        for (int i = 0; i < v; i++) mean[i] /= rows.Count;
        var energy = new double[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var x = rows.Row(r);
            for (int i = 0; i < v; i++) energy[r] += (x[i] - mean[i]) * (x[i] - mean[i]);
        }
        Array.Sort(energy);
        Array.Reverse(energy);
        return energy.Take(Math.Max(1, rows.Count / 10)).Sum() / energy.Sum();
    }

    public List<StudyResult> Run(IReadOnlyList<StudyConfiguration> configurations)
    {
        var ml = new MLContext(seed: budget.Seed);
        var train = StudyViews.Of(ml, data.Train);
        var test = data.Test is null ? null : StudyViews.Of(ml, data.Test);
        var pca = Pca;
        var linear = new LinearProbe(ml, budget.Threads);
        var results = new List<StudyResult>();
        log.WriteLine($"{data.Name}: {data.Description}; {budget}");
        log.WriteLine($"  the 10% of rows farthest from the mean hold {100 * TopDecileShare(data.Train):F1}% of sum ||x - mean||^2 (FVU's denominator)");

        if (probe && test is not null)
        {
            // The anchor: the same classifier on the standardised pixels themselves.
            double pixels = linear.Accuracy(ml.Transforms.CopyColumns("Pixels", "Features").Fit(train), train, test, "Pixels");
            results.Add(new StudyResult(data.Name, null, data.Train.Dimension, budget, null, double.NaN, pixels, double.NaN, null,
                BaselineName: "raw pixels", BaselineL0: data.Train.Dimension));
            log.WriteLine($"  raw pixels: test accuracy {pixels:F4}");
        }

        foreach (var c in configurations)
        {
            var options = new SparseAutoencoderOptions
            {
                OutputColumnName = "Code",
                InputColumnName = "Features",
                ReconstructionErrorColumnName = "Error",
                HiddenCount = budget.Hidden,
                Activation = c.Activation,
                K = c.K,
                AuxK = c.AuxK,
                L1Weight = c.L1Weight,
                L0Weight = c.L0Weight,
                // The sigmoid with the others' linear decoder and Adam: the rows are standardised (not in [0, 1]), and the budget is the same.
                Decoder = DecoderKind.Linear,
                Optimizer = OptimizerKind.Adam,
                Epochs = budget.Epochs,
                BatchSize = budget.BatchSize,
                LearningRate = budget.LearningRateOf(c),
                Seed = budget.Seed,
                Threads = budget.Threads,
            };
            var model = ml.Transforms.SparseAutoencoder(options).Fit(train);
            var code = CodeMeasurement.Measure(model, train, data.Train);
            double seconds = model.Summary.Elapsed.TotalSeconds;
            double accuracy = probe && test is not null ? linear.Accuracy(model, train, test, "Code") : double.NaN;
            double pcaFvu = pca.Fvu(Math.Clamp((int)Math.Round(code.L0), 0, pca.Dimension));
            var result = new StudyResult(data.Name, c, data.Train.Dimension, budget, code, seconds, accuracy, pcaFvu, model.Summary.CodeMetrics);
            results.Add(result);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {c.Series,-15} {c.Setting,-16} FVU {code.Fvu:F4} (own decode {code.FvuOwn:F4}, in training {model.Summary.CodeMetrics?.Fvu:F4}) " +
                $"L0 {code.L0,6:F2} (energy-weighted {code.EnergyWeightedL0:F1}, empty rows {100 * code.EmptyRowFraction:F1}%) dead {100 * code.DeadFraction:F1}% dense {100 * code.DenseFraction:F1}% acc {accuracy:F4} {seconds:F1} s; PCA k={Math.Round(code.L0)}: FVU {pcaFvu:F4}"));

            string slug = $"{data.Name}-{c.Series}-{c.Setting}".ToLowerInvariant().Replace(" + ", "-").Replace(", ", "-").Replace(' ', '-').Replace('=', '-');
            if (c.Activation != ActivationKind.Sigmoid)
                AtomicFile.WriteBytes(Path.Combine(outputFolder, $"latents-{slug}.png"), LatentFrequencyChart.RenderPng(code.FiringRate,
                    title: $"{data.Name}, {c.Series} {c.Setting}: {budget.Hidden} latents"));
        }
        return results;
    }
}
