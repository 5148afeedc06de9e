using System.Globalization;
using System.Text;

namespace SparseAe.Data.Csv;

/// <summary>
/// A vector CSV (the format <see cref="VectorCsv"/> describes) read one row at a time, so that a file
/// larger than memory can be streamed: <c>sparseae featurize</c> holds one row, not the file.
/// <see cref="VectorCsv.Read(TextReader, string, out string[], bool)"/> reads every row through it, so both
/// read the same rows and refuse the same lines with the same messages. The first line with values is
/// read when the reader is made, so that <see cref="Columns"/> and <see cref="Header"/> are known before
/// the first row.
/// </summary>
internal sealed class VectorCsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly bool _ownsReader;
    private readonly CsvLineReader _lines;
    private readonly string _name;
    private readonly bool _requireFinite;
    private readonly int _firstRowLine;
    private int _lineNumber;
    private bool _firstLineIsPendingRow;   // the first line is a row, not a header, and is not returned yet

    /// <summary>Reads CSV text from <paramref name="reader"/> (left open); <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text holds no line with values, or its first line is too long or holds a value beyond float.</exception>
    public VectorCsvReader(TextReader reader, string name, bool requireFinite = false) : this(reader, name, requireFinite, ownsReader: false, canReopen: false) { }

    private VectorCsvReader(TextReader reader, string name, bool requireFinite, bool ownsReader, bool canReopen)
    {
        CanReopen = canReopen;
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        _reader = reader;
        _ownsReader = ownsReader;
        _lines = new CsvLineReader(reader);
        _name = name;
        _requireFinite = requireFinite;
        while (NextLine())
        {
            var line = _lines.Current;
            if (line.IsWhiteSpace()) continue;
            Columns = line.Count(',') + 1;
            _firstRowLine = _lineNumber;
            // A number beyond float (1e39) is a bad value of a row, not a header name: read as a header, the
            // row was dropped without an error.
            foreach (Range f in line.Split(','))
                if (!VectorCsv.IsNumber(line[f]))
                {
                    Header = line.ToString().Split(',').Select(VectorCsv.HeaderName).ToArray();
                    return;
                }
            _firstLineIsPendingRow = true;
            FirstRowNumbersItsColumns = VectorCsv.NumbersItsColumns(ParsedFields(line));
            return;
        }
        throw new InvalidDataException($"CSV '{name}' holds no lines with values (it has {_lineNumber} line(s), all blank); at least a header or one row is needed.");
    }

    /// <summary>
    /// Opens the file at <paramref name="path"/> (UTF-8, or UTF-16 or UTF-32 with its byte order mark), checked as
    /// <see cref="VectorCsv.Read(string)"/> checks it. The file is opened once, so a pipe (/dev/stdin) is read
    /// whole; it cannot be opened again (<see cref="CanReopen"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not text, or see the constructor.</exception>
    public static VectorCsvReader Open(string path, bool requireFinite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' does not exist.", path);
        var file = File.OpenRead(path);
        try
        {
            var text = TextFiles.RequireText(file, $"CSV '{path}'", "values are read as UTF-8 text (or UTF-16 or UTF-32 with its byte order mark)");
            return new VectorCsvReader(new StreamReader(text, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), path, requireFinite, ownsReader: true, canReopen: file.CanSeek);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the file can be opened again for the same rows: false for a pipe or a device (what
    /// <see cref="Open"/> read of it is gone) and for a reader made on a <see cref="TextReader"/>.
    /// </summary>
    public bool CanReopen { get; }

    /// <summary>Values in every row: the fields of the first line with values.</summary>
    public int Columns { get; }

    /// <summary>The header's names, or null when the first line with values is a row.</summary>
    public string[]? Header { get; }

    /// <summary>
    /// Whether the first line, read as a row, numbers the columns (0, 1, ..., or 1, 2, ...: <see cref="VectorCsv.NumbersItsColumns"/>),
    /// as the header pandas writes for a numpy array does.
    /// </summary>
    public bool FirstRowNumbersItsColumns { get; }

    // The first line's fields as floats (each a number: the line is a row), for the check above.
    private static float[] ParsedFields(ReadOnlySpan<char> line)
    {
        var values = new float[line.Count(',') + 1];
        int j = 0;
        foreach (Range f in line.Split(','))
            values[j++] = VectorCsv.TryParse(line[f], out float v) ? v : float.NaN;
        return values;
    }

    /// <summary>
    /// Reads the next row into <paramref name="destination"/> (<see cref="Columns"/> values); false at the end.
    /// Blank lines are skipped.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is too long, has another number of values than the first, or holds a value that is not a number (or, with requireFinite, not finite); the message names the line, the column and the text.</exception>
    public bool TryReadRow(Span<float> destination)
    {
        if (destination.Length != Columns)
            throw new ArgumentException($"destination must hold the CSV's {Columns} columns, but holds {destination.Length}.", nameof(destination));
        if (_firstLineIsPendingRow)
        {
            _firstLineIsPendingRow = false;
            Parse(_lines.Current, destination);
            return true;
        }
        while (NextLine())
        {
            if (_lines.Current.IsWhiteSpace()) continue;
            Parse(_lines.Current, destination);
            return true;
        }
        return false;
    }

    /// <summary>Where the reader stands, for messages: "CSV 'name' line N".</summary>
    internal string Where => $"CSV '{_name}' line {_lineNumber}";

    private bool NextLine()
    {
        if (!_lines.Next()) return false;
        _lineNumber++;
        if (_lines.TooLong)
            throw new InvalidDataException(
                $"CSV '{_name}' line {_lineNumber} is longer than {VectorCsv.MaxLineLength} characters (VectorCsv.MaxLineLength); a line is held whole in memory while it is read, so longer ones are refused.");
        return true;
    }

    // The fields are parsed where they lie in the line: a string for each (string.Split) cost about 32 bytes
    // per value, 34 times the file for a 100 MB line of "0,".
    private void Parse(ReadOnlySpan<char> line, Span<float> destination)
    {
        int fieldCount = line.Count(',') + 1;
        // A semicolon file with decimal commas ("0,5;0,25;1") is split at its decimals: the count alone did not say why.
        if (fieldCount != Columns)
            throw new InvalidDataException(
                $"CSV '{_name}' line {_lineNumber} has {fieldCount} values, but every row must have {Columns} like line {_firstRowLine}{(Header is null ? "" : " (the header)")}: \"{TextFiles.Shorten(line)}\"" +
                (VectorCsv.SeparatorHint(line) is { } hint ? $"; {hint}." : "."));
        int c = 0;
        foreach (Range f in line.Split(','))
        {
            var field = line[f];
            if (!VectorCsv.TryParse(field, out float value))
                throw new InvalidDataException(
                    $"CSV '{_name}' line {_lineNumber}, column {c + 1}: \"{TextFiles.Shorten(field)}\" is {VectorCsv.Describe(field)}; every value must be a number in the invariant culture (e.g. 0.25 or 1.5E-3).");
            if (_requireFinite && !float.IsFinite(value))
                throw new InvalidDataException($"CSV '{_name}' line {_lineNumber}, column {c + 1} holds {value.ToString(CultureInfo.InvariantCulture)}; every value must be finite.");
            destination[c++] = value;
        }
    }

    /// <summary>Closes the file when the reader opened it (<see cref="Open"/>).</summary>
    public void Dispose()
    {
        if (_ownsReader) _reader.Dispose();
    }
}
