namespace SparseAe.Tests.Support;

/// <summary>What IntelliSense shows for a member: its summary in the XML documentation file built beside the assembly.</summary>
internal static class XmlDocs
{
    /// <param name="assembly">The assembly's name, e.g. SparseAe.MLNet (its SparseAe.MLNet.xml is copied beside the tests).</param>
    /// <param name="member">The member's documentation id, e.g. P:SparseAe.MLNet.AutoencoderTrainingOptions.K.</param>
    /// <returns>The summary's text, its runs of white space (the comment's line breaks and indents) made one space.</returns>
    public static string Summary(string assembly, string member)
    {
        var docs = System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, assembly + ".xml"));
        var summary = docs.Descendants("member").Single(m => (string?)m.Attribute("name") == member).Element("summary")!.Value;
        return string.Join(" ", summary.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
