namespace SparseAe.Cli.Experiment;

/// <summary>Whole-image or vector whitening. Auto picks by source (see <see cref="TrainingData"/>).</summary>
internal enum WhitenMode { Auto, None, Olshausen, Zca }

/// <summary>Patch normalisation. Auto: UFLDL's for image patches, none for CSV vectors.</summary>
internal enum NormalizeMode { Auto, Ufldl, Standard, None }

/// <summary>Where the training rows come from and how they are prepared.</summary>
internal sealed record DataOptions(
    string? Mat, string Variable, string[] Images, string? Idx, string? Csv,
    int PatchSize, int PatchCount, int? Downsample, WhitenMode Whiten, NormalizeMode Normalize, int Seed);

/// <summary>
/// Rows ready for training. Filters of V = PatchHeight x PatchWidth are drawn as tiles. Rounding: how far apart the
/// normalisation's rounding alone may leave two rows that are the same vector (0 for rows used as they are).
/// </summary>
internal sealed record PreparedData(float[] Rows, int Count, int Dimension, int PatchHeight, int PatchWidth, bool UseZca, string Description, float Rounding = 0);
