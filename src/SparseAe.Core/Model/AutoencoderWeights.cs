namespace SparseAe.Model;

/// <summary>A read-only view of trained parameters (a private copy: the model cannot be changed through it).</summary>
public sealed class AutoencoderWeights
{
    private readonly AutoencoderParameters _p;

    /// <summary>A read-only view of a copy of <paramref name="parameters"/> (later changes to them do not show through).</summary>
    public AutoencoderWeights(AutoencoderParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _p = parameters.Clone();
    }

    /// <summary>V.</summary>
    public int VisibleCount => _p.VisibleCount;

    /// <summary>H.</summary>
    public int HiddenCount => _p.HiddenCount;

    /// <summary>W1 (H,V) row-major: row j is hidden unit j's filter.</summary>
    public ReadOnlyMemory<float> W1 => _p.Theta.AsMemory(0, _p.HiddenCount * _p.VisibleCount);

    /// <summary>W2 (V,H) row-major.</summary>
    public ReadOnlyMemory<float> W2 => _p.Theta.AsMemory(_p.HiddenCount * _p.VisibleCount, _p.HiddenCount * _p.VisibleCount);

    /// <summary>b1 (H).</summary>
    public ReadOnlyMemory<float> B1 => _p.Theta.AsMemory(2 * _p.HiddenCount * _p.VisibleCount, _p.HiddenCount);

    /// <summary>b2 (V).</summary>
    public ReadOnlyMemory<float> B2 => _p.Theta.AsMemory(2 * _p.HiddenCount * _p.VisibleCount + _p.HiddenCount, _p.VisibleCount);

    /// <summary>JumpReLU: each hidden unit's threshold theta_j = exp(log theta_j) (H); empty for the other activations.</summary>
    public ReadOnlyMemory<float> Thresholds => _p.HasThresholds ? _p.LogThresholds.ToArray().Select(MathF.Exp).ToArray() : ReadOnlyMemory<float>.Empty;

    /// <summary>Hidden unit j's filter: row j of W1, V values.</summary>
    public ReadOnlySpan<float> Filter(int hiddenUnit)
    {
        if ((uint)hiddenUnit >= (uint)_p.HiddenCount)
            throw new ArgumentOutOfRangeException(nameof(hiddenUnit), hiddenUnit, $"hiddenUnit must lie in 0..{_p.HiddenCount - 1}, but is {hiddenUnit}.");
        return W1.Span.Slice(hiddenUnit * _p.VisibleCount, _p.VisibleCount);
    }

    /// <summary>A mutable copy of all parameters.</summary>
    public AutoencoderParameters ToParameters() => _p.Clone();
}
