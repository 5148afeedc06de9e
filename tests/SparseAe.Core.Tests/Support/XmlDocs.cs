namespace SparseAe.Tests.Support;

/// <summary>What IntelliSense shows for a member: its summary, or a parameter's doc, in the XML documentation file built beside the assembly.</summary>
internal static class XmlDocs
{
    /// <param name="assembly">The assembly's name, e.g. SparseAe.MLNet (its SparseAe.MLNet.xml is copied beside the tests).</param>
    /// <param name="member">The member's documentation id, e.g. P:SparseAe.MLNet.AutoencoderTrainingOptions.K.</param>
    /// <returns>The summary's text, its runs of white space (the comment's line breaks and indents) made one space.</returns>
    public static string Summary(string assembly, string member)
        => OneLine(Members(assembly).Single(m => (string?)m.Attribute("name") == member).Element("summary")!.Value);

    /// <param name="assembly">The assembly's name, as for <see cref="Summary"/>.</param>
    /// <param name="method">The method's documentation id up to its parameter list, e.g. M:SparseAe.MLNet.SparseAutoencoderCatalog.ZcaWhitening
    /// (the one overload with a parameter of that name), or with the start of its parameter list to choose among overloads,
    /// e.g. M:SparseAe.Visualization.FilterGrid.RenderPng(SparseAe.Model.AutoencoderWeights.</param>
    /// <param name="parameter">The parameter's name.</param>
    /// <returns>The parameter's doc (its &lt;param&gt;), its runs of white space made one space.</returns>
    public static string Param(string assembly, string method, string parameter)
        => OneLine(Members(assembly)
            .Where(m => ((string?)m.Attribute("name"))?.StartsWith(method.Contains('(') ? method : method + "(", StringComparison.Ordinal) == true)
            .SelectMany(m => m.Elements("param"))
            .Single(p => (string?)p.Attribute("name") == parameter).Value);

    private static IEnumerable<System.Xml.Linq.XElement> Members(string assembly)
        => System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, assembly + ".xml")).Descendants("member");

    private static string OneLine(string text) => string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
