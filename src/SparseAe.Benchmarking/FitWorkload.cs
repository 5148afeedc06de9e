using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Training;

namespace SparseAe.Benchmarking;

/// <summary>
/// Fit of the default experiment from an in-memory IDataView, set up once: the rows of
/// <see cref="BenchData.DefaultExperiment"/> (10,000 of 64), an MLContext seeded 1; each
/// <see cref="Fit"/> cursors the view and trains H = 100 with 400 L-BFGS iterations.
/// </summary>
internal sealed class FitWorkload
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly IDataView _view;
    private readonly int _threads;

    /// <param name="threads">Worker threads of the training; 0 = one per logical processor this process may use.</param>
    public FitWorkload(int threads)
    {
        _threads = threads;
        _view = _ml.Data.LoadFromRowSource(new ArrayRowSource(BenchData.DefaultExperiment(), BenchData.DefaultRows, BenchData.DefaultDimension), "Features", BenchData.DefaultRows);
    }

    /// <exception cref="InvalidOperationException">The training stopped before its 400 iterations (then it measured less work).</exception>
    public SparseAutoencoderTransformer Fit()
    {
        var model = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", Threads = _threads }).Fit(_view);
        if (model.Summary.Iterations != Defaults.MaxIterations) throw new InvalidOperationException($"expected {Defaults.MaxIterations} iterations, ran {model.Summary.Iterations}");
        return model;
    }
}
