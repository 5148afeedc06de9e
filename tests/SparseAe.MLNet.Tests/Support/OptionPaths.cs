using System.Globalization;

namespace SparseAe.MLNet.Tests;

/// <summary>Sets an options object's properties by name, for the tests that try each option at the edges of its range.</summary>
internal static class OptionPaths
{
    /// <summary>Sets <paramref name="path"/> (a property, or a nested one: "Autoencoder.HiddenCount") of <paramref name="options"/>.</summary>
    public static void Set(object options, string path, object? value)
    {
        var names = path.Split('.');
        object target = options;
        foreach (var name in names[..^1]) target = target.GetType().GetProperty(name)!.GetValue(target)!;
        var property = target.GetType().GetProperty(names[^1]) ?? throw new ArgumentException($"{target.GetType().Name} has no property {names[^1]}.", nameof(path));
        property.SetValue(target, value);
    }

    /// <summary>Sets each "Name=Value" of <paramref name="settings"/> (separated by ';'), the value parsed as the property's type in the invariant culture.</summary>
    public static void SetAll(object options, string settings)
    {
        foreach (var setting in settings.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (path, text) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            object target = options;
            var names = path.Split('.');
            foreach (var name in names[..^1]) target = target.GetType().GetProperty(name)!.GetValue(target)!;
            var type = target.GetType().GetProperty(names[^1])!.PropertyType;
            type = Nullable.GetUnderlyingType(type) ?? type;
            Set(options, path, type.IsEnum ? Enum.Parse(type, text) : Convert.ChangeType(text, type, CultureInfo.InvariantCulture));
        }
    }
}
