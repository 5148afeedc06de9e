using System.Buffers.Binary;
using SparseAe.Persistence;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>
/// Every saved format states its true minimum reader version: today's bytes, run through the reading
/// rules of each older version (<c>Read(stream, readerVersion)</c>: that version's header check and
/// layout), are refused as "written by a newer SparseAe", never misread or refused halfway.
/// </summary>
public class FormatVersionTests
{
    // Each format: its name in messages, today's bytes, its versions, and a reader of a given version.
    public sealed record Format(string Name, Func<byte[]> Bytes, uint Current, uint MinReadable, Action<Stream, uint> Read)
    {
        public override string ToString() => Name;
    }

    private static readonly Format[] Formats =
    [
        new("SparseAe model", () => FormatSamples.Bytes(FormatSamples.SparseCode()), ModelFormat.CurrentVersion, ModelFormat.MinReadableVersion,
            (s, k) => ModelFormat.Read(s, k)),
        new("SparseAe ZCA whitening", () => FormatSamples.Bytes(FormatSamples.Zca()), ZcaFormat.CurrentVersion, ZcaFormat.MinReadableVersion,
            (s, k) => ZcaFormat.Read(s, k)),
        new("SparseAe convolutional featurizer", () => FormatSamples.Bytes(FormatSamples.Convolution()), ConvolutionFormat.CurrentVersion,
            ConvolutionFormat.MinReadableVersion, (s, k) => ConvolutionFormat.Read(s, k)),
        new("SparseAe token vocabulary", () => FormatSamples.Bytes(FormatSamples.TokenVocabulary()), TokenVocabularyFormat.CurrentVersion,
            TokenVocabularyFormat.MinReadableVersion, (s, k) => TokenVocabularyFormat.Read(s, k)),
    ];

    public static TheoryData<Format> AllFormats() => new(Formats);

    // Every (format, older reader version) pair there is. ZcaFormat and TokenVocabularyFormat have only version 1: no older reader, no pair.
    public static TheoryData<Format, uint> OlderReaders()
    {
        var data = new TheoryData<Format, uint>();
        foreach (var f in Formats)
            for (uint k = 1; k < f.Current; k++) data.Add(f, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(OlderReaders))]
    public void Todays_bytes_are_refused_by_every_older_reader_as_written_by_a_newer_SparseAe(Format format, uint readerVersion)
    {
        var e = Assert.Throws<InvalidDataException>(() => format.Read(new MemoryStream(format.Bytes()), readerVersion));
        Assert.Equal(
            $"The {format.Name} was written by a newer SparseAe (format version {format.Current}, readable from version {format.MinReadable}); " +
            $"this library reads format versions up to {readerVersion}. Upgrade SparseAe to load it.", e.Message);
    }

    [Fact]
    public void The_older_readers_are_the_ones_that_exist()
    {
        // The theory above covers model v1 and v2 and convolution v1 and v2; the ZCA format has only version 1,
        // so there is no older reader to feed (a version 2 must add itself here by raising CurrentVersion).
        Assert.Equal(["SparseAe model/1", "SparseAe model/2", "SparseAe convolutional featurizer/1", "SparseAe convolutional featurizer/2"],
            OlderReaders().Select(row => $"{row[0]}/{row[1]}"));
        Assert.Equal(1u, ZcaFormat.CurrentVersion);
        Assert.Equal(1u, TokenVocabularyFormat.CurrentVersion);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Every_block_states_its_writers_version_and_that_only_a_reader_of_that_version_can_read_it(Format format)
    {
        // Readers refuse bytes after the last field they know and every version so far appended a
        // field, so each format's blocks need a reader of the version that wrote them.
        var bytes = format.Bytes();
        Assert.Equal(format.Current, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(format.MinReadable, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(format.Current, format.MinReadable);
        format.Read(new MemoryStream(bytes), format.Current);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void A_block_that_needs_a_later_reader_than_today_is_refused_as_newer(Format format)
    {
        var bytes = format.Bytes();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), format.Current + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), format.Current + 1);
        var e = Assert.Throws<InvalidDataException>(() => format.Read(new MemoryStream(bytes), format.Current));
        Assert.Contains($"{format.Name} was written by a newer SparseAe (format version {format.Current + 1}, readable from version {format.Current + 1})", e.Message);
    }

    // The versions lie outside the CRC-32, so a flipped bit can make the minimum reader version exceed the version written,
    // which no writer does. It was checked after "newer", so such a header said "written by a newer SparseAe (format version 3,
    // readable from version 4) ... Upgrade SparseAe to load it": a contradiction, and advice that cannot help.
    [Theory]
    [MemberData(nameof(AllFormats))]
    public void A_minimum_reader_above_the_version_written_is_damage_not_a_newer_format(Format format)
    {
        var bytes = format.Bytes();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), format.Current + 1);
        var e = Assert.Throws<InvalidDataException>(() => format.Read(new MemoryStream(bytes), format.Current));
        Assert.Equal($"The {format.Name} header at offset 4 is inconsistent: format version {format.Current}, minimum reader version {format.Current + 1}; " +
            "the version must be at least 1 and the minimum at most the version.", e.Message);
    }

    [Fact]
    public void A_convolution_block_that_claimed_version_2_readers_could_read_it_failed_in_their_payload()
    {
        // What ConvolutionFormat's version 3 used to write (minimum reader 2): the version-2 reader
        // accepted the header and then met the 12 bytes of the encoding it does not know. This is
        // also what shows the older-reader emulation applies that version's layout, not only its header.
        var bytes = FormatSamples.Bytes(FormatSamples.Convolution());
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);   // the header is outside the CRC-32
        var e = Assert.Throws<InvalidDataException>(() => ConvolutionFormat.Read(new MemoryStream(bytes), 2));
        Assert.StartsWith("The SparseAe convolutional featurizer's payload has 12 unexpected bytes at offset", e.Message);
        Assert.Contains("after the last field of format version 2.", e.Message);
        Assert.Equal(0.25, ConvolutionFormat.Read(new MemoryStream(bytes)).Featurizer.Encoding.Threshold);   // today's reader still reads it
    }

    [Fact]
    public void A_payload_that_does_not_fit_its_stated_version_is_said_so_not_called_truncated()
    {
        // The version lies outside the CRC-32, so a damaged version byte passes the length and checksum checks.
        // A sigmoid model (version 2) stated as version 3 ran out of bytes at the first version-3 field, and was
        // called "The model is truncated: ... need 4 bytes"; a sparse code (version 3) stated as version 2 kept
        // its version-3 fields as "unexpected bytes", without a word on why.
        var sigmoid = FormatSamples.Bytes(FormatSamples.Autoencoder());
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(sigmoid.AsSpan(4)));
        BinaryPrimitives.WriteUInt32LittleEndian(sigmoid.AsSpan(4), 3);
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(sigmoid)));
        Assert.Matches("^The SparseAe model's payload ends inside activation at offset [0-9]+: 4 bytes are needed but only 0 remain\\. " +
            "Its length and CRC-32 check out, so it is shorter than format version 3 lays out: the version in its header \\(offset 4\\) is damaged, or its writer was faulty\\.$", e.Message);

        var code = FormatSamples.Bytes(FormatSamples.SparseCode());
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(code.AsSpan(4)));
        BinaryPrimitives.WriteUInt32LittleEndian(code.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(code.AsSpan(8), 2);
        e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(code)));
        Assert.Matches("^The SparseAe model's payload has [0-9]+ unexpected bytes at offset [0-9]+, after the last field of format version 2\\. " +
            "Its length and CRC-32 check out, so the version in its header \\(offset 4\\) is damaged, or its writer was faulty\\.$", e.Message);
    }
}
