using System.Buffers.Binary;
using System.IO.Compression;
using SparseAe.Data.Idx;

namespace SparseAe.Data.Tests.Idx;

public class IdxFileTests
{
    /// <summary>An IDX file: 00 00 type rank, big-endian int32 sizes, then the raw big-endian values.</summary>
    internal static byte[] Build(IdxDataType type, uint[] dims, byte[] values)
    {
        var file = new byte[4 + 4 * dims.Length + values.Length];
        file[2] = (byte)type;
        file[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(4 + 4 * i), dims[i]);
        values.CopyTo(file, 4 + 4 * dims.Length);
        return file;
    }

    internal static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    /// <summary>A 3x2x2 ubyte "images" file: item i is [10i, 10i+1, 10i+2, 10i+3], plus 255 in the last.</summary>
    private static byte[] SmallImages() => Build(IdxDataType.UnsignedByte, [3, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 255]);

    /// <summary>A stream that cannot seek and returns at most 3 bytes a read, like a network stream.</summary>
    private sealed class Trickle(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 3)]);
    }

    private static IdxFile Read(byte[] file) => IdxFile.Read(new MemoryStream(file), "test.idx");

    public static TheoryData<string> Encodings() => new("plain", "gzip", "plain-trickle", "gzip-trickle");

    private static IdxFile Read(byte[] file, string encoding)
    {
        byte[] bytes = encoding.StartsWith("gzip") ? Gzip(file) : file;
        Stream stream = encoding.EndsWith("trickle") ? new Trickle(bytes) : new MemoryStream(bytes);
        return IdxFile.Read(stream, "test.idx");
    }

    // Dimensions was the file's own array behind IReadOnlyList: cast back, a caller could change ItemCount and what Item reads.
    [Fact]
    public void The_dimensions_cannot_be_changed_through_their_list()
    {
        var idx = Read(SmallImages());
        Assert.Throws<NotSupportedException>(() => ((IList<int>)idx.Dimensions)[0] = 1);
        Assert.Equal(3, idx.ItemCount);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Reads_unsigned_bytes_with_items(string encoding)
    {
        var idx = Read(SmallImages(), encoding);
        Assert.Equal(IdxDataType.UnsignedByte, idx.DataType);
        Assert.Equal([3, 2, 2], idx.Dimensions);
        Assert.Equal(3, idx.ItemCount);
        Assert.Equal(4, idx.ItemSize);
        Assert.Equal([0f, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 255], idx.Data);
        Assert.Equal([10f, 11, 12, 13], idx.Item(1).ToArray());
        Assert.Equal("test.idx: UnsignedByte [3, 2, 2]", idx.ToString());
    }

    [Fact]
    public void Reads_a_labels_vector()
    {
        var idx = Read(Build(IdxDataType.UnsignedByte, [5], [9, 0, 3, 3, 1]));
        Assert.Equal(5, idx.ItemCount);
        Assert.Equal(1, idx.ItemSize);
        Assert.Equal([3f], idx.Item(2).ToArray());
    }

    [Fact]
    public void Reads_every_type_big_endian()
    {
        static byte[] Be(int size, Action<Span<byte>, int> write, int n)
        {
            var b = new byte[size * n];
            for (int i = 0; i < n; i++) write(b.AsSpan(size * i), i);
            return b;
        }
        float[] expected = [-2.5f, 0f, 1e-3f, 3.25f];
        Assert.Equal([-128f, -1, 0, 127], Read(Build(IdxDataType.SignedByte, [4], [0x80, 0xFF, 0, 0x7F])).Data);
        short[] shorts = [-32768, -2, 300, 32767];
        Assert.Equal(shorts.Select(v => (float)v), Read(Build(IdxDataType.Int16, [2, 2], Be(2, (s, i) => BinaryPrimitives.WriteInt16BigEndian(s, shorts[i]), 4))).Data);
        int[] ints = [-70000, 0, 16_777_216, 5];
        Assert.Equal(ints.Select(v => (float)v), Read(Build(IdxDataType.Int32, [4], Be(4, (s, i) => BinaryPrimitives.WriteInt32BigEndian(s, ints[i]), 4))).Data);
        Assert.Equal(expected, Read(Build(IdxDataType.Single, [4, 1], Be(4, (s, i) => BinaryPrimitives.WriteSingleBigEndian(s, expected[i]), 4))).Data);
        Assert.Equal(expected, Read(Build(IdxDataType.Double, [1, 4], Be(8, (s, i) => BinaryPrimitives.WriteDoubleBigEndian(s, expected[i]), 4))).Data);
    }

    [Fact]
    public void A_double_beyond_float_range_is_refused_rather_than_read_as_infinity()
    {
        // Values are read as floats; 1e300 became +Infinity without a word (NaN and infinities stored as
        // such, and the precision lost by narrowing, are what the file says and stay).
        var values = new byte[8 * 3];
        BinaryPrimitives.WriteDoubleBigEndian(values, 0.5);
        BinaryPrimitives.WriteDoubleBigEndian(values.AsSpan(8), double.NegativeInfinity);
        BinaryPrimitives.WriteDoubleBigEndian(values.AsSpan(16), -1e300);
        var error = Assert.Throws<InvalidDataException>(() => Read(Build(IdxDataType.Double, [3], values)));
        Assert.Equal(
            $"IDX file 'test.idx' holds -1E+300 as value 2, outside float's range (+-{float.MaxValue:R}); values are read as floats (at byte offset 24).",
            error.Message);
        Assert.Equal([0.5f, float.NegativeInfinity, float.NaN], Read(Build(IdxDataType.Double, [3], [.. values[..16], .. BitConverter.GetBytes(double.NaN).Reverse()])).Data);
    }

    [Fact]
    public void Reads_from_a_file_and_detects_gzip_by_its_magic()
    {
        using var temp = new TempFolder();
        var plain = temp.File("images-idx3-ubyte");
        string gz = plain + ".gz";
        try
        {
            File.WriteAllBytes(plain, SmallImages());
            File.WriteAllBytes(gz, Gzip(SmallImages()));
            Assert.Equal(IdxFile.Read(plain).Data, IdxFile.Read(gz).Data);
            Assert.Equal(gz, IdxFile.Read(gz).Name);
        }
        finally
        {
            File.Delete(plain);
            File.Delete(gz);
        }
        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(plain));
    }

    [Fact]
    public void Zero_items_is_an_empty_file()
    {
        var idx = Read(Build(IdxDataType.UnsignedByte, [0, 28, 28], []));
        Assert.Equal(0, idx.ItemCount);
        Assert.Empty(idx.Data);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_truncation_point_fails_naming_a_byte_offset(string encoding)
    {
        byte[] idx = Build(IdxDataType.Int16, [3, 2], Enumerable.Range(0, 12).Select(i => (byte)(i * 7)).ToArray());
        byte[] full = encoding.StartsWith("gzip") ? Gzip(idx) : idx;
        for (int length = 0; length < full.Length; length++)
        {
            Stream stream = encoding.EndsWith("trickle") ? new Trickle(full[..length]) : new MemoryStream(full[..length]);
            var error = Record.Exception(() => IdxFile.Read(stream, "cut.idx"));
            Assert.True(error is InvalidDataException, $"{length} of {full.Length} bytes: {error?.GetType().Name ?? "no exception"} {error?.Message}");
            Assert.Matches(@"byte offset \d+", error!.Message);
            Assert.Contains("'cut.idx'", error.Message);
        }
    }

    [Fact]
    public void Truncation_inside_the_header_names_the_offset_where_the_file_ends()
    {
        // Where the bytes stop, not where the cut field starts: 6 bytes end inside the size at bytes 4-7.
        byte[] file = Build(IdxDataType.UnsignedByte, [2], [1, 2]);
        Assert.Contains("is truncated inside the 1 dimension sizes (bytes 4-7) (at byte offset 6).",
            Assert.Throws<InvalidDataException>(() => Read(file[..6])).Message);
        Assert.Contains("is truncated inside the 4-byte magic number (bytes 0-3) (at byte offset 3).",
            Assert.Throws<InvalidDataException>(() => Read(file[..3])).Message);
    }

    [Fact]
    public void Truncation_names_the_offset_where_the_data_end()
    {
        byte[] file = SmallImages()[..20];
        var error = Assert.Throws<InvalidDataException>(() => Read(file));
        Assert.Contains("3x2x2 UnsignedByte values (12 bytes from byte offset 16)", error.Message);
        Assert.Contains("(at byte offset 20).", error.Message);

        var gz = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new Trickle(Gzip(file)), "cut.gz"));
        Assert.Contains("(at byte offset 20 of the decompressed data).", gz.Message);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    [InlineData("plain-trickle")]
    public void A_lying_large_dimension_fails_without_allocating_for_it(string encoding)
    {
        // Claims 60000 x 28 x 28 = 47 MB of pixels but holds 100 bytes.
        byte[] file = Build(IdxDataType.UnsignedByte, [60000, 28, 28], new byte[100]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => Read(file, encoding));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("is truncated", error.Message);
        Assert.Contains("60000x28x28", error.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void A_lying_small_dimension_leaves_data_after_the_values(string encoding)
    {
        byte[] file = Build(IdxDataType.UnsignedByte, [2, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
        var error = Assert.Throws<InvalidDataException>(() => Read(file, encoding));
        Assert.Contains("data after its values", error.Message);
        Assert.Contains("byte offset 24", error.Message);
    }

    // One byte more than the dimensions account for is data after the values too (not only a whole lying item).
    [Theory]
    [MemberData(nameof(Encodings))]
    public void One_byte_after_the_values_is_refused(string encoding)
    {
        byte[] file = [.. Build(IdxDataType.UnsignedByte, [2, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13]), 7];
        var error = Assert.Throws<InvalidDataException>(() => Read(file, encoding));
        Assert.Contains("data after its values", error.Message);
        Assert.Contains("byte offset 24", error.Message);
    }

    // A stream is read from where it stands, as documented, and its size checked from there: bytes before the file (an
    // archive's header, say) are not counted as the file's own, which refused a whole file as having "data after its values".
    [Fact]
    public void A_stream_is_read_from_its_position_and_sized_from_there()
    {
        byte[] file = SmallImages();
        var stream = new MemoryStream([9, 9, 9, 9, 9, .. file]) { Position = 5 };
        var idx = IdxFile.Read(stream, "test.idx");
        Assert.Equal(Read(file).Dimensions, idx.Dimensions);
        // Cut one byte short, it is refused as cut, not passed by a size that counted the bytes before it.
        var cut = new MemoryStream([9, 9, 9, 9, 9, .. file[..^1]]) { Position = 5 };
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxFile.Read(cut, "test.idx")).Message);
    }

    [Fact]
    public void Bad_magic_is_refused()
    {
        byte[] file = SmallImages();
        file[1] = 0x08;
        var error = Assert.Throws<InvalidDataException>(() => Read(file));
        Assert.Contains("00 08", error.Message);
        Assert.Contains("byte offset 0", error.Message);
        Assert.Throws<InvalidDataException>(() => Read("P5\n28 28\n255\n"u8.ToArray()));
    }

    [Fact]
    public void Unknown_type_is_refused()
    {
        byte[] file = SmallImages();
        file[2] = 0x0A;
        var error = Assert.Throws<InvalidDataException>(() => Read(file));
        Assert.Contains("0x0A", error.Message);
        Assert.Contains("byte offset 2", error.Message);
    }

    [Fact]
    public void Zero_dimensions_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read([0, 0, 8, 0]));
        Assert.Contains("0 dimensions", error.Message);
        Assert.Contains("byte offset 3", error.Message);
    }

    [Fact]
    public void Negative_or_overflowing_dimensions_are_refused()
    {
        var negative = Assert.Throws<InvalidDataException>(() => Read(Build(IdxDataType.UnsignedByte, [2, 0x80000000], [])));
        Assert.Contains("dimension 1 as 2147483648", negative.Message);
        Assert.Contains("byte offset 8", negative.Message);

        var product = Assert.Throws<InvalidDataException>(() => Read(Build(IdxDataType.Single, [65536, 65536, 2], [])));
        Assert.Contains("exceeds", product.Message);
        Assert.Contains("byte offset 8", product.Message);
    }

    [Fact]
    public void Items_too_large_for_one_array_are_refused_even_when_there_are_none()
    {
        // [0, 100000, 100000] had ItemSize 1,410,065,408 (the int product wrapped), [0, 65536, 65536] 0.
        foreach (uint side in new uint[] { 100000, 65536 })
        {
            var e = Assert.Throws<InvalidDataException>(() => Read(Build(IdxDataType.UnsignedByte, [0, side, side], [])));
            Assert.Contains($"has items of dimensions [{side}, {side}] whose product already exceeds {Array.MaxLength} values", e.Message);
            Assert.Contains("byte offset 12", e.Message);
        }
        Assert.Equal(46340 * 46340, Read(Build(IdxDataType.UnsignedByte, [0, 46340, 46340], [])).ItemSize);
    }

    /// <summary>A seekable stream of <paramref name="length"/> bytes: <paramref name="start"/>, then zeros, none of them stored.</summary>
    private sealed class LongZeros(byte[] start, long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - Position);
            for (int i = 0; i < n; i++) buffer[offset + i] = Position + i < start.Length ? start[Position + i] : (byte)0;
            Position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => length + offset,
        };
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Values_whose_bytes_exceed_one_array_are_refused_before_reading()
    {
        // 300,000,000 doubles are 2.4 GB: the value count fits a float[], but the raw bytes did not fit the
        // byte[] they were read into, and a complete file of them failed with an OutOfMemoryException.
        byte[] header = Build(IdxDataType.Double, [300_000_000], []);
        var file = new LongZeros(header, header.Length + 2_400_000_000L);
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(file, "big.idx"));
        Assert.Equal(
            $"IDX file 'big.idx' has dimensions [300000000] of Double values, 2400000000 bytes, more than one array can hold ({Array.MaxLength} bytes) (at byte offset 4).",
            error.Message);
    }

    [Fact]
    public void Damaged_deflate_data_is_invalid_data_naming_an_offset()
    {
        byte[] gz = Gzip(Build(IdxDataType.UnsignedByte, [100], Enumerable.Range(0, 100).Select(i => (byte)(i * i)).ToArray()));
        for (int i = 10; i < gz.Length - 8; i++)
        {
            byte[] damaged = (byte[])gz.Clone();
            damaged[i] ^= 0x55;
            var error = Record.Exception(() => Read(damaged));
            // Some flips still inflate to 100 bytes; then the CRC must catch them.
            Assert.True(error is InvalidDataException, $"flip at {i}: {error?.GetType().Name ?? "no exception"}");
            // GZipStream's own errors give how far it had read; ours give the offset.
            Assert.Matches(@"damaged, by byte \d+ of the compressed file at the latest|byte offset \d+", error!.Message);
        }
    }

    [Fact]
    public void A_flipped_checksum_byte_in_a_small_gzip_file_says_the_compressed_data_are_damaged()
    {
        byte[] gz = Gzip(Build(IdxDataType.UnsignedByte, [100], Enumerable.Range(0, 100).Select(i => (byte)(i * i)).ToArray()));
        gz[^8] ^= 0x55;   // the first byte of the CRC-32 in the gzip trailer: the data inflate, the check fails
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(gz), "flipped.gz"));
        Assert.StartsWith($"IDX file 'flipped.gz' is gzip-compressed and its compressed data are damaged, by byte {gz.Length} of the compressed file at the latest (.NET: ",
            error.Message);
        Assert.DoesNotContain("near compressed byte offset", error.Message);
    }

    [Fact]
    public void Bytes_after_the_gzip_trailer_are_named_as_such_not_as_truncation()
    {
        // Zero padding after the member (as some tape and block-device copies leave) was called truncation.
        byte[] gz = Gzip(Build(IdxDataType.UnsignedByte, [100], Enumerable.Range(0, 100).Select(i => (byte)(i * i)).ToArray()));
        byte[] padded = [.. gz, .. new byte[16]];
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(new MemoryStream(padded), "padded.gz"));
        Assert.Contains("bytes after its gzip trailer", error.Message);
    }

    [Fact]
    public void An_item_index_outside_the_file_is_refused()
    {
        var idx = Read(SmallImages());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => idx.Item(3));
        Assert.Contains("[0, 3)", error.Message);
    }

    /// <summary>Writes <paramref name="path"/>: a gzip of <paramref name="header"/> and <paramref name="zeros"/> zero bytes, as small as a claim.</summary>
    internal static void GzipOfZeros(string path, params (byte[] Header, long Zeros)[] parts)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        var zeros = new byte[1 << 20];
        foreach (var (header, count) in parts)
        {
            gzip.Write(header);
            for (long left = count; left > 0; left -= zeros.Length) gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }
    }

    /// <summary>
    /// Runs SparseAe.FitCheck with <paramref name="args"/> (a reader's mode: --idx, --idx-pair) in a process of its own whose heap
    /// is limited to <paramref name="heapLimit"/> bytes: its exit code (3: InsufficientMemoryException, 134: a bare
    /// OutOfMemoryException) and its output.
    /// </summary>
    internal static (int Code, string Text) UnderHeapLimit(string dir, long heapLimit, params string[] args)
    {
        var fitCheck = typeof(IdxFileTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "FitCheckPath").Value!;
        return ProcessRunner.Run("dotnet", [fitCheck, .. args], dir, TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = $"0x{heapLimit:X}" });
    }

    // A 30 KB gzip of a ubyte [30000000] header and 30 million real zeros, read under a 64 MB heap, ended in a bare
    // OutOfMemoryException naming no file, dimensions or limit (its bytes were read, then made floats): IdxImages checked
    // the memory from the header, IdxFile did not. Run in a process of its own with that limit (SparseAe.FitCheck --idx).
    [Fact]
    public void Values_that_do_not_fit_in_memory_are_refused_from_the_header_naming_the_file_and_its_dimensions()
    {
        using var dir = new TempFolder();
        string path = dir.File("big.gz");
        GzipOfZeros(path, (Build(IdxDataType.UnsignedByte, [30_000_000], []), 30_000_000));
        var (code, text) = UnderHeapLimit(dir, 64 << 20, "--idx", path);
        Assert.True(code == 3, $"exit {code}: {text}");
        Assert.Matches(@"^Reading IDX file '" + System.Text.RegularExpressions.Regex.Escape(path) + @"' \(30000000 UnsignedByte values, dimensions \[30000000\], " +
            @"30000000 bytes as stored and 120000000 as floats\) needs about 0\.15 GB of memory, but about 0\.0\d GB are available; use a smaller file\.$", text.TrimEnd());
    }

    // Doubles of a gzip are read into a buffer that doubles as they arrive, so past a doubling it holds the old buffer and
    // the new one, up to 16 bytes a value, where the check counted the 12 held after (8 stored, 4 as floats). Under a 64 MB
    // heap, 4,186,112 zero doubles (50.2 MB counted; the last doubling from 16 MB, 49.5 MB at once) read, and 5,000,000
    // (60 MB counted; the last doubling from 32 MB, 73.6 MB at once) passed the check and ran out of memory once
    // decompressed. The check counts the peak: the second is refused from its header, the first is still read.
    [Fact]
    public void The_memory_check_counts_the_peak_of_a_gzip_of_doubles_read_into_a_growing_buffer()
    {
        using var dir = new TempFolder();
        string under = dir.File("under.gz"), over = dir.File("over.gz");
        GzipOfZeros(under, (Build(IdxDataType.Double, [4_186_112], []), 8L * 4_186_112));
        GzipOfZeros(over, (Build(IdxDataType.Double, [5_000_000], []), 8L * 5_000_000));

        var (code, text) = UnderHeapLimit(dir, 64 << 20, "--idx", under);
        Assert.True(code == 0, $"exit {code}: {text}");
        Assert.Equal($"{under}: Double [4186112]", text.TrimEnd());

        (code, text) = UnderHeapLimit(dir, 64 << 20, "--idx", over);
        Assert.True(code == 3, $"exit {code}: {text}");
        Assert.Matches(@"^Reading IDX file '" + System.Text.RegularExpressions.Regex.Escape(over) + @"' \(5000000 Double values, dimensions \[5000000\], " +
            @"40000000 bytes as stored and 20000000 as floats; 73554432 bytes at once while the 40000000 stored bytes arrive, in a buffer that doubles " +
            @"\(a gzip's or an unseekable stream's length is not known\)\) needs about 0\.07\d* GB of memory, but about 0\.0\d+ GB are available; use a smaller file\.$",
            text.TrimEnd());
    }
}
