namespace SparseAe.Mat.Tests;

/// <summary>
/// The fuzzer's rules for the MAT reader (tools/SparseAe.Fuzz), as a test: the variables or an
/// InvalidDataException, and no more than 4 x the input + 64 MiB allocated by this thread.
/// </summary>
internal static class ReaderLimits
{
    public static long AllocationLimit(int inputLength) => 4L * inputLength + (64L << 20);

    /// <summary>
    /// Reads <paramref name="input"/>, applies <paramref name="use"/> to each numeric variable (by default its
    /// element count against its statistics, which copies nothing), asserts both rules with
    /// <paramref name="label"/> in the message, and returns the exception, or null when the file read.
    /// </summary>
    public static Exception? AssertReadOrRefusedWithinLimit(byte[] input, string label, Action<MatVariable>? use = null)
    {
        use ??= v => Assert.Equal(v.ElementCount, v.GetStatistics().Count);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Record.Exception(() =>
        {
            foreach (var variable in MatFile.Read(new MemoryStream(input)).Variables.Where(v => v.IsNumeric))
                use(variable);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= AllocationLimit(input.Length), $"{label}: {allocated} bytes allocated for a {input.Length}-byte file");
        Assert.True(error is null or InvalidDataException, $"{label}: {error?.GetType().Name}: {error?.Message}");
        return error;
    }
}
