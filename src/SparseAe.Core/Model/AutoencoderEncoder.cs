using System.Numerics.Tensors;

namespace SparseAe.Model;

/// <summary>
/// Inference with trained parameters: the code h = sigmoid(W1 x + b1) of one row, and its
/// reconstruction error. Holds its own copy of the parameters, so it is immutable and safe to use
/// from many threads at once (callers pass their own buffers).
/// </summary>
public sealed class AutoencoderEncoder
{
    private readonly AutoencoderParameters _p;

    public AutoencoderEncoder(AutoencoderParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _p = parameters.Clone();
    }

    public int VisibleCount => _p.VisibleCount;
    public int HiddenCount => _p.HiddenCount;

    /// <summary>code = sigmoid(W1 x + b1). x has V values, code H.</summary>
    public void Encode(ReadOnlySpan<float> x, Span<float> code)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (x.Length != v) throw new ArgumentException($"The input vector must have {v} values, but has {x.Length}.", nameof(x));
        if (code.Length != h) throw new ArgumentException($"The code vector must have {h} values, but has {code.Length}.", nameof(code));
        ReadOnlySpan<float> w1 = _p.W1, b1 = _p.B1;
        for (int j = 0; j < h; j++) code[j] = TensorPrimitives.Dot(w1.Slice(j * v, v), x) + b1[j];
        TensorPrimitives.Sigmoid(code, code);
    }

    /// <summary>
    /// Mean squared reconstruction error (1/V) ||sigmoid(W2 code + b2) - x||^2 of a row whose code was
    /// computed by <see cref="Encode"/>. <paramref name="scratch"/> needs V values.
    /// </summary>
    public float ReconstructionError(ReadOnlySpan<float> x, ReadOnlySpan<float> code, Span<float> scratch)
    {
        int v = _p.VisibleCount, h = _p.HiddenCount;
        if (x.Length != v || code.Length != h || scratch.Length < v)
            throw new ArgumentException($"Expected x of {v}, code of {h} and scratch of at least {v} values; got {x.Length}, {code.Length}, {scratch.Length}.");
        ReadOnlySpan<float> w2 = _p.W2, b2 = _p.B2;
        var y = scratch.Slice(0, v);
        for (int i = 0; i < v; i++) y[i] = TensorPrimitives.Dot(w2.Slice(i * h, h), code) + b2[i];
        TensorPrimitives.Sigmoid(y, y);
        float distance = TensorPrimitives.Distance(y, x);
        return distance * distance / v;
    }
}
