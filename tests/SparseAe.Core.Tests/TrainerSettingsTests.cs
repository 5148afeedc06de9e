using SparseAe.Objective;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// What TrainerSettings' XML docs (IntelliSense) say each setting may be, against what <see cref="TrainerSettings.Validate"/>
/// (which AutoencoderTraining.Run calls first) refuses: a library user sets these init properties directly, and
/// HiddenCount, MaxIterations, LbfgsMemory, the tolerances, MaximumRows, Epochs, BatchSize, LearningRate, ShufflePoolRows,
/// Threads and Optimizer said nothing of their ranges, which such a user met only as a refusal.
/// </summary>
public class TrainerSettingsTests
{
    // Each setting: the rule its summary states, the rule in its refusal, a value just outside the rule and the value at its
    // edge, which Validate accepts.
    public static TheoryData<string, string, string, object, object> Rules() => new()
    {
        { nameof(TrainerSettings.HiddenCount), "at least 1", "at least 1", 0, 1 },
        { nameof(TrainerSettings.Optimizer), "Lbfgs or Adam", "Lbfgs or Adam", (OptimizerKind)2, OptimizerKind.Adam },
        { nameof(TrainerSettings.MaxIterations), "at least 1", "at least 1", 0, 1 },
        { nameof(TrainerSettings.LbfgsMemory), "at least 1", "at least 1", 0, 1 },
        { nameof(TrainerSettings.GradientTolerance), "finite and at least 0", "finite and at least 0", -1e-300, 0.0 },
        { nameof(TrainerSettings.GradientTolerance), "finite and at least 0", "finite and at least 0", double.PositiveInfinity, double.MaxValue },
        { nameof(TrainerSettings.FunctionTolerance), "finite and at least 0", "finite and at least 0", double.NaN, 0.0 },
        { nameof(TrainerSettings.MaximumRows), "null (every row) or at least 1", "null (every row) or at least 1", 0L, 1L },
        { nameof(TrainerSettings.Epochs), "at least 1", "at least 1", 0, 1 },
        { nameof(TrainerSettings.BatchSize), "at least 1", "at least 1", 0, 1 },
        { nameof(TrainerSettings.LearningRate), "at least 1.1754943508222875E-38 and at most 3.4028235E+38", "at least 1.1754943508222875E-38 and at most 3.4028235E+38", 1e-39, 1.1754943508222875E-38 },
        { nameof(TrainerSettings.LearningRate), "at least 1.1754943508222875E-38 and at most 3.4028235E+38", "at least 1.1754943508222875E-38 and at most 3.4028235E+38", 1e39, (double)float.MaxValue },
        { nameof(TrainerSettings.ShufflePoolRows), "at least 1", "at least 1", 0, 1 },
        { nameof(TrainerSettings.Seed), "at least 0", "at least 0", -1, 0 },
        { nameof(TrainerSettings.Threads), "in 0..65535", "in 0..65535", 65536, 65535 },
        { nameof(TrainerSettings.Threads), "in 0..65535", "in 0..65535", -1, 0 },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_setting_documents_the_range_Validate_enforces(string setting, string documented, string refused, object outside, object edge)
    {
        Assert.Contains(documented, XmlDocs.Summary("SparseAe.Core", $"P:SparseAe.Training.TrainerSettings.{setting}"), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => With(setting, outside).Validate());
        Assert.Equal(setting, refusal.ParamName);
        Assert.StartsWith(setting + " ", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        With(setting, edge).Validate();
    }

    // The rules that tie a setting to another: Objective is not null, and a sparse code trains with Adam.
    [Fact]
    public void Objective_and_Optimizer_document_the_rules_that_tie_them()
    {
        Assert.Contains("not null", XmlDocs.Summary("SparseAe.Core", "P:SparseAe.Training.TrainerSettings.Objective"), StringComparison.Ordinal);
        Assert.Equal("Objective", Assert.Throws<ArgumentNullException>(() => new TrainerSettings { Objective = null! }.Validate()).ParamName);

        Assert.Contains("Adam with a sparse-code Activation (every one but Sigmoid)", XmlDocs.Summary("SparseAe.Core", "P:SparseAe.Training.TrainerSettings.Optimizer"), StringComparison.Ordinal);
        var topK = new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerSettings { Objective = topK, Optimizer = OptimizerKind.Lbfgs }.Validate());
        Assert.Equal("Optimizer", refusal.ParamName);
        Assert.StartsWith("Optimizer must be Adam with Activation TopK", refusal.Message, StringComparison.Ordinal);
        new TrainerSettings { Objective = topK, Optimizer = OptimizerKind.Adam }.Validate();
    }

    // The init accessor, called as an object initializer would.
    private static TrainerSettings With(string setting, object value)
    {
        var settings = new TrainerSettings();
        typeof(TrainerSettings).GetProperty(setting)!.SetValue(settings, value);
        return settings;
    }
}
