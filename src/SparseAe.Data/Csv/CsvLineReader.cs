namespace SparseAe.Data.Csv;

/// <summary>
/// Lines as <see cref="TextReader.ReadLine"/> splits them ('\n', '\r' or "\r\n"), into one buffer that
/// grows with the characters present up to <see cref="VectorCsv.MaxLineLength"/>. ReadLine has no limit: a line
/// of 1.1 GB allocated 8.6 GB before an OutOfMemoryException. A byte order mark left at the start of the
/// text as U+FEFF (Encoding.UTF8.GetString keeps it) is skipped: it is no part of the first field.
/// </summary>
internal sealed class CsvLineReader(TextReader reader)
{
    private readonly char[] _block = new char[1 << 16];
    private char[] _line = new char[1 << 10];
    private int _position, _end, _length;
    private bool _afterCarriageReturn;   // a '\n' right after a '\r' ends no new line
    private bool _atStart = true;        // nothing read yet: a U+FEFF here is a byte order mark

    /// <summary>The line read by the last <see cref="Next"/>, without its line break.</summary>
    public ReadOnlySpan<char> Current => _line.AsSpan(0, _length);

    /// <summary>The last line was longer than <see cref="VectorCsv.MaxLineLength"/>; only its start was kept, and reading stops.</summary>
    public bool TooLong { get; private set; }

    public bool Next()
    {
        _length = 0;
        bool any = false;
        while (true)
        {
            if (_position == _end)
            {
                _end = reader.Read(_block, 0, _block.Length);
                _position = 0;
                if (_end == 0) return any;
                if (_atStart)
                {
                    _atStart = false;
                    if (_block[0] == '\uFEFF') { _position++; continue; }
                }
            }
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_block[_position] == '\n') { _position++; continue; }
            }
            any = true;
            var rest = _block.AsSpan(_position, _end - _position);
            int stop = rest.IndexOfAny('\r', '\n');
            var part = stop < 0 ? rest : rest[..stop];
            if (_length + part.Length > VectorCsv.MaxLineLength)
            {
                TooLong = true;
                return true;
            }
            if (_length + part.Length > _line.Length)
                Array.Resize(ref _line, Math.Max(_length + part.Length, (int)Math.Min(2L * _line.Length, VectorCsv.MaxLineLength)));
            part.CopyTo(_line.AsSpan(_length));
            _length += part.Length;
            _position += part.Length;
            if (stop >= 0)
            {
                _afterCarriageReturn = rest[stop] == '\r';
                _position++;
                return true;
            }
        }
    }
}
