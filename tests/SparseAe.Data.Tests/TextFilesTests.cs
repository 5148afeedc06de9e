using System.Text;

namespace SparseAe.Data.Tests;

public class TextFilesTests
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void Shorten_never_cuts_a_surrogate_pair_in_two()
    {
        // 40 emoji are 80 chars: the cut at 57 fell inside the 29th, leaving a lone high surrogate that a
        // strict UTF-8 writer (a log file) refused with EncoderFallbackException.
        string shown = TextFiles.Shorten(string.Concat(Enumerable.Repeat("\U0001F600", 40)));
        Assert.Equal(string.Concat(Enumerable.Repeat("\U0001F600", 28)) + "...", shown);
        StrictUtf8.GetBytes(shown);
    }

    [Fact]
    public void Shorten_keeps_short_text_and_escapes_control_characters()
    {
        Assert.Equal("a,b", TextFiles.Shorten("a,b"));
        Assert.Equal("1\\x092", TextFiles.Shorten("1\t2"));
        Assert.Equal(new string('x', 57) + "...", TextFiles.Shorten(new string('x', 100)));
    }
}
