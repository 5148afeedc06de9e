using System.IO.Compression;
using SparseAe.Persistence;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// ZipEntryCheck: the CRC-32 of every entry, which neither .NET's zip reader nor ML.NET checks (ML.NET's Model.Load never
/// returned on a model whose Schema entry was damaged; tools/SparseAe.Fuzz/findings/mlnet-zip/README.md).
/// </summary>
public class ZipEntryCheckTests
{
    // Two stored (uncompressed) entries, so that a byte of an entry's data can be changed where it lies in the file.
    private static byte[] Zip(out long secondDataOffset)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("first.txt", "the first entry"), ("Schema", "the second entry, some bytes long") })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.NoCompression).Open());
                writer.Write(text);
            }
        }
        var bytes = memory.ToArray();
        secondDataOffset = System.Text.Encoding.ASCII.GetString(bytes).IndexOf("the second entry", StringComparison.Ordinal);
        return bytes;
    }

    [Fact]
    public void A_whole_zip_has_no_damaged_entry()
    {
        var bytes = Zip(out _);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Null(ZipEntryCheck.FirstDamaged(zip, bytes.Length));
    }

    // .NET reads the changed data without a word (the read below succeeds); the check names the entry and both CRC-32s.
    [Fact]
    public void An_entry_whose_data_changed_is_named_with_both_checksums()
    {
        var bytes = Zip(out long offset);
        bytes[offset + 11] ^= 0x20;   // "entry" becomes "Entry"
        using var zip = new ZipArchive(new MemoryStream(bytes));
        using (var read = new StreamReader(zip.GetEntry("Schema")!.Open())) Assert.Equal("the second Entry, some bytes long", read.ReadToEnd());
        string? damaged = ZipEntryCheck.FirstDamaged(zip, bytes.Length);
        Assert.NotNull(damaged);
        // Each CRC-32 computed here from the text, so that neither can be the other, or swapped with it.
        uint Crc(string text) => System.IO.Hashing.Crc32.HashToUInt32(System.Text.Encoding.ASCII.GetBytes(text));
        Assert.Equal($"its entry 'Schema' is damaged: its data's CRC-32 is {Crc("the second Entry, some bytes long"):X8}, " +
            $"but the zip records {Crc("the second entry, some bytes long"):X8}", damaged);
    }

    // An entry that cannot be read at all (its local header cut short: the first entry of a 1,803-byte zip the fuzzer
    // made, whose Schema entry after it ML.NET then hung on) is named too; it was .NET's InvalidDataException, which the
    // fuzz target took for "not a zip" and handed the zip to ML.NET.
    [Fact]
    public void An_entry_that_cannot_be_read_is_named_with_NET_s_words()
    {
        var bytes = Zip(out _);
        int localHeader = 0;   // the first entry's local header, "PK\x03\x04", at the start
        Assert.Equal([0x50, 0x4b, 3, 4], bytes[localHeader..4]);
        bytes[localHeader + 2] = 0;   // its signature broken: .NET cannot read the entry
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Matches(@"^its entry 'first\.txt' cannot be read \(\.NET: .+\)$", ZipEntryCheck.FirstDamaged(zip, bytes.Length));
    }

    // The central directory's record of 'Schema' (the second "PK\x01\x02"), whose fields from its signature are: compressed
    // size at 20, uncompressed size at 24 (APPNOTE 4.3.12).
    private static int SchemaRecord(byte[] bytes)
    {
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        return text.IndexOf("PK\u0001\u0002", text.IndexOf("PK\u0001\u0002", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
    }

    // Records whose compressed data add up to more than the archive (a zip bomb's many records of one deflated block, each
    // of which the check would inflate where ML.NET reads only the entries it needs) are refused before any entry is read.
    [Fact]
    public void Entries_claiming_more_compressed_data_than_the_archive_holds_are_refused_before_any_is_read()
    {
        var bytes = Zip(out _);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(SchemaRecord(bytes) + 20), 1_000_000);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        long claimed = zip.Entries.Sum(e => e.CompressedLength);
        Assert.Equal($"its 2 entries claim {claimed} bytes of compressed data, more than the archive's {bytes.Length} bytes: they overlap, as a zip bomb's do, or the list is damaged",
            ZipEntryCheck.FirstDamaged(zip, bytes.Length));
    }

    // The central directory rebuilt with each record's compressed size in a ZIP64 extra field (APPNOTE 4.5.3: the 32-bit
    // field 0xFFFFFFFF, then the 8-byte value), and the end record's directory size moved by the bytes added.
    private static byte[] WithZip64CompressedSizes(byte[] bytes, long size)
    {
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        int directory = text.IndexOf("PK\u0001\u0002", StringComparison.Ordinal), end = text.IndexOf("PK\u0005\u0006", StringComparison.Ordinal);
        var output = new List<byte>(bytes[..directory]);
        int added = 0;
        for (int at = directory; at < end;)
        {
            int name = BitConverter.ToUInt16(bytes, at + 28), extra = BitConverter.ToUInt16(bytes, at + 30), comment = BitConverter.ToUInt16(bytes, at + 32);
            var record = bytes[at..(at + 46 + name + extra + comment)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(20), uint.MaxValue);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(30), (ushort)(extra + 12));
            var zip64 = new byte[12];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(zip64, 1);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(zip64.AsSpan(2), 8);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(zip64.AsSpan(4), size);
            output.AddRange(record[..(46 + name)]);
            output.AddRange(zip64);
            output.AddRange(record[(46 + name)..]);
            added += 12;
            at += record.Length;
        }
        var tail = bytes[end..];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(12), BitConverter.ToUInt32(tail, 12) + (uint)added);
        output.AddRange(tail);
        return [.. output];
    }

    // Two records of 2^62 bytes each add up past a long: the sum overflowed LINQ's checked Sum (OverflowException, an
    // internal error in the CLI) where it must be the refusal of overlapping entries.
    [Fact]
    public void Compressed_sizes_that_add_up_past_a_long_are_refused_as_overlapping()
    {
        var bytes = WithZip64CompressedSizes(Zip(out _), 1L << 62);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Equal([1L << 62, 1L << 62], zip.Entries.Select(e => e.CompressedLength));
        Assert.Equal($"its 2 entries claim 9223372036854775808 bytes of compressed data, more than the archive's {bytes.Length} bytes: they overlap, as a zip bomb's do, or the list is damaged",
            ZipEntryCheck.FirstDamaged(zip, bytes.Length));
    }

    // An entry whose data run past the size its headers record is read no further than that size and a byte.
    [Fact]
    public void An_entry_whose_data_run_past_its_recorded_size_is_refused_naming_the_size()
    {
        var bytes = Zip(out _);
        int record = SchemaRecord(bytes);
        uint size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(record + 24));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(record + 24), size - 5);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.Equal($"its entry 'Schema' is damaged: its data run past the {size - 5} bytes the zip records",
            ZipEntryCheck.FirstDamaged(zip, bytes.Length));
    }

    // A seekable stream is checked whole from byte 0 whatever its position, as .NET's zip reader reads it: a model saved
    // into a MemoryStream is left at its end, where the first bytes read as none ("it is empty"), though Load reads it.
    [Fact]
    public void A_seekable_stream_is_checked_from_its_start_and_left_at_its_position()
    {
        var whole = new MemoryStream(Zip(out _));
        whole.Position = whole.Length;
        Assert.Null(ZipEntryCheck.Problem(whole));
        Assert.Equal(whole.Length, whole.Position);
        var empty = new MemoryStream();
        Assert.Equal("it is empty; a saved ML.NET model is a zip archive.", ZipEntryCheck.Problem(empty));
    }
}
