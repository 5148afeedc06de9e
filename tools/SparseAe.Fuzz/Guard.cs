using System.Diagnostics;

namespace SparseAe.Fuzz;

/// <summary>Thrown when an input breaks the time or allocation limit: libFuzzer then records it as a crash.</summary>
public sealed class FuzzLimitExceededException(string message) : Exception(message);

/// <summary>Thrown when a reader returned normally but its result breaks an invariant the reader promises.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);

/// <summary>What one run of a target did with an input.</summary>
public readonly record struct Outcome(string Result, TimeSpan Elapsed, long AllocatedBytes, long AllocationLimit);

/// <summary>Runs a target on an input and enforces issue 6's limits.</summary>
/// <remarks>
/// Limits: at most <see cref="TimeLimit"/> of wall-clock time and at most 4 x the input length +
/// <see cref="AllocationSlack"/> bytes allocated by the whole process (GC.GetTotalAllocatedBytes(precise)
/// before and after, so allocations on other threads count too). A run that breaks a limit is run once more
/// and fails only when the second run breaks it as well, so that a GC pause or a busy machine is not
/// reported as a slow input. The allocation count is of managed allocations; a single huge allocation that
/// does not fit under the GC heap hard limit that run-fuzz.sh sets becomes an OutOfMemoryException, which
/// is a crash too.
/// </remarks>
public static class Guard
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(1);
    public const long AllocationSlack = 64L << 20;

    public static long AllocationLimit(int inputLength) => 4L * inputLength + AllocationSlack;

    /// <summary>Runs <paramref name="input"/> through <paramref name="target"/>; throws on anything the target does not expect or on a broken limit.</summary>
    public static Outcome Execute(FuzzTarget target, byte[] input)
    {
        var first = Measure(target, input);
        if (!Breaks(first, input.Length)) return first;

        // Confirm on a second run, after collecting what the first left behind.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var second = Measure(target, input);
        bool slow = first.Elapsed > TimeLimit && second.Elapsed > TimeLimit;
        bool greedy = first.AllocatedBytes > first.AllocationLimit && second.AllocatedBytes > second.AllocationLimit;
        if (!slow && !greedy) return second;

        var broken = new List<string>();
        if (greedy)
            broken.Add($"Allocation limit exceeded: target '{target.Name}' allocated {first.AllocatedBytes} and then {second.AllocatedBytes} bytes " +
                       $"on {English.Article(input.Length)} {input.Length}-byte input (limit 4 x {input.Length} + {AllocationSlack} = {second.AllocationLimit} bytes).");
        if (slow)
            broken.Add($"Time limit exceeded: target '{target.Name}' took {first.Elapsed.TotalMilliseconds:0} ms and then {second.Elapsed.TotalMilliseconds:0} ms " +
                       $"on {English.Article(input.Length)} {input.Length}-byte input (limit {TimeLimit.TotalMilliseconds:0} ms).");
        broken.Add($"Runs: {first.Elapsed.TotalMilliseconds:0} ms / {first.AllocatedBytes} B, then {second.Elapsed.TotalMilliseconds:0} ms / {second.AllocatedBytes} B; result: {second.Result}");
        throw new FuzzLimitExceededException(string.Join(" ", broken));
    }

    private static bool Breaks(Outcome o, int inputLength) =>
        o.Elapsed > TimeLimit || o.AllocatedBytes > AllocationLimit(inputLength);

    private static Outcome Measure(FuzzTarget target, byte[] input)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        string result = target.Run(input);
        var elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return new Outcome(result, elapsed, allocated, AllocationLimit(input.Length));
    }
}
