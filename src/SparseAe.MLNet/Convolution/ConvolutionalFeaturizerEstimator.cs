using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using SparseAe.Convolution;
using SparseAe.MLNet.DataViews;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.Training;
using SparseAe.Whitening;

namespace SparseAe.MLNet;

/// <summary>
/// Learns convolutional features from images: samples random patches from the training images,
/// normalises them (and optionally ZCA-whitens them), trains a sparse autoencoder on them, and
/// returns a transformer that applies the same preprocessing and encoder at every position of an
/// image and pools the maps into one vector (UFLDL's convolution and pooling; Coates et al. 2011).
/// </summary>
public sealed class ConvolutionalFeaturizerEstimator : IEstimator<ConvolutionalFeaturizerTransformer>
{
    private readonly IHost _host;
    private readonly ConvolutionalFeaturizerOptions _options;

    internal ConvolutionalFeaturizerEstimator(IHostEnvironment env, ConvolutionalFeaturizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();   // later changes to the caller's object do not reach this estimator
        _options.Validate();
        _host = env.Register(nameof(ConvolutionalFeaturizerEstimator));
    }

    private string InputName => _options.InputColumnName ?? _options.OutputColumnName;

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return InputColumnRules.WithOutputs(inputSchema, InputName, new OutputShape(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector));
    }

    /// <summary>Reads the images, samples and normalises patches, trains the patch autoencoder and returns the featurizer.</summary>
    public ConvolutionalFeaturizerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        int pixels = o.ImageHeight * o.ImageWidth, length = o.PatchSize * o.PatchSize;
        var column = InputColumnRules.Find(input.Schema, nameof(input), InputName, pixels, ConvolutionalFeaturizerTransformer.PixelsRule(o.ImageHeight, o.ImageWidth));
        ConvolutionalFeaturizerTransformer.CheckImageShape(column, o.ImageHeight, o.ImageWidth, nameof(input));
        // Every use of the featurizer holds an image's codes and features: refused before the images are read and the
        // autoencoder trained, not at the first row transformed.
        ConvolutionalFeaturizer.EnsureMemory(o.Geometry(), o.Autoencoder.HiddenCount, o.FeatureEncoding().FeaturesPerUnit, o.ZcaEpsilon is not null);
        using var channel = _host.Start("Convolutional features");
        // Both cancellation signals, as training checks them: the token stopped only the training, after every image was
        // read and the patches' ZCA fitted, where MLContext.CancelExecution stopped those too.
        void CheckAlive()
        {
            o.Autoencoder.CancellationToken.ThrowIfCancellationRequested();
            HostAccess.CheckAlive(_host);
        }
        // The images are held whole, 4 bytes a pixel, beside the patches sampled from them: checked before they are read
        // when the view says how many, else as they arrive. 300,000 images of 28x28 under a 512 MB heap limit ended in a
        // bare OutOfMemoryException in the read.
        void EnsureMemory(long images, bool readSoFar) => MemoryBudget.Ensure(4L * images * pixels + 4L * o.PatchCount * length,
            $"The convolutional featurizer's fit on {MemoryBudget.Counted(images, $"images of {o.ImageHeight}x{o.ImageWidth}", readSoFar)} " +
            $"(the images in one array, beside {o.PatchCount} patches of {length} values)",
            $"fit on fewer images (a sample: mlContext.Data.TakeRows or ShuffleRows then TakeRows) or lower PatchCount (now {o.PatchCount})");
        long most = Array.MaxLength / pixels;
        // Too many images is a problem of the data, as L-BFGS's too many rows is: an ArgumentException of the input (it was an
        // InvalidOperationException, which says the object was in the wrong state).
        Exception TooMany(string images) => new ArgumentException(
            $"Column '{column.Name}' has {images} images of {pixels} pixels, more than the {most} one array holds; pass a sample of them.", "input");
        long? said = input.GetRowCount();
        if (said is long known)
        {
            // Refused before the memory check, as ZCA and L-BFGS refuse more rows than they hold: 3,000,000 images of 28x28
            // passed a check of their 9.4 GB where the machine had it, and were refused only after 8.6 GB of them were read.
            if (known > most) throw TooMany($"{known}");
            EnsureMemory(known, readSoFar: false);
        }
        var (images, count, _) = RowReading.ReadAll(new DataViewRows(input, column, pixels), long.MaxValue, null,
            () => TooMany($"more than {most}"), CheckAlive, said is null ? kept => EnsureMemory(kept, readSoFar: true) : null);

        int seed = o.Autoencoder.Seed ?? HostAccess.NextSeed(_host);   // one seed for the patches and the training
        var patches = PatchSampling.Sample(images, count, o.ImageHeight, o.ImageWidth, o.PatchSize, o.PatchCount, seed);
        // Messages about the patches (ZCA's, the sigmoid decoder's range warning) are about these, not the images: the user
        // cannot scale them, only choose the options that made them ("The training data holds values in [-2.3, 2.4]; ...
        // scale the inputs" was said of images in [0, 1]).
        string PatchesName(bool withZca)
        {
            string after = string.Join(" and ", new[]
            {
                o.Normalization == PatchNormalizationKind.None ? null : $"Normalization {o.Normalization}",
                withZca && o.ZcaEpsilon is double z ? $"ZcaEpsilon {z.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null,
            }.OfType<string>());
            return $"the sample of {o.PatchCount} patches of column '{column.Name}'{(after.Length == 0 ? "" : $" (after {after})")}";
        }
        ArgumentException Flat(string why) => new($"The sampled patches of column '{column.Name}' are all flat (no variance), {why}; check the images.", "input");
        double parameter, scale;   // scale: the largest factor the normalisation multiplied a centred pixel by
        float largestPixel = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(patches));
        // Pixels too large for a normalisation done in float: the user can only scale the images.
        ArgumentException TooLarge(string what) => new(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The pixels of column '{column.Name}' reach {largestPixel:G3}: {what}; scale the images (to [0, 1], say)."), "input");
        // Both normalisations centre each patch in float: pixels of both signs near float's largest value pass it once
        // centred (UFLDL's pstd was NaN; contrast's patch NaN, infinity times a scale of 0), and the trainer refused rows the user never made.
        // A centred pixel is at most twice the largest, so below half float's largest value no patch need be looked at.
        if (o.Normalization != PatchNormalizationKind.None && largestPixel > float.MaxValue / 2)
            for (int i = 0; i < o.PatchCount; i++)
                if (UfldlNormalization.IndexBeyondFloatOnceCentred(patches.AsSpan(i * length, length), out _) >= 0)
                    throw TooLarge($"{(o.Normalization == PatchNormalizationKind.Ufldl ? "UFLDL" : "contrast")} normalisation removes each patch's mean in float, and at this scale " +
                        $"a centred pixel passes float's largest value ({float.MaxValue:G3}), so the patches cannot be normalised");
        if (o.Normalization == PatchNormalizationKind.Ufldl)
        {
            parameter = UfldlNormalization.Normalize(patches, o.PatchCount, length);   // the pstd that Transform applies again
            if (parameter == 0) throw Flat("so UFLDL normalisation has nothing to scale");
            scale = UfldlNormalization.Scale(parameter);
        }
        else
        {
            parameter = o.Normalization == PatchNormalizationKind.Contrast ? o.ContrastEpsilon : 0;
            // A flat patch (one value) normalises to exact zeros: zeros everywhere trained an autoencoder on nothing, without
            // a word, where UFLDL's refused the same images.
            bool flat = true;
            for (int i = 0; i < o.PatchCount && flat; i++) flat = patches.AsSpan(i * length, length) is var p && p.IndexOfAnyExcept(p[0]) < 0;
            // Pixels whose squares pass float: a patch's squares are summed in float (as the ONNX graph sums them), and
            // past float's range the patch is 0 whatever the epsilon (pixels of 1e20 were blamed on ContrastEpsilon).
            // Seen before the patches are normalised in place; a centred pixel is at most twice the largest, so below
            // that bound no patch need be looked at.
            bool squaresPass = false;
            if (o.Normalization == PatchNormalizationKind.Contrast && 4.0 * largestPixel * largestPixel * length > float.MaxValue)
                for (int i = 0; i < o.PatchCount && !squaresPass; i++) squaresPass = PatchPreprocessor.SquaresPassFloat(patches.AsSpan(i * length, length));
            scale = new PatchPreprocessor(o.Normalization, parameter, null).Normalize(patches, o.PatchCount, length);
            if (o.Normalization == PatchNormalizationKind.Contrast)
            {
                if (flat) throw Flat("so contrast normalisation makes every one zeros");
                // Others too, or subnormal values, when 1/sqrt(variance + epsilon) is below float's normal range: 1e300 was
                // blamed on the images as flat, and 1e80 trained on values of 1e-41 without a word.
                float largest = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(patches));
                if (largest < FloatLimits.SmallestNormal && squaresPass)
                    throw TooLarge("contrast normalisation sums the squares of each patch's centred pixels in float, " +
                        $"and at this scale the sums pass float's largest value ({float.MaxValue:G3}), so every sampled patch would be 0");
                if (largest < FloatLimits.SmallestNormal)
                    throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"ContrastEpsilon {o.ContrastEpsilon} is too large for the sampled patches of column '{column.Name}': contrast normalisation divides each by sqrt(its variance + ContrastEpsilon), " +
                        $"and their largest value is then {largest:G3}, below float's smallest normal value ({FloatLimits.SmallestNormal:G3}), so every patch would be 0 or lose its precision; " +
                        $"use a smaller ContrastEpsilon, in the pixels' units squared (0.01 suits pixels in [0, 1])."), nameof(o.ContrastEpsilon));
            }
        }
        ZcaWhitening? zca = null;
        if (o.ZcaEpsilon is double epsilon)
        {
            // ZCA removes their mean: patches of one vector (images of one grey under no normalisation), or of one pattern
            // once normalised, up to their pixels' rounding (a linear ramp's windows), whitened to 0 or to that rounding
            // (rows within 1e-6 of 0), and the autoencoder trained on it without a word. Refused as train --whiten zca refuses them.
            float rounding = scale == 0 ? 0 : SameRows.NormalisationRounding(largestPixel, scale, patches);
            if (SameRows.Spread(patches, o.PatchCount, length, rounding) is float apart)
                throw new ArgumentException(
                    $"The sampled patches of column '{column.Name}' are all the same vector" +
                    (o.Normalization == PatchNormalizationKind.None ? "" : $" once normalised (Normalization {o.Normalization}){SameRows.UpToRounding(apart, rounding)}") +
                    ", so ZCA, which removes their mean, would whiten every one to 0, leaving the autoencoder nothing to learn; check the images, or set ZcaEpsilon to null (no ZCA).",
                    "input");
            try
            {
                // Named, a singular covariance says which one ("The covariance is singular" left the user to guess), and
                // the advice names the option the user sets ("ZCA needs Epsilon > 0": here it is ZcaEpsilon).
                zca = ZcaWhitening.Fit(patches, o.PatchCount, length, epsilon, CheckAlive, PatchesName(withZca: false), nameof(o.ZcaEpsilon));
            }
            catch (SingularCovarianceException e)
            {
                // After UFLDL's normalisation, why: every patch it does not clip sums to 0.5 P^2, so the images are
                // rarely at fault ("for such data" alone sent the user to them).
                string text = ArgumentMessages.Text(e);
                if (o.Normalization == PatchNormalizationKind.Ufldl)
                    text += $" Normalization Ufldl maps every patch it does not clip to values that sum to 0.5 x {length}, so their covariance is singular " +
                        $"unless clipping breaks that sum; use a ZcaEpsilon {(epsilon == 0 ? "above 0" : "of that size or more")} (UFLDL's is 0.1).";
                throw new ArgumentException(text, nameof(o.ZcaEpsilon), e);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "epsilon")
            {
                // Epsilon's own rule, which says Epsilon.
                throw ArgumentMessages.Renamed(e, "Epsilon", nameof(o.ZcaEpsilon));
            }
            catch (ArgumentException e) when (e.ParamName == "epsilon")
            {
                // Epsilon too small for the patches: its text names ZcaEpsilon already, and the patches' column, which renaming
                // would change were it called 'Epsilon'.
                throw new ArgumentException(ArgumentMessages.Text(e), nameof(o.ZcaEpsilon), e);
            }
            catch (ArgumentException e) when (e.ParamName == "x")
            {
                // The patches cannot be whitened ("or raise ZcaEpsilon to at least ..."): the images are at fault.
                throw new ArgumentException(ArgumentMessages.Text(e), "input", e);
            }
            new PatchPreprocessor(PatchNormalizationKind.None, 0, zca).Apply(patches, o.PatchCount, length);
        }
        HostAccess.Info(channel, $"Sampled {o.PatchCount} {o.PatchSize}x{o.PatchSize} patches from {count} images; training the patch autoencoder.");

        var settings = o.Autoencoder.ToTrainerSettings(seed, CheckAlive, channel);
        var rows = new ArrayRowSource(patches, o.PatchCount, length) { Description = PatchesName(withZca: true) };
        var result = AutoencoderTraining.Run(rows, settings);
        var featurizer = new ConvolutionalFeaturizer(o.Geometry(),
            new PatchPreprocessor(o.Normalization, parameter, zca), result.Parameters, o.Pooling, o.FeatureEncoding());
        TrainingLog.Finished(channel, result.Summary, seed);
        HostAccess.Info(channel, $"{featurizer.FeatureCount} features per image.");
        return new ConvolutionalFeaturizerTransformer(o.OutputColumnName, InputName, featurizer, result.Summary, settings.Objective, o.PatchCount);
    }
}
