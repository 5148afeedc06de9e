using System.Globalization;
using SparseAe.Cli.Infrastructure;
using SparseAe.Data.Csv;
using SparseAe.Data.Idx;
using SparseAe.Data.Images;
using SparseAe.Data.Patches;
using SparseAe.Mat;
using SparseAe.Visualization;
using SparseAe.Whitening;

namespace SparseAe.Cli.Experiment;

/// <summary>
/// Turns a data source into training rows, as the seed experiment did: images (embedded photographs,
/// --images, a MAT array, IDX) are optionally whitened whole, sampled into random patches and
/// normalised; CSV rows are used as they are.
/// </summary>
/// <remarks>
/// Defaults by source. Photographs (embedded, --images): halved (2 x 2 box, see
/// <see cref="ImageResampling"/> for why), then Olshausen-whitened. --mat (an IMAGES.mat is already
/// whitened) and --idx: used as they are. Normalisation: UFLDL's for image patches, none for CSV.
/// </remarks>
internal static class TrainingData
{
    public static PreparedData Prepare(DataOptions o, Action<string> log)
    {
        var prepared = PrepareRows(o, log);
        if (prepared.UseZca)
        {
            // The ZCA estimator refuses wider rows naming its input column, 'Features', which the user never named.
            if (prepared.Dimension > ZcaWhitening.MaxDimension)
                throw new UsageException($"--whiten zca: {(o.Csv is null ? $"--patch {o.PatchSize} makes patches of" : $"the rows of --csv '{o.Csv}' hold")} " +
                    $"{prepared.Dimension} values; {ZcaWhitening.TooWide(prepared.Dimension)}");
            if (o.Csv is null) RequireRowsThatVary(prepared, "sampled patch", "sampled patches", "");
            else RequireRowsThatVary(prepared, "row", "rows", OfCsv(o));
        }
        return prepared;
    }

    /// <summary>
    /// The rows --whiten zca whitens, as ZCA's refusals of them say them: "the 50 rows of --csv 'rows.csv'", "the 400 sampled
    /// patches" (the estimator's own name for them is its input column, 'Features', which the user never named).
    /// </summary>
    internal static string ZcaRowsName(DataOptions o, int count) => o.Csv is null ? $"the {count} sampled patches" : $"the {count} rows{OfCsv(o)}";

    private static string OfCsv(DataOptions o) => $" of --csv '{o.Csv}'";

    // ZCA removes the rows' mean: when every row is the same (a CSV of one row or of copies, constant images under
    // --normalize none) every whitened row is 0, and the run trained on zeros without a word. Refused as
    // RequireVariation refuses flat patches under a normalisation, for the same reason. Normalised patches of one pattern
    // (a ramp's) differ by the rounding of their pixels (p.Rounding), which ZCA whitened to rows within 1e-6 of 0.
    private static void RequireRowsThatVary(PreparedData p, string row, string rows, string of)
    {
        if (SameRows.Spread(p.Rows, p.Count, p.Dimension, p.Rounding) is not float apart) return;
        string same = p.Count == 1 ? $"the one {row}{of} is its own mean"
            : $"all {p.Count} {rows}{of} are the same vector{(apart == 0 ? "" : " once normalised" + SameRows.UpToRounding(apart, p.Rounding))}";
        throw new UsageException($"--whiten zca: {same}, so ZCA, which removes the mean, would make every row 0, leaving nothing to learn; give data that varies, or --whiten none.");
    }

    private static PreparedData PrepareRows(DataOptions o, Action<string> log)
    {
        int sources = (o.Mat is null ? 0 : 1) + (o.Images.Length > 0 ? 1 : 0) + (o.Idx is null ? 0 : 1) + (o.Csv is null ? 0 : 1);
        if (sources > 1)
            throw new UsageException($"Give at most one data source (--mat, --images, --idx, --csv), but {sources} were given.");
        if (o.PatchSize < 1) throw new UsageException($"--patch must be at least 1, but is {o.PatchSize}.");
        if (o.PatchCount < 1) throw new UsageException($"--patches must be at least 1, but is {o.PatchCount}.");

        if (o.Csv is not null) return FromCsv(o);

        IReadOnlyList<GreyImage> images;
        bool photographs = o.Mat is null && o.Idx is null;
        string what;
        if (o.Mat is not null) { images = FromMat(o.Mat, o.Variable); what = $"{o.Mat}:{o.Variable}"; }
        else if (o.Idx is not null) { images = FromIdx(o.Idx); what = o.Idx; }
        else if (o.Images.Length > 0) { images = o.Images.Select(Decode).ToArray(); what = $"{images.Count} image file(s)"; }
        else { images = EmbeddedImages.LoadAll(); what = $"the {images.Count} embedded photographs"; }
        var whitenDefault = photographs ? WhitenMode.Olshausen : WhitenMode.None;

        int downsample = o.Downsample ?? (photographs ? Defaults.PhotographDownsample : 1);
        if (downsample < 1) throw new UsageException($"--downsample must be at least 1, but is {downsample}.");
        if (downsample > 1)
        {
            var tooSmall = images.FirstOrDefault(i => i.Width < downsample || i.Height < downsample);
            if (tooSmall is not null)
            {
                // The advice leaves every image room for a patch once reduced (the largest factor that leaves one
                // pixel was refused in turn for the patch), or, where no factor does, names the patch that fits.
                int shortest = images.Min(i => Math.Min(i.Width, i.Height));
                int largestFactor = shortest / o.PatchSize;
                string advice = largestFactor >= 1
                    ? $"give --downsample {largestFactor}{(largestFactor > 1 ? " or less" : "")}."
                    : $"give --downsample 1 and --patch {shortest}{(shortest > 1 ? " or less" : "")}.";
                throw new UsageException($"--downsample {downsample}: image '{tooSmall.Name}' is {tooSmall.Width}x{tooSmall.Height} (width x height), smaller than one {downsample}x{downsample} block; {advice}");
            }
        }
        RequirePatchFits(images, downsample, o.PatchSize);
        var read = images;
        if (downsample > 1)
        {
            log($"reducing {images.Count} image(s) by {downsample} ({downsample}x{downsample} block average)");
            images = images.Select(i => ImageResampling.Downsample(i, downsample)).ToArray();
        }

        var whiten = o.Whiten == WhitenMode.Auto ? whitenDefault : o.Whiten;
        if (whiten == WhitenMode.Olshausen)
        {
            log($"whitening {images.Count} image(s) (Olshausen and Field: f exp(-(f/f0)^4), f0 = 0.4 N)");
            images = images.Select((image, i) => Whiten(image, read[i].Name)).ToArray();
        }
        int dim = o.PatchSize * o.PatchSize;
        var rows = SamplePatches(images, o);
        float largestPixel = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(rows));
        double scale = 0;   // what the normalisation multiplies the centred pixels by; 0: none ran
        var normalize = o.Normalize == NormalizeMode.Auto ? NormalizeMode.Ufldl : o.Normalize;
        if (normalize == NormalizeMode.Ufldl)
        {
            double pstd = PatchNormalization.Ufldl(rows, o.PatchCount, dim);
            RequireVariation(pstd, o, "ufldl", 0.5);
            log(string.Format(CultureInfo.InvariantCulture, "normalised patches as UFLDL (3 sigma = {0:G4}, rescaled to [0.1, 0.9])", pstd));
            scale = 0.4 / pstd;
        }
        else if (normalize == NormalizeMode.Standard)
        {
            double deviation = PatchNormalization.Standardize(rows, o.PatchCount, dim);
            RequireVariation(deviation, o, "standard", 0);
            log(string.Format(CultureInfo.InvariantCulture, "normalised patches to mean 0 each and unit variance (sigma = {0:G4})", deviation));
            scale = 1 / deviation;
        }
        return new PreparedData(rows, o.PatchCount, dim, o.PatchSize, o.PatchSize, whiten == WhitenMode.Zca,
            $"{o.PatchCount} {o.PatchSize}x{o.PatchSize} patches from {what}", scale == 0 ? 0 : SameRows.NormalisationRounding(largestPixel, scale, rows));
    }

    /// <summary>
    /// Every image must hold a patch once reduced: checked on the images as read, before any is reduced or
    /// whitened, and said by the file and its own size (the reduced, whitened image's name is no file's), with the
    /// --patch and, when one fits, the --downsample that would take every image.
    /// </summary>
    private static void RequirePatchFits(IReadOnlyList<GreyImage> images, int downsample, int patchSize)
    {
        var small = images.FirstOrDefault(i => i.Width / downsample < patchSize || i.Height / downsample < patchSize);
        if (small is null) return;
        string size = $"Image '{small.Name}' is {small.Width}x{small.Height} (width x height)";
        if (downsample == 1)
            throw new UsageException($"{size}, smaller than the {patchSize}x{patchSize} patches asked for (--patch).");
        int shortest = images.Min(i => Math.Min(i.Width, i.Height));
        int largestFactor = shortest / patchSize;
        throw new UsageException(
            $"{size}, {small.Width / downsample}x{small.Height / downsample} once reduced by {downsample} (--downsample), smaller than the {patchSize}x{patchSize} patches asked for (--patch); " +
            $"give --patch {shortest / downsample} or less" + (largestFactor >= 1 ? $", or --downsample {largestFactor}{(largestFactor > 1 ? " or less" : "")}." : "."));
    }

    /// <summary>
    /// Olshausen's whitening holds a complex spectrum (16 bytes a pixel) and the result (4): an image too large
    /// for the memory left is said with the file and the flags that help, not as an internal error.
    /// </summary>
    private static GreyImage Whiten(GreyImage image, string file)
    {
        try
        {
            return OlshausenWhitening.Whiten(image);
        }
        catch (OutOfMemoryException e)
        {
            throw new UsageException(string.Format(CultureInfo.InvariantCulture,
                "--whiten olshausen: image '{0}' is {1}x{2} (width x height){3}; whitening it takes about {4:0.0} GB (a complex spectrum and the result, 20 bytes a pixel), " +
                "more than this process can allocate; give a larger --downsample, or --whiten none.",
                file, image.Width, image.Height, image.Name == file ? "" : " once reduced", 20.0 * image.Width * image.Height / 1e9), e);
        }
    }

    /// <summary>
    /// The sampler's limit, count * P^2 floats in one array, said under --patches with the most that fit (its
    /// own words name its parameter and a streaming API the command line does not offer). Known before any image
    /// is read, so train applies it first: no optimizer or --hidden lifts it, and L-BFGS's row limit, which the
    /// same --patches also passes, advised them.
    /// </summary>
    public static void CheckPatchCount(DataOptions o)
    {
        if (o.PatchSize >= 1 && o.PatchCount >= 1 && (long)o.PatchCount * o.PatchSize * o.PatchSize > Array.MaxLength)
            throw TooManyPatches(o);
    }

    private static UsageException TooManyPatches(DataOptions o, Exception? inner = null)
    {
        long dim = (long)o.PatchSize * o.PatchSize;
        return new UsageException(string.Format(CultureInfo.InvariantCulture,
            "--patches: {0} patches of {1}x{1} pixels are {2} values, more than one array holds ({3}); give --patches {4} or fewer.",
            o.PatchCount, o.PatchSize, o.PatchCount * dim, Array.MaxLength, Array.MaxLength / dim), inner);
    }

    private static float[] SamplePatches(IReadOnlyList<GreyImage> images, DataOptions o)
    {
        try
        {
            return PatchSampler.Sample(images, o.PatchSize, o.PatchCount, o.Seed);
        }
        catch (ArgumentException e) when (e.ParamName == "count")
        {
            throw TooManyPatches(o, e);
        }
        catch (OutOfMemoryException e)
        {
            long values = (long)o.PatchCount * o.PatchSize * o.PatchSize;
            throw new UsageException(string.Format(CultureInfo.InvariantCulture,
                "--patches: {0} patches of {1}x{1} pixels are {2} values ({3:0.0} GB), more than this process can allocate; give fewer --patches.",
                o.PatchCount, o.PatchSize, values, values * sizeof(float) / 1e9), e);
        }
    }

    // Both normalisations remove each patch's mean first; when every sampled patch is flat (a constant
    // image, or 1x1 patches, which always are) nothing is left, and every prepared row is the same constant.
    // Refused rather than warned about: training on such rows learns nothing about the data (the model is
    // the same whatever the images), so a run that goes on only wastes the time and writes a meaningless model.
    private static void RequireVariation(double deviation, DataOptions o, string mode, double flatValue)
    {
        if (deviation > 0) return;
        string given = o.Normalize == NormalizeMode.Auto ? $"--normalize {mode} (the default for image patches)" : $"--normalize {mode}";
        string why = o.PatchSize == 1 ? "a 1x1 patch minus its mean is always 0" : "the images are constant over every sampled window";
        throw new UsageException(string.Format(CultureInfo.InvariantCulture,
            "{0}: all {1} sampled {2}x{2} patches are flat (sigma = 0 once each patch's mean is removed: {3}), so every prepared row would be {4} and carry nothing to learn; give larger patches (--patch), images that vary, or --normalize none.",
            given, o.PatchCount, o.PatchSize, why, flatValue));
    }

    private static PreparedData FromCsv(DataOptions o)
    {
        if (o.Whiten == WhitenMode.Olshausen)
            throw new UsageException("--whiten olshausen whitens whole images; CSV rows are vectors (use none or zca).");
        if (o.Normalize is NormalizeMode.Ufldl or NormalizeMode.Standard)
            throw new UsageException($"--normalize {o.Normalize.ToString().ToLowerInvariant()} is for image patches; CSV rows are used as they are (use none).");
        var (data, rows, columns) = CliFiles.ReadCsv(o.Csv!);
        if (rows == 0) throw new UsageException($"CSV file '{o.Csv}' has no data rows.");
        var (h, w) = FilterGridLayout.TileShape(columns);
        return new PreparedData(data, rows, columns, h, w, o.Whiten == WhitenMode.Zca, $"{rows} rows of {columns} from {o.Csv}");
    }

    private static GreyImage Decode(string path)
    {
        CliFiles.RequireInput(path, "Image file");
        return ImageDecoder.LoadGrey(path);
    }

    /// <summary>
    /// A MATLAB H x W x K (or H x W) array as K images. MATLAB stores it column-major, so image k is the
    /// k-th run of H*W elements, an H x W matrix in column-major order; <see cref="ColumnMajorLayout"/>
    /// turns each into GreyImage's row-major pixels (x = c, y = r at r*W + c).
    /// </summary>
    private static IReadOnlyList<GreyImage> FromMat(string path, string variable)
    {
        var mat = CliFiles.ReadMat(path);
        MatVariable v;
        // The indexer's message lists the variables there are, or says none (this said "it has: ." for a file of none).
        try { v = mat[variable]; }
        catch (KeyNotFoundException e) { throw new UsageException($"'{path}': {e.Message}", e); }
        if (v.IsComplex)
            throw new UsageException($"Variable '{variable}' in '{path}' is a complex {v.Class.ToMatlabName()} array; images must be real.");
        // IsNumeric includes char (UTF-16 code units), which is text, never pixels.
        if (!v.IsNumeric || v.Class == MatClass.Char)
            throw new UsageException($"Variable '{variable}' in '{path}' is a {v.Class.ToMatlabName()}, not a numeric array of images.");
        // MATLAB's size() drops trailing singleton dimensions: numpy's (H, W, K, 1), as scipy.io.savemat and h5py
        // write it, is MATLAB's H x W x K, and was refused as 4-D.
        int rank = v.Dimensions.Count;
        while (rank > 2 && v.Dimensions[rank - 1] == 1) rank--;
        var dims = v.Dimensions.Take(rank).ToArray();
        if (dims.Length is not (2 or 3))
            throw new UsageException($"Variable '{variable}' in '{path}' must be an H x W or H x W x K array of images, but is {string.Join('x', dims)}.");
        int height = dims[0], width = dims[1], count = dims.Length == 3 ? dims[2] : 1;
        if (count == 0)
            throw new UsageException($"Variable '{variable}' in '{path}' is {string.Join('x', dims)}: it holds no images, and patches are sampled from at least one.");
        // Said here, with the file: the image would say it without ("Image 'IMAGES(:,:,1)': height must be at least 1, but is 0.").
        if (height == 0 || width == 0)
            throw new UsageException($"Variable '{variable}' in '{path}' is {string.Join('x', dims)}: {(dims.Length == 3 ? "its images are" : "its image is")} {height}x{width} pixels, but an image must be at least 1x1.");
        try
        {
            return Images(v, variable, path, height, width, count);
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            // The file read (its array held as its class), then the float copy and the images did not fit beside it:
            // it was "internal error: OutOfMemoryException", exit 1.
            throw new UsageException(string.Format(CultureInfo.InvariantCulture,
                "Variable '{0}' in '{1}' is {6} {2} {3} array: its {4} values take {5:0.00} GB more, as floats and again as images, " +
                "than this process can allocate; use a file with fewer or smaller images.",
                variable, path, string.Join('x', dims), v.Class.ToMatlabName(), v.ElementCount, 8.0 * v.ElementCount / 1e9, English.Article(dims[0])), e);
        }
    }

    // The variable's values as floats (checked finite), then each H x W plane as an image: 8 bytes a value beside the variable.
    private static GreyImage[] Images(MatVariable v, string variable, string path, int height, int width, int count)
    {
        var data = v.ToSingleArray();
        int plane = height * width;
        // Named here, by MATLAB's subscripts and the value as stored: the sampled patch a NaN lands in
        // means nothing to the user, and a double beyond float's range would be reported as Infinity.
        int bad = Array.FindIndex(data, x => !float.IsFinite(x));
        if (bad >= 0)
        {
            int[] at = v.Dimensions.Count > 2 ? [bad % height, bad % plane / height, bad / plane] : [bad % height, bad / height];
            double stored = v.GetValue([.. at, .. new int[v.Dimensions.Count - at.Length]]);   // 0 in the dropped singleton dimensions
            string what = double.IsFinite(stored) ? $"{stored:R}, outside float's range (+-{float.MaxValue:R})" : stored.ToString(CultureInfo.InvariantCulture);
            throw new UsageException($"Variable '{variable}' in '{path}' holds {what} at ({string.Join(", ", at.Select(i => i + 1))}); every pixel must be a finite float.");
        }
        var images = new GreyImage[count];
        for (int k = 0; k < count; k++)
        {
            var pixels = ColumnMajorLayout.ToRowMajor(data[(k * plane)..((k + 1) * plane)], [height, width]);
            // Named with the file as given: an image too small for --patch or --downsample is said by this name.
            images[k] = new GreyImage(width, height, pixels, $"{path}:{variable}(:,:,{k + 1})");
        }
        return images;
    }

    /// <summary>An IDX file of N x rows x cols images (MNIST, Fashion-MNIST), bytes scaled to [0, 1].</summary>
    private static IReadOnlyList<GreyImage> FromIdx(string path)
    {
        CliFiles.RequireInput(path, "IDX file");
        var idx = IdxImages.Read(path);   // checks the memory for this: the bytes and one float copy
        try
        {
            return Enumerable.Range(0, idx.Count).Select(i => new GreyImage(idx.Width, idx.Height, idx.Image(i), $"{Path.GetFileName(path)}[{i}]")).ToArray();
        }
        catch (OutOfMemoryException e)
        {
            throw new UsageException(string.Format(CultureInfo.InvariantCulture,
                "IDX file '{0}': its {1} images of {2} rows and {3} columns are {4:0.0} GB as floats, more than this process can allocate; use a file with fewer images.",
                path, idx.Count, idx.Height, idx.Width, 4.0 * idx.Count * idx.Height * idx.Width / 1e9), e);
        }
    }
}
