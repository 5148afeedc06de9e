using System.Globalization;
using System.Text;

namespace SparseAe.Data.Csv;

/// <summary>
/// Rows written one at a time in <see cref="VectorCsv"/>'s format (the round-trip format "R" in the
/// invariant culture, '\n' line ends, no quoting), so that rows produced as a stream (featurize's
/// features) need not be held: <see cref="VectorCsv.Write(TextWriter, float[], int, int, string[])"/>
/// writes through it too.
/// </summary>
internal sealed class VectorCsvWriter
{
    private readonly TextWriter _writer;
    private readonly StringBuilder _line = new();

    /// <summary>Writes the header line at once when <paramref name="header"/> is given.</summary>
    /// <exception cref="ArgumentOutOfRangeException">columns is less than 1.</exception>
    /// <exception cref="ArgumentException">The header has the wrong length or a name is unusable (<see cref="VectorCsv.Write(TextWriter, float[], int, int, string[])"/>).</exception>
    public VectorCsvWriter(TextWriter writer, int columns, string[]? header)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, $"columns must be at least 1, but is {columns}.");
        VectorCsv.CheckHeader(header, columns);
        _writer = writer;
        Columns = columns;
        if (header is null) return;
        writer.Write(string.Join(',', header));
        writer.Write('\n');
    }

    /// <summary>Values in every row.</summary>
    public int Columns { get; }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Writes <paramref name="row"/> (<see cref="Columns"/> values) as one line.</summary>
    public void WriteRow(ReadOnlySpan<float> row)
    {
        if (row.Length != Columns)
            throw new ArgumentException($"row must hold the CSV's {Columns} columns, but holds {row.Length}.", nameof(row));
        _line.Clear();
        for (int c = 0; c < row.Length; c++)
        {
            if (c > 0) _line.Append(',');
            _line.Append(row[c].ToString("R", CultureInfo.InvariantCulture));
        }
        _line.Append('\n');
        _writer.Write(_line);
        Rows++;
    }
}
