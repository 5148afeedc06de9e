using SparseAe.Data.Csv;

namespace SparseAe.Data.Tests.Csv;

public class VectorCsvTests
{
    private static (float[] Data, int Rows, int Columns) Read(string text, out string[]? header) =>
        VectorCsv.Read(new StringReader(text), "test.csv", out header);

    private static InvalidDataException Fails(string text) =>
        Assert.Throws<InvalidDataException>(() => Read(text, out _));

    // R's write.csv names its row-name column "": an empty name, not the two quote characters.
    [Fact]
    public void A_quoted_empty_header_name_is_empty()
    {
        Read("\"\",a\n1,2\n", out var header);
        Assert.Equal(["", "a"], header!);
    }

    // A row of another width is compared with the header's own line, wherever blank lines put it.
    [Fact]
    public void A_row_of_another_width_names_the_headers_line()
        => Assert.Contains("every row must have 2 like line 3 (the header)", Fails("\n\na,b\n1,2,3\n").Message);

    // The hint "separated by spaces" is for two or more numbers between spaces; a lone number is a row too short.
    [Fact]
    public void A_lone_number_on_a_short_row_gets_no_separator_hint()
    {
        var message = Fails("a,b,c\n5\n").Message;
        Assert.Contains("has 1 values, but every row must have 3", message);
        Assert.DoesNotContain("not by spaces", message);
    }

    [Fact]
    public void Reads_rows_under_a_header()
    {
        var (data, rows, columns) = Read("label,p00,p01\n3,0.5,1e-3\n7, -2 ,16\n", out var header);
        Assert.Equal(["label", "p00", "p01"], header!);
        Assert.Equal(2, rows);
        Assert.Equal(3, columns);
        Assert.Equal([3f, 0.5f, 1e-3f, 7f, -2f, 16f], data);
    }

    // Every value goes into one array: past Array.MaxLength of them List's AddRange threw OverflowException ("internal error"
    // in the command line, at 33,554,432 rows of 64, 13 GB held). Shown with a smaller limit: the row that passes it is named.
    [Fact]
    public void More_values_than_one_array_holds_are_refused_naming_the_line_that_passes_the_limit()
    {
        var text = "a,b,c\n" + string.Concat(Enumerable.Range(0, 5).Select(r => $"{r},{r},{r}\n"));
        var e = Assert.Throws<InvalidDataException>(() => VectorCsv.Read(new StringReader(text), "big.csv", out _, requireFinite: false, maxValues: 12));
        Assert.Equal("CSV 'big.csv' line 6 takes the CSV past 12 values, as many as its rows are read into (one array); give a smaller file, or split it into parts.", e.Message);
        Assert.Equal(5, VectorCsv.Read(new StringReader(text), "big.csv", out _, requireFinite: false, maxValues: 15).Rows);
    }

    [Fact]
    public void Without_a_header_the_first_line_is_a_row()
    {
        var (data, rows, columns) = Read("1,2\r\n3,4", out var header);
        Assert.Null(header);
        Assert.Equal((2, 2), (rows, columns));
        Assert.Equal([1f, 2, 3, 4], data);
    }

    [Fact]
    public void Quoted_header_names_and_blank_lines_are_accepted()
    {
        var (data, rows, _) = Read("\n\"a\",\"b\"\n\n1,2\n\n3,4\n\n", out var header);
        Assert.Equal(["a", "b"], header!);
        Assert.Equal(2, rows);
        Assert.Equal([1f, 2, 3, 4], data);
    }

    [Fact]
    public void Lines_of_spaces_or_tabs_are_blank_and_skipped()
    {
        // "Blank lines are skipped" means white space too (an editor's stray "  " or "\t"), before the first row and
        // between rows: such a line is no row of one empty value.
        var (data, rows, _) = Read(" \t\n1,2\n  \n3,4\n\t\n", out var header);
        Assert.Null(header);
        Assert.Equal(2, rows);
        Assert.Equal([1f, 2, 3, 4], data);
    }

    [Fact]
    public void A_byte_order_mark_left_in_the_text_is_not_part_of_the_first_field()
    {
        // Encoding.UTF8.GetString keeps a file's BOM as U+FEFF: the first row was taken for a header
        // ("\uFEFF1" is no number) and lost, or the header's first name kept the invisible character.
        var (data, rows, _) = Read("\uFEFF1,2\n3,4\n", out var header);
        Assert.Null(header);
        Assert.Equal(2, rows);
        Assert.Equal([1f, 2, 3, 4], data);
        Read("\uFEFFlabel,p0\n1,2\n", out header);
        Assert.Equal(["label", "p0"], header!);
    }

    [Fact]
    public void Header_only_is_zero_rows()
    {
        var (data, rows, columns) = Read("x,y,z\n", out var header);
        Assert.Equal((0, 3), (rows, columns));
        Assert.Empty(data);
        Assert.Equal(3, header!.Length);
    }

    [Fact]
    public void A_short_row_names_its_line_and_the_expected_count()
    {
        var error = Fails("a,b,c\n1,2,3\n4,5\n");
        Assert.Contains("line 3 has 2 values", error.Message);
        Assert.Contains("must have 3 like line 1 (the header)", error.Message);
        Assert.Contains("\"4,5\"", error.Message);
        Assert.Contains("'test.csv'", error.Message);
    }

    [Fact]
    public void A_first_line_with_numbers_and_words_is_a_header_whose_numeric_names_show()
    {
        // pandas writes ",0,1" (the index) and "0,1,label"; a first row with a typo reads the same way, which
        // IsNumber on the names lets a caller tell (the CLI warns).
        var (_, rows, _) = Read(",0,1\n0,0.5,1\n1,0.25,3\n", out var header);
        Assert.Equal(2, rows);
        Assert.Equal(["", "0", "1"], header!);
        Assert.Equal([false, true, true], header!.Select(VectorCsv.IsNumber));
        (_, rows, _) = Read("O,0.5,1\n2,0.25,3\n", out header);
        Assert.Equal(1, rows);
        Assert.Equal(["O", "0.5", "1"], header!);
    }

    [Fact]
    public void A_number_beyond_float_in_the_first_line_is_a_bad_value_not_a_header_name()
    {
        // "1e39" is a number, only too large for float: the line is a row with a bad value, as on any
        // later line. It was read as a header, so the row was dropped and training went on (exit 0).
        var error = Fails("0.1,1e39\n0.3,0.4\n");
        Assert.Contains("line 1, column 2: \"1e39\" is outside float's range", error.Message);
        Assert.Contains("line 1, column 1: \"-1e39\" is outside float's range", Fails("-1e39,2\n").Message);
    }

    [Fact]
    public void A_number_beyond_double_too_is_outside_floats_range_in_any_line()
    {
        // "1e400" overflows double as well (double.Parse gives infinity): in the first line it made a header,
        // so "-1e400,0\n0,0\n" trained on one row (exit 0, a warning); on a later line it was "not a number".
        Assert.Contains("line 1, column 1: \"-1e400\" is outside float's range", Fails("-1e400,0\n0,0\n").Message);
        Assert.Contains("line 2, column 2: \"1e400\" is outside float's range", Fails("a,b\n0,1e400\n").Message);
        // A number for the rule that tells a header from a row: IsNumber said no, so the CLI's warning of numbers in a header
        // counted none in "1e39,O.5", which the reader read as a header (of a row whose second value has a typo).
        Assert.True(VectorCsv.IsNumber("1e400"));
        Assert.Equal([true, false], Read("1e39,O.5\n1,2\n", out var header).Rows == 1 ? header!.Select(VectorCsv.IsNumber) : []);
    }

    [Fact]
    public void Semicolon_separated_values_are_named_as_such()
    {
        var error = Fails("a\n1;2\n");
        Assert.Contains("line 2, column 1", error.Message);
        Assert.Contains("separated by commas, not by ';'", error.Message);
    }

    [Fact]
    public void A_semicolon_file_with_decimal_commas_is_named_as_such_not_only_as_a_count()
    {
        // A German-locale export ("a;b;c" over "0,5;0,25;1") said only "line 2 has 3 values, but every row must
        // have 1 like line 1 (the header)": the commas of its decimals count, and the separator went unnamed.
        var error = Fails("a;b;c\n0,5;0,25;1\n");
        Assert.Contains("line 2 has 3 values, but every row must have 1 like line 1 (the header)", error.Message);
        Assert.Contains("values are separated by commas, not by ';' or tabs", error.Message);
        Assert.Contains("separated by commas, not by ';'", Fails("a\tb\n0,5\t1\n").Message);
        Assert.DoesNotContain("';'", Fails("a,b\n0,5,1\n").Message);
    }

    [Fact]
    public void A_number_in_double_quotes_is_told_to_lose_its_quotes()
    {
        // A file of quoted numbers (a spreadsheet or pandas with QUOTE_ALL) said only that "0.4" in quotes "is not a
        // number; every value must be a number in the invariant culture", which it is once unquoted.
        Assert.Contains("line 2, column 1: \"\"0.4\"\" is not a number (values cannot be in double quotes: remove them)",
            Fails("\"0.1\",\"0.2\"\n\"0.4\",\"0.5\"\n").Message);
        Assert.DoesNotContain("double quotes", Fails("a,b\n1,\"x\"\n").Message);
    }

    [Fact]
    public void With_requireFinite_a_NaN_or_an_infinity_names_its_line_and_column()
    {
        var error = Assert.Throws<InvalidDataException>(() => VectorCsv.Read(new StringReader("a,b\n1,2\n\n3,NaN\n"), "test.csv", out _, requireFinite: true));
        Assert.Contains("'test.csv' line 4, column 2 holds NaN; every value must be finite", error.Message);
        error = Assert.Throws<InvalidDataException>(() => VectorCsv.Read(new StringReader("-Infinity,2\n"), "test.csv", out _, requireFinite: true));
        Assert.Contains("line 1, column 1 holds -Infinity", error.Message);
        var (data, _, _) = VectorCsv.Read(new StringReader("1,NaN\n"), "test.csv", out _);
        Assert.True(float.IsNaN(data[1]));   // without it NaN is a value, as Write writes it
    }

    [Fact]
    public void A_long_row_without_header_names_the_first_row()
    {
        var error = Fails("1,2\n\n3,4,5\n");
        Assert.Contains("line 3 has 3 values", error.Message);
        Assert.Contains("like line 1:", error.Message);
    }

    [Fact]
    public void A_CRLF_line_break_counts_as_one_line_in_errors_also_across_a_read_block()
    {
        // A Windows file ends its lines with "\r\n": taken as two breaks (an empty line between), every error
        // named about twice its line. The '\n' may come in the reader's next 64 Ki-character block after the '\r'.
        Assert.Contains("line 3, column 2: \"x\"", Fails("a,b\r\n1,2\r\n3,x\r\n").Message);
        string header = "a," + "b".PadRight((1 << 16) - 3);   // its "\r" is the block's last character
        Assert.Contains("line 3, column 2: \"x\"", Fails(header + "\r\n1,2\r\n3,x\r\n").Message);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,x7\n", 3, 2, "x7", "not a number")]
    [InlineData("a,b\n1,2\n3,\n", 3, 2, "", "empty")]
    [InlineData("1,2\n1,5;6\n", 2, 2, "5;6", "not a number")]
    [InlineData("a,b\n1,2\n3,4\n1e39,0\n", 4, 1, "1e39", "outside float's range")]
    [InlineData("a,b\n1,2\n3,\"4\"\n", 3, 2, "\"4\"", "not a number")]
    [InlineData("a,b\n0,1,5\n", 2, 0, "", "")]
    public void A_bad_value_names_line_column_and_text(string text, int line, int column, string field, string rule)
    {
        var error = Fails(text);
        if (column == 0)
        {
            Assert.Contains($"line {line} has 3 values", error.Message);
            return;
        }
        Assert.Contains($"line {line}, column {column}: \"{field}\" is {rule}", error.Message);
    }

    [Fact]
    public void Decimal_comma_culture_is_not_used()
    {
        // "0,5" in a comma-decimal culture is two values here, so the row is too long.
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var (data, _, _) = Read("a\n0.5\n", out _);
            Assert.Equal([0.5f], data);
            Assert.Contains("line 2 has 2 values", Fails("a\n0,5\n").Message);
            // Nor in the messages about the file's numbers: the range of a value too large for float was said as
            // "+-3,4028235E+38" in the sentence that asks for numbers in the invariant culture (e.g. 0.25 or 1.5E-3).
            Assert.Contains("\"1e39\" is outside float's range (+-3.4028235E+38); every value must be a number in the invariant culture", Fails("0.5,1e39\n").Message);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    // The writer too: the test projects run in the invariant culture (samples/Shared/InvariantCulture.cs), so a
    // decimal comma reaches it only where a test sets one, as a user's app on a German machine does.
    [Fact]
    public void Decimal_comma_culture_is_not_used_in_writing()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var text = new StringWriter();
            VectorCsv.Write(text, [0.5f, -1.25f, 1e-7f, 3f], 2, 2, ["a", "b"]);
            Assert.Equal("a,b\n0.5,-1.25\n1E-07,3\n", text.ToString().ReplaceLineEndings("\n"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        Assert.Contains("no lines with values", Fails("").Message);
        Assert.Contains("3 line(s), all blank", Fails("\n  \n\n").Message);
    }

    [Fact]
    public void Round_trips_every_float_bit_for_bit()
    {
        float[] data = [0f, -0f, 1f / 3, float.Epsilon, float.MaxValue, float.MinValue, 1e-45f, 123456.79f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0.1f];
        var writer = new StringWriter();
        VectorCsv.Write(writer, data, 4, 3, ["a", "b", "c"]);
        var (read, rows, columns) = Read(writer.ToString(), out var header);
        Assert.Equal((4, 3), (rows, columns));
        Assert.Equal(["a", "b", "c"], header!);
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), read.Select(BitConverter.SingleToInt32Bits));
        Assert.StartsWith("a,b,c\n0,-0,0.33333334\n1E-45,3.4028235E+38,", writer.ToString());
    }

    [Fact]
    public void Round_trips_random_data_through_a_file_without_header()
    {
        var random = new Random(8);
        float[] data = Enumerable.Range(0, 50 * 7).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)))).ToArray();
        using var temp = new TempFolder();
        var path = temp.File("rows.csv");
        try
        {
            VectorCsv.Write(path, data, 50, 7);
            var (read, rows, columns) = VectorCsv.Read(path, out var header);
            Assert.Null(header);
            Assert.Equal((50, 7), (rows, columns));
            Assert.Equal(data, read);
            Assert.Equal(read, VectorCsv.Read(path).Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Writing_to_a_folder_or_into_a_missing_one_names_the_path_and_the_problem()
    {
        // Was "Access to the path '...' is denied." for a folder, and .NET's "Could not find a part of the path".
        using var temp = new TempFolder();
        var folder = temp.NewFolder();
        var e = Assert.Throws<IOException>(() => VectorCsv.Write(folder, [1f], 1, 1));
        Assert.Equal($"Cannot write '{folder}': it is a folder.", e.Message);
        var inMissing = Path.Combine(temp.Path, "missing", "rows.csv");
        var missing = Assert.Throws<DirectoryNotFoundException>(() => VectorCsv.Write(inMissing, [1f], 1, 1));
        Assert.Equal($"Cannot write '{inMissing}': the folder '{Path.GetDirectoryName(inMissing)}' does not exist.", missing.Message);
    }

    [Fact]
    public void Writing_a_file_replaces_it_whole_and_leaves_no_temporary_file()
    {
        using var temp = new TempFolder();
        var folder = temp.NewFolder();
        var path = Path.Combine(folder, "rows.csv");
        File.WriteAllText(path, "old,content\n1,2\n3,4\n5,6\n");
        VectorCsv.Write(path, [7f], 1, 1);
        Assert.Equal("7\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    private static InvalidDataException FailsFile(byte[] bytes, out string path)
    {
        using var temp = new TempFolder();
        path = temp.File("rows.csv");
        File.WriteAllBytes(path, bytes);
        try
        {
            string read = path;
            return Assert.Throws<InvalidDataException>(() => VectorCsv.Read(read));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_gzipped_or_binary_file_is_said_to_be_one_before_any_line_is_shown()
    {
        // A gzipped CSV said "has no data rows" or showed a line of compressed bytes; a PNG given as CSV
        // said "line 2, column 1: "\u001a" is not a number", its control byte sent to the terminal raw.
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionMode.Compress, leaveOpen: true))
            gzip.Write("a,b\n0.1,0.2\n"u8);
        var error = FailsFile(packed.ToArray(), out string path);
        Assert.Equal($"CSV '{path}' is gzip-compressed (it starts with 1F 8B): decompress it first (for example with gunzip); values are read as UTF-8 text (or UTF-16 or UTF-32 with its byte order mark).", error.Message);
        error = FailsFile([0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n', 0, 0, 0, 13, .. "IHDR"u8], out path);
        Assert.Equal($"CSV '{path}' is not a text file (byte 8 is 00); values are read as UTF-8 text (or UTF-16 or UTF-32 with its byte order mark).", error.Message);
        // UTF-16 with its byte order mark holds zero bytes and is text.
        var utf16 = new byte[] { 0xFF, 0xFE }.Concat(System.Text.Encoding.Unicode.GetBytes("a,b\n1,2\n")).ToArray();
        using var temp = new TempFolder();
        var file = temp.File("rows.csv");
        // So is UTF-32 big-endian, whose mark itself starts with two zero bytes (00 00 FE FF), and UTF-16 big-endian.
        foreach (var encoding in new System.Text.Encoding[] { new System.Text.UTF32Encoding(bigEndian: true, byteOrderMark: true), System.Text.Encoding.BigEndianUnicode })
        {
            File.WriteAllBytes(file, [.. encoding.GetPreamble(), .. encoding.GetBytes("a,b\n1,2\n")]);
            Assert.Equal([1f, 2f], VectorCsv.Read(file).Data);
        }
        File.WriteAllBytes(file, utf16);
        try
        {
            Assert.Equal([1f, 2f], VectorCsv.Read(file).Data);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Control_characters_and_undecodable_bytes_in_a_bad_value_are_shown_escaped()
    {
        // An escape sequence in a field reached the terminal raw, and bytes that are not UTF-8 showed as U+FFFD.
        var error = Fails("a,b\n0.3,\u001b[31mred\u0007\n");
        Assert.Contains("line 2, column 2: \"\\x1B[31mred\\x07\" is not a number", error.Message);
        Assert.Contains("\"\\uFFFD\" is not a number", Fails("a\n\uFFFD\n").Message);
        Assert.DoesNotContain(error.Message, char.IsControl);
    }

    [Fact]
    public void Invisible_characters_in_a_bad_value_are_shown_escaped_so_the_value_does_not_look_valid()
    {
        // A second byte order mark (two files joined with cat) or a zero-width space copied from a web page
        // was shown raw: the message said "0.4" is not a number.
        Assert.Contains("line 2, column 1: \"\\uFEFF0.4\" is not a number", Fails("0.1,0.2\n\uFEFF0.4,0.5\n").Message);
        Assert.Contains("line 2, column 2: \"0.5\\u200B\" is not a number", Fails("0.1,0.2\n0.4,0.5\u200B\n").Message);
        Assert.Contains("line 2, column 1: \"\\u202E1\" is not a number", Fails("0.1,0.2\n\u202E1,0.5\n").Message);
        Assert.Contains("line 2, column 1: \"1\\u20282\" is not a number", Fails("0.1,0.2\n1\u20282,0.5\n").Message);
    }

    /// <summary><paramref name="length"/> characters of "0,0,...", then a line break.</summary>
    private sealed class LongLine(long length) : TextReader
    {
        private long _given;

        public override int Peek() => _given > length ? -1 : _given == length ? '\n' : _given % 2 == 0 ? '0' : ',';

        public override int Read()
        {
            int c = Peek();
            if (c >= 0) _given++;
            return c;
        }

        public override int Read(char[] buffer, int index, int count)
        {
            int n = (int)Math.Min(count, length + 1 - _given);
            for (int i = 0; i < n; i++, _given++)
                buffer[index + i] = (char)Peek();
            return n;
        }
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_refused_naming_it_without_reading_it_whole()
    {
        // ReadLine has no limit, and string.Split made a string of each value: a 100 MB line of "0,"
        // took 3.4 GB, and one of 1.1 GB allocated 8.6 GB before an OutOfMemoryException (exit 1).
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => VectorCsv.Read(new LongLine(VectorCsv.MaxLineLength + 1L), "long.csv", out _));
        Assert.Equal($"CSV 'long.csv' line 1 is longer than {VectorCsv.MaxLineLength} characters (VectorCsv.MaxLineLength); a line is held whole in memory while it is read, so longer ones are refused.", error.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4L * sizeof(char) * VectorCsv.MaxLineLength);

        // A line of 4 million values is read with no string per value: about its own buffer, and the values.
        const int values = 4_000_000;
        before = GC.GetAllocatedBytesForCurrentThread();
        var (data, rows, columns) = VectorCsv.Read(new LongLine(2L * values - 1), "wide.csv", out var header);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((1, values), (rows, columns));
        Assert.InRange(allocated, 0, 32L * values);   // a string per value cost over 64 bytes a value
        Assert.Null(header);
        Assert.Equal(values, data.Length);
    }

    [Fact]
    public void Reads_the_shipped_digits()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "data", "digits", "digits-8x8.csv")))
            directory = Path.GetDirectoryName(directory);
        Assert.NotNull(directory);
        var (data, rows, columns) = VectorCsv.Read(Path.Combine(directory, "data", "digits", "digits-8x8.csv"), out var header);
        Assert.Equal((1797, 65), (rows, columns));
        Assert.Equal("label", header![0]);
        Assert.Equal("p77", header[64]);
        Assert.Equal(0f, data[0]);   // the first digit is a 0
        Assert.All(data, v => Assert.InRange(v, 0f, 16f));
    }

    [Fact]
    public void Missing_file_is_file_not_found()
    {
        using var temp = new TempFolder();
        var path = temp.File("missing.csv");
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => VectorCsv.Read(path)).Message);
    }

    [Fact]
    public void Write_refuses_a_shape_that_does_not_match()
    {
        var error = Assert.Throws<ArgumentException>(() => VectorCsv.Write(new StringWriter(), new float[5], 2, 3));
        Assert.Contains("2*3 = 6", error.Message);
        Assert.Contains("holds 5", error.Message);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() => VectorCsv.Write(new StringWriter(), [], 0, 0)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => VectorCsv.Write(new StringWriter(), [], -1, 2)).ParamName);
    }

    [Theory]
    [InlineData(new[] { "a" }, "one name per column (2), but has 1")]
    [InlineData(new[] { "a", "b,c" }, "name 2 is \"b,c\"")]
    [InlineData(new[] { "a", "" }, "name 2 is \"\"")]
    [InlineData(new[] { " a", "b" }, "name 1 is \" a\"")]
    [InlineData(new[] { "a\"", "b" }, "name 1 is \"a\"\"")]
    [InlineData(new[] { "1", "2.5" }, "all numbers")]
    public void WriteRefusesAnUnusableHeader(string[] header, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => VectorCsv.Write(new StringWriter(), [1, 2], 1, 2, header));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Write_refuses_zero_rows_without_a_header()
    {
        var error = Assert.Throws<ArgumentException>(() => VectorCsv.Write(new StringWriter(), [], 0, 3));
        Assert.Contains("could not be read back", error.Message);
        var writer = new StringWriter();
        VectorCsv.Write(writer, [], 0, 2, ["x", "y"]);
        Assert.Equal("x,y\n", writer.ToString());
    }
}
