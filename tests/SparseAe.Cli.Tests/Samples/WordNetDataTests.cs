using SparseAe.Tests.Support;
using WordNetSupersensesSample;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>The WordNet sample's reading of data.noun, its split and its subsets (samples/WordNetSupersenses/WordNetData.cs).</summary>
public class WordNetDataTests
{
    private static List<Synset> Load(params string[] lines)
    {
        using var dir = new TempFolder();
        string path = dir.File("data.noun");
        File.WriteAllLines(path, lines);
        return WordNetData.Load(path);
    }

    private static string Refusal(params string[] lines) => Assert.Throws<InvalidDataException>(() => Load(lines)).Message;

    [Fact]
    public void A_synset_line_gives_its_offset_supersense_lemmas_and_gloss_and_licence_lines_are_skipped()
    {
        // wndb(5): lex_filenum 03 is noun.Tops (supersense 0), 28 noun.time (25); w_cnt is hexadecimal, so 10 is
        // sixteen words; each pointer is four fields.
        var sixteen = string.Join(" ", Enumerable.Range(1, 16).Select(i => $"w{i} 0"));
        var synsets = Load(
            "  1 This software and database is being provided",
            "  2 WordNet 3.0 Copyright 2006 by Princeton University.",
            "00001740 03 n 02 physical_entity 0 thing 1 002 @ 00001930 n 0000 ~ 00002137 n 0a0b |  that which is perceived  ",
            $"00001930 28 n 10 {sixteen} 000 | sixteen names");
        Assert.Equal(2, synsets.Count);
        Assert.Equal(1740, synsets[0].Offset);
        Assert.Equal(0, synsets[0].Supersense);
        Assert.Equal(["physical entity", "thing"], synsets[0].Lemmas);
        Assert.Equal("that which is perceived", synsets[0].Gloss);
        Assert.Equal("physical entity, thing: that which is perceived", synsets[0].LemmasAndGloss);
        Assert.Equal(25, synsets[1].Supersense);
        Assert.Equal("noun.time", WordNetData.Supersenses[synsets[1].Supersense]);
        Assert.Equal(16, synsets[1].Lemmas.Count);
        Assert.Equal("w16", synsets[1].Lemmas[15]);
    }

    [Theory]
    [InlineData("02")]
    [InlineData("29")]
    public void A_lexicographer_file_outside_the_nouns_03_to_28_is_refused(string lexFile)
        => Assert.EndsWith($", line 1: field 2, lex_filenum, must be a noun lexicographer file, 03 to 28 (lexnames(5WN)), but is '{lexFile}'",
                           Refusal($"00001740 {lexFile} n 01 cat 0 000 | a cat"));

    [Fact]
    public void A_field_after_the_pointers_is_refused_and_a_file_of_licence_lines_only_holds_no_synsets()
    {
        Assert.EndsWith(", line 1: field 8 is 'extra', but a noun synset line ends after its pointers: w_cnt 01 and p_cnt 000 account for 7 fields " +
                        "before ' | ', and the line has 8", Refusal("00001740 03 n 01 cat 0 000 extra | a cat"));
        Assert.EndsWith(": no synsets", Refusal("  1 This software and database is being provided"));
    }

    private static List<Synset> OfClasses(params int[] counts) =>
        counts.SelectMany((n, c) => Enumerable.Range(0, n).Select(i => new Synset(c * 100 + i, c, [$"w{c}.{i}"], "g"))).ToList();

    [Fact]
    public void The_split_puts_round_a_fifth_of_each_supersense_in_test_and_the_rest_in_training()
    {
        // By hand: 7 * 0.2 = 1.4 -> 1; 8 * 0.2 = 1.6 -> 2; 3 * 0.2 = 0.6 -> 1; 2 * 0.2 = 0.4 -> 0.
        var synsets = OfClasses(7, 8, 3, 2);
        var (train, test) = WordNetData.Split(synsets, 0.2, 16);
        Assert.Equal([1, 2, 1, 0], Enumerable.Range(0, 4).Select(c => test.Count(s => s.Supersense == c)));
        Assert.Equal([6, 6, 2, 2], Enumerable.Range(0, 4).Select(c => train.Count(s => s.Supersense == c)));
        Assert.Equal(synsets.Select(s => s.Offset).Order(), train.Concat(test).Select(s => s.Offset).Order());
        Assert.Equal((train, test), WordNetData.Split(synsets, 0.2, 16), new SplitComparer());   // fixed by its seed
    }

    private sealed class SplitComparer : IEqualityComparer<(List<Synset>, List<Synset>)>
    {
        public bool Equals((List<Synset>, List<Synset>) a, (List<Synset>, List<Synset>) b) =>
            a.Item1.SequenceEqual(b.Item1) && a.Item2.SequenceEqual(b.Item2);

        public int GetHashCode((List<Synset>, List<Synset>) a) => a.Item1.Count;
    }

    [Fact]
    public void A_subset_takes_the_first_round_share_of_each_supersense_half_away_from_zero_and_at_least_one()
    {
        // 4 of 16 is a quarter: 10 -> round(2.5) = 3, 5 -> round(1.25) = 1, 1 -> round(0.25) = 0, so 1.
        var synsets = OfClasses(10, 5, 1);
        Assert.Equal([0, 1, 2, 100, 200], WordNetData.Subset(synsets, 4).Select(s => s.Offset));
        Assert.Equal(16, WordNetData.Subset(synsets, 16).Count);
        Assert.Equal(16, WordNetData.Subset(synsets, 99).Count);
    }

    [Fact]
    public void A_split_with_training_synsets_of_one_supersense_or_no_test_synset_is_refused()
    {
        var two = OfClasses(5, 1);
        var (train, test) = WordNetData.Split(two, 0.2, 16);   // noun.Tops: 4 train, 1 test; noun.act: 1 train
        WordNetData.RequireScorableSplit("d", two, train, test, 0.2);
        var one = OfClasses(5);
        var (train1, test1) = WordNetData.Split(one, 0.2, 16);
        Assert.EndsWith("but its 5 synsets split into 4 training synsets in 1 supersense (noun.Tops) and 1 test synset",
            Assert.Throws<InvalidDataException>(() => WordNetData.RequireScorableSplit("d", one, train1, test1, 0.2)).Message);
        var small = OfClasses(2, 2);
        var (train2, test2) = WordNetData.Split(small, 0.2, 16);
        Assert.EndsWith("but its 4 synsets split into 4 training synsets in 2 supersenses (noun.Tops, noun.act) and 0 test synsets",
            Assert.Throws<InvalidDataException>(() => WordNetData.RequireScorableSplit("d", small, train2, test2, 0.2)).Message);
    }
}
