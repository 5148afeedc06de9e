using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Training;

namespace SparseAe.Benchmarking;

/// <summary>
/// Transform plus a cursor in ML.NET, set up once: <see cref="Rows"/> rows of 64 in memory
/// (<see cref="BenchData.Rows"/>, seed 5) and a model fitted briefly (3 L-BFGS iterations) on the
/// first 2,000 of them; its weights do not matter to the speed.
/// </summary>
internal sealed class TransformWorkload
{
    private const int V = 64, TrainingRows = 2000;
    private readonly SparseAutoencoderTransformer _model;
    private readonly IDataView _data;

    /// <param name="rows">Rows read by each pass.</param>
    /// <param name="options">The model to fit (column names "Code" from "Features", and "Error" if it has a
    /// reconstruction-error column); null, the default sigmoid model with 3 L-BFGS iterations.</param>
    public TransformWorkload(int rows, SparseAutoencoderOptions? options = null)
    {
        Rows = rows;
        var ml = new MLContext(seed: 1);
        var x = BenchData.Rows(rows, V, 5);
        var train = ml.Data.LoadFromRowSource(new ArrayRowSource(x.AsMemory(0, TrainingRows * V), TrainingRows, V), "Features", TrainingRows);
        _model = ml.Transforms.SparseAutoencoder(options ?? new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", MaxIterations = 3 }).Fit(train);
        _data = ml.Data.LoadFromRowSource(new ArrayRowSource(x, rows, V), "Features", rows);
    }

    public int Rows { get; }

    /// <summary>The fitted model as an ONNX graph (ML.NET's ConvertToOnnx): input "Features" (N, 64), output "Code.output" (N, 100).</summary>
    public byte[] ExportOnnx()
    {
        using var stream = new MemoryStream();
        new MLContext().Model.ConvertToOnnx(_model, _data, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Transforms the rows and reads every code (and error, if the model has that column) through one cursor; returns the bytes this thread
    /// allocated in the Transform call and while the cursor ran (the lines say transform+cursor).
    /// </summary>
    public long ReadAll()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Read(_model, _data);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// Transforms <paramref name="data"/> with <paramref name="model"/> and reads every row's "Code" through one cursor, and its
    /// reconstruction error when the model has that column (as an anomaly score is read with its code); returns the rows read.
    /// </summary>
    public static long Read(SparseAutoencoderTransformer model, IDataView data)
    {
        var output = model.Transform(data);
        var code = output.Schema["Code"];
        var error = model.ReconstructionErrorColumnName is string name ? output.Schema[name] : (DataViewSchema.Column?)null;
        using var cursor = output.GetRowCursor(error is { } e ? [code, e] : [code]);
        var getCode = cursor.GetGetter<VBuffer<float>>(code);
        ValueGetter<float>? getError = error is { } column ? cursor.GetGetter<float>(column) : null;
        VBuffer<float> buffer = default;
        float value = 0;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getCode(ref buffer);
            getError?.Invoke(ref value);
            rows++;
        }
        return rows;
    }
}
