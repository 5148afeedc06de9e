using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace SparseAe.Visualization;

/// <summary>
/// The font that <see cref="TrainingCurve"/> draws text with: subsets of DejaVu Sans embedded in this assembly
/// (Fonts/README.md says how they were made; Fonts/LICENSE-DejaVu.txt is their licence).
/// </summary>
/// <remarks>
/// Why embedded: ScottPlot draws with SkiaSharp, and the SkiaSharp.NativeAssets.Linux.NoDependencies native
/// library that ScottPlot 5.1.59 depends on has no fontconfig; it only scans /usr/share/fonts/. On a minimal
/// Debian image that folder does not exist, and the chart would have no text at all. An embedded font also
/// makes the chart look the same on every machine.
/// Why a private family name: ScottPlot resolves fonts through a process-wide list of resolvers
/// (ScottPlot.Fonts.FontResolvers). Ours answers only to <see cref="FamilyName"/>, so registering it changes
/// nothing for other ScottPlot plots in the same process.
/// </remarks>
internal static class EmbeddedFont
{
    /// <summary>The family name our plots ask ScottPlot for.</summary>
    public const string FamilyName = "SparseAe.Visualization DejaVu Sans";

    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Registers the resolver with ScottPlot once per process; cheap after the first call.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
                return;
            // First, in case a resolver earlier in the list answers every name with a system font.
            Fonts.FontResolvers.Insert(0, new Resolver(Load("DejaVuSans-subset.ttf"), Load("DejaVuSans-Bold-subset.ttf")));
            _registered = true;
        }
    }

    /// <summary>
    /// A new plot, the font registered, drawn by <paramref name="draw"/> and not yet rendered (the charts' Build, which tests
    /// read before rendering); disposed if <paramref name="draw"/> throws, else the caller's to dispose.
    /// </summary>
    public static Plot NewPlot(Action<Plot> draw)
    {
        EnsureRegistered();
        var plot = new Plot();
        try
        {
            draw(plot);
            return plot;
        }
        catch
        {
            plot.Dispose();
            throw;
        }
    }

    private static SKTypeface Load(string fileName)
    {
        string resource = "SparseAe.Visualization.Fonts." + fileName;
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded font resource {resource} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        // SKData copies the bytes, so the typeface does not depend on the stream staying open.
        using SKData data = SKData.CreateCopy(memory.ToArray());
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"SkiaSharp could not read the embedded font {resource}.");
    }

    /// <summary>Answers our family name with the embedded typefaces, every other name with null (next resolver).</summary>
    private sealed class Resolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing)
            => Match(fontName, weight >= FontWeight.SemiBold);

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
            => Match(fontName, bold);

        // Italic requests get the upright face: we embed no italic, and nothing in our charts asks for one.
        // The same instances every time: ScottPlot caches typefaces and they live as long as the process.
        private SKTypeface? Match(string fontName, bool wantBold)
            => string.Equals(fontName, FamilyName, StringComparison.Ordinal) ? (wantBold ? bold : regular) : null;
    }
}
