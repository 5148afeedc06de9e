using System.Numerics;

namespace SparseAe.Optimization;

/// <summary>
/// Adam (Kingma and Ba, 2015, algorithm 1):
/// m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
/// theta -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps).
/// The bias corrections are folded into the step size (the paper's "more efficient" ordering).
/// </summary>
public sealed class Adam
{
    private readonly float[] _m, _v;
    private int _t;

    /// <summary>Creates the optimiser state for n parameters.</summary>
    public Adam(int parameterCount, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (parameterCount < 1) throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, $"parameterCount must be at least 1, but is {parameterCount}.");
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"LearningRate must be finite and greater than 0, but is {learningRate}.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"beta1 must lie in [0, 1), but is {beta1}.");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"beta2 must lie in [0, 1), but is {beta2}.");
        _m = new float[parameterCount];
        _v = new float[parameterCount];
        LearningRate = learningRate; Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    public double LearningRate { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    /// <summary>Steps taken.</summary>
    public int Steps => _t;

    /// <summary>One update of theta in place from its gradient.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Step(Span<float> theta, ReadOnlySpan<float> gradient)
    {
        if (theta.Length != _m.Length || gradient.Length != _m.Length)
            throw new ArgumentException($"theta and gradient must hold {_m.Length} values, but hold {theta.Length} and {gradient.Length}.");
        _t++;
        float b1 = (float)Beta1, b2 = (float)Beta2, eps = (float)Epsilon;
        float stepSize = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, _t)) / (1 - Math.Pow(Beta1, _t)));
        int w = Vector<float>.Count, i = 0;
        var vb1 = new Vector<float>(b1); var vb1c = new Vector<float>(1 - b1);
        var vb2 = new Vector<float>(b2); var vb2c = new Vector<float>(1 - b2);
        var veps = new Vector<float>(eps); var vstep = new Vector<float>(stepSize);
        for (; i + w <= theta.Length; i += w)
        {
            var g = new Vector<float>(gradient.Slice(i));
            var m = vb1 * new Vector<float>(_m, i) + vb1c * g;
            var v = vb2 * new Vector<float>(_v, i) + vb2c * g * g;
            m.CopyTo(_m, i); v.CopyTo(_v, i);
            (new Vector<float>(theta.Slice(i)) - vstep * m / (Vector.SquareRoot(v) + veps)).CopyTo(theta.Slice(i));
        }
        for (; i < theta.Length; i++)
        {
            float g = gradient[i];
            _m[i] = b1 * _m[i] + (1 - b1) * g;
            _v[i] = b2 * _v[i] + (1 - b2) * g * g;
            theta[i] -= stepSize * _m[i] / (MathF.Sqrt(_v[i]) + eps);
        }
    }
}
