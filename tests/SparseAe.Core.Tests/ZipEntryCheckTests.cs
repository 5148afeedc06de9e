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
        using var zip = new ZipArchive(new MemoryStream(Zip(out _)));
        Assert.Null(ZipEntryCheck.FirstDamaged(zip));
    }

    // .NET reads the changed data without a word (the read below succeeds); the check names the entry and both CRC-32s.
    [Fact]
    public void An_entry_whose_data_changed_is_named_with_both_checksums()
    {
        var bytes = Zip(out long offset);
        bytes[offset + 11] ^= 0x20;   // "entry" becomes "Entry"
        using var zip = new ZipArchive(new MemoryStream(bytes));
        using (var read = new StreamReader(zip.GetEntry("Schema")!.Open())) Assert.Equal("the second Entry, some bytes long", read.ReadToEnd());
        string? damaged = ZipEntryCheck.FirstDamaged(zip);
        Assert.NotNull(damaged);
        Assert.Matches(@"^its entry 'Schema' is damaged: its data's CRC-32 is [0-9A-F]{8}, but the zip records [0-9A-F]{8}$", damaged);
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
        Assert.Matches(@"^its entry 'first\.txt' cannot be read \(\.NET: .+\)$", ZipEntryCheck.FirstDamaged(zip));
    }
}
