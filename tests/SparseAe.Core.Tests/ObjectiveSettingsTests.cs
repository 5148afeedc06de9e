using SparseAe.Objective;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// What ObjectiveSettings' XML docs (IntelliSense: the constructor's &lt;param&gt; and each property's summary, what
/// <c>new ObjectiveSettings(...)</c> and <c>with { ... }</c> show) say each setting may be, against what
/// <see cref="ObjectiveSettings.Validate(int)"/> refuses: the four weights said "at least 0" where infinity is refused
/// too, and K and AuxK wrote their ranges in other words than the refusal's.
/// </summary>
public class ObjectiveSettingsTests
{
    private const int H = 16;   // at least the default K, 8

    // Each rule: the setting, the rule its docs state, the rule in its refusal, a value just outside it, the value at its edge
    // (accepted), and whether the case is TopK's (K and AuxK are TopK's, held to H = 16).
    public static TheoryData<string, string, string, object?, object?, bool> Rules() => new()
    {
        { nameof(ObjectiveSettings.SparsityTarget), "in (0, 1)", "strictly between 0 and 1", 1.0, 0.999, false },
        { nameof(ObjectiveSettings.SparsityWeight), "finite and at least 0", "finite and at least 0", -1e-300, 0.0, false },
        { nameof(ObjectiveSettings.SparsityWeight), "finite and at least 0", "finite and at least 0", double.PositiveInfinity, double.MaxValue, false },
        { nameof(ObjectiveSettings.WeightDecay), "finite and at least 0", "finite and at least 0", double.NaN, 0.0, false },
        { nameof(ObjectiveSettings.WeightDecay), "finite and at least 0", "finite and at least 0", double.PositiveInfinity, double.MaxValue, false },
        { nameof(ObjectiveSettings.L1Weight), "finite and at least 0", "finite and at least 0", double.PositiveInfinity, double.MaxValue, false },
        { nameof(ObjectiveSettings.L0Weight), "finite and at least 0", "finite and at least 0", double.PositiveInfinity, double.MaxValue, false },
        { nameof(ObjectiveSettings.K), "in 1..H", "must be at least 1", 0, 1, true },
        { nameof(ObjectiveSettings.K), "in 1..H", "must lie in 1..H = 1..16", 17, 16, true },
        { nameof(ObjectiveSettings.AuxK), "in 0..H", "must be at least 0", -1, 0, true },
        { nameof(ObjectiveSettings.AuxK), "in 0..H", "must lie in 0..H = 0..16", 17, 16, true },
        { nameof(ObjectiveSettings.DeadLatentWindow), "at least 1", "must be at least 1", 0, 1, true },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_setting_documents_the_range_Validate_enforces(string setting, string documented, string refused, object? outside, object? edge, bool topK)
    {
        Assert.Contains(documented, XmlDocs.Summary("SparseAe.Core", $"P:SparseAe.Objective.ObjectiveSettings.{setting}"), StringComparison.Ordinal);
        Assert.Contains(documented, XmlDocs.Param("SparseAe.Core", "M:SparseAe.Objective.ObjectiveSettings.#ctor", setting), StringComparison.Ordinal);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => With(setting, outside, topK).Validate(H));
        Assert.Equal(setting, refusal.ParamName);
        Assert.StartsWith(setting + " ", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(refused, refusal.Message, StringComparison.Ordinal);
        With(setting, edge, topK).Validate(H);
    }

    // The init accessor, called as `with { ... }` would.
    private static ObjectiveSettings With(string setting, object? value, bool topK)
    {
        var settings = topK ? new ObjectiveSettings(Decoder: DecoderKind.Linear, Activation: ActivationKind.TopK) : new ObjectiveSettings();
        typeof(ObjectiveSettings).GetProperty(setting)!.SetValue(settings, value);
        return settings;
    }

    // Mutation audit: AuxK where none is given, the power of two nearest V/2, had no Core test; breaking its tie the
    // other way ('<' -> '<=' in Defaults.AuxKFor) passed every test. V = 768 (GPT-2 small's width) sits halfway
    // between 256 and 512 and took 512 on the mutant: a doubled AuxK, so twice the dead latents' z per row in the
    // AuxK term. The rule: nearest power of two, the smaller on a tie, at least 1, at most H.
    [Theory]
    [InlineData(64, 4096, 32)]     // V/2 a power of two
    [InlineData(100, 4096, 64)]    // 50: 64 is 14 away, 32 is 18
    [InlineData(80, 4096, 32)]     // 40: 32 is 8 away, 64 is 24
    [InlineData(768, 4096, 256)]   // 384: halfway between 256 and 512, the smaller
    [InlineData(6, 4096, 2)]       // 3: halfway between 2 and 4
    [InlineData(1, 4096, 1)]
    [InlineData(64, 16, 16)]       // at most H
    public void AuxK_by_default_is_the_power_of_two_nearest_half_of_V_the_smaller_on_a_tie(int v, int h, int expected)
        => Assert.Equal(expected, new ObjectiveSettings(Activation: ActivationKind.TopK, Decoder: DecoderKind.Linear).AuxKFor(v, h));
}
