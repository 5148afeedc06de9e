using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// How every numeric option reads its value: the invariant culture, a point for decimals and no
/// thousands separators. System.CommandLine's own parsers follow the current culture and allow
/// separators, so "--weight-decay 0,5" meant 5, and under a German locale "0.0001" meant 1; its
/// errors named .NET types ('System.Nullable`1[System.Int32]').
/// </summary>
internal static class NumberOptions
{
    /// <summary>Gives each numeric option of <paramref name="command"/> and its subcommands the invariant parser.</summary>
    public static void UseInvariantParsers(Command command)
    {
        foreach (var option in command.Options)
            switch (option)
            {
                case Option<double> o: o.CustomParser = r => Parse(r, "a number", (string s, out double v) => TryDouble(s, out v)); break;
                case Option<double?> o: o.CustomParser = r => Parse<double?>(r, "a number", (string s, out double? v) => { bool ok = TryDouble(s, out double d); v = d; return ok; }); break;
                case Option<int> o: o.CustomParser = r => Parse(r, "a whole number", (string s, out int v) => TryInt(s, out v), IntRange); break;
                case Option<int?> o: o.CustomParser = r => Parse<int?>(r, "a whole number", (string s, out int? v) => { bool ok = TryInt(s, out int i); v = i; return ok; }, IntRange); break;
                case Option<long> o: o.CustomParser = r => Parse(r, "a whole number", (string s, out long v) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v), (long.MinValue.ToString(CultureInfo.InvariantCulture), long.MaxValue.ToString(CultureInfo.InvariantCulture))); break;
            }
        foreach (var sub in command.Subcommands) UseInvariantParsers(sub);
    }

    private delegate bool TryParse<T>(string text, out T value);

    // NumberStyles.Float: sign, decimal point, exponent, "NaN" and "Infinity" (which the options' own
    // rules then refuse by name); no thousands separator. -0 (also "-0.0", "-0e3") is read as 0: it equals 0,
    // so every rule takes or refuses it as 0, and kept as -0 it was printed so ("weight decay -0" in train's
    // summary, "but is -0." in a refusal).
    private static bool TryDouble(string s, out double value)
    {
        bool ok = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        if (value == 0) value = 0;   // true for -0 too
        return ok;
    }

    private static readonly (string, string) IntRange = (int.MinValue.ToString(CultureInfo.InvariantCulture), int.MaxValue.ToString(CultureInfo.InvariantCulture));

    private static bool TryInt(string s, out int value) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static T Parse<T>(ArgumentResult result, string kind, TryParse<T> tryParse, (string Min, string Max)? range = null)
    {
        // The last token: a value given twice is the parser's own error ("expects a single argument").
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (tryParse(text, out var value)) return value;
        string name = (result.Parent as OptionResult)?.Option.Name ?? "the option";
        string hint = text.Contains(',') && kind == "a number" ? " (write decimals with a point: 0.5)" : "";
        // A whole number too large for the option's type ("--seed 99999999999") was said to be "not a whole number".
        // It said "outside this option's range, -2147483648..2147483647", the type's range, where --threads takes 0..65535:
        // only the side the number lies beyond is said, as the type's limit, which holds whatever the option's own rule.
        if (range is (var min, var max) && BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            result.AddError(whole.Sign < 0
                ? $"{name}: '{text}' is too small (below {min}); see --help for the values {name} takes."
                : $"{name}: '{text}' is too large (above {max}); see --help for the values {name} takes.");
        else
            result.AddError($"{name}: '{text}' is not {kind}{hint}.");
        return default!;
    }
}
