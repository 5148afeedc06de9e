using System.Text.RegularExpressions;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// The docs name their tests as `Class.Method`, `Class`, or a bare `Method` of the class named last before it in
/// the same paragraph (a table row or heading starts afresh). Each must name a test under tests/ that exists, so a
/// renamed or removed test cannot leave a claim pointing at nothing, or at a class that does not hold the test.
/// </summary>
public class DocTestNameTests
{
    private static readonly string Root = TestData.Metadata("RepositoryRoot");

    [Fact]
    public void Every_test_the_docs_name_exists_in_the_class_they_name()
    {
        var sources = Files("tests", "*.cs").Select(File.ReadAllText).ToArray();
        var classes = sources.SelectMany(s => Regex.Matches(s, @"\bclass\s+(\w+Tests)\b").Select(m => (Class: m.Groups[1].Value, Source: s)))
            .ToLookup(c => c.Class, c => c.Source);
        bool Has(string? cls, string method) => (cls is null ? sources : classes[cls])
            .Any(s => Regex.IsMatch(s, @"\b(void|Task)\s+" + method + @"\s*[(<]"));

        var wrong = new List<string>();
        foreach (var doc in Files(".", "*.md"))
        {
            string? current = null;
            var lines = File.ReadAllLines(doc);
            for (int n = 0; n < lines.Length; n++)
            {
                if (lines[n].TrimStart().StartsWith('|') || lines[n].TrimStart().StartsWith('#')) current = null;
                foreach (Match span in Regex.Matches(lines[n], "`([^`]+)`"))
                {
                    string text = span.Groups[1].Value, where = $"{Path.GetRelativePath(Root, doc)}:{n + 1}: `{text}`";
                    var named = Regex.Match(text, @"^(\w+Tests)(?:\.(?!cs$)(\w+))?$");
                    if (named.Success)
                    {
                        current = named.Groups[1].Value;
                        if (!classes.Contains(current)) wrong.Add($"{where} names no test class");
                        else if (named.Groups[2].Success && !Has(current, named.Groups[2].Value)) wrong.Add($"{where} names no test of {current}");
                    }
                    // A bare test name is a sentence (MATLAB_object_decode and DOTNET_GCHeapHardLimit are not).
                    else if (Regex.IsMatch(text, @"^[A-Z]\w*$") && text.Split('_').Length >= 4 && !Has(current, text))
                        wrong.Add($"{where} names no test" + (current is null ? "" : $" of {current}, the class named before it"));
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static IEnumerable<string> Files(string folder, string pattern)
        => Directory.EnumerateFiles(Path.Combine(Root, folder), pattern, SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Root, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or ".git"));
}
