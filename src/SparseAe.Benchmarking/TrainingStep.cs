using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;

namespace SparseAe.Benchmarking;

/// <summary>
/// One training step of V-H-V, set up once: a batch of rows (<see cref="BenchData.Rows"/>, seed 3),
/// the initial parameters, the objective on the given threads and an Adam (step 1e-4).
/// </summary>
internal sealed class TrainingStep : IDisposable
{
    private readonly int _batch;
    private readonly float[] _x, _theta, _gradient;
    private readonly SparseAutoencoderObjective _objective;
    private readonly Adam _adam;

    public TrainingStep(int v, int h, int batch, int threads)
    {
        _batch = batch;
        _x = BenchData.Rows(batch, v, 3);
        _theta = ParameterInitializer.Initialize(v, h, 1).Theta;
        _gradient = new float[_theta.Length];
        _objective = new SparseAutoencoderObjective(v, h, new ObjectiveSettings(), threads);
        _adam = new Adam(_theta.Length, 1e-4);
    }

    /// <summary>Cost and gradient of the batch; the parameters stay as they are.</summary>
    public CostBreakdown Evaluate() => _objective.Evaluate(_theta, _x, _batch, _gradient);

    /// <summary>Cost, gradient and an Adam update of the parameters; returns the samples done (the batch size).</summary>
    public long Run()
    {
        Evaluate();
        _adam.Step(_theta, _gradient);
        return _batch;
    }

    public void Dispose() => _objective.Dispose();
}
