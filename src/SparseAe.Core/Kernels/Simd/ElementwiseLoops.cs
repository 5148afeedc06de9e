using System.Runtime.InteropServices;

namespace SparseAe.Kernels.Simd;

/// <summary>An element-wise function of one vector, written once over every width.</summary>
internal interface IUnaryOperator
{
    static abstract TV Apply<TO, TV>(TV x) where TO : struct, IFloatVector<TV> where TV : struct;
}

/// <summary>An element-wise function of two vectors, written once over every width.</summary>
internal interface IBinaryOperator
{
    static abstract TV Apply<TO, TV>(TV x, TV y) where TO : struct, IFloatVector<TV> where TV : struct;
}

/// <summary>y[i] = TOp(x[i]); x and y may be the same span.</summary>
internal readonly ref struct UnaryLoop<TOp>(ReadOnlySpan<float> x, Span<float> y) : IVectorLoop where TOp : IUnaryOperator
{
    private readonly ReadOnlySpan<float> _x = x;
    private readonly Span<float> _y = y;

    public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
    {
        ref float rx = ref MemoryMarshal.GetReference(_x);
        ref float ry = ref MemoryMarshal.GetReference(_y);
        nint i = start, w = TO.Count;
        for (; i + w <= _x.Length; i += w)
            TO.Store(TOp.Apply<TO, TV>(TO.Load(ref rx, i)), ref ry, i);
        return i;
    }
}

/// <summary>z[i] = TOp(x[i], y[i]); z may be x or y.</summary>
internal readonly ref struct BinaryLoop<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z) : IVectorLoop where TOp : IBinaryOperator
{
    private readonly ReadOnlySpan<float> _x = x, _y = y;
    private readonly Span<float> _z = z;

    public nint Run<TO, TV>(nint start) where TO : struct, IFloatVector<TV> where TV : struct
    {
        ref float rx = ref MemoryMarshal.GetReference(_x);
        ref float ry = ref MemoryMarshal.GetReference(_y);
        ref float rz = ref MemoryMarshal.GetReference(_z);
        nint i = start, w = TO.Count;
        for (; i + w <= _x.Length; i += w)
            TO.Store(TOp.Apply<TO, TV>(TO.Load(ref rx, i), TO.Load(ref ry, i)), ref rz, i);
        return i;
    }
}
