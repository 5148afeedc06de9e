// The sparse-code study of issue 14 (item 7). See README.md in this folder.
using System.Diagnostics;
using System.Globalization;
using SparseAe.SparseCodeStudy;
using SparseAe.Persistence;

try
{
    var a = StudyArguments.Parse(args);
    if (a.Help) { Console.WriteLine(StudyArguments.Usage); return 0; }
    Directory.CreateDirectory(a.Output);
    var clock = Stopwatch.StartNew();
    var all = new List<StudyResult>();

    if (a.Runs("patches"))
    {
        var data = StudyDataLoader.Patches(a.PatchesCsv!);
        var budget = new Budget(a.PatchHidden, a.PatchEpochs, a.BatchSize, a.PatchRates, a.Seed, a.Threads);
        var runner = new StudyRunner(data, budget, a.Output, probe: false, Console.Out);
        var results = runner.Run(a.Keep(StudyConfiguration.For(a.TopK, a.PatchReluL1, a.PatchJumpL0, budget)));
        AtomicFile.WriteBytes(Path.Combine(a.Output, "sparse-codes-patches-fvu.png"), StudyCharts.Fvu(
            $"8x8 whitened natural-image patches: FVU against L0 (H = {budget.Hidden}, {budget.Epochs} epochs)", results, runner.Pca));
        AtomicFile.WriteBytes(Path.Combine(a.Output, "sparse-codes-patches-fvu-weighted.png"), StudyCharts.Fvu(
            "8x8 patches: FVU against the L0 of the high-variance rows", results, runner.Pca, energyWeighted: true));
        all.AddRange(results);
    }
    if (a.Runs("fashion"))
    {
        var data = StudyDataLoader.Fashion(a.FashionDir, a.FashionTrain);
        var budget = new Budget(a.FashionHidden, a.FashionEpochs, a.BatchSize, a.FashionRates, a.Seed, a.Threads);
        var runner = new StudyRunner(data, budget, a.Output, probe: a.Probe, Console.Out);
        var results = runner.Run(a.Keep(StudyConfiguration.For(a.TopK, a.FashionReluL1, a.FashionJumpL0, budget)));
        AtomicFile.WriteBytes(Path.Combine(a.Output, "sparse-codes-fashion-fvu.png"), StudyCharts.Fvu(
            $"Fashion-MNIST (784 values): FVU against L0 (H = {budget.Hidden}, {budget.Epochs} epochs)", results, runner.Pca));
        if (a.Probe)
            AtomicFile.WriteBytes(Path.Combine(a.Output, "sparse-codes-fashion-accuracy.png"), StudyCharts.Accuracy(
                $"Fashion-MNIST: linear classifier on each code, test accuracy against L0", results));
        all.AddRange(results);
    }

    string csv = Path.Combine(a.Output, "sparse-codes-results.csv");
    AtomicFile.WriteText(csv, w => { foreach (var line in new[] { string.Join(',', StudyResult.Header) }.Concat(all.Select(r => string.Join(',', r.Cells().Select(StudyResult.Quote))))) w.WriteLine(line); });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {csv} and the charts in {a.Output}; total {clock.Elapsed.TotalMinutes:F1} min"));
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
