using System.Numerics;
using System.Runtime.InteropServices;

namespace SparseAe.Mat;

/// <summary>Minimum, maximum and sum of all elements of a numeric variable.</summary>
/// <remarks>
/// A NaN element makes <see cref="Minimum"/>, <see cref="Maximum"/> and <see cref="Sum"/> all NaN.
/// (MATLAB's <c>sum</c> does the same, its <c>min</c> and <c>max</c> skip NaNs; one rule for all
/// three keeps a NaN in the data from going unnoticed.)
/// An empty array has Minimum and Maximum NaN and Sum 0. An infinite element, or a sum beyond double's
/// range, makes Sum +-Infinity (NaN when both infinities occur).
/// For an integer class (int8 to uint64, char, logical) the three are also given exactly, in
/// <see cref="ExactMinimum"/>, <see cref="ExactMaximum"/> and <see cref="ExactSum"/>: a double holds every
/// integer up to 2^53 only, so an int64 or uint64 element or sum beyond it is rounded in the other three.
/// </remarks>
public readonly record struct MatStatistics(double Minimum, double Maximum, double Sum, long Count)
{
    /// <summary>The exact minimum of an integer class's elements; null for double, single or an empty array.</summary>
    public Int128? ExactMinimum { get; init; }

    /// <summary>The exact maximum of an integer class's elements; null for double, single or an empty array.</summary>
    public Int128? ExactMaximum { get; init; }

    /// <summary>The exact sum of an integer class's elements (0 for an empty array); null for double and single.</summary>
    public Int128? ExactSum { get; init; }

    internal static MatStatistics Compute(Array values) => DenseArrayConversion.ClassOf(values) switch
    {
        MatClass.Double => Compute((double[])values),
        MatClass.Single => Compute((float[])values),
        MatClass.Int8 => ComputeIntegers((sbyte[])values),
        MatClass.UInt8 => ComputeIntegers((byte[])values),
        MatClass.Int16 => ComputeIntegers((short[])values),
        MatClass.UInt16 => ComputeIntegers((ushort[])values),
        MatClass.Int32 => ComputeIntegers((int[])values),
        MatClass.UInt32 => ComputeIntegers((uint[])values),
        MatClass.Int64 => ComputeIntegers((long[])values),
        MatClass.UInt64 => ComputeIntegers((ulong[])values),
        MatClass.Char => ComputeIntegers((char[])values),
        MatClass.Logical => ComputeIntegers<byte>(MemoryMarshal.Cast<bool, byte>((bool[])values)),   // bool's bytes are 0 and 1
        _ => throw new ArgumentException($"No statistics for element type {values.GetType().GetElementType()}.", nameof(values)),
    };

    // Integers are summed exactly: Int128 holds the sum of 2^64 uint64 maxima, more elements than an array has.
    // The double figures are the exact ones rounded once (a double sum of the elements would round each
    // int64 beyond 2^53 before adding).
    private static MatStatistics ComputeIntegers<T>(ReadOnlySpan<T> values) where T : IBinaryInteger<T>
    {
        if (values.Length == 0)
            return new MatStatistics(double.NaN, double.NaN, 0.0, 0) { ExactSum = 0 };
        Int128 min = Int128.MaxValue, max = Int128.MinValue, sum = 0;
        foreach (T item in values)
        {
            var v = Int128.CreateChecked(item);
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
        }
        return new MatStatistics((double)min, (double)max, (double)sum, values.Length) { ExactMinimum = min, ExactMaximum = max, ExactSum = sum };
    }

    private static MatStatistics Compute<T>(ReadOnlySpan<T> values) where T : INumberBase<T>
    {
        if (values.Length == 0)
            return new MatStatistics(double.NaN, double.NaN, 0.0, 0);

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        // Neumaier-compensated sum: other tools (NumPy's pairwise sum, MATLAB's blocked sum) add in
        // other orders, and compensation keeps us within rounding of the exact sum rather than
        // drifting by O(n) ulps, so results can be compared with a tight tolerance.
        double sum = 0.0, compensation = 0.0;
        bool sawNaN = false;
        foreach (T item in values)
        {
            double v = double.CreateTruncating(item);
            if (double.IsNaN(v)) { sawNaN = true; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            double t = sum + v;
            // Past an infinity (an element, or a sum beyond double's range) the error terms would be
            // inf - inf = NaN; the sum is then +-Infinity (NaN if both signs occur), as IEEE adds.
            if (double.IsFinite(t)) compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return sawNaN
            ? new MatStatistics(double.NaN, double.NaN, double.NaN, values.Length)
            : new MatStatistics(min, max, sum + compensation, values.Length);
    }
}
