using System.Buffers.Binary;
using System.Diagnostics;

namespace SparseAe.Mat.Tests;

/// <summary>
/// Damaged input must fail with <see cref="InvalidDataException"/> naming a byte offset: never another
/// exception type, never a hang, never an allocation sized by a lie.
/// </summary>
public class DamagedFileTests
{
    private static InvalidDataException AssertInvalid(byte[] file)
    {
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(file)));
        Assert.Matches(@"byte offset \d+", error.Message);
        return error;
    }

    /// <summary>Where each top-level element ends, found by walking the tags without the reader.</summary>
    private static List<int> ElementBoundaries(byte[] file, bool bigEndian)
    {
        var boundaries = new List<int> { 128 };
        int position = 128;
        while (position < file.Length)
        {
            var size = file.AsSpan(position + 4, 4);
            position += 8 + (int)(bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(size) : BinaryPrimitives.ReadUInt32LittleEndian(size));
            boundaries.Add(position);
        }
        Assert.Equal(file.Length, position);
        return boundaries;
    }

    public static TheoryData<string> TruncationSubjects() => new("v5_uint8_image.mat", "v5_int16_and_double.mat", "big-endian");

    [Theory]
    [MemberData(nameof(TruncationSubjects))]
    public void Every_proper_prefix_fails_unless_it_ends_exactly_between_elements(string subject)
    {
        bool bigEndian = subject == "big-endian";
        byte[] full = bigEndian ? BigEndianLevel5Tests.File() : MatFixtures.Bytes(subject);
        var boundaries = ElementBoundaries(full, bigEndian);
        var clock = Stopwatch.StartNew();

        for (int length = 0; length < full.Length; length++)
        {
            byte[] prefix = full[..length];
            int boundary = boundaries.IndexOf(length);
            if (boundary >= 0)
            {
                // A prefix that ends between elements is a complete file with fewer variables.
                Assert.Equal(boundary, MatFile.Read(new MemoryStream(prefix)).Variables.Count);
                continue;
            }
            var error = Record.Exception(() => MatFile.Read(new MemoryStream(prefix)));
            Assert.True(error is InvalidDataException, $"Prefix of {length} bytes: expected InvalidDataException, got {error?.GetType().Name ?? "no exception"}: {error?.Message}");
            Assert.Matches(@"byte offset \d+", error!.Message);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Reading {full.Length} prefixes took {clock.Elapsed}.");
    }

    [Theory]
    [InlineData("v5_uint8_image.mat")]
    [InlineData("v5_int16_and_double.mat")]
    public void Every_single_byte_corruption_fails_cleanly_or_reads_consistently(string file)
    {
        byte[] original = MatFixtures.Bytes(file);
        foreach (byte replacement in new byte[] { 0x00, 0xFF, 0x7F })
        {
            for (int offset = 124; offset < original.Length; offset++)
            {
                if (original[offset] == replacement) continue;
                byte[] damaged = (byte[])original.Clone();
                damaged[offset] = replacement;
                try
                {
                    // Corrupted values that still form a valid file are fine; reading them must be too.
                    foreach (var variable in MatFile.Read(new MemoryStream(damaged)).Variables.Where(v => v.IsNumeric))
                        Assert.Equal(variable.ElementCount, variable.ToDoubleArray().Length);
                }
                catch (InvalidDataException error)
                {
                    Assert.Matches(@"byte offset \d+", error.Message);
                }
                catch (Exception error)
                {
                    Assert.Fail($"Byte {offset} set to 0x{replacement:X2}: {error.GetType().Name}: {error.Message}");
                }
            }
        }
    }

    [Fact]
    public void A_huge_element_size_claim_fails_fast_without_allocating_it()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(132), 4_000_000_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertInvalid(file);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("Top-level miMATRIX (14) at byte offset 128 claims 4000000000 bytes but only 648 remain in the file.", error.Message);
        Assert.True(allocated < 1_000_000, $"Allocated {allocated} bytes.");
    }

    [Fact]
    public void A_sub_element_claiming_more_than_its_matrix_holds_fails()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(180), 3_000_000_000); // real part of "img"
        var error = AssertInvalid(file);
        Assert.Contains("byte offset 176", error.Message);
        Assert.Contains("claims 3000000000 bytes", error.Message);
    }

    [Fact]
    public void Dimensions_that_disagree_with_the_data_fail_without_allocating_them()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(160), int.MaxValue);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(164), int.MaxValue);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertInvalid(file);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains("'img'", error.Message);
        Assert.Contains("[2147483647, 2147483647]", error.Message);
        Assert.Contains("real part holds 600", error.Message);
    }

    [Fact]
    public void A_name_of_a_type_no_name_is_stored_as_is_refused_naming_the_types_a_name_may_have()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(168)));   // "img", miINT8 in a small-format tag
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(168), 6);
        var error = AssertInvalid(file);
        // It said "must be miINT8 (1)", though names stored as miUINT8 and miUTF8 are read too.
        Assert.Contains("has type miUINT32 (6), but must be miINT8 (1), miUINT8 (2) or miUTF8 (16)", error.Message);
    }

    private static byte[] CompressedFile(byte[] innerElement, int? declaredCompressedLength = null)
    {
        var deflated = MatBytes.Deflated(innerElement);
        var tag = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(tag, 15);
        BinaryPrimitives.WriteUInt32LittleEndian(tag.AsSpan(4), (uint)(declaredCompressedLength ?? deflated.Length));
        var header = MatFixtures.Bytes("v5_uint8_image.mat")[..128];
        return [.. header, .. tag, .. deflated];
    }

    [Fact]
    public void A_compressed_element_claiming_more_than_deflate_can_produce_fails_fast()
    {
        byte[] innerTag = [14, 0, 0, 0, 0xF0, 0xFF, 0xFF, 0xFF]; // miMATRIX of 4294967280 bytes
        byte[] file = CompressedFile(innerTag);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = AssertInvalid(file);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains("miCOMPRESSED element at byte offset 128", error.Message);
        Assert.Contains("claims 4294967288 bytes", error.Message);
        Assert.Contains("can inflate to at most", error.Message);
    }

    [Fact]
    public void A_compressed_element_whose_data_ends_early_fails()
    {
        byte[] innerTag = [14, 0, 0, 0, 0xE8, 0x03, 0, 0]; // miMATRIX of 1000 bytes, none present
        var error = AssertInvalid(CompressedFile(innerTag));
        Assert.Contains("ends after 8 inflated bytes", error.Message);
        Assert.Contains("claims 1008 bytes", error.Message);
    }

    [Fact]
    public void A_compressed_element_holding_more_than_its_tag_claims_fails()
    {
        byte[] inner = [.. BigEndianLevel5Tests.SingleMatrix, .. new byte[64]];
        inner[0] = 14; inner[3] = 0; inner[4] = 56; inner[7] = 0; // the same miMATRIX tag, little-endian
        var error = AssertInvalid(CompressedFile(inner));
        Assert.Contains("inflates to more than the 64 bytes", error.Message);
    }

    [Fact]
    public void A_compressed_element_with_a_damaged_checksum_fails()
    {
        byte[] file = BigEndianLevel5Tests.File();
        file[^1] ^= 0x55; // last byte of the zlib stream is part of its Adler-32 checksum
        var error = AssertInvalid(file);
        Assert.Contains("miCOMPRESSED element at byte offset", error.Message);
    }

    [Fact]
    public void A_compressed_element_holding_garbage_fails()
    {
        byte[] header = MatFixtures.Bytes("v5_uint8_image.mat")[..128];
        byte[] garbage = [15, 0, 0, 0, 16, 0, 0, 0, .. "this is not zlib"u8];
        var error = AssertInvalid([.. header, .. garbage]);
        Assert.Contains("byte offset 128", error.Message);
    }

    [Fact]
    public void An_unknown_top_level_element_type_fails()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        file[128] = 5; // miINT32 instead of miMATRIX
        var error = AssertInvalid(file);
        Assert.Contains("miINT32 (5)", error.Message);
        Assert.Contains("byte offset 128", error.Message);
    }

    [Fact]
    public void A_small_format_tag_at_top_level_fails()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        file[130] = 4; // upper 16 bits of the first tag word set: small format, 4 bytes of miMATRIX
        var error = AssertInvalid(file);
        Assert.Contains("small format", error.Message);
        Assert.Contains("byte offset 128", error.Message);
    }

    public static TheoryData<string, byte[]> NotMatFiles() => new()
    {
        { "empty", [] },
        { "text", "hello, world: this is just a text file and certainly not a MAT file at all."u8.ToArray() },
        { "PNG", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 0, 0, 0, 1, 0] },
        { "random", RandomBytes(300) },
        { "header only start", "MATLAB 5.0 MAT-file"u8.ToArray() },
    };

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(12345).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(NotMatFiles))]
    public void A_non_MAT_file_fails_with_InvalidData(string kind, byte[] file)
    {
        var error = AssertInvalid(file);
        Assert.True(error.Message.Contains("MAT", StringComparison.Ordinal), $"{kind}: {error.Message}");
    }

    [Fact]
    public void A_stream_that_reports_a_shorter_length_than_it_holds_is_refused_naming_that()
    {
        // /dev/zero or a /proc file says its length is 0 but reads on: MatFile.Read threw .NET's ArgumentException
        // "Destination is too short." copying the header into a 0-byte array (sparseae inspect /dev/zero printed only that).
        var error = Assert.Throws<InvalidDataException>(() => MatFile.Read(new LengthZeroStream(MatFixtures.Bytes("v4_double.mat"))));
        Assert.Equal("The file says it is 0 bytes long, but 128 bytes were read from it: it is not a regular file (a device or a /proc file?); " +
            "a MAT file is read from a regular file or a pipe.", error.Message);
    }

    private sealed class LengthZeroStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override long Length => 0;
    }

    [Fact]
    public void An_unknown_level_5_version_fails()
    {
        byte[] file = MatFixtures.Bytes("v5_uint8_image.mat");
        file[124] = 0x00; file[125] = 0x03; // version 0x0300
        var error = AssertInvalid(file);
        Assert.Contains("0x0300", error.Message);
        Assert.Contains("byte offset 124", error.Message);
    }

    [Fact]
    public void A_version_7_3_header_without_HDF5_data_fails()
    {
        byte[] file = MatFixtures.Bytes("v73_double3d.mat")[..600];
        file[512] = (byte)'X';
        var error = AssertInvalid(file);
        Assert.Contains("byte offset 512", error.Message);
    }

    [Theory]
    [InlineData("v73_double3d.mat", 1)]
    [InlineData("v73_many_types.mat", 3)]
    [InlineData("v73_latest_format.mat", 1)]
    [InlineData("v73_chunked_deflate.mat", 11)]
    public void A_corrupted_version_7_3_file_fails_only_with_InvalidData_within_the_fuzzers_allocation_limit(string fixture, int stride)
    {
        // Every byte (every stride-th in the larger files) set to values that make sizes small, large and
        // all-ones: the result is the data or an InvalidDataException naming an offset, and the reader never
        // allocates more than the fuzzer allows (4 x the file + 64 MiB; PureHDF, used before, allocated up to 1 GB).
        byte[] original = MatFixtures.Bytes(fixture);
        foreach (byte replacement in new byte[] { 0x00, 0x80, 0xFF })
        {
            for (int offset = 512; offset < original.Length; offset += stride)
            {
                byte[] damaged = (byte[])original.Clone();
                damaged[offset] = replacement;
                var error = ReaderLimits.AssertReadOrRefusedWithinLimit(damaged, $"Byte {offset} set to 0x{replacement:X2}",
                    v => Assert.Equal(v.ElementCount, v.ToDoubleArray().Length));
                if (error is not null) Assert.Matches(@"byte offset \d+", error.Message);
            }
        }
    }

    [Theory]
    [InlineData("v73_double3d.mat")]
    [InlineData("v73_many_types.mat")]
    [InlineData("v73_latest_format.mat")]
    [InlineData("v73_chunked_deflate.mat")]
    public void A_truncated_version_7_3_file_fails_with_InvalidData(string fixture)
    {
        byte[] full = MatFixtures.Bytes(fixture);
        for (int length = 0; length < full.Length; length += 61)
        {
            var error = Record.Exception(() => MatFile.Read(new MemoryStream(full[..length])));
            Assert.True(error is InvalidDataException, $"Prefix of {length} bytes: {error?.GetType().Name ?? "no exception"}: {error?.Message}");
            Assert.Matches(@"byte offset \d+", error!.Message);
        }
    }
}
