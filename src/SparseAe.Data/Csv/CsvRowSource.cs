using SparseAe.Training;

namespace SparseAe.Data.Csv;

/// <summary>
/// The rows of a vector CSV file as an <see cref="IRowSource"/>: each pass reads the file again, one line
/// at a time, so a pipeline over it (<c>sparseae featurize</c>) holds one row whatever the file's size.
/// The file is opened once when the source is made, for its columns and header and to refuse a file that
/// is no CSV before any work. A pipe (<c>--csv /dev/stdin</c>) cannot be opened again: its one pass reads
/// on from that first opening, and a second pass is refused.
/// </summary>
internal sealed class CsvRowSource : IRowSource
{
    private readonly string _path;
    private readonly bool _requireFinite;
    private readonly bool _canReopen;
    private VectorCsvReader? _pipe;   // a pipe's reader, past its first line: its one pass reads on from it

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not text or holds no line with values (<see cref="VectorCsvReader"/>).</exception>
    public CsvRowSource(string path, bool requireFinite)
    {
        var first = VectorCsvReader.Open(path, requireFinite);
        _path = path;
        _requireFinite = requireFinite;
        VectorSize = first.Columns;
        Header = first.Header;
        FirstRowNumbersItsColumns = first.FirstRowNumbersItsColumns;
        _canReopen = first.CanReopen;
        if (_canReopen) first.Dispose();
        else _pipe = first;
    }

    /// <inheritdoc />
    public int VectorSize { get; }

    /// <summary>The header's names, or null when the file starts with a row.</summary>
    public string[]? Header { get; }

    /// <summary>Whether the first row numbers the columns, as pandas' header of a numpy array does (<see cref="VectorCsvReader.FirstRowNumbersItsColumns"/>).</summary>
    public bool FirstRowNumbersItsColumns { get; }

    /// <inheritdoc />
    public string? Description => $"CSV '{_path}'";

    /// <inheritdoc />
    public IRowReader OpenPass(int pass)
    {
        if (Interlocked.Exchange(ref _pipe, null) is { } pipe) return new Reader(pipe);
        if (!_canReopen)
            throw new InvalidOperationException($"CSV '{_path}' is a pipe or a device, whose rows can be read once, and they have been; this needs another pass over them: give a file.");
        var csv = VectorCsvReader.Open(_path, _requireFinite);
        // A header that came or went (same width) would make each pass's first line another thing: a row, or names.
        string? change = csv.Columns != VectorSize ? $"its rows now have {csv.Columns} values, but had {VectorSize}"
            : (csv.Header is null) != (Header is null) ? $"it now starts with {(csv.Header is null ? "a row, but started with a header" : "a header, but started with a row")}"
            : null;
        if (change is null) return new Reader(csv);
        csv.Dispose();
        throw new InvalidDataException($"CSV '{_path}' changed while it was read: {change}.");
    }

    private sealed class Reader(VectorCsvReader csv) : IRowReader
    {
        public bool TryReadRow(Span<float> destination) => csv.TryReadRow(destination);

        public void Dispose() => csv.Dispose();
    }
}
