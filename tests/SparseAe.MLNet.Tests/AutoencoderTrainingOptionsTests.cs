using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// What the options' XML docs (IntelliSense) say each option may be, against what the estimator refuses: MaxIterations,
/// LbfgsMemory, the tolerances, Epochs, BatchSize, LearningRate, ShufflePoolRows, Threads and others said nothing of
/// their ranges, which a user met only as a refusal when the estimator was made.
/// </summary>
public class AutoencoderTrainingOptionsTests
{
    // Each option: the rule its summary states (also the words of its refusal), a value just outside the rule, and the
    // value at its edge, which is accepted.
    public static TheoryData<string, string, object, object> Rules() => new()
    {
        { nameof(AutoencoderTrainingOptions.HiddenCount), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.SparsityTarget), "in (0, 1)", 1.0, 0.999 },
        { nameof(AutoencoderTrainingOptions.SparsityWeight), "finite and at least 0", -1e-300, 0.0 },
        { nameof(AutoencoderTrainingOptions.WeightDecay), "finite and at least 0", double.PositiveInfinity, 0.0 },
        { nameof(AutoencoderTrainingOptions.L1Weight), "finite and at least 0", -0.5, 0.0 },
        { nameof(AutoencoderTrainingOptions.L0Weight), "finite and at least 0", double.NaN, 0.0 },
        { nameof(AutoencoderTrainingOptions.DeadLatentWindow), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.MaxIterations), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.LbfgsMemory), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.MaximumRows), "at least 1", 0L, 1L },
        { nameof(AutoencoderTrainingOptions.GradientTolerance), "finite and at least 0", -1e-9, 0.0 },
        { nameof(AutoencoderTrainingOptions.FunctionTolerance), "finite and at least 0", double.PositiveInfinity, 0.0 },
        { nameof(AutoencoderTrainingOptions.Epochs), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.BatchSize), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.LearningRate), "at least 1.1754943508222875E-38 and at most 3.4028235E+38", 1e-39, 1.1754943508222875E-38 },
        { nameof(AutoencoderTrainingOptions.LearningRate), "at least 1.1754943508222875E-38 and at most 3.4028235E+38", 1e39, (double)float.MaxValue },
        { nameof(AutoencoderTrainingOptions.ShufflePoolRows), "at least 1", 0, 1 },
        { nameof(AutoencoderTrainingOptions.Seed), "at least 0", -1, 0 },
        { nameof(AutoencoderTrainingOptions.Threads), "in 0..65535", 65536, 65535 },
        { nameof(AutoencoderTrainingOptions.Threads), "in 0..65535", -1, 0 },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_option_documents_the_range_the_estimator_enforces(string option, string rule, object outside, object edge)
    {
        Assert.Contains(rule, XmlDocs.Summary("SparseAe.MLNet", $"P:SparseAe.MLNet.AutoencoderTrainingOptions.{option}"), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Make(option, outside));
        Assert.StartsWith(option, refusal.ParamName);
        // (0, 1) is said "strictly between 0 and 1" in the refusal; every other rule in the summary's words.
        Assert.Contains(rule == "in (0, 1)" ? "strictly between 0 and 1" : rule, refusal.Message, StringComparison.OrdinalIgnoreCase);
        Make(option, edge);
    }

    // The estimator checks its options when it is made, before Fit reads any data.
    private static void Make(string option, object value)
    {
        var options = new SparseAutoencoderOptions { InputColumnName = "Features" };
        typeof(AutoencoderTrainingOptions).GetProperty(option)!.SetValue(options, value);
        new MLContext(seed: 1).Transforms.SparseAutoencoder(options);
    }
}
