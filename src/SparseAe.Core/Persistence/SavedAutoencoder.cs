using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Training;

namespace SparseAe.Persistence;

/// <summary>Everything a saved model holds.</summary>
/// <param name="Parameters">The weights and biases.</param>
/// <param name="Objective">The rho, beta, lambda and penalty it was trained with.</param>
/// <param name="Summary">The training run's summary.</param>
/// <param name="ColumnNames">Names the hosting application binds (the ML.NET component stores its
/// output, input and reconstruction-error column names here; an empty string for "none").</param>
public sealed record SavedAutoencoder(AutoencoderParameters Parameters, ObjectiveSettings Objective, TrainingSummary Summary, IReadOnlyList<string> ColumnNames);
