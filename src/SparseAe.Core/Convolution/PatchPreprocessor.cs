using SparseAe.Whitening;

namespace SparseAe.Convolution;

/// <summary>
/// The per-patch preprocessing a featurizer must repeat exactly as in training: a normalisation
/// (<see cref="PatchNormalizationKind"/>) then, optionally, ZCA whitening. Immutable; thread-safe.
/// </summary>
/// <param name="Normalization">Which normalisation.</param>
/// <param name="Parameter">UFLDL: pstd (3 global standard deviations of the training patches);
/// Contrast: epsilon added to each patch's variance; None: unused (0).</param>
/// <param name="Zca">ZCA whitening fitted on the normalised training patches, or null.</param>
public sealed record PatchPreprocessor(PatchNormalizationKind Normalization, double Parameter, ZcaWhitening? Zca)
{
    /// <summary>No preprocessing.</summary>
    public static PatchPreprocessor Identity { get; } = new(PatchNormalizationKind.None, 0, null);

    /// <summary>
    /// The smallest contrast epsilon: float's smallest normal value. A flat patch is all zeros once centred,
    /// and its scale 1/sqrt(0 + epsilon), in float, is infinite below about 1e-77 (0 x infinity is NaN);
    /// the exported graph holds epsilon as a float32, which is 0 below 1.4e-45.
    /// </summary>
    internal const double MinContrastEpsilon = FloatLimits.SmallestNormal;

    /// <summary>Throws unless the parameter suits the normalisation.</summary>
    public void Validate(int patchLength)
    {
        if (!Enum.IsDefined(Normalization))
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, $"Normalization must be None, Ufldl or Contrast, but is {(int)Normalization}.");
        if (Normalization != PatchNormalizationKind.None && (!(Parameter > 0) || !double.IsFinite(Parameter)))
            throw new ArgumentOutOfRangeException(nameof(Parameter), Parameter, $"The {Normalization} normalisation needs a finite parameter above 0, but has {Parameter}.");
        if (Normalization == PatchNormalizationKind.Contrast && Parameter < MinContrastEpsilon)
            throw new ArgumentOutOfRangeException(nameof(Parameter), Parameter,
                $"The Contrast normalisation needs an epsilon of at least {MinContrastEpsilon:R} (the smallest normal float), but has {Parameter}.");
        if (Zca is not null && Zca.Dimension != patchLength)
            throw new ArgumentException($"The ZCA whitening is for {Zca.Dimension}-vectors but patches have {patchLength} values.", nameof(Zca));
    }

    /// <summary>
    /// Preprocesses <paramref name="rows"/> patches of <paramref name="length"/> values in place.
    /// With ZCA, <paramref name="scratch"/> needs 2 * length values (allocated here when not given);
    /// given rows * length values, all patches are whitened with one matrix product instead. The scratch
    /// must lie apart from the patches.
    /// </summary>
    public void Apply(Span<float> patches, int rows, int length, Span<float> scratch = default)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 0, but is {rows}.");
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, $"length must be at least 1, but is {length}.");
        if (patches.Length < (long)rows * length)
            throw new ArgumentException($"{rows} patches of {length} values need {(long)rows * length} values, but patches holds {patches.Length}.", nameof(patches));
        Validate(length);   // the record's constructor checks nothing
        if (scratch.Overlaps(patches.Slice(0, rows * length)))
            throw new ArgumentException("scratch overlaps the patches; whitened rows are written there while the patches are read.", nameof(scratch));
        if (Zca is not null && scratch.Length >= (long)rows * length && rows > 1)
        {
            Normalize(patches, rows, length);
            var whitened = scratch.Slice(0, rows * length);
            Zca.ApplyBatch(patches, rows, whitened);
            whitened.CopyTo(patches);
            return;
        }
        if (Zca is not null && scratch.Length < 2 * length) scratch = new float[2 * length];
        for (int i = 0; i < rows; i++)
        {
            var p = patches.Slice(i * length, length);
            Normalize(p, 1, length);
            if (Zca is not null)
            {
                var whitened = scratch.Slice(0, length);
                Zca.Apply(p, whitened, scratch.Slice(length, length));
                whitened.CopyTo(p);
            }
        }
    }

    /// <summary>
    /// Whether the contrast normalisation's float sum of this patch's squared deviations passes float's range (pixels
    /// beyond about 1.8e19 / sqrt(length)): it is then infinite, and the patch normalises to 0 whatever the epsilon, as
    /// in the ONNX graph. Summed here in double, from the centred values as <see cref="UfldlNormalization.RemoveMean"/> makes them.
    /// </summary>
    internal static bool SquaresPassFloat(ReadOnlySpan<float> patch)
    {
        double mean = UfldlNormalization.Mean(patch), squares = 0;
        foreach (float v in patch)
        {
            double centred = (float)(v - mean);
            squares += centred * centred;
        }
        return squares > float.MaxValue;
    }

    /// <summary>
    /// The per-patch normalisation of <paramref name="rows"/> patches, in place (no ZCA); returns the largest factor it
    /// multiplied a centred value by (0 for None), which the featurizer's fit needs to tell patches of one pattern
    /// (<see cref="Whitening.SameRows"/>).
    /// </summary>
    internal double Normalize(Span<float> patches, int rows, int length)
    {
        double largestScale = Normalization == PatchNormalizationKind.Ufldl ? UfldlNormalization.Scale(Parameter) : 0;
        for (int i = 0; i < rows; i++)
        {
            var p = patches.Slice(i * length, length);
            switch (Normalization)
            {
                case PatchNormalizationKind.Ufldl:
                    UfldlNormalization.Apply(p, Parameter);   // the command line's function, bit for bit
                    break;
                case PatchNormalizationKind.Contrast:
                {
                    UfldlNormalization.RemoveMean(p);
                    // Sample variance as Coates et al.'s code (MATLAB var); one value has none.
                    double variance = length > 1 ? System.Numerics.Tensors.TensorPrimitives.SumOfSquares(p) / (double)(length - 1) : 0;
                    float scale = (float)(1.0 / Math.Sqrt(variance + Parameter));
                    System.Numerics.Tensors.TensorPrimitives.Multiply(p, scale, p);
                    largestScale = Math.Max(largestScale, scale);
                    break;
                }
            }
        }
        return largestScale;
    }
}
