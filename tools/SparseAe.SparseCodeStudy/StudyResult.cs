using System.Globalization;
using SparseAe.Training;

namespace SparseAe.SparseCodeStudy;

/// <summary>One row of the results: a trained model (or a baseline) and what was measured on it.</summary>
internal sealed record StudyResult(string DataSet, StudyConfiguration? Configuration, int VisibleCount, Budget Budget, CodeMeasurement? Code,
    double TrainSeconds, double Accuracy, double PcaFvuAtL0, SparseCodeMetrics? Summary, string? BaselineName = null, double BaselineL0 = double.NaN)
{
    public string Series => Configuration?.Series ?? BaselineName!;

    public double L0 => Code?.L0 ?? BaselineL0;

    /// <summary>TopK's AuxK as trained: the library's default (the power of two nearest V/2) when none was given.</summary>
    public int? ResolvedAuxK => Configuration is { Activation: ActivationKind.TopK } c ? c.AuxK ?? Defaults.AuxKFor(VisibleCount, Budget.Hidden) : null;

    public static readonly string[] Header =
    [
        "dataset", "series", "activation", "setting", "hidden", "k", "aux_k", "l1_weight", "l0_weight", "epochs", "batch_size", "learning_rate",
        "fvu", "fvu_own_decode", "l0", "l0_energy_weighted", "empty_rows_pct", "dead_pct", "dense_pct", "test_accuracy", "train_s", "pca_fvu_at_l0",
        "summary_fvu", "summary_l0", "summary_dead_pct", "summary_dense_pct",
    ];

    /// <summary>A CSV field: as it is, or in double quotes (inner quotes doubled) when it holds a comma or a quote (RFC 4180).</summary>
    public static string Quote(string field) => field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    public string[] Cells()
    {
        var c = Configuration;
        return
        [
            DataSet, Series, c?.Activation.ToString() ?? "none", c?.Setting ?? "", c is null ? "" : F(Budget.Hidden),
            c is { Activation: ActivationKind.TopK } ? F(c.K) : "", ResolvedAuxK is int a ? F(a) : "",
            c is { Activation: ActivationKind.ReLU } ? F(c.L1Weight) : "", c is { Activation: ActivationKind.JumpReLU } ? F(c.L0Weight) : "",
            c is null ? "" : F(Budget.Epochs), c is null ? "" : F(Budget.BatchSize), c is null ? "" : F(Budget.LearningRateOf(c)),
            G(Code?.Fvu), G(Code?.FvuOwn), G(L0), G(Code?.EnergyWeightedL0), Pct(Code?.EmptyRowFraction), Pct(Code?.DeadFraction), Pct(Code?.DenseFraction),
            G(Accuracy), double.IsNaN(TrainSeconds) ? "" : TrainSeconds.ToString("F2", CultureInfo.InvariantCulture), G(PcaFvuAtL0),
            G(Summary?.Fvu), G(Summary?.L0), Pct(Summary?.DeadFraction), Pct(Summary?.DenseFraction),
        ];
    }

    private static string F(double x) => x.ToString(CultureInfo.InvariantCulture);
    private static string G(double? x) => x is double d && !double.IsNaN(d) ? d.ToString("G5", CultureInfo.InvariantCulture) : "";
    private static string Pct(double? x) => x is double d ? (100 * d).ToString("F2", CultureInfo.InvariantCulture) : "";
}
