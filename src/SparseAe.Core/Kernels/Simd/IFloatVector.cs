namespace SparseAe.Kernels.Simd;

/// <summary>
/// What the kernels need from a vector of floats, implemented for each hardware width
/// (<see cref="Float512"/>, <see cref="Float256"/>, <see cref="Float128"/>) and for one plain float
/// (<see cref="Float1"/>), so that each kernel is written once, as a generic method over the vector
/// type, and runs at every width the CPU has (dispatch: <see cref="SimdWidths"/>).
/// </summary>
/// <remarks>
/// The JIT compiles a generic method once for each struct type argument and inlines these static
/// members into it, so the generic source becomes the loop one would write by hand for that width
/// (checked in the disassembly of the GEMM tile: the same instructions as the hand-written Vector256
/// loop it replaced). Only cross-platform <c>Vector128/256/512</c> APIs are used, so on ARM64 the
/// 128-bit members compile to NEON; the one x86 intrinsic, AVX's broadcast from memory in
/// <see cref="Float128"/>'s <c>SplatFrom</c>, has <c>Vector128.Create</c> as its portable twin.
/// <para>
/// Rounding is the same at every width: <see cref="MultiplyAdd"/> is fused wherever the CPU has FMA
/// (x86 from AVX2 on, every ARM64) and rounded twice where it has not, for vectors and for the plain
/// float alike, so a kernel gives the same element-wise results whichever widths serve it on one CPU.
/// </para>
/// </remarks>
internal interface IFloatVector<TV> where TV : struct
{
    /// <summary>Floats in one vector.</summary>
    static abstract int Count { get; }

    static abstract TV Splat(float value);

    /// <summary>
    /// The float at <paramref name="source"/> in every lane, read from memory. A pointer, because x86's
    /// broadcast from memory (AVX's <c>vbroadcastss</c>) is only offered that way: the caller keeps the
    /// memory pinned while it runs.
    /// </summary>
    static abstract unsafe TV SplatFrom(float* source);

    static abstract TV Load(ref float source, nint offset);

    static abstract void Store(TV value, ref float destination, nint offset);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    static abstract TV Divide(TV a, TV b);

    /// <summary>a * b + c: fused where the CPU has FMA, else a product and a sum (MultiplyAddEstimate).</summary>
    static abstract TV MultiplyAdd(TV a, TV b, TV c);

    /// <summary>IEEE 754 maximum (NaN propagates).</summary>
    static abstract TV Max(TV a, TV b);

    static abstract TV Sqrt(TV a);

    /// <summary>value where mask &gt; 0, else 0, lane by lane (NaN in mask gives 0).</summary>
    static abstract TV KeepWherePositive(TV mask, TV value);

    /// <summary>x limited to [lo, hi] by comparisons (NaN stays NaN).</summary>
    static abstract TV Clamp(TV x, TV lo, TV hi);

    /// <summary>
    /// 2^n for k = n + 1.5 * 2^23, n integral in [-126, 127]: n sits in the low mantissa bits of k,
    /// so (bits(k) &lt;&lt; 23) + bits(1f) are the bits of 2^n.
    /// </summary>
    static abstract TV Pow2OfShifted(TV k);

    /// <summary>Whether every lane is finite (no NaN, no infinity).</summary>
    static abstract bool AllFinite(TV v);

    /// <summary>The sum of the lanes (the order of the additions depends on the width).</summary>
    static abstract float Sum(TV v);
}
