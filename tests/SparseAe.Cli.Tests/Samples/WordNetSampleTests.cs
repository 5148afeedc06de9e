using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The WordNet supersense sample (samples/WordNetSupersenses), run in its own process as a user runs it.</summary>
public class WordNetSampleTests
{
    /// <summary>A data.noun line of wndb(5)'s layout: one word, no pointers, lexicographer file <paramref name="lexFile"/>.</summary>
    private static string Synset(int offset, int lexFile, string word) => $"{offset:D8} {lexFile:D2} n 01 {word} 0 000 | a {word} of some kind";

    [Fact]
    public void Training_synsets_whose_held_out_fifth_leaves_one_supersense_to_fit_on_are_refused_before_training()
    {
        // Three noun.act synsets (one to test, two to train) and one noun.animal (to train): the split's own check
        // passed (training synsets of 2 supersenses, 1 test synset), but the classifiers whose L2 or code weight is
        // validated fit on four fifths of the 3 training synsets, here the two noun.act ones: after a minute and a
        // half of SDCA at the smallest L2s, "Unhandled exception. System.ArgumentOutOfRangeException: Must be at
        // least 2. (Parameter 'numClasses')" with its stack, exit 134, and an empty output folder left behind.
        using var dir = new TempFolder();
        string data = dir.File("data.noun");
        File.WriteAllLines(data, [Synset(1, 4, "game"), Synset(2, 4, "race"), Synset(3, 4, "walk"), Synset(4, 5, "cat")]);
        var (code, output, error) = Cli.RunProgram("WordNetSamplePath", "--data", data, "--output-dir", dir.File("out"));
        Assert.True(code == 1, $"exit {code}: {error}\n{output}");
        Assert.Equal($"WordNetSupersenses: {data}: the classifiers of (a'), (f) and (f') are chosen on a held-out fifth of the 3 training " +
                     "synsets, so the other four fifths, on which they are fitted, must hold at least 2 supersenses and the fifth at least " +
                     "1 synset, but they hold 2 synsets of 1 supersense (noun.act) and 1 synset", error.Trim());
        Assert.Equal("", output);
        Assert.False(Directory.Exists(dir.File("out")), "the refused run left its output folder behind");
    }
}
