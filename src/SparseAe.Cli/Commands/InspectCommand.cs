using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SparseAe.Cli.Infrastructure;
using SparseAe.Mat;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae inspect FILE.mat [--json]</c>: each variable's name, class, dims, whether it is complex and,
/// for numeric ones, min, max and sum (complex arrays are listed, their values not decoded; an empty array
/// has sum 0 and no min or max: "-" in text, null in JSON).
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A MAT file (level 4, level 5 or 7.3)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {name, class, dims, complex, min, max, sum}." };
        var command = new Command("inspect", "List the variables of a MAT file.") { file, json };
        command.SetAction(r => CommandRunner.Run(() => Run(r.GetValue(file)!, r.GetValue(json), Console.Out)));
        return command;
    }

    internal static void Run(string path, bool asJson, TextWriter output)
    {
        var mat = CliFiles.ReadMat(path);
        var rows = mat.Variables.Select(v =>
        {
            MatStatistics? stats = v.IsNumeric ? v.GetStatistics() : null;
            // An empty array has no minimum or maximum: null ("-" in text), not MatStatistics' NaN, which would
            // read as a NaN element (that makes all three NaN). Its sum is 0, as MATLAB's sum([]).
            // An integer class's figures are exact (Int128): an int64 or uint64 beyond 2^53 has no double of its own.
            bool empty = stats is { Count: 0 };
            return new VariableInfo(v.Name, v.Class.ToMatlabName(), v.Dimensions.ToArray(), v.IsComplex,
                empty ? null : Figure(stats?.ExactMinimum, stats?.Minimum), empty ? null : Figure(stats?.ExactMaximum, stats?.Maximum),
                Figure(stats?.ExactSum, stats?.Sum));
        }).ToList();
        if (asJson)
        {
            output.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
            return;
        }
        output.WriteLine($"{path}: {mat.Format}, {rows.Count} variable(s)");
        // Columns at least 20, 8 and 14 wide, wider when an entry is longer (a name may have 63 characters), so they stay aligned.
        // A name is measured in terminal columns, not UTF-16 units: 名前 takes four (the reader takes any UTF-8 name).
        int nameWidth = rows.Select(r => Columns(Shown(r.Name))).Append(20).Max();
        int classWidth = rows.Select(r => r.Class.Length).Append(8).Max();
        int dimsWidth = rows.Select(r => Dims(r).Length).Append(14).Max();
        foreach (var r in rows)
        {
            string numbers = r.Complex ? "  complex (values not decoded)" : r.Sum is null ? "" : $"  min {Said(r.Min)}  max {Said(r.Max)}  sum {Said(r.Sum)}";
            output.WriteLine($"  {Shown(r.Name)}{new string(' ', nameWidth - Columns(Shown(r.Name)))} {r.Class.PadRight(classWidth)} {Dims(r).PadRight(dimsWidth)}{numbers}");
        }
    }

    // A control character in a name (the reader takes any UTF-8 name) as \u000A: printed, a line break would split
    // its row and an escape sequence would act on the terminal.
    private static string Shown(string name)
        => name.Any(char.IsControl) ? string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString())) : name;

    private static int Columns(string text) => new Spectre.Console.Rendering.Segment(text).CellCount();

    private static string Dims(VariableInfo r) => string.Join('x', r.Dims);

    private static object? Figure(Int128? exact, double? rounded) => exact is { } e ? e : rounded;

    // An integer in full (an integer class's figures are exact); a double to 6 significant digits.
    private static string Said(object? value) => value switch
    {
        null => "-",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        var exact => Convert.ToString(exact, CultureInfo.InvariantCulture)!,
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed record VariableInfo(string Name, string Class, int[] Dims, bool Complex, object? Min, object? Max, object? Sum);
}
