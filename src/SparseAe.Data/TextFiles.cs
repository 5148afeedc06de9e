using System.Text;

namespace SparseAe.Data;

/// <summary>Checks and quotes for readers of text files: the CSV reader, and the samples' data files.</summary>
public static class TextFiles
{
    /// <summary>
    /// Refuses a gzip-compressed file (magic 1F 8B, RFC 1952) and one whose first 4 KiB hold a zero byte
    /// without a UTF-16 or UTF-32 byte order mark (not text: a PNG or an IDX file given as text), before any
    /// line is shown: their lines would read as a header and rows of binary.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="name">How the message names it, e.g. "CSV 'rows.csv'".</param>
    /// <param name="need">What the caller reads, said after the problem, e.g. "values are read as UTF-8 text".</param>
    /// <exception cref="InvalidDataException">The file is gzip-compressed or not text.</exception>
    public static void RequireText(string path, string name, string need)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] head = new byte[4096];
        int read;
        using (var stream = File.OpenRead(path))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B)
            throw new InvalidDataException($"{name} is gzip-compressed (it starts with 1F 8B): decompress it first (for example with gunzip); {need}.");
        bool unicodeMark = read >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))
            || (read >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0xFE && head[3] == 0xFF);
        if (!unicodeMark && Array.IndexOf(head, (byte)0, 0, read) is int zero and >= 0)
            throw new InvalidDataException($"{name} is not a text file (byte {zero} is 00); {need}.");
    }

    /// <summary>
    /// At most 60 characters of <paramref name="text"/> for a message, control characters and undecodable
    /// bytes (U+FFFD) escaped as \xNN or \uNNNN, so that a line of binary or an escape sequence never
    /// reaches the terminal raw.
    /// </summary>
    public static string Shorten(ReadOnlySpan<char> text)
    {
        // The first 61 characters are all that can matter (an escaped one shows as more than one).
        var parts = text[..Math.Min(text.Length, 61)].ToString().Select(c => c < 0x20 || c == 0x7F ? $"\\x{(int)c:X2}"
            : char.IsControl(c) || c == '\uFFFD' ? $"\\u{(int)c:X4}"
            : c.ToString()).ToList();
        if (parts.Sum(p => p.Length) <= 60) return string.Concat(parts);
        var shown = new StringBuilder();
        foreach (var part in parts)
        {
            if (shown.Length + part.Length > 57) break;
            shown.Append(part);
        }
        return shown.Append("...").ToString();
    }
}
