using Microsoft.ML;
using SparseAe.MLNet;

namespace SparseAe.Cli.Infrastructure;

/// <summary>Loads a saved model zip and finds the autoencoder in it.</summary>
internal static class ModelFiles
{
    public static ITransformer Load(MLContext ml, string path) => Load(ml, path, out _);

    /// <summary>The model and the input schema the zip records.</summary>
    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        CliFiles.RequireInput(path, "Model file");
        try
        {
            return ml.Model.Load(path, out inputSchema);
        }
        // ML.NET creates the transformers by reflection, so our loader's InvalidDataException (a CRC that
        // does not match, a truncated block) arrives inside a TargetInvocationException: the innermost names it.
        // ML.NET's own refusals are InvalidOperationException ("Could not load legacy format model") and
        // FormatException; ours, InvalidDataException only (fuzzed: tools/SparseAe.Fuzz).
        catch (Exception e) when (Messages.Innermost(e) is FormatException or InvalidDataException or InvalidOperationException or IOException or NotSupportedException)
        {
            throw new UsageException($"Cannot load model '{path}': {Messages.Innermost(e).Message}", e);
        }
    }

    /// <summary>The last sparse autoencoder in the model (a chain or a single transformer).</summary>
    public static SparseAutoencoderTransformer Autoencoder(ITransformer model, string path)
        => Flatten(model).OfType<SparseAutoencoderTransformer>().LastOrDefault()
            ?? throw new UsageException($"Model '{path}' holds no sparse autoencoder.");

    private static IEnumerable<ITransformer> Flatten(ITransformer t)
    {
        if (t is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
                foreach (var x in Flatten(inner)) yield return x;
        }
        else yield return t;
    }
}
