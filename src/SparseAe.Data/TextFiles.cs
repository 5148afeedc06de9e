using System.Globalization;
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
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is gzip-compressed or not text.</exception>
    public static void RequireText(string path, string name, string need)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        RequireText(stream, name, need).Dispose();
    }

    /// <summary>
    /// <see cref="RequireText(string, string, string)"/> on the first 4 KiB of <paramref name="stream"/>,
    /// which is read once: the stream returned gives the same bytes from the start (those read for the check,
    /// then the rest), so that a pipe (<c>--csv /dev/stdin</c>) is checked and read whole. Disposing it
    /// disposes <paramref name="stream"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is gzip-compressed or not text.</exception>
    internal static Stream RequireText(Stream stream, string name, string need)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] head = new byte[4096];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B)
            throw new InvalidDataException($"{name} is gzip-compressed (it starts with 1F 8B): decompress it first (for example with gunzip); {need}.");
        bool unicodeMark = read >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))
            || (read >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0xFE && head[3] == 0xFF);
        if (!unicodeMark && Array.IndexOf(head, (byte)0, 0, read) is int zero and >= 0)
            throw new InvalidDataException($"{name} is not a text file (byte {zero} is 00); {need}.");
        return new ReplayedHead(head, read, stream);
    }

    // The bytes read ahead, then the rest of the stream, read as it comes.
    private sealed class ReplayedHead(byte[] head, int length, Stream rest) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= length) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, length - _position);
            head.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// At most 60 characters of <paramref name="text"/> for a message, control characters, undecodable
    /// bytes (U+FFFD) and invisible ones (format characters such as U+FEFF, U+200B, U+202E; line and paragraph
    /// separators) escaped as \xNN or \uNNNN, so that a line of binary or an escape sequence never
    /// reaches the terminal raw and a value never looks other than it is; a surrogate pair is kept whole or
    /// dropped, never cut in two.
    /// </summary>
    public static string Shorten(ReadOnlySpan<char> text)
    {
        // The first 61 characters are all that can matter (an escaped one shows as more than one).
        var parts = text[..Math.Min(text.Length, 61)].ToString().Select(c => c < 0x20 || c == 0x7F ? $"\\x{(int)c:X2}"
            : char.IsControl(c) || c == '\uFFFD' || IsInvisible(c) ? $"\\u{(int)c:X4}"
            : c.ToString()).ToList();
        if (parts.Sum(p => p.Length) <= 60) return string.Concat(parts);
        var shown = new StringBuilder();
        foreach (var part in parts)
        {
            if (shown.Length + part.Length > 57) break;
            shown.Append(part);
        }
        // Not half a surrogate pair (an emoji): alone, it is invalid UTF-16 that a strict encoder refuses.
        if (shown.Length > 0 && char.IsHighSurrogate(shown[^1])) shown.Length--;
        return shown.Append("...").ToString();
    }

    // Shown raw, a byte order mark or a zero-width space in a bad value made the message say "0.4" is not a
    // number; a right-to-left override reorders the text after it.
    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
