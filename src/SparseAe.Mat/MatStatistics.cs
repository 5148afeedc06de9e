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
/// </remarks>
public readonly record struct MatStatistics(double Minimum, double Maximum, double Sum, long Count)
{
    internal static MatStatistics Compute(Array values) => DenseArrayConversion.ClassOf(values) switch
    {
        MatClass.Double => Compute((double[])values),
        MatClass.Single => Compute((float[])values),
        MatClass.Int8 => Compute((sbyte[])values),
        MatClass.UInt8 => Compute((byte[])values),
        MatClass.Int16 => Compute((short[])values),
        MatClass.UInt16 => Compute((ushort[])values),
        MatClass.Int32 => Compute((int[])values),
        MatClass.UInt32 => Compute((uint[])values),
        MatClass.Int64 => Compute((long[])values),
        MatClass.UInt64 => Compute((ulong[])values),
        MatClass.Char => Compute((char[])values),
        MatClass.Logical => Compute<byte>(MemoryMarshal.Cast<bool, byte>((bool[])values)),   // bool's bytes are 0 and 1
        _ => throw new ArgumentException($"No statistics for element type {values.GetType().GetElementType()}.", nameof(values)),
    };

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
