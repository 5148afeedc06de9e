using System.Runtime.InteropServices;
using SparseAe.Kernels;
using SparseAe.Kernels.Simd;

namespace SparseAe.Optimization;

/// <summary>
/// Adam (Kingma and Ba, 2015, algorithm 1):
/// m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
/// theta -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps).
/// The bias corrections are folded into the step size (the paper's "more efficient" ordering).
/// </summary>
internal sealed class Adam
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
    public void Step(Span<float> theta, ReadOnlySpan<float> gradient)
    {
        if (theta.Length != _m.Length || gradient.Length != _m.Length)
            throw new ArgumentException($"theta and gradient must hold {_m.Length} values, but hold {theta.Length} and {gradient.Length}.");
        _t++;
        float stepSize = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, _t)) / (1 - Math.Pow(Beta1, _t)));
        var loop = new StepLoop(theta, gradient, _m, _v, (float)Beta1, (float)Beta2, (float)Epsilon, stepSize);
        VectorLoop.Run(ref loop);
    }

    private readonly ref struct StepLoop(Span<float> theta, ReadOnlySpan<float> gradient, float[] m, float[] v,
        float beta1, float beta2, float epsilon, float stepSize) : IVectorLoop
    {
        private readonly Span<float> _theta = theta;
        private readonly ReadOnlySpan<float> _gradient = gradient;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float rt = ref MemoryMarshal.GetReference(_theta);
            ref float rg = ref MemoryMarshal.GetReference(_gradient);
            ref float rm = ref MemoryMarshal.GetArrayDataReference(m);
            ref float rv = ref MemoryMarshal.GetArrayDataReference(v);
            TV b1 = TO.Splat(beta1), b1c = TO.Splat(1 - beta1), b2 = TO.Splat(beta2), b2c = TO.Splat(1 - beta2);
            TV eps = TO.Splat(epsilon), step = TO.Splat(stepSize);
            nint i = start, w = TO.Count;
            for (; i + w <= _theta.Length; i += w)
            {
                TV g = TO.Load(ref rg, i);
                TV mi = TO.MultiplyAdd(b1, TO.Load(ref rm, i), TO.Multiply(b1c, g));
                TV vi = TO.MultiplyAdd(b2, TO.Load(ref rv, i), TO.Multiply(b2c, TO.Multiply(g, g)));
                TO.Store(mi, ref rm, i);
                TO.Store(vi, ref rv, i);
                TV update = TO.Divide(TO.Multiply(step, mi), TO.Add(TO.Sqrt(vi), eps));
                TO.Store(TO.Subtract(TO.Load(ref rt, i), update), ref rt, i);
            }
            return i;
        }
    }
}
