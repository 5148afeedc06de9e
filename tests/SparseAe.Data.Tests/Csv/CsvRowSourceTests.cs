using SparseAe.Data.Csv;

namespace SparseAe.Data.Tests.Csv;

/// <summary>The row-at-a-time reader and writer behind VectorCsv and sparseae featurize, and the CSV as a row source.</summary>
public sealed class CsvRowSourceTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string TempFile(string text)
    {
        var path = Path.Combine(_temp.NewFolder(), "rows.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_reader_gives_the_rows_that_Read_gives_one_at_a_time()
    {
        const string text = "\n a , b \n1,2\n\n3,4\r\n5,6";
        var (data, rows, columns) = VectorCsv.Read(new StringReader(text), "t.csv", out var header);
        using var reader = new VectorCsvReader(new StringReader(text), "t.csv");
        Assert.Equal(header, reader.Header);
        Assert.Equal(columns, reader.Columns);
        var row = new float[2];
        var read = new List<float>();
        while (reader.TryReadRow(row)) read.AddRange(row);
        Assert.Equal(data, read);
        Assert.Equal(3, rows);
        Assert.False(reader.TryReadRow(row));   // stays at the end
    }

    // pandas' header of a numpy array, "0,1,...": read as a row (its fields are numbers), and told, so that the CLI can say so.
    [Theory]
    [InlineData("0,1,2,3\n0.5,0.25,1,2\n", true)]
    [InlineData("1,2,3,4\n0.5,0.25,1,2\n", true)]
    [InlineData(" 0 , 1.0 ,2e0, 3\n", true)]
    [InlineData("1,2,3\n0,1,2\n", false)]   // fewer than four columns: small whole numbers in order are data often enough
    [InlineData("0\n", false)]
    [InlineData("0,2,3,4\n", false)]
    [InlineData("2,3,4,5\n", false)]
    [InlineData("1,0,2,3\n", false)]
    [InlineData("0,1,2,1e39\n", false)]   // beyond float: a bad value, not a column number
    [InlineData("a,b\n0,1\n", false)]    // a header of names
    public void A_first_row_that_numbers_the_columns_is_told(string text, bool numbers)
    {
        using var reader = new VectorCsvReader(new StringReader(text), "t.csv");
        Assert.Equal(numbers, reader.FirstRowNumbersItsColumns);
        Assert.Equal(numbers, new CsvRowSource(TempFile(text), requireFinite: false).FirstRowNumbersItsColumns);
    }

    [Fact]
    public void A_first_line_of_numbers_is_the_first_row_and_there_is_no_header()
    {
        using var reader = new VectorCsvReader(new StringReader("1,2,3\n4,5,6\n"), "t.csv");
        Assert.Null(reader.Header);
        Assert.Equal(3, reader.Columns);
        var row = new float[3];
        Assert.True(reader.TryReadRow(row));
        Assert.Equal([1f, 2, 3], row);
        Assert.True(reader.TryReadRow(row));
        Assert.Equal([4f, 5, 6], row);
        Assert.False(reader.TryReadRow(row));
    }

    [Fact]
    public void Rows_before_a_bad_line_are_given_and_the_bad_line_is_named_when_it_is_reached()
    {
        using var reader = new VectorCsvReader(new StringReader("1,2\n3,4\n5,x\n"), "t.csv");
        var row = new float[2];
        Assert.True(reader.TryReadRow(row));
        Assert.True(reader.TryReadRow(row));
        var e = Assert.Throws<InvalidDataException>(() => reader.TryReadRow(row));
        Assert.Equal("CSV 't.csv' line 3, column 2: \"x\" is not a number; every value must be a number in the invariant culture (e.g. 0.25 or 1.5E-3).", e.Message);
    }

    [Fact]
    public void A_destination_of_another_width_is_refused_naming_both()
    {
        using var reader = new VectorCsvReader(new StringReader("1,2\n"), "t.csv");
        var e = Assert.Throws<ArgumentException>(() => reader.TryReadRow(new float[3]));
        Assert.StartsWith("destination must hold the CSV's 2 columns, but holds 3.", e.Message);
    }

    [Fact]
    public void Text_without_values_is_refused_when_the_reader_is_made()
    {
        var e = Assert.Throws<InvalidDataException>(() => new VectorCsvReader(new StringReader("\n \n"), "t.csv"));
        Assert.Equal("CSV 't.csv' holds no lines with values (it has 2 line(s), all blank); at least a header or one row is needed.", e.Message);
    }

    [Fact]
    public void The_writer_writes_what_VectorCsv_Write_writes_a_row_at_a_time()
    {
        float[] data = [0.1f, -2e-7f, float.MaxValue, 1f / 3, 0, -0f];
        var whole = new StringWriter();
        VectorCsv.Write(whole, data, 2, 3, ["a", "b", "c"]);
        var rows = new StringWriter();
        var writer = new VectorCsvWriter(rows, 3, ["a", "b", "c"]);
        writer.WriteRow(data.AsSpan(0, 3));
        writer.WriteRow(data.AsSpan(3, 3));
        Assert.Equal(whole.ToString(), rows.ToString());
        Assert.Equal(2, writer.Rows);
        Assert.StartsWith("row must hold the CSV's 3 columns, but holds 2.", Assert.Throws<ArgumentException>(() => writer.WriteRow(new float[2])).Message);
        Assert.StartsWith("header \"1,2,3\" is all numbers", Assert.Throws<ArgumentException>(() => new VectorCsvWriter(new StringWriter(), 3, ["1", "2", "3"])).Message);
    }

    [Fact]
    public void Each_pass_of_the_source_reads_the_file_again_from_its_first_row()
    {
        var path = TempFile("x,y\n1,2\n3,4\n");
        try
        {
            var source = new CsvRowSource(path, requireFinite: true);
            Assert.Equal(2, source.VectorSize);
            Assert.Equal(["x", "y"], source.Header!);
            Assert.Equal($"CSV '{path}'", source.Description);
            for (int pass = 0; pass < 2; pass++)
            {
                using var rows = source.OpenPass(pass);
                var row = new float[2];
                Assert.True(rows.TryReadRow(row));
                Assert.Equal([1f, 2], row);
                Assert.True(rows.TryReadRow(row));
                Assert.Equal([3f, 4], row);
                Assert.False(rows.TryReadRow(row));
            }
        }
        finally { File.Delete(path); }
    }

    // Only the width was compared: a header file replaced by one of the same width without a header (or the other way)
    // was read on, its first line now a row (or its first row now taken for names), and each pass gave other rows.
    [Theory]
    [InlineData("a,b\n1,2\n", "3,4\n5,6\n", "now starts with a row, but started with a header")]
    [InlineData("1,2\n3,4\n", "a,b\n5,6\n", "now starts with a header, but started with a row")]
    public void A_file_whose_header_comes_or_goes_between_passes_is_refused(string before, string after, string said)
    {
        var path = TempFile(before);
        try
        {
            var source = new CsvRowSource(path, requireFinite: true);
            File.WriteAllText(path, after);
            var e = Assert.Throws<InvalidDataException>(() => source.OpenPass(0));
            Assert.Equal($"CSV '{path}' changed while it was read: it {said}.", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_file_whose_width_changes_between_passes_is_refused_naming_both_widths()
    {
        var path = TempFile("1,2\n");
        try
        {
            var source = new CsvRowSource(path, requireFinite: true);
            File.WriteAllText(path, "1,2,3\n");
            var e = Assert.Throws<InvalidDataException>(() => source.OpenPass(0));
            Assert.Equal($"CSV '{path}' changed while it was read: its rows now have 3 values, but had 2.", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void With_requireFinite_a_NaN_is_refused_when_its_row_is_read()
    {
        var path = TempFile("1,2\nNaN,4\n");
        try
        {
            using var rows = new CsvRowSource(path, requireFinite: true).OpenPass(0);
            var row = new float[2];
            Assert.True(rows.TryReadRow(row));
            Assert.Equal($"CSV '{path}' line 2, column 1 holds NaN; every value must be finite.", Assert.Throws<InvalidDataException>(() => rows.TryReadRow(row)).Message);
        }
        finally { File.Delete(path); }
    }

    // A stream that cannot seek, as a pipe's.
    private sealed class Forward(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(10_000)]
    public void The_text_check_of_a_stream_gives_back_every_byte_it_read(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)('a' + i % 26)).ToArray();
        using var checkedStream = TextFiles.RequireText(new Forward(bytes), "pipe", "text");
        var copy = new MemoryStream();
        checkedStream.CopyTo(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task A_pipe_is_read_once_whole_and_a_second_pass_is_refused()
    {
        // The check that the file is text read the pipe's first 4 KiB, and the rows began in the middle of a line.
        if (!OperatingSystem.IsLinux()) return;   // mkfifo
        using var temp = new TempFolder();
        var path = temp.File("pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])!) mkfifo.WaitForExit();
        try
        {
            var lines = Enumerable.Range(0, 1000).Select(r => $"{r},{r + 0.5},{-r}").ToArray();
            var writer = Task.Run(() => File.WriteAllText(path, "a,b,c\n" + string.Join('\n', lines) + "\n"));
            var source = new CsvRowSource(path, requireFinite: true);
            Assert.Equal(3, source.VectorSize);
            Assert.Equal(["a", "b", "c"], source.Header!);
            var read = new List<float[]>();
            using (var rows = source.OpenPass(0))
            {
                var row = new float[3];
                while (rows.TryReadRow(row)) read.Add((float[])row.Clone());
            }
            await writer;
            Assert.Equal(1000, read.Count);
            Assert.Equal([999f, 999.5f, -999f], read[^1]);
            var e = Assert.Throws<InvalidOperationException>(() => source.OpenPass(1));
            Assert.Equal($"CSV '{path}' is a pipe or a device, whose rows can be read once, and they have been; this needs another pass over them: give a file.", e.Message);
        }
        finally { File.Delete(path); }
    }
}
