namespace SparseAe.Training;

/// <summary>Reading a row source whole, for the trainers and transforms that hold every row (L-BFGS, ZCA, the featurizer).</summary>
internal static class RowReading
{
    /// <summary>
    /// Every row in one array (rows, V) row-major, or, when the source has more than
    /// <paramref name="maxRows"/> rows and a <paramref name="sampler"/> is given, a uniform random
    /// sample of <paramref name="maxRows"/> of them in one pass (reservoir sampling: Vitter 1985,
    /// "Random sampling with a reservoir", Algorithm R). Without a sampler, more than
    /// <paramref name="maxRows"/> rows throw <paramref name="tooMany"/>. Throws <see cref="NoRows"/>
    /// when there are none. <paramref name="checkAlive"/> runs every 4,096 rows (cancellation).
    /// </summary>
    /// <returns>The rows kept, how many, and how many the source had.</returns>
    public static (float[] Data, int Rows, long Seen) ReadAll(IRowSource source, long maxRows, Random? sampler, Func<Exception> tooMany, Action? checkAlive)
    {
        int v = source.VectorSize;
        maxRows = Math.Min(maxRows, Array.MaxLength / v);
        const int rowsPerChunk = 4096;
        var chunks = new List<float[]>();
        var row = new float[v];
        long seen = 0;
        using (var reader = source.OpenPass(0))
        {
            while (true)
            {
                if (seen < maxRows)
                {
                    int inChunk = (int)(seen % rowsPerChunk);
                    if (inChunk == 0) { checkAlive?.Invoke(); chunks.Add(new float[rowsPerChunk * v]); }
                    if (!reader.TryReadRow(chunks[^1].AsSpan(inChunk * v, v))) break;
                }
                else
                {
                    if (!reader.TryReadRow(row)) break;
                    if (sampler is null) throw tooMany();
                    if (seen % rowsPerChunk == 0) checkAlive?.Invoke();
                    long j = sampler.NextInt64(seen + 1);   // row `seen` replaces a kept one with probability maxRows / (seen + 1)
                    if (j < maxRows) row.CopyTo(chunks[(int)(j / rowsPerChunk)].AsSpan((int)(j % rowsPerChunk) * v, v));
                }
                seen++;
            }
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
