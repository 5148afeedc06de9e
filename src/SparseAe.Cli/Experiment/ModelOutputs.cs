using SparseAe.Persistence;
using Microsoft.ML;
using SparseAe.Cli.Infrastructure;
using SparseAe.Data.Csv;
using SparseAe.Mat;
using SparseAe.MLNet;
using SparseAe.Model;
using SparseAe.Visualization;
using SparseAe.Whitening;

namespace SparseAe.Cli.Experiment;

/// <summary>
/// The content of each file a training run produces, for <see cref="AtomicFile.Write"/> or, all outputs together,
/// <see cref="OutputSet"/>. A check that refuses (a grid too large, a histogram of a sigmoid model) throws when the
/// content is asked for, before anything is written.
/// </summary>
internal static class ModelOutputs
{
    public static Action<Stream> Model(MLContext ml, ITransformer model, DataViewSchema schema)
        => s => ml.Model.Save(model, schema, s);

    public static Action<Stream> Filters(AutoencoderWeights w, int patchHeight, int patchWidth)
    {
        if (patchHeight * patchWidth != w.VisibleCount)
            throw new UsageException($"Filters of {w.VisibleCount} values cannot be drawn as {patchHeight}x{patchWidth} tiles.");
        return s => s.Write(FilterGrid.RenderPng(w.W1.Span, w.HiddenCount, patchHeight, patchWidth));
    }

    /// <summary>
    /// Null when the grid of <paramref name="hiddenCount"/> filters of <paramref name="patchHeight"/> x
    /// <paramref name="patchWidth"/> pixels can be drawn; else why not, and what would fit: the tile height
    /// closest to square of another shape of the same values that fits (`show --patch-height`), or, when
    /// none does, the most hidden units whose grid fits (0: not even one). One answer for train and show.
    /// </summary>
    public static (string Problem, int? OtherHeight, int MostHidden)? GridTooLarge(int hiddenCount, int patchHeight, int patchWidth)
    {
        if (GridFits(hiddenCount, patchHeight, patchWidth)) return null;
        int v = patchHeight * patchWidth;
        string problem = string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "{0} filters of {1} x {2} pixels make a grid larger than the limit of {3} x {3} pixels", hiddenCount, patchHeight, patchWidth, FilterGridLayout.MaxSide);
        var heights = Enumerable.Range(1, v).Where(h => v % h == 0 && h != patchHeight && GridFits(hiddenCount, h, v / h))
            .OrderBy(h => Math.Abs(Math.Log((double)h * h / v))).ToArray();
        int fit = 0;   // the most hidden units whose grid fits (the grid grows with H), 0 if not even one
        for (int lo = 1, hi = hiddenCount - 1; lo <= hi;)
        {
            int mid = lo + (hi - lo) / 2;
            if (GridFits(mid, patchHeight, patchWidth)) { fit = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return (problem, heights.Length > 0 ? heights[0] : null, fit);
    }

    private static bool GridFits(int hiddenCount, int patchHeight, int patchWidth)
    {
        try
        {
            _ = FilterGridLayout.Create(hiddenCount, patchHeight, patchWidth, FilterGrid.DefaultMinTileWidth);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // Adam's history is one entry per epoch, with no starting point: drawn from epoch 1, as the progress lines count
    // them (it was drawn as iterations from 0, so the last epoch's cost sat at "iteration" E - 1).
    public static Action<Stream> Curve(SparseAutoencoderTransformer ae)
        => s => s.Write(TrainingCurve.RenderPng(ae.Summary.CostHistory, perEpoch: ae.Summary.Optimizer == OptimizerKind.Adam));

    /// <summary>
    /// The latent-frequency histogram of a sparse code: log10 of each latent's firing rate as the training measured it
    /// (over the last epoch's mini-batches, <see cref="SparseAe.Training.SparseCodeMetrics.FiringRate"/>), the dead apart.
    /// </summary>
    public static Action<Stream> Latents(SparseAutoencoderTransformer ae)
    {
        var m = ae.Summary.CodeMetrics
            ?? throw new UsageException($"--latents: the histogram is that of a sparse code (--activation relu, topk or jumprelu); this model's activation is {ae.Objective.Activation}.");
        var o = ae.Objective;
        string code = o.Activation == ActivationKind.TopK ? $"TopK k = {o.K}" : o.Activation.ToString();
        string title = $"Latent firing frequency: {code}, {ae.Weights.HiddenCount} latents";
        return s => s.Write(LatentFrequencyChart.RenderPng(m.FiringRate, title: title));
    }

    /// <summary>W1, one row per hidden unit, its V weights in row-major pixel order.</summary>
    public static Action<Stream> WeightsCsv(SparseAutoencoderTransformer ae)
    {
        var w = ae.Weights;
        var header = Enumerable.Range(0, w.VisibleCount).Select(i => $"w{i}").ToArray();
        return AtomicFile.Text(writer => VectorCsv.Write(writer, w.W1.ToArray(), w.HiddenCount, w.VisibleCount, header));
    }

    /// <summary>
    /// What computes the model's code and reconstruction in MATLAB/Octave: W1 (H x V), W2 (V x H), b1 (H x 1), b2 (V x 1),
    /// activation and decoder (their names, as --activation and --decoder say them), k (TopK), theta (JumpReLU's
    /// thresholds, H x 1), and with --whiten zca the whitening the code is computed from, zcaMean (V x 1) and zcaW (V x V).
    /// With xw = zcaW * (x - zcaMean) (or x without ZCA), the code is a = f(W1 * (xw - b2) + b1) for the sparse codes (ReLU,
    /// TopK, JumpReLU: the pre-encoder bias, SparseAutoencoderObjective.SparseCodes.cs) and a = sigmoid(W1 * xw + b1) for
    /// the sigmoid (UFLDL's); the reconstruction of xw is W2 * a + b2, sigmoid(W2 * a + b2) with the sigmoid decoder
    /// (AutoencoderEncoder.ReconstructionError).
    /// </summary>
    public static Action<Stream> WeightsMat(SparseAutoencoderTransformer ae, ZcaWhitening? zca)
    {
        var w = ae.Weights;
        int h = w.HiddenCount, v = w.VisibleCount;
        var objective = ae.Objective;
        var variables = new List<MatVariable>
        {
            MatVariable.FromSingles("W1", [h, v], ColumnMajorLayout.ToColumnMajor(w.W1.ToArray(), [h, v])),
            MatVariable.FromSingles("W2", [v, h], ColumnMajorLayout.ToColumnMajor(w.W2.ToArray(), [v, h])),
            MatVariable.FromSingles("b1", [h, 1], w.B1.ToArray()),
            MatVariable.FromSingles("b2", [v, 1], w.B2.ToArray()),
            Text("activation", Commands.TrainCommand.ActivationName(objective.Activation)),
            Text("decoder", Commands.TrainCommand.DecoderName(objective.Decoder)),
        };
        if (objective.Activation == ActivationKind.TopK) variables.Add(MatVariable.FromDoubles("k", [1, 1], [objective.K]));
        if (objective.HasThresholds) variables.Add(MatVariable.FromSingles("theta", [h, 1], w.Thresholds.ToArray()));
        if (zca is not null)
        {
            variables.Add(MatVariable.FromSingles("zcaMean", [v, 1], zca.Mean.ToArray()));
            variables.Add(MatVariable.FromSingles("zcaW", [v, v], ColumnMajorLayout.ToColumnMajor(zca.Matrix.ToArray(), [v, v])));
        }
        return s => MatWriter.Write(s, variables);
    }

    // A MATLAB char row vector.
    private static MatVariable Text(string name, string value) => MatVariable.FromColumnMajorArray(name, [1, value.Length], value.ToCharArray());

    /// <summary>The training rows as prepared, one CSV line each, no header.</summary>
    public static Action<Stream> Rows(PreparedData prepared)
        => AtomicFile.Text(writer => VectorCsv.Write(writer, prepared.Rows, prepared.Count, prepared.Dimension));

    /// <summary>
    /// The sparse code's metrics as JSON: activation (--activation's value: relu, topk, jumprelu), l0, fvu, dead and dense
    /// (shares in [0, 1]) and firingRate (each latent's), the fields docs/sparse-codes.md lists.
    /// </summary>
    public static Action<Stream> MetricsJson(SparseAutoencoderTransformer ae)
    {
        var m = ae.Summary.CodeMetrics
            ?? throw new UsageException($"--metrics-json: the metrics are those of a sparse code (--activation relu, topk or jumprelu); this model's activation is {ae.Objective.Activation}.");
        var document = new
        {
            // --activation's value, as --weights-mat writes it (one spelling for the machine-read outputs).
            activation = Commands.TrainCommand.ActivationName(ae.Objective.Activation),
            l0 = m.L0,
            fvu = m.Fvu,
            dead = m.DeadFraction,
            dense = m.DenseFraction,
            firingRate = m.FiringRate,
        };
        return AtomicFile.Text(writer => writer.Write(System.Text.Json.JsonSerializer.Serialize(document, new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
    }
}
