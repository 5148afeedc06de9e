using System.Globalization;
using System.Numerics.Tensors;
using SparseAe.Objective;

namespace SparseAe.Training;

/// <summary>Reading a row source whole, for the trainers and transforms that hold every row (L-BFGS, ZCA, the featurizer).</summary>
internal static class RowReading
{
    /// <summary>
    /// A pass of <paramref name="source"/> (shuffled by <paramref name="order"/> when given). Sources can be
    /// written outside the library: a null reader is named here, not met later as a NullReferenceException.
    /// </summary>
    public static IRowReader Open(IRowSource source, int pass, Random? order = null)
    {
        var reader = order is null ? source.OpenPass(pass) : source.OpenShuffledPass(pass, order);
        return reader ?? throw new InvalidOperationException(
            $"The row source {source.GetType().Name} opened no reader for pass {pass}: its {(order is null ? "OpenPass" : "OpenShuffledPass")} returned null.");
    }

    /// <summary>
    /// <see cref="IRowReader.TryReadSparseRow"/>, with the reader's count held to 0..V before anything
    /// slices by it (a larger one threw a bare ArgumentOutOfRangeException). The indices and values
    /// themselves are checked where the rows are batched (<see cref="Objective.SparseRowBatch"/>).
    /// </summary>
    public static bool TryReadSparse(IRowReader reader, Span<int> indices, Span<float> values, out int count)
    {
        if (!reader.TryReadSparseRow(indices, values, out count)) return false;
        if ((uint)count > (uint)indices.Length)
            throw new InvalidOperationException(
                $"The row reader {reader.GetType().Name} returned a sparse row of {count} nonzeros; a row of V = {indices.Length} values has 0..{indices.Length}.");
        return true;
    }

    /// <summary>
    /// Every row in one array (rows, V) row-major, or, when the source has more than
    /// <paramref name="maxRows"/> rows and a <paramref name="sampler"/> is given, a uniform random
    /// sample of <paramref name="maxRows"/> of them in one pass (<see cref="ReadReservoir"/>). Without a
    /// sampler, more than <paramref name="maxRows"/> rows throw <paramref name="tooMany"/>. Throws
    /// <see cref="NoRows"/> when there are none. <paramref name="checkAlive"/> runs every 4,096 rows (cancellation);
    /// <paramref name="holding"/> as in the overload that takes an open pass.
    /// </summary>
    /// <returns>The rows kept, how many, and how many the source had.</returns>
    public static (float[] Data, int Rows, long Seen) ReadAll(IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive,
        Action<long>? holding = null)
    {
        using var reader = Open(source, 0);
        return ReadAll(reader, source, maxRows, sampler, tooMany, checkAlive, holding);
    }

    /// <summary>
    /// <see cref="ReadAll(IRowSource, long, Random?, Func{Exception}, Action?, Action{long}?)"/> from a pass already open on <paramref name="source"/>.
    /// <paramref name="holding"/> is called with the rows kept so far each time they fill a chunk (<see cref="ChunkRows"/>) and more arrive,
    /// before memory is taken for more: the caller checks what those rows will need (and throws to refuse).
    /// </summary>
    public static (float[] Data, int Rows, long Seen) ReadAll(IRowReader reader, IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive,
        Action<long>? holding = null)
    {
        int v = source.VectorSize;
        maxRows = Math.Min(maxRows, Array.MaxLength / v);
        // A source that says how many rows it has is read straight into one array of them (the first chunk), which is
        // returned as it is: read in chunks of 4,096 rows and copied into one array, the rows took twice their memory
        // while read, and the dead chunks were still held when L-BFGS allocated its activations (1,000,000 rows of 64
        // under a 1 GB heap limit passed the memory check, 0.8 GB, and ended in an OutOfMemoryException). Other
        // sources go in chunks of ChunkRows (rows beyond the count said are refused: ReadReservoir).
        int chunkRows = ChunkRows(v);
        long first = source.RowCount is long said and > 0 ? Math.Min(said, maxRows) : chunkRows;
        var chunks = new List<float[]>();
        var row = new float[v];
        Span<float> Slot(long slot) => slot < first
            ? chunks[0].AsSpan((int)slot * v, v)
            : chunks[1 + (int)((slot - first) / chunkRows)].AsSpan((int)((slot - first) % chunkRows) * v, v);
        long seen = ReadReservoir(source, maxRows, sampler, tooMany, checkAlive,
            slot =>
            {
                if (slot < 0) return reader.TryReadRow(row);   // read aside, kept only if it draws a slot
                if (slot > 0 && slot % chunkRows == 0) holding?.Invoke(slot);
                if (slot == 0) chunks.Add(new float[first * v]);
                if (slot < first) return reader.TryReadRow(Slot(slot));
                // Beyond the first chunk a row is read aside, and a chunk made for it only once it has come (the
                // end of a source that said its count took a chunk, and with it the copy, after its last row).
                if (!reader.TryReadRow(row)) return false;
                if ((slot - first) % chunkRows == 0) chunks.Add(new float[chunkRows * v]);
                row.CopyTo(Slot(slot));
                return true;
            },
            j => row.CopyTo(Slot(j)));
        if (seen == 0) throw NoRows(source);
        long kept = Math.Min(seen, maxRows);
        if (chunks.Count == 1 && chunks[0].LongLength == kept * v) return (chunks[0], (int)kept, seen);
        var all = new float[kept * v];
        long offset = 0;
        foreach (var c in chunks)
        {
            int n = (int)Math.Min(c.Length, all.LongLength - offset);
            Array.Copy(c, 0, all, offset, n);
            offset += n;
        }
        return (all, (int)kept, seen);
    }

    /// <summary>
    /// <see cref="ReadAll(IRowReader, IRowSource, long, Random?, Func{Exception}, Action?, Action{long}?)"/> for a pass whose
    /// rows are sparse (<see cref="IRowReader.RowsAreSparse"/>): the rows kept as their nonzeros, in one CSR
    /// batch, the same rows (the same random draws) as the dense read keeps. Each row's values are checked
    /// finite by the batch (naming the kept row, and <paramref name="paramName"/> as the dense check does);
    /// <paramref name="holding"/> is called as the dense read calls it. <paramref name="rowNames"/>, given the rows kept and
    /// the rows seen once the pass is over, says how the batch names a kept row (null: "Training row r"): a sample's rows
    /// are not the source's.
    /// </summary>
    public static (SparseRowBatch Rows, long Seen) ReadAllSparse(IRowReader reader, IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive,
        string paramName, Action<long>? holding = null, Func<int, long, Func<int, string>?>? rowNames = null)
    {
        int v = source.VectorSize;
        maxRows = Math.Min(maxRows, Array.MaxLength / v);   // the dense read's limit: the same rows kept, and every nonzero fits one array
        int chunkRows = ChunkRows(v);   // the dense read's checks: a row may have V nonzeros
        var keptIndices = new List<int[]>();
        var keptValues = new List<float[]>();
        var indices = new int[v];
        var values = new float[v];
        int count = 0;
        long seen = ReadReservoir(source, maxRows, sampler, tooMany, checkAlive,
            slot =>
            {
                if (!TryReadSparse(reader, indices, values, out count)) return false;
                if (slot >= 0)
                {
                    if (slot > 0 && slot % chunkRows == 0) holding?.Invoke(slot);
                    keptIndices.Add(indices[..count]);
                    keptValues.Add(values[..count]);
                }
                return true;
            },
            j =>
            {
                keptIndices[(int)j] = indices[..count];
                keptValues[(int)j] = values[..count];
            });
        if (seen == 0) throw NoRows(source);
        int rows = keptIndices.Count;
        var rowStarts = new int[rows + 1];
        for (int r = 0; r < rows; r++) rowStarts[r + 1] = rowStarts[r] + keptIndices[r].Length;   // at most rows V <= Array.MaxLength
        var allIndices = new int[rowStarts[rows]];
        var allValues = new float[rowStarts[rows]];
        for (int r = 0; r < rows; r++)
        {
            keptIndices[r].CopyTo(allIndices, rowStarts[r]);
            keptValues[r].CopyTo(allValues, rowStarts[r]);
        }
        return (new SparseRowBatch(v, rows, rowStarts, allIndices, allValues, rowNames?.Invoke(rows, seen), paramName), seen);
    }

    private const int RowsPerChunk = 4096;

    /// <summary>
    /// The rows of V values a chunk of the reads holds (and the reads' memory checks come between): 4,096, but no
    /// more than 16 MB of them, and at least 1. 4,096 rows whatever their width took a 3.3 GB chunk for the first of
    /// 3 rows of 200,000 values, and at 600,000 values 4,096 x V passed int (an OverflowException).
    /// </summary>
    internal static int ChunkRows(int vectorSize) => Math.Clamp((1 << 22) / vectorSize, 1, RowsPerChunk);

    /// <summary>How many rows a long read goes between two cancellation checks.</summary>
    public const int RowsPerCheck = RowsPerChunk;

    /// <summary>A pass gave a row beyond the count <paramref name="source"/> says it has (its RowCount): refused by L-BFGS's and Adam's reads alike.</summary>
    internal static InvalidOperationException MoreRowsThanSaid(IRowSource source)
        => new(source is IRowCountSaidElsewhere elsewhere ? elsewhere.MoreRowsThanSaid : $"The row source {source.GetType().Name}{(source.Description is { } d ? $" ({d})" : "")} said it has {source.RowCount} rows (its RowCount), " +
            "but a pass gave more; a source's RowCount must be the rows each pass gives, or null when it does not know them.");

    /// <summary>
    /// The one pass both reads make: <paramref name="read"/>(slot) reads the next row (false at the end),
    /// into kept slot `slot` while fewer than <paramref name="maxRows"/> are kept, else aside (slot -1);
    /// a row read aside then replaces kept row j (<paramref name="replace"/>(j)) with probability
    /// maxRows / (seen + 1) (reservoir sampling: Vitter 1985, "Random sampling with a reservoir",
    /// Algorithm R: a uniform sample of every row in one pass), one random draw a row, so a dense and a
    /// sparse read keep the same rows. Without a sampler a row beyond maxRows throws
    /// <paramref name="tooMany"/>. <paramref name="checkAlive"/> runs every 4,096 rows. Returns the rows read.
    /// A row beyond the count <paramref name="source"/> says it has is refused: the memory for the rows was checked
    /// (and the dense read's array sized) by that count, and the rows beyond it grew without a check (a source
    /// saying 10 rows and giving 3,000,000 of 64 values ended in an OutOfMemoryException under a 512 MB heap).
    /// </summary>
    private static long ReadReservoir(IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive,
        Func<long, bool> read, Action<long> replace)
    {
        long said = source.RowCount ?? long.MaxValue;
        long seen = 0;
        while (true)
        {
            if (seen % RowsPerCheck == 0) checkAlive?.Invoke();
            bool aside = seen >= maxRows;
            if (!read(aside ? -1 : seen)) return seen;
            if (seen >= said) throw MoreRowsThanSaid(source);   // >=: a negative count said is refused at the first row, as Adam refuses it
            if (aside)
            {
                if (sampler is null) throw tooMany();
                long j = sampler.NextInt64(seen + 1);
                if (j < maxRows) replace(j);
            }
            seen++;
        }
    }

    /// <summary>
    /// The one rule for training values: every one finite. Throws naming the row (by <paramref name="row"/>
    /// when the rows are not the source's in order, e.g. a shuffled mini-batch) and the index.
    /// </summary>
    public static void ThrowIfNonFinite(ReadOnlySpan<float> data, int vectorSize, string paramName, Func<int, string>? row = null)
    {
        int bad = Kernels.VectorKernels.IndexOfNonFinite(data);
        if (bad >= 0)
            throw NonFiniteValue(row?.Invoke(bad / vectorSize) ?? $"Training row {bad / vectorSize}", data[bad], bad % vectorSize, paramName);
    }

    /// <summary>
    /// The one message for a training value that is not finite, dense rows or sparse alike: the row
    /// (e.g. "Training row 2"), the value and its index in the row, as the caller's parameter <paramref name="paramName"/>.
    /// </summary>
    public static ArgumentException NonFiniteValue(string row, float value, int index, string paramName)
        => new($"{row} holds {value} at index {index}; every value must be finite.", paramName);

    /// <summary>
    /// What to check when the cost or its gradient stops being finite: the penalty term that overflowed,
    /// named by the weight that scales it, when one did (beyond float: the gradient is float, so a sparsity
    /// weight of 1e308 left a finite cost of 1.5e308 and an infinite gradient, which was blamed on the
    /// inputs); else the inputs (<see cref="InputScaleAdvice"/>). <paramref name="rows"/> are the rows the
    /// cost was taken over: the float gradient sums the sparsity term's derivatives over them before its
    /// 1/m, so a sparsity weight of 1e37 left a term of 1.77e37, within float, and an infinite gradient on 200 rows.
    /// </summary>
    public static string NonFiniteAdvice(CostBreakdown? cost, ObjectiveSettings objective, int rows)
    {
        static bool Overflows(double term) => !(Math.Abs(term) <= float.MaxValue);
        // The weight is to blame when the penalty it scales is in range and the product is not; weights that
        // blew up (too large a learning rate) or inputs too large overflow the penalty itself (a KL term at
        // rhoHat = 0, ||W||^2 of weights of 1e20). A weight beyond float is to blame alone: the gradient is float.
        static bool WeightOverflows(double term, double weight) => Overflows(term) && weight > 0 && (Overflows(weight) || !Overflows(term / weight));
        if (cost is { } c && SparsityWeightOf(objective) is ({ } name, var weight) && WeightOverflows(c.Sparsity * rows, weight))
            return $"lower {name} (now {weight}): the sparsity term it scales is {c.Sparsity:G4}, beyond float" +
                (Overflows(c.Sparsity) ? "" : $" once summed over the {rows} rows of the float gradient");
        if (cost is { } d && WeightOverflows(d.WeightDecay, objective.WeightDecay))
            return $"lower WeightDecay (now {objective.WeightDecay}): the weight-decay term is {d.WeightDecay:G4}, beyond float";
        // KL(rho || q) is infinite at q = 0 or 1, which a float mean of saturated sigmoids reaches (inputs of 200-255)
        // while the squared error is far within float: the inputs' scale is still the cure, but not for that reason.
        if (cost is { } k && objective is { Activation: ActivationKind.Sigmoid, Penalty: SparsityPenalty.KLDivergence } && !double.IsFinite(k.Sparsity) && double.IsFinite(k.Reconstruction))
            return $"the KL sparsity term is infinite: some hidden unit's mean activation over the {rows} rows rounds to 0 or 1 (its sigmoid saturates " +
                $"on every row), where KL toward SparsityTarget (now {objective.SparsityTarget}) has no finite value; the inputs are too large for the encoder: " +
                InputScaleAdvice(objective.Decoder);
        return InputScaleAdvice(objective.Decoder);
    }

    /// <summary>
    /// The first row (by <paramref name="row"/>, from its index) holding a value whose square passes float, said
    /// with the advice on the inputs; null when there is none. Such a row's squared reconstruction error
    /// overflows float whatever the weights, so when a cost stops being finite it, not the step size or a
    /// penalty, is the cause to name: one row of 1e20s several mini-batches in was blamed on the learning rate.
    /// </summary>
    /// <param name="data">(rows, <paramref name="vectorSize"/>) values, row-major.</param>
    /// <param name="vectorSize">V, the values in a row.</param>
    /// <param name="row">A row's name in the message, from its index in <paramref name="data"/>.</param>
    /// <param name="decoder">The decoder, whose advice on the inputs the message ends with.</param>
    public static string? SquareOverflow(ReadOnlySpan<float> data, int vectorSize, Func<int, string> row, DecoderKind decoder)
    {
        for (int r = 0; r * vectorSize < data.Length; r++)
            if (SquareOverflow(data.Slice(r * vectorSize, vectorSize), r, null, row, decoder) is { } said) return said;
        return null;
    }

    /// <summary><see cref="SquareOverflow(ReadOnlySpan{float}, int, Func{int, string}, DecoderKind)"/> for rows held as their nonzeros.</summary>
    public static string? SquareOverflow(SparseRowBatch rows, Func<int, string> row, DecoderKind decoder)
    {
        for (int r = 0; r < rows.Rows; r++)
            if (SquareOverflow(rows.Values(r), r, rows.Indices(r), row, decoder) is { } said) return said;
        return null;
    }

    // One row's values (with their indices when sparse): |x| > sqrt(float.MaxValue), about 1.84e19, in double.
    private static string? SquareOverflow(ReadOnlySpan<float> values, int r, ReadOnlySpan<int> indices, Func<int, string> row, DecoderKind decoder)
    {
        if (values.IsEmpty) return null;
        int i = TensorPrimitives.IndexOfMaxMagnitude(values);
        double value = values[i];
        if (!(value * value > float.MaxValue)) return null;
        return string.Format(CultureInfo.InvariantCulture,
            "{0} holds {1:G4} at index {2}, whose square passes float's largest value ({3:G4}), so the row's squared reconstruction error overflows: {4}",
            row(r), values[i], indices.IsEmpty ? i : indices[i], float.MaxValue, InputScaleAdvice(decoder));
    }

    /// <summary>The weights of the cost's penalties, named with their values: "SparsityWeight (now 3) or WeightDecay (now 0.0001)".</summary>
    public static string PenaltyWeights(ObjectiveSettings objective)
        => (SparsityWeightOf(objective) is ({ } name, var weight) ? $"{name} (now {weight}) or " : "") + $"WeightDecay (now {objective.WeightDecay})";

    // The option that weights the sparsity term of each activation (TopK has none: its term is AuxK's, unweighted).
    private static (string? Name, double Weight) SparsityWeightOf(ObjectiveSettings o) => o.Activation switch
    {
        ActivationKind.Sigmoid => ("SparsityWeight", o.SparsityWeight),
        ActivationKind.ReLU => ("L1Weight", o.L1Weight),
        ActivationKind.JumpReLU => ("L0Weight", o.L0Weight),
        _ => (null, 0),
    };

    /// <summary>
    /// What to check about the inputs when the cost stops being finite, by decoder: a sigmoid reconstructs
    /// only [0, 1]; a linear decoder's squared error grows with the square of the inputs' scale.
    /// </summary>
    public static string InputScaleAdvice(DecoderKind decoder) => decoder == DecoderKind.Sigmoid
        ? "check that the inputs lie in [0, 1] (a sigmoid decoder reconstructs only that range)"
        : "check the inputs' scale (a linear decoder's squared error grows with it; standardise them to mean 0 and unit variance)";

    /// <summary>What messages call the source: its description (e.g. "column 'Features'"), else "the training data".</summary>
    public static string Named(IRowSource source) => source.Description ?? "the training data";

    /// <summary>
    /// The sample a cap of <paramref name="maximumRows"/> draws from a source of <paramref name="rowCount"/> rows (null: unknown):
    /// null, every row in the source's order, when there is no cap or it is at or above the rows, as ML.NET's maximumNumberOfRows
    /// (the autoencoder's MaximumRows, ZCA's maximumRows and the featurizer's patches hold to this one rule).
    /// </summary>
    public static long? SampleCap(long? maximumRows, long? rowCount)
        => maximumRows is long cap && rowCount is long all && cap >= all ? null : maximumRows;

    /// <summary>A name such as <see cref="Named"/>'s at the start of a sentence.</summary>
    public static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>The one message for a source without rows, naming it (e.g. "column 'Features'").</summary>
    public static ArgumentException NoRows(IRowSource source)
        => new(source.Description is { } d
            ? $"The training data have no rows; {d} needs at least 1."
            : "The training data have no rows; at least 1 is needed.", "input");
}
