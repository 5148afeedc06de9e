using System.Globalization;
using System.Runtime.CompilerServices;

namespace SparseAe.Samples;

/// <summary>
/// The samples write their figures as their expected-output files do ("0.9803"), whatever the user's locale
/// (under de_DE .NET writes "0,9803", which CI's comparison refuses). Compiled into each sample, it runs before
/// the program's first line, so every mode of a sample, such as the digits sample's fresh-process predict, has it.
/// The test projects compile it too: their assertions on messages ("The gradient became Infinity", "but is -0.5")
/// read the library's text as CI does, which under de_DE says "∞" and "-0,5".
/// </summary>
internal static class InvariantCulture
{
    [ModuleInitializer]
    internal static void Use()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
