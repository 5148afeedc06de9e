namespace SparseAe;

/// <summary>Limits of float32 that options held in double are checked against.</summary>
internal static class FloatLimits
{
    /// <summary>
    /// float's smallest normal value, 2^-126 (about 1.18e-38). A parameter that is applied in float, or
    /// written into an ONNX graph as float32, loses its precision below it and becomes 0 below 1.4e-45.
    /// </summary>
    public const double SmallestNormal = 1.1754943508222875E-38;
}
