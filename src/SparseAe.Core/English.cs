namespace SparseAe;

/// <summary>
/// The indefinite article before a number in messages ("an 8-6-8 autoencoder", "a 16-6-16 autoencoder",
/// "an 8x8 patch", "an 18-byte block"), so that no message writes "a 8-6-8".
/// </summary>
/// <remarks>
/// SparseAe.Mat, which references nothing beyond the base class library, compiles this same file
/// (SPARSEAE_MAT) for its HDF5 messages: one implementation, two assemblies.
/// </remarks>
internal static class English
{
    /// <summary>
    /// "an" when <paramref name="n"/> read aloud starts with a vowel sound: its first word is eight, eleven or
    /// eighteen (8, 11, 18, 80-89, 800-899, 8,000, 11,000, 18,500, 8,000,000, ...); "a" otherwise (one, zero, minus ...).
    /// </summary>
    public static string Article(long n)
    {
        if (n <= 0) return "a";
        // The leading group of up to three digits is read first, before "thousand", "million", ...
        while (n >= 1000) n /= 1000;
        if (n is 11 or 18) return "an";
        while (n >= 10) n /= 10;
        return n == 8 ? "an" : "a";
    }

    /// <summary><see cref="Article"/> to begin a sentence: "A" or "An".</summary>
    public static string CapitalArticle(long n) => Article(n) == "an" ? "An" : "A";
}
