using System.Text.RegularExpressions;

namespace SparseAe;

/// <summary>
/// An argument exception's own text, without what .NET appends to it: the " (Parameter 'x')" suffix
/// and an out-of-range exception's "Actual value was ..." line. The project's messages already name
/// the parameter and the value, so a message passed on under another name (a nested option, a flag,
/// a saved field) starts from this.
/// </summary>
internal static class ArgumentMessages
{
    public static string Text(Exception e)
    {
        string text = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: not null } && text.LastIndexOf(Environment.NewLine, StringComparison.Ordinal) is var end and >= 0)
            text = text[..end];
        if (e is ArgumentException { ParamName: { Length: > 0 } name } && text.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
            text = text[..^$" (Parameter '{name}')".Length];
        return text;
    }

    /// <summary>
    /// The same exception for an option the user knows by another name: <paramref name="property"/> as a
    /// whole word in the text (not part of a longer dotted name) becomes <paramref name="asNamed"/>, and so
    /// does the parameter. E.g. a nested option's rule, "HiddenCount must be at least 1", becomes
    /// "Autoencoder.HiddenCount must be at least 1".
    /// </summary>
    public static ArgumentException Renamed(ArgumentException e, string property, string asNamed)
    {
        string text = Rename(Text(e), property, asNamed);
        return e is ArgumentOutOfRangeException o ? new ArgumentOutOfRangeException(asNamed, o.ActualValue, text) : new ArgumentException(text, asNamed, e);
    }

    /// <summary>
    /// <paramref name="text"/> with <paramref name="property"/>, as a whole word and not part of a longer
    /// dotted name, said as <paramref name="asNamed"/> (a nested option's path, a command-line flag).
    /// </summary>
    public static string Rename(string text, string property, string asNamed)
        => Regex.Replace(text, $@"(?<![\w.]){Regex.Escape(property)}\b", asNamed);
}
