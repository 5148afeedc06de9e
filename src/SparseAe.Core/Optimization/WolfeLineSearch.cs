namespace SparseAe.Optimization;

/// <summary>
/// Line search for the strong Wolfe conditions with cubic interpolation
/// (Nocedal and Wright, Numerical Optimization, 2nd ed., algorithms 3.5 and 3.6, eq. 3.59),
/// the same scheme as minFunc's default. A trial point whose value is NaN or infinite is treated as
/// "too far": the step is shrunk instead of failing, which keeps saturated sigmoids from ending a run.
/// </summary>
internal sealed class WolfeLineSearch(DifferentiableFunction f, int n, int maxEvaluations)
{
    private const double C1 = 1e-4, C2 = 0.9;
    private readonly double[] _xTrial = new double[n], _gTrial = new double[n];
    private readonly double[] _xLo = new double[n], _gLo = new double[n];

    /// <summary>Evaluations made by the last search.</summary>
    public int Evaluations { get; private set; }

    /// <summary>Index (counted by the caller's evaluation counter) of the accepted point's evaluation.</summary>
    public int AcceptedEvaluation { get; private set; }

    /// <summary>
    /// Searches from x (value f0, gradient g0) along d with initial step t0. On success writes the new
    /// point into x and its gradient into g and returns (true, t, f). On failure returns the best point
    /// with sufficient decrease if one was seen, else (false, 0, f0) with x and g unchanged.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public (bool Moved, double Step, double Value) Search(double[] x, double f0, double[] g0, double[] d, double t0,
        int firstEvaluationIndex, CancellationToken ct)
    {
        Evaluations = 0;
        double dphi0 = Dot(g0, d);
        double aPrev = 0, fPrev = f0, dPrev = dphi0;
        double a = t0;
        bool haveLo = false;
        double aLoBest = 0, fLoBest = f0;
        int loEval = -1;

        while (Evaluations < maxEvaluations)
        {
            double fa = Eval(x, d, a, ct, out double dphia);
            int thisEval = firstEvaluationIndex + Evaluations - 1;
            if (!double.IsFinite(fa) || !double.IsFinite(dphia))
            {
                a = aPrev + 0.5 * (a - aPrev);   // too far: shrink toward the last good step
                continue;
            }
            if (fa > f0 + C1 * a * dphi0 || (aPrev > 0 && fa >= fPrev))
                return Zoom(x, f0, g0, d, dphi0, aPrev, fPrev, dPrev, a, fa, dphia, firstEvaluationIndex, ct,
                    haveLo, aLoBest, fLoBest, loEval);
            if (Math.Abs(dphia) <= -C2 * dphi0) return Accept(x, g0, a, fa, thisEval, fromTrial: true);
            // Sufficient decrease holds here: remember it as a fallback.
            Array.Copy(_xTrial, _xLo, n); Array.Copy(_gTrial, _gLo, n);
            haveLo = true; aLoBest = a; fLoBest = fa; loEval = thisEval;
            if (dphia >= 0)
                return Zoom(x, f0, g0, d, dphi0, a, fa, dphia, aPrev, fPrev, dPrev, firstEvaluationIndex, ct,
                    haveLo, aLoBest, fLoBest, loEval);
            double next = Cubic(aPrev, fPrev, dPrev, a, fa, dphia);
            double lo = a + 0.01 * (a - aPrev), hi = 10 * a;
            if (!double.IsFinite(next) || next < lo || next > hi) next = hi;
            aPrev = a; fPrev = fa; dPrev = dphia;
            a = next;
        }
        return haveLo ? AcceptLo(x, g0, aLoBest, fLoBest, loEval) : (false, 0, f0);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (bool, double, double) Zoom(double[] x, double f0, double[] g0, double[] d, double dphi0,
        double aLo, double fLo, double dLo, double aHi, double fHi, double dHi, int firstEval, CancellationToken ct,
        bool haveLo, double aLoBest, double fLoBest, int loEval)
    {
        double dMax = MaxAbs(d);
        while (Evaluations < maxEvaluations)
        {
            double lo = Math.Min(aLo, aHi), hi = Math.Max(aLo, aHi), width = hi - lo;
            if (width * dMax < 1e-12) break;
            double a = Cubic(aLo, fLo, dLo, aHi, fHi, dHi);
            if (!double.IsFinite(a) || a < lo + 0.1 * width || a > hi - 0.1 * width) a = 0.5 * (lo + hi);
            double fa = Eval(x, d, a, ct, out double dphia);
            int thisEval = firstEval + Evaluations - 1;
            if (!double.IsFinite(fa) || !double.IsFinite(dphia) || fa > f0 + C1 * a * dphi0 || fa >= fLo)
            {
                aHi = a; fHi = double.IsFinite(fa) ? fa : double.MaxValue; dHi = double.IsFinite(dphia) ? dphia : 0;
                continue;
            }
            if (Math.Abs(dphia) <= -C2 * dphi0) return Accept(x, g0, a, fa, thisEval, fromTrial: true);
            if (dphia * (aHi - aLo) >= 0) { aHi = aLo; fHi = fLo; dHi = dLo; }
            aLo = a; fLo = fa; dLo = dphia;
            if (!haveLo || fa < fLoBest)
            {
                Array.Copy(_xTrial, _xLo, n); Array.Copy(_gTrial, _gLo, n);
                haveLo = true; aLoBest = a; fLoBest = fa; loEval = thisEval;
            }
        }
        return haveLo ? AcceptLo(x, g0, aLoBest, fLoBest, loEval) : (false, 0, f0);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private double Eval(double[] x, double[] d, double a, CancellationToken ct, out double dphi)
    {
        ct.ThrowIfCancellationRequested();
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<double>(d, a, x, _xTrial);   // x + a d
        double fa = f(_xTrial, _gTrial);
        Evaluations++;
        dphi = Dot(_gTrial, d);
        return fa;
    }

    private (bool, double, double) Accept(double[] x, double[] g, double a, double fa, int evalIndex, bool fromTrial)
    {
        Array.Copy(fromTrial ? _xTrial : _xLo, x, n);
        Array.Copy(fromTrial ? _gTrial : _gLo, g, n);
        AcceptedEvaluation = evalIndex;
        return (true, a, fa);
    }

    private (bool, double, double) AcceptLo(double[] x, double[] g, double a, double fa, int evalIndex)
        => Accept(x, g, a, fa, evalIndex, fromTrial: false);

    // Minimiser of the cubic through (a1, f1, d1) and (a2, f2, d2) (Nocedal and Wright eq. 3.59).
    private static double Cubic(double a1, double f1, double d1, double a2, double f2, double d2)
    {
        double e1 = d1 + d2 - 3 * (f1 - f2) / (a1 - a2);
        double disc = e1 * e1 - d1 * d2;
        if (!(disc >= 0)) return double.NaN;
        double e2 = Math.Sign(a2 - a1) * Math.Sqrt(disc);
        return a2 - (a2 - a1) * (d2 + e2 - e1) / (d2 - d1 + 2 * e2);
    }

    internal static double Dot(double[] a, double[] b) => System.Numerics.Tensors.TensorPrimitives.Dot<double>(a, b);

    internal static double MaxAbs(double[] a) => a.Length == 0 ? 0 : Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude<double>(a));
}
