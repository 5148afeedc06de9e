namespace SparseAe.Data.Patches;

/// <summary>
/// MATLAB's <c>std(x(:))</c> (sample deviation, n - 1) accumulated patch by patch in double, so a stream
/// of patches needs O(1) memory. The naive sum/sum-of-squares form is safe here: the values have had
/// their patch means removed, so their overall mean is near 0 and there is no cancellation to fear.
/// </summary>
internal struct DeviationAccumulator
{
    private double _sum, _sumSquares;
    private long _n;

    public void Add(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            _sum += v;
            _sumSquares += (double)v * v;
        }
        _n += values.Length;
    }

    /// <summary>sqrt((sum x^2 - (sum x)^2 / n) / (n - 1)); 0 for fewer than two values.</summary>
    public readonly double StandardDeviation =>
        _n < 2 ? 0 : Math.Sqrt(Math.Max(0, (_sumSquares - _sum * _sum / _n) / (_n - 1)));
}
