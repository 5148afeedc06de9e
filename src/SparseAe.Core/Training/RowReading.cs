using SparseAe.Objective;

namespace SparseAe.Training;

/// <summary>Reading a row source whole, for the trainers and transforms that hold every row (L-BFGS, ZCA, the featurizer).</summary>
internal static class RowReading
{
    /// <summary>
    /// Every row in one array (rows, V) row-major, or, when the source has more than
    /// <paramref name="maxRows"/> rows and a <paramref name="sampler"/> is given, a uniform random
    /// sample of <paramref name="maxRows"/> of them in one pass (<see cref="SlotFor"/>). Without a
    /// sampler, more than <paramref name="maxRows"/> rows throw <paramref name="tooMany"/>. Throws
    /// <see cref="NoRows"/> when there are none. <paramref name="checkAlive"/> runs every 4,096 rows (cancellation).
    /// </summary>
    /// <returns>The rows kept, how many, and how many the source had.</returns>
    public static (float[] Data, int Rows, long Seen) ReadAll(IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive)
    {
        using var reader = source.OpenPass(0);
        return ReadAll(reader, source, maxRows, sampler, tooMany, checkAlive);
    }

    /// <summary><see cref="ReadAll(IRowSource, long, Random?, Func{Exception}, Action?)"/> from a pass already open on <paramref name="source"/>.</summary>
    public static (float[] Data, int Rows, long Seen) ReadAll(IRowReader reader, IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive)
    {
        int v = source.VectorSize;
        maxRows = Math.Min(maxRows, Array.MaxLength / v);
        var chunks = new List<float[]>();
        var row = new float[v];
        long seen = 0;
        while (true)
        {
            if (seen % RowsPerChunk == 0) checkAlive?.Invoke();
            if (seen < maxRows)
            {
                int inChunk = (int)(seen % RowsPerChunk);
                if (inChunk == 0) chunks.Add(new float[RowsPerChunk * v]);
                if (!reader.TryReadRow(chunks[^1].AsSpan(inChunk * v, v))) break;
            }
            else
            {
                if (!reader.TryReadRow(row)) break;
                long j = SlotFor(seen, maxRows, sampler, tooMany);
                if (j >= 0) row.CopyTo(chunks[(int)(j / RowsPerChunk)].AsSpan((int)(j % RowsPerChunk) * v, v));
            }
            seen++;
        }
        if (seen == 0) throw NoRows(source);
        long kept = Math.Min(seen, maxRows);
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
    /// <see cref="ReadAll(IRowReader, IRowSource, long, Random?, Func{Exception}, Action?)"/> for a pass whose
    /// rows are sparse (<see cref="IRowReader.RowsAreSparse"/>): the rows kept as their nonzeros, in one CSR
    /// batch, the same rows (the same random draws) as the dense read keeps. Each row's values are checked
    /// finite by the batch (naming the kept row).
    /// </summary>
    public static (SparseRowBatch Rows, long Seen) ReadAllSparse(IRowReader reader, IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive)
    {
        int v = source.VectorSize;
        maxRows = Math.Min(maxRows, Array.MaxLength / v);   // the dense read's limit: the same rows kept, and every nonzero fits one array
        var keptIndices = new List<int[]>();
        var keptValues = new List<float[]>();
        var indices = new int[v];
        var values = new float[v];
        long seen = 0;
        while (true)
        {
            if (seen % RowsPerChunk == 0) checkAlive?.Invoke();
            if (!reader.TryReadSparseRow(indices, values, out int count)) break;
            long j = seen < maxRows ? seen : SlotFor(seen, maxRows, sampler, tooMany);
            if (j == keptIndices.Count)
            {
                keptIndices.Add(indices[..count]);
                keptValues.Add(values[..count]);
            }
            else if (j >= 0)
            {
                keptIndices[(int)j] = indices[..count];
                keptValues[(int)j] = values[..count];
            }
            seen++;
        }
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
        return (new SparseRowBatch(v, rows, rowStarts, allIndices, allValues), seen);
    }

    private const int RowsPerChunk = 4096;

    /// <summary>
    /// Where row <paramref name="seen"/> (0-based, at least <paramref name="maxRows"/>) goes once
    /// <paramref name="maxRows"/> rows are kept: with a sampler, the slot of a kept row it replaces with
    /// probability maxRows / (seen + 1), else -1 (reservoir sampling: Vitter 1985, "Random sampling with a
    /// reservoir", Algorithm R: a uniform sample of every row in one pass); without one it throws
    /// <paramref name="tooMany"/>. One random draw a row, so a dense and a sparse read keep the same rows.
    /// </summary>
    private static long SlotFor(long seen, long maxRows, Random? sampler, Func<Exception> tooMany)
    {
        if (sampler is null) throw tooMany();
        long j = sampler.NextInt64(seen + 1);
        return j < maxRows ? j : -1;
    }

    /// <summary>The one rule for training values: every one finite. Throws naming the row and the index.</summary>
    public static void ThrowIfNonFinite(ReadOnlySpan<float> data, int vectorSize, string paramName)
    {
        int bad = Kernels.VectorKernels.IndexOfNonFinite(data);
        if (bad >= 0)
            throw new ArgumentException($"Training row {bad / vectorSize} holds {data[bad]} at index {bad % vectorSize}; every value must be finite.", paramName);
    }

    /// <summary>The one message for a source without rows, naming it (e.g. "column 'Features'").</summary>
    public static ArgumentException NoRows(IRowSource source)
        => new(source.Description is { } d
            ? $"The training data have no rows; {d} needs at least 1."
            : "The training data have no rows; at least 1 is needed.", "input");
}
