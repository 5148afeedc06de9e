namespace SparseAe.MLNet;

/// <summary>
/// Options of <see cref="SparseAutoencoderEstimator"/>: the columns, and how the autoencoder is trained
/// (<see cref="AutoencoderTrainingOptions"/>). Every training default comes from <see cref="Defaults"/>.
/// </summary>
public sealed class SparseAutoencoderOptions : AutoencoderTrainingOptions
{
    /// <summary>Name of the output column (default "Code"): a vector of <c>HiddenCount</c> Single values, the code h. A non-blank
    /// column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string OutputColumnName { get; set; } = "Code";

    /// <summary>Name of the input column, a known-size vector of Single; null means <see cref="OutputColumnName"/>. Null or a
    /// non-blank column name (not empty, nor white space alone), one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string? InputColumnName { get; set; }

    /// <summary>Optional Single column with each row's mean squared reconstruction error (1/V)||y - x||^2; null for none.
    /// Null or a non-blank name different from OutputColumnName, one a saved model holds: its UTF-8 length must lie in 0..4096, and it must be valid Unicode (no lone surrogate).</summary>
    public string? ReconstructionErrorColumnName { get; set; }

    /// <summary>Throws ArgumentException naming the first option out of range: the columns, then the training.</summary>
    internal override void Validate()
    {
        DataViews.InputColumnRules.CheckName(OutputColumnName, nameof(OutputColumnName));
        DataViews.InputColumnRules.CheckName(InputColumnName, nameof(InputColumnName), optional: true);
        if (ReconstructionErrorColumnName is not null &&
            (string.IsNullOrWhiteSpace(ReconstructionErrorColumnName) || ReconstructionErrorColumnName == OutputColumnName))
            throw new ArgumentException(
                $"ReconstructionErrorColumnName must be null or a non-blank name different from OutputColumnName ('{OutputColumnName}'), but is '{ReconstructionErrorColumnName}'.",
                nameof(ReconstructionErrorColumnName));
        DataViews.InputColumnRules.CheckSavable(ReconstructionErrorColumnName, nameof(ReconstructionErrorColumnName));
        base.Validate();
    }
}
