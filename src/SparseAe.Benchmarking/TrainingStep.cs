using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Training;

namespace SparseAe.Benchmarking;

/// <summary>
/// One training step of V-H-V, set up once: a batch of rows (<see cref="BenchData.Rows"/>, seed 3),
/// the initial parameters, the objective on the given threads and an Adam (step 1e-4). With a sparse
/// code's settings the parameters start as training starts them (unit-norm decoder columns, encoder
/// their transpose, b2 the batch mean) and the decoder columns are renormalised after each step.
/// Given a <see cref="SparseRowBatch"/> of the same rows, the objective reads those (the sparse path).
/// </summary>
internal sealed class TrainingStep : IDisposable
{
    private readonly int _batch;
    private readonly float[] _x, _theta, _gradient;
    private readonly SparseAutoencoderObjective _objective;
    private readonly Adam _adam;

    private readonly AutoencoderParameters _parameters;
    private readonly SparseRowBatch? _sparse;

    public TrainingStep(int v, int h, int batch, int threads, ObjectiveSettings? settings = null)
        : this(BenchData.Rows(batch, v, 3), v, h, batch, threads, settings, null)
    {
    }

    /// <param name="x">The batch, (batch, V) row-major; the start's b2 is its mean.</param>
    /// <param name="sparse">The same rows as their nonzeros: when given, each step evaluates on these.</param>
    public TrainingStep(float[] x, int v, int h, int batch, int threads, ObjectiveSettings? settings, SparseRowBatch? sparse)
    {
        settings ??= new ObjectiveSettings();
        _batch = batch;
        _x = x;
        _sparse = sparse;
        _parameters = settings.IsSparseCode ? ParameterInitializer.InitializeSparseCode(v, h, 1, _x, settings.HasThresholds) : ParameterInitializer.Initialize(v, h, 1);
        _theta = _parameters.Theta;
        _gradient = new float[_theta.Length];
        _objective = new SparseAutoencoderObjective(v, h, settings, threads);
        _adam = new Adam(_theta.Length, 1e-4);
    }

    /// <summary>The batch's rows.</summary>
    public int Rows => _batch;

    /// <summary>Cost and gradient of the batch; the parameters stay as they are.</summary>
    public CostBreakdown Evaluate() => _sparse is null ? _objective.Evaluate(_theta, _x, _batch, _gradient) : _objective.Evaluate(_theta, _sparse, _gradient);

    /// <summary>Cost, gradient and an Adam update of the parameters; returns the samples done (the batch size).</summary>
    public long Run()
    {
        Evaluate();
        MiniBatchTrainer.Update(_objective, _adam, _parameters, _gradient);
        return _batch;
    }

    public void Dispose() => _objective.Dispose();
}
