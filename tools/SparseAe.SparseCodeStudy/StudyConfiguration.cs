using System.Globalization;

namespace SparseAe.SparseCodeStudy;

/// <summary>
/// One model of the study: an activation and its sparsity setting. Everything else (H, epochs, batch, the activation's
/// learning rate, seed, weight decay) is the data set's <see cref="Budget"/>, the same for every model of that data set.
/// </summary>
/// <param name="Series">The chart series it belongs to ("TopK", "TopK without AuxK", "ReLU", "JumpReLU", "sigmoid + KL").</param>
/// <param name="AuxK">TopK: null for the library's default (the power of two nearest V/2), 0 for off.</param>
/// <param name="LearningRate">A rate other than the budget's for this activation (the one comparison row that needs it), or null.</param>
internal sealed record StudyConfiguration(string Series, ActivationKind Activation, int K = Defaults.K, int? AuxK = null,
    double L1Weight = Defaults.L1Weight, double L0Weight = Defaults.L0Weight, double? LearningRate = null)
{
    /// <summary>The setting that distinguishes it within its series, for the CSV and the console.</summary>
    public string Setting => Activation switch
    {
        ActivationKind.TopK => $"k={K}" + (AuxK is int a ? $" aux_k={a}" : ""),
        ActivationKind.ReLU => "l1=" + L1Weight.ToString("R", CultureInfo.InvariantCulture),
        ActivationKind.JumpReLU => "l0=" + L0Weight.ToString("R", CultureInfo.InvariantCulture),
        _ => $"rho={Defaults.SparsityTarget.ToString(CultureInfo.InvariantCulture)} beta={Defaults.SparsityWeight.ToString(CultureInfo.InvariantCulture)}",
    } + (LearningRate is double r ? " lr=" + r.ToString("R", CultureInfo.InvariantCulture) : "");

    /// <summary>
    /// The study's models for one data set: TopK k = 4, 8, 16, 32 (default AuxK), TopK k = 8 with AuxK off, ReLU at
    /// each L1 weight, JumpReLU at each L0 weight, and the sigmoid + KL (UFLDL's rho, beta, lambda; linear decoder).
    /// When TopK's rate is not the library's default, TopK k = 8 also trains at the default, to show why.
    /// </summary>
    public static List<StudyConfiguration> For(IEnumerable<int> ks, IEnumerable<double> l1Weights, IEnumerable<double> l0Weights, Budget budget)
    {
        var list = new List<StudyConfiguration>();
        list.AddRange(ks.Select(k => new StudyConfiguration("TopK", ActivationKind.TopK, K: k)));
        list.Add(new StudyConfiguration("TopK without AuxK", ActivationKind.TopK, K: 8, AuxK: 0));
        if (budget.Rates.TopK != Defaults.LearningRate)
            list.Add(new StudyConfiguration($"TopK at lr {Defaults.LearningRate.ToString(CultureInfo.InvariantCulture)}", ActivationKind.TopK, K: 8,
                LearningRate: Defaults.LearningRate));
        list.AddRange(l1Weights.Select(w => new StudyConfiguration("ReLU", ActivationKind.ReLU, L1Weight: w)));
        list.AddRange(l0Weights.Select(w => new StudyConfiguration("JumpReLU", ActivationKind.JumpReLU, L0Weight: w)));
        list.Add(new StudyConfiguration("sigmoid + KL", ActivationKind.Sigmoid));
        return list;
    }
}

/// <summary>Adam's step size for each activation on one data set.</summary>
internal sealed record LearningRates(double TopK, double ReLU, double JumpReLU, double Sigmoid)
{
    public double For(ActivationKind activation) => activation switch
    {
        ActivationKind.TopK => TopK,
        ActivationKind.ReLU => ReLU,
        ActivationKind.JumpReLU => JumpReLU,
        _ => Sigmoid,
    };

    public static LearningRates All(double rate) => new(rate, rate, rate, rate);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"topk={TopK},relu={ReLU},jumprelu={JumpReLU},sigmoid={Sigmoid}");
}

/// <summary>The training budget every model of one data set gets (Adam throughout): the same H, epochs, batch and seed.</summary>
internal sealed record Budget(int Hidden, int Epochs, int BatchSize, LearningRates Rates, int Seed, int Threads)
{
    public double LearningRateOf(StudyConfiguration c) => c.LearningRate ?? Rates.For(c.Activation);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"H={Hidden} Adam epochs={Epochs} batch={BatchSize} learning-rate {Rates} seed={Seed} threads={Threads} weight-decay={Defaults.WeightDecay} dead-window={Defaults.DeadLatentWindow}");
}
