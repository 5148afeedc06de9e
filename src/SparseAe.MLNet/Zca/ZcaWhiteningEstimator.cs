using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.DataViews;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Training;
using SparseAe.Whitening;

namespace SparseAe.MLNet;

/// <summary>
/// Fits ZCA whitening on a known-size vector column of Single: y = W (x - mu) with
/// W = U diag(1/sqrt(s + epsilon)) U^T from the covariance's eigendecomposition (see
/// <see cref="ZcaWhitening"/>). Every row is read once and held in memory to estimate the covariance, or, with
/// maximumRows, a seeded uniform random sample of that many of them is held.
/// </summary>
public sealed class ZcaWhiteningEstimator : IEstimator<ZcaWhiteningTransformer>
{
    private readonly IHost _host;
    private readonly string _output, _input;
    private readonly double _epsilon;
    private readonly long? _maximumRows;
    private readonly int? _seed;
    private readonly string? _rowsName;

    // rowsName: what the caller's user calls the rows, in ZCA's refusals of them (the command line's "the rows of
    // --csv 'rows.csv'"); null says them by the input column, "the 20 rows of column 'Features'".
    internal ZcaWhiteningEstimator(IHostEnvironment env, string outputColumnName, string? inputColumnName, double epsilon,
        long? maximumRows = null, int? seed = null, string? rowsName = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        InputColumnRules.CheckName(outputColumnName, nameof(outputColumnName));
        InputColumnRules.CheckName(inputColumnName, nameof(inputColumnName), optional: true);
        ZcaWhitening.CheckEpsilon(epsilon);
        if (maximumRows is < 1)
            throw new ArgumentOutOfRangeException(nameof(maximumRows), maximumRows, $"maximumRows must be null (every row) or at least 1, but is {maximumRows}.");
        if (seed is { } given) SparseAe.Training.TrainerSettings.CheckSeed(given, nameof(seed));
        _host = env.Register(nameof(ZcaWhiteningEstimator));
        _maximumRows = maximumRows;
        _seed = seed;
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _epsilon = epsilon;
        _rowsName = rowsName;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return InputColumnRules.WithOutputs(inputSchema, _input, new OutputShape(_output, SchemaShape.Column.VectorKind.Vector));
    }

    /// <summary>Estimates mu and W from every row of the input column, or from a seeded random sample of maximumRows of them.</summary>
    public ZcaWhiteningTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = InputColumnRules.Find(input.Schema, nameof(input), _input, expectedSize: null);
        int d = ((VectorDataViewType)column.Type).Size;
        // Known from the schema (Find refuses a variable size): refused before any row is read, not after reading them all.
        if (d > ZcaWhitening.MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(input), d, $"Input column '{column.Name}' holds vectors of {d} values: {ZcaWhitening.TooWide(d)}");
        ZcaWhitening.EnsureMemory(d);   // before the rows are read, as the width's rule
        using var channel = _host.Start("Fitting ZCA");
        long limit = Array.MaxLength / d;
        long? count = input.GetRowCount();
        // A cap at or above the rows the view says it has means every row (RowReading.SampleCap); it was refused when above the limit.
        long? maximumRows = RowReading.SampleCap(_maximumRows, count);
        if (maximumRows > limit)
            throw new ArgumentOutOfRangeException("maximumRows", _maximumRows, $"maximumRows is {_maximumRows}, but ZCA can hold at most {limit} rows of {d} values.");
        Exception TooMany(long count) => new ArgumentException(   // too many rows, as the autoencoder's: an ArgumentException
            $"Column '{column.Name}' has {count} rows, more than the {limit} rows of {d} values that ZCA can hold; set maximumRows to fit on a random sample of them.", "input");
        if (count is long known && known > limit && maximumRows is null) throw TooMany(known);
        // The rows are held whole: checked before they are read when the view says how many, else as they arrive.
        string advice = _maximumRows is long most ? $"lower maximumRows (now {most})" : "set maximumRows to fit on a random sample of the rows";
        if (count is long said) ZcaWhitening.EnsureMemory(d, Math.Min(said, maximumRows ?? said), readSoFar: false, advice);
        var sampler = maximumRows is null ? null : new Random(_seed ?? HostAccess.NextSeed(_host));
        var (data, rows, seen) = RowReading.ReadAll(new DataViewRows(input, column, d), maximumRows ?? limit, sampler,
            () => TooMany(limit + 1), () => HostAccess.CheckAlive(_host),   // as the autoencoder: the row that crossed the limit
            count is null ? kept => ZcaWhitening.EnsureMemory(d, kept, readSoFar: true, advice) : null);
        ZcaWhitening whitening;
        try
        {
            // Named, the covariance's refusals say whose ("The covariance is singular", "too small for these rows" named no
            // column), as the featurizer's name its patches. Its last rows came after reading's last check.
            string rowsName = _rowsName ?? (rows == seen ? $"the {rows} rows of column '{column.Name}'" : $"the sample of {rows} of the {seen} rows of column '{column.Name}'");
            whitening = ZcaWhitening.Fit(data, rows, d, _epsilon, () => HostAccess.CheckAlive(_host), rowsName, nameof(ZcaWhitening.Epsilon));
        }
        catch (ArgumentException e) when (e.ParamName == "x")
        {
            // Core's refusal of its span (rows too large or too small to square), which names the rows: Fit(IDataView input) has no 'x'.
            throw new ArgumentException(ArgumentMessages.Text(e), "input", e);
        }
        // The log's figures in the invariant culture, as the training log's: "epsilon 0,1" under de-DE before.
        HostAccess.Info(channel, rows == seen
            ? string.Create(CultureInfo.InvariantCulture, $"ZCA whitening of {d}-vectors fitted on {rows} rows (epsilon {whitening.Epsilon}).")
            : string.Create(CultureInfo.InvariantCulture, $"ZCA whitening of {d}-vectors fitted on a random sample of {rows} of {seen} rows (epsilon {whitening.Epsilon})."));
        return new ZcaWhiteningTransformer(_output, _input, whitening, rows);
    }
}
