using System.Globalization;
using SparseAe.Persistence;

namespace SparseAe.Data.Csv;

/// <summary>
/// Numeric CSV files whose rows are vectors: values separated by commas, invariant culture ('.' as the
/// decimal point), every row of the same length, optionally under one header line, as
/// <c>data/digits/digits-8x8.csv</c> (<c>label,p00,...,p77</c>).
/// </summary>
/// <remarks>
/// <para>Reading: the first non-blank line is a header when any of its fields is not a number, as in
/// pandas' files (",0,1,2" with the index, "0,1,...,label"); a first row with a typo ("O,0.5,...") reads
/// as a header too, so a caller that must not lose a row checks <see cref="IsNumber(string)"/> on the returned
/// names (the CLI warns). Header names may be wrapped in double quotes, but fields cannot contain commas (this is not RFC 4180 CSV:
/// no quoting of values). A line may have at most <see cref="MaxLineLength"/> characters. Blank lines are skipped; spaces around a value are allowed; a byte order mark at the start (U+FEFF, also in text given as a TextReader) is skipped. A number is
/// anything <see cref="float.Parse(string, NumberStyles, IFormatProvider)"/> accepts with
/// <see cref="NumberStyles.Float"/> and the invariant culture, including NaN and (-)Infinity, which
/// <see cref="Write(TextWriter, float[], int, int, string[])"/> writes; a finite number too large for
/// float (e.g. 1e39 or 1e400) is an error rather than a silent infinity, in the first line too (it is a number,
/// so it does not make the line a header).</para>
/// <para>Writing uses the round-trip format "R" (the shortest text that parses back to the same
/// float), '\n' line ends and no quoting, so Read(Write(x)) == x bit for bit (-0, subnormals and float.MaxValue included), except that every NaN is written "NaN" and reads back as <see cref="float.NaN"/>: a NaN's sign and payload bits are not kept.</para>
/// </remarks>
public static class VectorCsv
{
    /// <summary>Reads the file at <paramref name="path"/>: (rows, columns) row-major values.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A value is not a number, a row has the wrong length, or the file is empty; the message names the line, the column and the text.</exception>
    /// <param name="path">The file: not null or empty.</param>
    public static (float[] Data, int Rows, int Columns) Read(string path) => Read(path, out _);

    /// <summary>
    /// As <see cref="Read(string)"/>, also returning the header's names (null when there is none); with
    /// <paramref name="requireFinite"/>, a NaN or an infinity is an error naming its line and column (for
    /// values a model will read, where it would otherwise surface later as a row index).
    /// </summary>
    /// <param name="path">The file: not null or empty.</param>
    /// <param name="header">The header's names, or null when the first line with values is a row.</param>
    /// <param name="requireFinite">Whether every value must be finite (a NaN or an infinity refused), or may be any float.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">See <see cref="Read(string)"/>; with <paramref name="requireFinite"/>, also a NaN or an infinity.</exception>
    public static (float[] Data, int Rows, int Columns) Read(string path, out string[]? header, bool requireFinite = false)
    {
        using var rows = VectorCsvReader.Open(path, requireFinite);
        return ReadAll(rows, out header, Array.MaxLength);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">See <see cref="Read(string)"/>.</exception>
    /// <param name="reader">The CSV text, read to its end and left open: not null.</param>
    /// <param name="name">The text's name in errors: not null.</param>
    /// <param name="header">The header's names, or null when the first line with values is a row.</param>
    /// <param name="requireFinite">Whether every value must be finite (a NaN or an infinity refused), or may be any float.</param>
    public static (float[] Data, int Rows, int Columns) Read(TextReader reader, string name, out string[]? header, bool requireFinite = false)
    {
        using var rows = new VectorCsvReader(reader, name, requireFinite);
        return ReadAll(rows, out header, Array.MaxLength);
    }

    /// <summary>As <see cref="Read(TextReader, string, out string[], bool)"/>, holding at most <paramref name="maxValues"/> values (a test's smaller limit).</summary>
    internal static (float[] Data, int Rows, int Columns) Read(TextReader reader, string name, out string[]? header, bool requireFinite, long maxValues)
    {
        using var rows = new VectorCsvReader(reader, name, requireFinite);
        return ReadAll(rows, out header, maxValues);
    }

    // Every value into one array, so at most Array.MaxLength of them: past it List's AddRange threw OverflowException (its size
    // is checked), "internal error" in the command line, at 33,554,432 rows of 64 (13 GB held).
    private static (float[] Data, int Rows, int Columns) ReadAll(VectorCsvReader rows, out string[]? header, long maxValues)
    {
        header = rows.Header;
        var data = new List<float>();
        var row = new float[rows.Columns];
        int count = 0;
        while (rows.TryReadRow(row))
        {
            if ((long)data.Count + row.Length > maxValues)
                throw new InvalidDataException($"{rows.Where} takes the CSV past {maxValues} values, as many as its rows are read into (one array); " +
                    "give a smaller file, or split it into parts.");
            data.AddRange(row);
            count++;
        }
        return (data.ToArray(), count, rows.Columns);
    }

    /// <summary>
    /// The longest line read, in characters: 2^26 (67,108,864; rows of about 8 million values of 8
    /// characters). A line is held whole while its values are parsed, so a longer one (a file that is one
    /// huge line) is refused rather than read into memory without bound.
    /// </summary>
    public const int MaxLineLength = 1 << 26;

    /// <summary>
    /// Writes (rows, columns) row-major <paramref name="data"/> to <paramref name="path"/>, under <paramref name="header"/> if given,
    /// as UTF-8 without a byte order mark, all or nothing (<see cref="AtomicFile"/>): a failure leaves the old file as it was.
    /// </summary>
    /// <param name="path">The file to write: not null or empty; its folder must exist.</param>
    /// <param name="data">The values, row-major: not null, and it must hold rows*columns values.</param>
    /// <param name="rows">The rows to write: at least 0 (0 only with a header: without one the file would be empty and could not be read back).</param>
    /// <param name="columns">The values in a row: at least 1.</param>
    /// <param name="header">The column names, or null for none: it must have one name per column; a name must be non-empty, without
    /// surrounding spaces, and hold no comma, double quote or line break; give at least one non-numeric name (a header of numbers
    /// would be read back as a data row).</param>
    /// <exception cref="ArgumentException">The shape does not match the data, or a header name is unusable (see the other overload).</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a folder, no file can be made in its folder, the file cannot be written (a full disk), or the file there
    /// cannot be replaced (Windows: read-only, or held open by another process; Linux: immutable): "Cannot write 'path': ...".</exception>
    public static void Write(string path, float[] data, int rows, int columns, string[]? header = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Check(data, rows, columns, header);
        AtomicFile.WriteText(path, writer => Write(writer, data, rows, columns, header));
    }

    /// <summary>
    /// Writes the values with the round-trip format "R" in the invariant culture, one row per line.
    /// Header names must be non-empty, hold no comma, double quote or line break, and not all be numbers
    /// (the header would be read back as a row).
    /// </summary>
    /// <param name="writer">Where the lines go: not null.</param>
    /// <param name="data">The values, row-major: not null, and it must hold rows*columns values.</param>
    /// <param name="rows">The rows to write: at least 0 (0 only with a header: without one the file would be empty and could not be read back).</param>
    /// <param name="columns">The values in a row: at least 1.</param>
    /// <param name="header">The column names, or null for none: it must have one name per column; a name must be non-empty, without
    /// surrounding spaces, and hold no comma, double quote or line break; give at least one non-numeric name (a header of numbers
    /// would be read back as a data row).</param>
    /// <exception cref="ArgumentException">data.Length is not rows*columns, the header has the wrong length, a header name is unusable, or rows is 0 without a header (the file would be empty, which Read refuses).</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows is negative or columns less than 1.</exception>
    public static void Write(TextWriter writer, float[] data, int rows, int columns, string[]? header = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Check(data, rows, columns, header);
        var csv = new VectorCsvWriter(writer, columns, header);
        for (int r = 0; r < rows; r++) csv.WriteRow(data.AsSpan(r * columns, columns));
        writer.Flush();
    }

    private static void Check(float[] data, int rows, int columns, string[]? header)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be at least 0, but is {rows}.");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, $"columns must be at least 1, but is {columns}.");
        if (data.Length != (long)rows * columns)
            throw new ArgumentException($"data must hold rows*columns = {rows}*{columns} = {(long)rows * columns} values, but holds {data.Length}.", nameof(data));
        if (header is null && rows == 0)
            throw new ArgumentException("rows is 0 and there is no header: the file would be empty and could not be read back; give a header.", nameof(header));
        CheckHeader(header, columns);
    }

    /// <summary>A header that reads back as one: one name a column, each usable, not all numbers (null: no header).</summary>
    internal static void CheckHeader(string[]? header, int columns)
    {
        if (header is null) return;
        if (header.Length != columns)
            throw new ArgumentException($"header must have one name per column ({columns}), but has {header.Length}.", nameof(header));
        for (int c = 0; c < header.Length; c++)
        {
            string? h = header[c];
            if (string.IsNullOrWhiteSpace(h) || h.IndexOfAny([',', '"', '\r', '\n']) >= 0 || h != h.Trim())
                throw new ArgumentException(
                    $"header name {c + 1} is \"{h}\"; a name must be non-empty, without surrounding spaces, and hold no comma, double quote or line break.", nameof(header));
        }
        if (header.All(IsNumber))
            throw new ArgumentException(
                $"header \"{string.Join(',', header)}\" is all numbers, so it would be read back as a data row; give at least one non-numeric name.", nameof(header));
    }

    /// <summary>
    /// True when <paramref name="field"/> is a number: a value, or one beyond float's range (a row's bad value, not a header's
    /// name). The rule that tells a header from a row.
    /// </summary>
    public static bool IsNumber(string field) => IsNumber(field.AsSpan());

    // A number beyond float (1e39) counts: it is a bad value of a row, not a header's name. The reader tells a header by this
    // rule, the writer refuses a header it would take for a row, and the CLI's warning counts the numbers in a header by it
    // (it took TryParse alone, so "1e39,O.5" read as a header with no warning of its numbers).
    internal static bool IsNumber(ReadOnlySpan<char> field) => TryParse(field, out _) || IsBeyondFloat(field);

    /// <summary>
    /// Whether <paramref name="row"/> numbers its columns, 0, 1, ..., V - 1 or 1, 2, ..., V (at least four of them): the
    /// header pandas writes for a numpy array (<c>pd.DataFrame(x).to_csv(index=False)</c>), which, all numbers, is read
    /// as a row (a header has a name that is not a number). Fewer columns are left alone: a row of small whole numbers
    /// in order ("1,2,3", keys) is data often enough.
    /// </summary>
    internal static bool NumbersItsColumns(ReadOnlySpan<float> row)
    {
        if (row.Length < MinNumberedColumns || row[0] is not (0 or 1)) return false;
        for (int j = 1; j < row.Length; j++)
            if (row[j] != row[0] + j) return false;
        return true;
    }

    /// <summary>The fewest columns <see cref="NumbersItsColumns"/> takes for pandas' header.</summary>
    internal const int MinNumberedColumns = 4;

    internal static bool TryParse(ReadOnlySpan<char> field, out float value)
    {
        var text = field.Trim();
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        // .NET parses 1e39 as infinity; only an explicit infinity may be one.
        return !float.IsInfinity(value) || text.Contains("Infinity", StringComparison.OrdinalIgnoreCase) || text.Contains('∞');
    }

    /// <summary>A number too large for float, e.g. 1e39 or 1e400, which float reads as an infinity the text does not spell.</summary>
    // Asked of float itself, not of double: 1e400 overflows double too, and was taken for a word (a header name,
    // so a first row dropped) or said to be "not a number".
    internal static bool IsBeyondFloat(ReadOnlySpan<char> field)
        => !TryParse(field, out _) && float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    internal static string Describe(ReadOnlySpan<char> field)
    {
        var text = field.Trim();
        if (text.Length == 0) return "empty";
        if (IsBeyondFloat(text))
            return $"outside float's range (+-{float.MaxValue.ToString("R", CultureInfo.InvariantCulture)})";
        // A quoted number: unquoted (as a header name is), it reads, so the rule of the invariant culture is not what it broke.
        if (HeaderName(text.ToString()) is var unquoted && unquoted.Length < text.Length && TryParse(unquoted, out _))
            return "not a number (values cannot be in double quotes: remove them)";
        return SeparatorHint(text) is { } hint ? $"not a number ({hint})" : "not a number";
    }

    /// <summary>
    /// What to say of text that holds ';' or a tab (another separator, as a German-locale export's "0,5;0,25"), or
    /// that is numbers separated by spaces (numpy.savetxt's default, "5.0e-01 2.5e-01"), else null.
    /// </summary>
    internal static string? SeparatorHint(ReadOnlySpan<char> text)
        => text.IndexOfAny(';', '\t') >= 0 ? "values are separated by commas, not by ';' or tabs"
            : IsSpaceSeparatedNumbers(text) ? "values are separated by commas, not by spaces" : null;

    // Only numbers between the spaces: a header name with a space ("pixel value") is no other separator. Parsed in
    // place, as the reader parses a line: the text may be a line of millions of values.
    private static bool IsSpaceSeparatedNumbers(ReadOnlySpan<char> text)
    {
        int numbers = 0;
        foreach (Range part in text.Split(' '))
        {
            if (text[part].IsEmpty) continue;
            if (!TryParse(text[part], out _)) return false;
            numbers++;
        }
        return numbers >= 2;
    }

    internal static string HeaderName(string field)
    {
        string name = field.Trim();
        return name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1] : name;
    }
}
