using Xunit;

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

    /// <summary>
    /// One parameter's rule, as the data-driven docs tests check it: the parameter's &lt;param&gt; in <paramref name="method"/>
    /// states <paramref name="rule"/>; <paramref name="outside"/> (a value just outside the rule) is refused naming
    /// <paramref name="parameter"/>, with <paramref name="rule"/> in its message; <paramref name="edge"/> (the value at the
    /// rule's edge) is accepted.
    /// </summary>
    public static void AssertRule(string assembly, string method, string parameter, string rule, Action outside, Action edge)
    {
        Assert.Contains(rule, Param(assembly, method, parameter), StringComparison.Ordinal);
        var refusal = Assert.ThrowsAny<ArgumentException>(outside);
        Assert.Equal(parameter, refusal.ParamName);
        Assert.Contains(rule, refusal.Message, StringComparison.Ordinal);
        edge();
    }

    /// <summary>A reference parameter: its &lt;param&gt; says "not null", and <paramref name="outside"/> (null, or an empty path) is refused naming it.</summary>
    public static void AssertGiven(string assembly, string method, string parameter, Action outside)
    {
        Assert.Contains("not null", Param(assembly, method, parameter), StringComparison.Ordinal);
        Assert.Equal(parameter, Assert.ThrowsAny<ArgumentException>(outside).ParamName);
    }

    private static IEnumerable<System.Xml.Linq.XElement> Members(string assembly)
        => System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, assembly + ".xml")).Descendants("member");

    private static string OneLine(string text) => string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
