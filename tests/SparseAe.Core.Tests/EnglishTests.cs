using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// The article before a number, as the number is read aloud: messages said "Training a 8-6-8 autoencoder",
/// "a 8x8 patch" and "a 8193x8193 covariance".
/// </summary>
public class EnglishTests
{
    [Theory]
    [InlineData(8, "an")]
    [InlineData(11, "an")]
    [InlineData(18, "an")]
    [InlineData(80, "an")]
    [InlineData(89, "an")]
    [InlineData(800, "an")]
    [InlineData(899, "an")]
    [InlineData(8000, "an")]
    [InlineData(8193, "an")]
    [InlineData(11_000, "an")]
    [InlineData(18_500, "an")]
    [InlineData(80_000, "an")]
    [InlineData(800_000, "an")]
    [InlineData(8_000_000, "an")]
    [InlineData(11_000_000_000, "an")]
    [InlineData(0, "a")]
    [InlineData(-8, "a")]
    [InlineData(1, "a")]
    [InlineData(7, "a")]
    [InlineData(10, "a")]
    [InlineData(12, "a")]
    [InlineData(16, "a")]
    [InlineData(28, "a")]
    [InlineData(64, "a")]
    [InlineData(108, "a")]
    [InlineData(110, "a")]
    [InlineData(118, "a")]
    [InlineData(180, "a")]
    [InlineData(784, "a")]
    [InlineData(1100, "a")]
    [InlineData(1800, "a")]
    [InlineData(110_000, "a")]
    [InlineData(180_000, "a")]
    [InlineData(1_000_000, "a")]
    [InlineData(long.MaxValue, "a")]   // nine quintillion ...
    public void The_article_goes_by_the_numbers_first_spoken_word(long n, string article)
    {
        Assert.Equal(article, English.Article(n));
        Assert.Equal(char.ToUpperInvariant(article[0]) + article[1..], English.CapitalArticle(n));
    }
}
