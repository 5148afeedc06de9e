using System.Globalization;
using System.Numerics.Tensors;

namespace SparseAe.Training;

/// <summary>
/// The range of the rows a sigmoid decoder is trained on, gathered as they are read, and the warning
/// when it leaves [0, 1]: the decoder's outputs are sigmoids, so such inputs cannot be reconstructed
/// (UFLDL rescales patches to [0.1, 0.9] for this reason). L-BFGS gives it every row it holds; Adam the
/// mini-batches of its first epoch, so the warning comes before the run's remaining epochs.
/// </summary>
internal sealed class UnitIntervalCheck
{
    private float _min = float.PositiveInfinity, _max = float.NegativeInfinity;

    /// <summary>A check for these settings, or null when there is nothing to check or no one to tell.</summary>
    public static UnitIntervalCheck? For(TrainerSettings settings)
        => settings.Objective.Decoder == DecoderKind.Sigmoid && settings.Warning is not null ? new UnitIntervalCheck() : null;

    /// <summary>Adds values (dense rows).</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return;
        _min = Math.Min(_min, TensorPrimitives.Min(values));
        _max = Math.Max(_max, TensorPrimitives.Max(values));
    }

    /// <summary>
    /// Adds sparse rows: their stored values and, where they store fewer than rows x V, the zeros they
    /// leave out, which the warning's range includes as the same rows stored dense do (it said counts
    /// 1..3 lay in [1, 3]).
    /// </summary>
    public void Add(Objective.SparseRowBatch rows)
    {
        Add(rows.AllValues);
        if (rows.NonzeroCount < (long)rows.Rows * rows.VisibleCount) Add([0f]);
    }

    /// <summary>Warns, naming <paramref name="what"/> (e.g. "column 'Pixels'"), when a value added lies outside [0, 1].</summary>
    public void Warn(string what, Action<string>? warning)
    {
        if (_min < 0 || _max > 1)
            warning?.Invoke(string.Format(CultureInfo.InvariantCulture,
                "{0} holds values in [{1:G4}, {2:G4}]; the sigmoid decoder reconstructs only [0, 1], so scale the inputs (UFLDL rescales patches to [0.1, 0.9]) or use the linear decoder (Decoder Linear).",
                RowReading.Capitalised(what), _min, _max));
    }
}
