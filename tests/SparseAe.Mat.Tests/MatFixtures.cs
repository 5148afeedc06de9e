using System.Text.Json;

namespace SparseAe.Mat.Tests;

/// <summary>Locates the copied fixtures and parses expected.json, which independent tools produced.</summary>
internal static class MatFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mat");

    public static string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public static byte[] Bytes(string fileName) => File.ReadAllBytes(PathOf(fileName));

    /// <summary>The hand-made hostile and unusual 7.3 files (Fixtures/hdf5-adversarial, README there).</summary>
    public static string AdversarialDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "hdf5-adversarial");

    public static string AdversarialPathOf(string fileName) => Path.Combine(AdversarialDirectory, fileName);

    public sealed record ExpectedVariable(string File, string Name, string Class, int[]? Dimensions, double? Min, double? Max, double? Sum)
    {
        public override string ToString() => $"{File}:{Name}";
    }

    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))));

    /// <summary>Files whose entry is a list of variables.</summary>
    public static IEnumerable<string> ReadableFiles() =>
        Expected.Value.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Select(p => p.Name);

    /// <summary>Files whose entry is the string "error".</summary>
    public static IEnumerable<string> BrokenFiles() =>
        Expected.Value.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Name);

    public static IReadOnlyList<ExpectedVariable> VariablesOf(string file) =>
        Expected.Value.RootElement.GetProperty(file).EnumerateArray().Select(v => new ExpectedVariable(
            file,
            v.GetProperty("name").GetString()!,
            v.GetProperty("class").GetString()!,
            v.TryGetProperty("dims", out var dims) ? dims.EnumerateArray().Select(d => d.GetInt32()).ToArray() : null,
            v.TryGetProperty("min", out var min) ? min.GetDouble() : null,
            v.TryGetProperty("max", out var max) ? max.GetDouble() : null,
            v.TryGetProperty("sum", out var sum) ? sum.GetDouble() : null)).ToList();

    public static IEnumerable<ExpectedVariable> AllVariables() => ReadableFiles().SelectMany(VariablesOf);
}
