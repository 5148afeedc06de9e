using Microsoft.ML.OnnxRuntime;

namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// An ONNX graph opened in ONNX Runtime for featurizing: its one float input (N, V) and the float output
/// that holds the features. A file ONNX Runtime cannot load is a usage error (one line, exit 2).
/// </summary>
internal sealed class OnnxGraphFile : IDisposable
{
    private OnnxGraphFile(InferenceSession session) => Session = session;

    public InferenceSession Session { get; }

    public IReadOnlyList<string> Inputs => Session.InputMetadata.Keys.ToArray();
    public IReadOnlyList<string> Outputs => Session.OutputMetadata.Keys.ToArray();

    public static OnnxGraphFile Open(string path)
    {
        CliFiles.RequireInput(path, "ONNX file");
        try
        {
            return new OnnxGraphFile(new InferenceSession(path));
        }
        catch (OnnxRuntimeException e)
        {
            throw new UsageException($"Cannot load ONNX graph '{path}': {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>The graph's only input, a float tensor (N, V): its name and V.</summary>
    public (string Name, int Size) VectorInput(string path)
    {
        if (Session.InputMetadata.Count != 1)
            throw new UsageException($"featurize takes a graph with one input, but '{path}' has {Session.InputMetadata.Count}: {string.Join(", ", Inputs)}.");
        var (name, meta) = Session.InputMetadata.First();
        if (meta.ElementType != typeof(float) || meta.Dimensions.Length != 2 || meta.Dimensions[1] < 1)
            throw new UsageException($"The input '{name}' of '{path}' must be a float tensor (N, V), but is {meta.ElementType.Name} [{string.Join(", ", meta.Dimensions)}].");
        return (name, meta.Dimensions[1]);
    }

    /// <summary>
    /// The features output: <paramref name="wanted"/> if given, else the one float output (N, H) that is
    /// not the input passed through (ML.NET's exporter names outputs after their columns: "Code.output").
    /// </summary>
    public (string Name, int Size) FeatureOutput(string path, string inputName, string? wanted)
    {
        var candidates = Session.OutputMetadata
            .Where(o => o.Value.ElementType == typeof(float) && o.Value.Dimensions.Length == 2 && o.Key != inputName + ".output")
            .ToArray();
        var chosen = wanted is null
            ? candidates.Length == 1 ? candidates[0]
                : throw new UsageException($"'{path}' has {candidates.Length} float outputs besides its input ({string.Join(", ", candidates.Select(c => c.Key))}); choose one with --output-column.")
            : candidates.FirstOrDefault(c => c.Key == wanted || c.Key == wanted + ".output") is { Key: not null } found ? found
                : throw new UsageException($"--output-column '{wanted}' is not a float (N, H) output of '{path}'; it has {string.Join(", ", candidates.Select(c => c.Key))}.");
        return (chosen.Key, chosen.Value.Dimensions[1]);
    }

    public void Dispose() => Session.Dispose();
}
