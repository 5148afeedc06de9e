using System.Runtime.InteropServices;
using SparseAe.Kernels;
using SparseAe.Kernels.Simd;
using SparseAe.Threading;

namespace SparseAe.Optimization;

/// <summary>
/// Adam (Kingma and Ba, 2015, algorithm 1):
/// m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
/// theta -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps).
/// The bias corrections are folded into the step size (the paper's "more efficient" ordering, just before
/// its section 2.1), so eps is that ordering's eps-hat, added to the uncorrected sqrt(v): in algorithm 1's
/// terms the update is lr m_hat / (sqrt(v_hat) + eps / sqrt(1-b2^t)), eps 31.6 times larger at t = 1 with b2 = 0.999
/// (TensorFlow's Adam takes eps so; PyTorch's adds it to sqrt(v_hat)).
/// </summary>
internal sealed class Adam
{
    private readonly float[] _m, _v;
    private int _t;

    /// <summary>Creates the optimiser state for n parameters.</summary>
    public Adam(int parameterCount, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (parameterCount < 1) throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, $"parameterCount must be at least 1, but is {parameterCount}.");
        CheckLearningRate(learningRate, nameof(learningRate));
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"beta1 must lie in [0, 1), but is {beta1}.");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"beta2 must lie in [0, 1), but is {beta2}.");
        _m = new float[parameterCount];
        _v = new float[parameterCount];
        LearningRate = learningRate; Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    /// <summary>
    /// The learning rate's rule: within float's normal range, since the step lr sqrt(1-b2^t)/(1-b1^t), which
    /// tends to lr, is applied in float (1e39 passed as a finite double and made every weight infinite, and
    /// 1e-300, above 0 as a double, gave steps of 0 in float: the model came back untrained, as EpochsCompleted).
    /// </summary>
    public static void CheckLearningRate(double learningRate, string paramName)
    {
        if (!(learningRate >= MinLearningRate) || learningRate > float.MaxValue)
            throw new ArgumentOutOfRangeException(paramName, learningRate,
                $"LearningRate must be at least {MinLearningRate:R} and at most {float.MaxValue} (the steps are floats), but is {learningRate}.");
    }

    /// <summary>The smallest learning rate: float's smallest normal value.</summary>
    internal const double MinLearningRate = FloatLimits.SmallestNormal;

    public double LearningRate { get; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }

    /// <summary>
    /// A bound on every step Adam takes on a parameter: lr (1 - b1) / sqrt((1 - b2)(1 - b1^2/b2)), about 7.27 lr at the
    /// defaults. Cauchy-Schwarz on m = (1-b1) sum b1^k g_(t-k) against v = (1-b2) sum b2^k g_(t-k)^2 gives
    /// |m| / sqrt(v) at most (1-b1) sqrt(sum_(k&lt;t) r^k / (1-b2)), r = b1^2/b2; the folded bias correction sqrt(1-b2^t)/(1-b1^t)
    /// times that partial sum's root sqrt((1-r^t)/(1-r)) is at most 1/sqrt(1-r), since with x = b1^t, y = b2^t,
    /// (1 - x^2/y)(1 - y) &lt;= (1 - x)^2 is (y - x)^2/y &gt;= 0. And eps only shrinks a step.
    /// Kingma and Ba's lr (1 - b1) / sqrt(1 - b2) (section 2.1) bounds one lone gradient; a gradient growing 11% a step
    /// goes past it. Infinite when b1^2 is at least b2 (the sum has no bound).
    /// </summary>
    public double LargestStep => Beta1 * Beta1 >= Beta2 ? double.PositiveInfinity
        : LearningRate * Math.Max(1, (1 - Beta1) / Math.Sqrt((1 - Beta2) * (1 - Beta1 * Beta1 / Beta2)));

    /// <summary>
    /// How many of theta's nonzero parameters no step of Adam's can change: float subtracts a step under half a
    /// parameter's spacing (about 6e-8 of its size) as 0, at every update alike, so such a parameter never moves. A
    /// LearningRate of 1e-20 left every weight of W1 and W2 at its random start, and the run said EpochsCompleted.
    /// </summary>
    public (long Nonzero, long Unmovable) CountUnmovable(ReadOnlySpan<float> theta)
    {
        float step = (float)LargestStep;
        long nonzero = 0, unmovable = 0;
        foreach (float t in theta)
        {
            if (t == 0) continue;
            nonzero++;
            if (t - step == t && t + step == t) unmovable++;
        }
        return (nonzero, unmovable);
    }

    /// <summary>The most steps Adam counts.</summary>
    internal const int MaxSteps = int.MaxValue;

    /// <summary>
    /// The steps of <paramref name="epochs"/> passes over <paramref name="rows"/> rows in mini-batches of
    /// <paramref name="batchRows"/>, a short last batch counted: ceil(rows / batchRows) steps an epoch, times the epochs, in Int128 (a long
    /// overflows at 2^63 rows an epoch). Over <see cref="MaxSteps"/> the run is refused before it starts.
    /// </summary>
    internal static Int128 StepsFor(long rows, int batchRows, int epochs) => ((Int128)rows + batchRows - 1) / batchRows * epochs;

    /// <summary>Steps taken (set only to resume a count, as the tests do to reach its end).</summary>
    public int Steps { get => _t; init => _t = value; }

    /// <summary>
    /// Whether the last step made a second moment v infinite: a gradient past sqrt(float.MaxValue), about 1.84e19,
    /// squares beyond float, and v stays infinite for good (b2 v), so m / sqrt(v) stops that parameter. Found by the
    /// step's own loop, which has v in a register: a pass of its own read v once more on every mini-batch.
    /// </summary>
    public bool MomentOverflowed { get; private set; }

    /// <summary>The first parameter whose second moment v is infinite, or -1 (to name it, once <see cref="MomentOverflowed"/>).</summary>
    public int IndexOfInfiniteMoment(WorkerPool? pool) => VectorKernels.IndexOfNonFinite(_v, pool);

    /// <summary>One update of theta in place from its gradient.</summary>
    public void Step(Span<float> theta, ReadOnlySpan<float> gradient)
    {
        float stepSize = NextStep(theta.Length, gradient.Length);
        MomentOverflowed = Update(theta, gradient, 0, stepSize);
    }

    /// <summary>
    /// <see cref="Step(Span{float}, ReadOnlySpan{float})"/> with the elements split between the pool's
    /// threads when theta is long (<see cref="ParallelRanges"/>): the same result, bit for bit.
    /// </summary>
    public void Step(float[] theta, float[] gradient, WorkerPool? pool)
    {
        float stepSize = NextStep(theta.Length, gradient.Length);
        int overflowed = 0;
        ParallelRanges.Run(pool, theta.Length, (start, end) =>
        {
            if (Update(theta.AsSpan(start, end - start), gradient.AsSpan(start, end - start), start, stepSize))
                Volatile.Write(ref overflowed, 1);
        });
        MomentOverflowed = overflowed != 0;
    }

    // Checks the lengths, counts the step and returns its size lr sqrt(1 - b2^t) / (1 - b1^t).
    private float NextStep(int thetaLength, int gradientLength)
    {
        if (thetaLength != _m.Length || gradientLength != _m.Length)
            throw new ArgumentException($"theta and gradient must hold {_m.Length} values, but hold {thetaLength} and {gradientLength}.");
        // t is an int (a model saves it as one); past its end t wrapped negative, b^t became infinite and every weight NaN.
        if (_t == MaxSteps)
            throw new InvalidOperationException($"Adam has taken {MaxSteps} steps, the most it counts (a model saves its step count as an int32); " +
                "train with a larger BatchSize or fewer Epochs.");
        _t++;
        return (float)(LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, _t)) / (1 - Math.Pow(Beta1, _t)));
    }

    // The update of theta's elements [offset, offset + theta.Length); true when it made a second moment infinite.
    private bool Update(Span<float> theta, ReadOnlySpan<float> gradient, int offset, float stepSize)
    {
        var loop = new StepLoop(theta, gradient, _m.AsSpan(offset, theta.Length), _v.AsSpan(offset, theta.Length),
            (float)Beta1, (float)Beta2, (float)Epsilon, stepSize);
        VectorLoop.Run(ref loop);
        return loop.Overflowed;
    }

    private ref struct StepLoop(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> m, Span<float> v,
        float beta1, float beta2, float epsilon, float stepSize) : IVectorLoop
    {
        private readonly Span<float> _theta = theta, _m = m, _v = v;
        private readonly ReadOnlySpan<float> _gradient = gradient;
        public bool Overflowed;

        public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
        {
            ref float rt = ref MemoryMarshal.GetReference(_theta);
            ref float rg = ref MemoryMarshal.GetReference(_gradient);
            ref float rm = ref MemoryMarshal.GetReference(_m);
            ref float rv = ref MemoryMarshal.GetReference(_v);
            TV b1 = TO.Splat(beta1), b1c = TO.Splat(1 - beta1), b2 = TO.Splat(beta2), b2c = TO.Splat(1 - beta2);
            TV eps = TO.Splat(epsilon), step = TO.Splat(stepSize);
            // v is never negative, so the largest is infinite exactly when one is (a NaN gradient is refused before the step).
            TV largestV = TO.Splat(0);
            nint i = start, w = TO.Count;
            for (; i + w <= _theta.Length; i += w)
            {
                TV g = TO.Load(ref rg, i);
                TV mi = TO.MultiplyAdd(b1, TO.Load(ref rm, i), TO.Multiply(b1c, g));
                TV vi = TO.MultiplyAdd(b2, TO.Load(ref rv, i), TO.Multiply(b2c, TO.Multiply(g, g)));
                TO.Store(mi, ref rm, i);
                TO.Store(vi, ref rv, i);
                largestV = TO.Max(largestV, vi);
                TV update = TO.Divide(TO.Multiply(step, mi), TO.Add(TO.Sqrt(vi), eps));
                TO.Store(TO.Subtract(TO.Load(ref rt, i), update), ref rt, i);
            }
            if (!TO.AllFinite(largestV)) Overflowed = true;
            return i;
        }
    }
}
